"""The territories the sample files name, as the reference has them, and a way to import a sample."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.factories import TerritoryFactory
from tools_registry.imports import import_file
from tools_registry.imports.report import ImportReport
from tools_registry.models import Territory, TerritoryKind
from tools_registry.provenance import ImportRun

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"
ODF_SAMPLE = DATA / "odf-observatoire-sample.csv"
DECIDIM_SAMPLE = DATA / "decidim-installations-sample.csv"

REGIONS = {
    "11": ("Île-de-France", 48.85, 2.35),
    "27": ("Bourgogne-Franche-Comté", 47.32, 5.04),
    "28": ("Normandie", 49.18, -0.37),
    "32": ("Hauts-de-France", 50.63, 3.06),
    "52": ("Pays de la Loire", 47.22, -1.55),
    "53": ("Bretagne", 48.11, -1.68),
    "75": ("Nouvelle-Aquitaine", 44.84, -0.58),
}
DEPARTEMENTS = {
    "14": ("Calvados", "28", 49.19, -0.36),
    "33": ("Gironde", "75", 44.84, -0.58),
    "35": ("Ille-et-Vilaine", "53", 48.11, -1.67),
    "40": ("Landes", "75", 43.89, -0.50),
    "47": ("Lot-et-Garonne", "75", 44.20, 0.62),
    "53": ("Mayenne", "52", 48.07, -0.77),
    "58": ("Nièvre", "27", 46.99, 3.16),
    "59": ("Nord", "32", 50.63, 3.06),
    "60": ("Oise", "32", 49.43, 2.08),
    "78": ("Yvelines", "11", 48.80, 2.13),
    "94": ("Val-de-Marne", "11", 48.79, 2.47),
}
# code: name, SIREN ("" when the reference does not know it), département, point
COMMUNES = {
    "35001": ("Acigné", "213500010", "35", 48.1339, -1.5366),
    "35238": ("Rennes", "213502388", "35", 48.1114, -1.6800),
    "47001": ("Agen", "214700015", "47", 44.2033, 0.6163),
    "78551": ("Saint-Germain-en-Laye", "", "78", 48.8989, 2.0938),
    "94003": ("Arcueil", "219400033", "94", 48.8058, 2.3364),
    "33063": ("Bordeaux", "213300635", "33", 44.8378, -0.5792),
    "60156": ("Clairoix", "216001560", "60", 49.4431, 2.8478),
    "53147": ("Mayenne", "215301475", "53", 48.3031, -0.6136),
    "40296": ("Seignosse", "214002960", "40", 43.6900, -1.3700),
    "59512": ("Roubaix", "215905126", "59", 50.6901, 3.1817),
}


@pytest.fixture
def reference(db) -> dict[tuple[str, str], Territory]:
    territories = {}
    for code, (name, lat, lon) in REGIONS.items():
        territories[("region", code)] = TerritoryFactory(
            kind=TerritoryKind.REGION, code=code, name=name, latitude=lat, longitude=lon, population=3000000
        )
    for code, (name, region, lat, lon) in DEPARTEMENTS.items():
        territories[("departement", code)] = TerritoryFactory(
            kind=TerritoryKind.DEPARTEMENT,
            code=code,
            name=name,
            region=territories[("region", region)],
            latitude=lat,
            longitude=lon,
            population=500000,
        )
    saint_malo = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="243500782",
        siren="243500782",
        name="CA du Pays de Saint-Malo Agglomération",
        departement=territories[("departement", "35")],
        region=territories[("region", "53")],
        latitude=48.65,
        longitude=-2.01,
        population=84000,
    )
    territories[("epci", "243500782")] = saint_malo
    for code, (name, siren, departement, lat, lon) in COMMUNES.items():
        parent = territories[("departement", departement)]
        territories[("commune", code)] = TerritoryFactory(
            kind=TerritoryKind.COMMUNE,
            code=code,
            siren=siren,
            name=name,
            departement=parent,
            region=parent.region,
            latitude=lat,
            longitude=lon,
        )
    return territories


ImportSample = Callable[..., tuple[ImportRun, ImportReport]]


@pytest.fixture
def import_sample(reference) -> ImportSample:
    """Import a sample file (or other content) as `import_tools` does."""

    def run(
        format: str = "odf-observatoire",
        path: Path = ODF_SAMPLE,
        *,
        content: bytes | None = None,
        dry_run: bool = False,
    ) -> tuple[ImportRun, ImportReport | None]:
        data = path.read_bytes() if content is None else content
        return import_file(format=format, content=data, file_name=path.name, dry_run=dry_run)

    return run


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)
