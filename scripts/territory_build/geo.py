"""Distances and nearest-neighbour look-ups over points of France."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

EARTH_RADIUS_KM = 6371.0
GRID_DEGREES = 0.25
KM_PER_DEGREE = 111.2


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class Grid:
    """Bucketed points (latitude, longitude, code, group) for nearest-neighbour look-ups."""

    def __init__(self, points: Iterable[tuple[float, float, str, str]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, str, str]]] = defaultdict(list)
        for point in points:
            self.cells[self._cell(point[0], point[1])].append(point)

    @staticmethod
    def _cell(latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / GRID_DEGREES), math.floor(longitude / GRID_DEGREES)

    def nearest(self, latitude: float, longitude: float, count: int, exclude: str) -> list[str]:
        """Groups (départements, EPCI…) of the `count` nearest points, `exclude` code left out."""
        row, col = self._cell(latitude, longitude)
        scale = math.cos(math.radians(latitude))
        found: list[tuple[float, str]] = []
        for radius in range(0, 40):
            for r in range(row - radius, row + radius + 1):
                for c in range(col - radius, col + radius + 1):
                    if max(abs(r - row), abs(c - col)) != radius:
                        continue
                    for lat, lon, code, group in self.cells.get((r, c), ()):
                        if code != exclude:
                            distance = (lat - latitude) ** 2 + ((lon - longitude) * scale) ** 2
                            found.append((distance, group))
            # Cells within `radius` rings cover every point closer than this.
            if len(found) >= count and sorted(found)[count - 1][0] <= (radius * GRID_DEGREES * scale) ** 2:
                break
        return [group for _, group in sorted(found)[:count]]

    def near(self, latitude: float, longitude: float, group: str, exclude: str, km: float) -> bool:
        """Whether a point of `group` lies within `km`."""
        row, col = self._cell(latitude, longitude)
        scale = math.cos(math.radians(latitude))
        limit = (km / KM_PER_DEGREE) ** 2
        reach = math.ceil(km / KM_PER_DEGREE / GRID_DEGREES / scale)
        for r in range(row - reach, row + reach + 1):
            for c in range(col - reach, col + reach + 1):
                for lat, lon, code, other in self.cells.get((r, c), ()):
                    if other == group and code != exclude:
                        if (lat - latitude) ** 2 + ((lon - longitude) * scale) ** 2 <= limit:
                            return True
        return False
