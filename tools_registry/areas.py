"""Where in the world the registry places tools: the areas of France that its maps frame.

One rule for "on the map": a tool is placed when its collectivity's point lies in one of these areas
(`ToolQuerySet.located`, `Collectivity.is_located`). A point elsewhere is as good as none: it is a
source's error (the Observatoire open data des territoires gives the SMTC du Grand Nouméa a longitude of
-166.44 instead of 166.44, in the Pacific east of the date line), which no area button of the map
would frame, and which the map's counts would disagree on.
"""

import functools
import operator

from django.db.models import Q
from django.utils.translation import gettext_lazy

# As (south-west, north-east) corners: metropolitan France, where the map opens, then each overseas
# département and collectivity, which a map of France cannot show at the same time. The map offers a
# button for each area that has tools. The territory reference puts the Terres australes et
# antarctiques françaises at Port-aux-Français, in the Kerguelen.
AREAS = [
    (gettext_lazy("France métropolitaine"), ((41.2, -5.5), (51.3, 9.8))),
    (gettext_lazy("Guadeloupe"), ((15.8, -61.85), (16.55, -60.95))),
    (gettext_lazy("Martinique"), ((14.35, -61.25), (14.9, -60.8))),
    (gettext_lazy("Guyane"), ((2.1, -54.6), (5.8, -51.6))),
    (gettext_lazy("La Réunion"), ((-21.4, 55.2), (-20.85, 55.85))),
    (gettext_lazy("Mayotte"), ((-13.05, 44.95), (-12.6, 45.35))),
    (gettext_lazy("Saint-Pierre-et-Miquelon"), ((46.7, -56.45), (47.15, -56.1))),
    (gettext_lazy("Saint-Barthélemy"), ((17.86, -62.96), (17.98, -62.78))),
    (gettext_lazy("Saint-Martin"), ((18.03, -63.16), (18.13, -62.96))),
    (gettext_lazy("Wallis-et-Futuna"), ((-14.4, -178.25), (-13.15, -176.1))),
    (gettext_lazy("Polynésie française"), ((-28.0, -154.8), (-7.8, -134.4))),
    (gettext_lazy("Nouvelle-Calédonie"), ((-22.9, 163.5), (-19.5, 168.2))),
    (gettext_lazy("Terres australes et antarctiques françaises"), ((-50.1, 68.3), (-48.3, 70.7))),
]


def in_an_area(prefix: str = "") -> Q:
    """The rows whose `<prefix>latitude` and `<prefix>longitude` lie in one of the areas."""
    return functools.reduce(
        operator.or_,
        (
            Q(**{f"{prefix}latitude__range": (south, north), f"{prefix}longitude__range": (west, east)})
            for _label, ((south, west), (north, east)) in AREAS
        ),
    )


def point_in_an_area(latitude: float | None, longitude: float | None) -> bool:
    if latitude is None or longitude is None:
        return False
    return any(
        south <= latitude <= north and west <= longitude <= east
        for _label, ((south, west), (north, east)) in AREAS
    )
