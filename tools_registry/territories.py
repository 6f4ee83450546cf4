"""Loading the territory reference (tools_registry/data/territories.csv.gz) into the database."""

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q

from tools_registry.cache import bump_registry_version
from tools_registry.models import FormerCode, Territory, TerritoryKind
from tools_registry.text import normalize

DATA_FILE = Path(__file__).resolve().parent / "data" / "territories.csv.gz"
# Parents before children, so that foreign keys can be resolved level by level.
LOAD_ORDER = [TerritoryKind.REGION, TerritoryKind.DEPARTEMENT, TerritoryKind.EPCI, TerritoryKind.COMMUNE]
UPDATED_FIELDS = [
    "siren",
    "name",
    "search_name",
    "population",
    "departement",
    "region",
    "epci",
    "postcodes",
    "latitude",
    "longitude",
    "location_source",
]
LARGE_COMMUNE = 3500


@dataclass
class KindCoverage:
    total: int
    located: int

    @property
    def percent(self) -> float:
        return 100.0 * self.located / self.total if self.total else 100.0


@dataclass
class LoadReport:
    rows: int = 0
    former_codes: int = 0
    coverage: dict[str, KindCoverage] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [f"{self.rows} territoires chargés, {self.former_codes} anciens codes de communes."]
        for key, cov in self.coverage.items():
            lines.append(f"  {key} : {cov.located}/{cov.total} localisés ({cov.percent:.2f} %)")
        return lines


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


def _float_or_none(value: str) -> float | None:
    return float(value) if value else None


@transaction.atomic
def load_territories(path: Path = DATA_FILE, batch_size: int = 2000) -> LoadReport:
    """Insert or update every territory of the file; running it twice changes nothing."""
    rows_by_kind: dict[str, list[dict[str, str]]] = {kind: [] for kind in LOAD_ORDER}
    for row in read_rows(path):
        rows_by_kind[row["kind"]].append(row)

    report = LoadReport()
    pks: dict[str, dict[str, int]] = {}
    for kind in LOAD_ORDER:
        objects = [
            Territory(
                kind=kind,
                code=row["code"],
                siren=row["siren"],
                name=row["name"],
                search_name=normalize(row["name"]),
                population=_int_or_none(row["population"]),
                departement_id=pks.get(TerritoryKind.DEPARTEMENT, {}).get(row["departement"]),
                region_id=pks.get(TerritoryKind.REGION, {}).get(row["region"]),
                epci_id=pks.get(TerritoryKind.EPCI, {}).get(row["epci"]),
                postcodes=row["postcodes"],
                latitude=_float_or_none(row["latitude"]),
                longitude=_float_or_none(row["longitude"]),
                location_source=row["location_source"],
            )
            for row in rows_by_kind[kind]
        ]
        Territory.objects.bulk_create(
            objects,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["kind", "code"],
            update_fields=UPDATED_FIELDS,
        )
        pks[kind] = dict(Territory.objects.filter(kind=kind).values_list("code", "pk"))
        report.rows += len(objects)

    report.former_codes = _load_former_codes(rows_by_kind[TerritoryKind.COMMUNE], pks[TerritoryKind.COMMUNE])
    report.coverage = coverage()
    # Names, populations and places of the territories show in the cached views (coverage, peers, the
    # filter panel's regions): they are built again now, not when they expire.
    bump_registry_version()
    return report


def _load_former_codes(commune_rows: list[dict[str, str]], commune_pks: dict[str, int]) -> int:
    wanted: dict[tuple[int, str], str] = {}
    for row in commune_rows:
        for pair in filter(None, row["former_codes"].split("|")):
            code, _, name = pair.partition(":")
            wanted[(commune_pks[row["code"]], code)] = name
    existing = {
        (territory_id, code): (pk, name)
        for pk, territory_id, code, name in FormerCode.objects.values_list(
            "pk", "territory_id", "code", "name"
        )
    }
    stale = [pk for key, (pk, _) in existing.items() if key not in wanted]
    FormerCode.objects.filter(pk__in=stale).delete()
    FormerCode.objects.bulk_create(
        [
            FormerCode(territory_id=territory_id, code=code, name=name)
            for (territory_id, code), name in wanted.items()
            if existing.get((territory_id, code), (None, None))[1] != name
        ],
        update_conflicts=True,
        unique_fields=["territory", "code"],
        update_fields=["name"],
    )
    return len(wanted)


def coverage() -> dict[str, KindCoverage]:
    """How many territories of each kind have a location, in one query."""
    located = Q(latitude__isnull=False, longitude__isnull=False)
    large = Q(kind=TerritoryKind.COMMUNE, population__gte=LARGE_COMMUNE)
    totals = Territory.objects.aggregate(
        **{f"{kind}_total": Count("pk", filter=Q(kind=kind)) for kind in LOAD_ORDER},
        **{f"{kind}_located": Count("pk", filter=Q(kind=kind) & located) for kind in LOAD_ORDER},
        large_total=Count("pk", filter=large),
        large_located=Count("pk", filter=large & located),
    )
    result = {
        str(kind.label): KindCoverage(totals[f"{kind}_total"], totals[f"{kind}_located"])
        for kind in LOAD_ORDER
    }
    result[f"Communes de {LARGE_COMMUNE} habitants ou plus"] = KindCoverage(
        totals["large_total"], totals["large_located"]
    )
    return result
