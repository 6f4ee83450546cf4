"""OpenDataFrance's "Observatoire open data des territoires": one open-data tool per public body.

Each row is a body that publishes open data, with its SIREN, its type, a point, and the address of its
publication space on a portal (`url-ptf`, with the portal's software) and/or of its organisation page on
data.gouv.fr (`url-datagouv`). A body gets one tool: its portal when it has one, otherwise its
data.gouv.fr page. Most portals harvest into data.gouv.fr, so a second tool for the data.gouv.fr page
would count the same publication twice.

Bodies that are not territorial collectivities are imported with the kind "autre" (a park: "pnr"),
attached to their département and région and placed at the source's point, except private or State
bodies: delegates of a public service (DSPT: transport companies, car parks) and State services (SDE),
which are listed as skipped.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from urllib.parse import urlsplit

from django.utils.translation import gettext_noop

from tools_registry.choices import CollectivityKind, ToolFamily
from tools_registry.imports.base import (
    Body,
    SourceFormat,
    SourceRow,
    SourceSpec,
    of,
    read_csv,
    read_point,
    valid_siren,
)
from tools_registry.imports.report import ImportReport
from tools_registry.licences import ODBL
from tools_registry.models import LifeStatus, TerritoryKind
from tools_registry.provenance import ImportFormat
from tools_registry.text import normalize

COLUMNS = ["siren", "nom", "type", "regcode", "url-ptf", "nb-ptf", "url-datagouv", "nb-datagouv", "pop-insee"]
COLUMNS += ["lat", "long", "Département", "ptf", "Techno (from Plateformes)", "Thèmatiques", "TimeStamp"]

# type → (kind of collectivity, kind of official territory to match)
TYPES: dict[str, tuple[str, str]] = {
    "COM": (CollectivityKind.COMMUNE, TerritoryKind.COMMUNE),
    "CA": (CollectivityKind.INTERCOMMUNALITE, TerritoryKind.EPCI),
    "CC": (CollectivityKind.INTERCOMMUNALITE, TerritoryKind.EPCI),
    "CU": (CollectivityKind.INTERCOMMUNALITE, TerritoryKind.EPCI),
    "EPT": (CollectivityKind.INTERCOMMUNALITE, TerritoryKind.EPCI),
    "MET": (CollectivityKind.METROPOLE, TerritoryKind.EPCI),
    "DEP": (CollectivityKind.DEPARTEMENT, TerritoryKind.DEPARTEMENT),
    "REG": (CollectivityKind.REGION, TerritoryKind.REGION),
    "AGCT": (CollectivityKind.AUTRE, ""),
    "OACT": (CollectivityKind.AUTRE, ""),
    "OAGT": (CollectivityKind.AUTRE, ""),
}
SKIPPED_TYPES = {
    "DSPT": gettext_noop(
        "délégataire de service public (entreprise ou opérateur) : hors du registre des collectivités"
    ),
    "SDE": gettext_noop("service de l'État : hors du registre des collectivités"),
}
# Overseas collectivities written with letters in `regcode`, and their code in the territory reference.
REGION_LETTERS = {"NC": "988", "PF": "987"}
DATAGOUV = "datagouv"
# Software names as the observatoire writes them (normalised) → the registry's name, and whether it is free
# software when that is certain (None: not said).
SOFTWARE: dict[str, tuple[str, bool | None]] = {
    "opendatasoft": ("OpenDataSoft", False),
    "ckan": ("CKAN", True),
    "arcgis": ("ArcGIS", False),
    "geonetwork": ("GeoNetwork", True),
    "mgdis open data": ("MGDIS Open Data", None),
    "data4citizen": ("Data4Citizen", None),
    "typo3 in cite": ("TYPO3 In Cite", None),
    "isogeo": ("Isogéo", None),
    "opendatagazette": ("OpenDataGazette", None),
    "specifique": ("Développement spécifique", None),
    DATAGOUV: ("data.gouv.fr", True),
}

SOURCE = SourceSpec(
    code="odf-observatoire",
    name="Observatoire open data des territoires",
    publisher="OpenDataFrance",
    url="https://github.com/multi-coop/data-odf-observatoire",
    licence=ODBL.code,
    credit="Observatoire open data des territoires, OpenDataFrance",
    origin=(
        "Dépôt public multi-coop/data-odf-observatoire (commit 61bcb8f, 10 janvier 2023), fichier "
        "csv/ODF-Observatoire-organisations-221019.csv ; licence ODbL 1.0 selon les métadonnées du jeu de "
        "données (champ LICENCE)."
    ),
)


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _timestamp(text: str) -> date | None:
    """`TimeStamp` is day/month/year followed by a time (« 15/12/2021 11:57am »)."""
    try:
        return datetime.strptime(text.split()[0], "%d/%m/%Y").date() if text else None
    except ValueError:
        return None


def _software(techno: str) -> tuple[str, bool | None]:
    """The portal's software: the first one named that is not data.gouv.fr ("" when none is)."""
    for name in techno.split(","):
        key = normalize(name)
        if key and key != DATAGOUV:
            return SOFTWARE.get(key, (name.strip(), None))
    return "", None


def _count(count: int | None, on: date | None) -> str:
    if not count:
        return ""
    datasets = "1 jeu de données" if count == 1 else f"{count} jeux de données"
    return f" ({datasets} au {on:%d/%m/%Y})" if on else f" ({datasets})"


class OdfObservatoire(SourceFormat):
    code = ImportFormat.ODF_OBSERVATOIRE
    source = SOURCE

    def rows(self, content: bytes, report: ImportReport) -> Iterator[SourceRow]:
        rows = list(read_csv(content, COLUMNS, report))
        # A portal shared by several bodies names each body's tool after the body too.
        bodies_per_portal = Counter(self._portal(row) for _line, row in rows if row["url-ptf"])
        for line, row in rows:
            source_row = self._row(line, row, bodies_per_portal, report)
            if source_row is not None:
                yield source_row

    @staticmethod
    def _portal(row: dict[str, str]) -> str:
        name = row["ptf"].split(",")[0].strip()
        if not name or normalize(name) == DATAGOUV:
            # The observatoire linked this address to no portal of its own list: named after its host.
            return urlsplit(row["url-ptf"]).netloc.removeprefix("www.")
        return name

    def _row(
        self, line: int, row: dict[str, str], bodies_per_portal: Counter, report: ImportReport
    ) -> SourceRow | None:
        siren, kind_code, name = row["siren"], row["type"].upper(), row["nom"]
        outcome = report.row(line, siren, name)
        if kind_code in SKIPPED_TYPES:
            outcome.skip(SKIPPED_TYPES[kind_code], attention=False)
            return None
        if kind_code not in TYPES:
            outcome.skip(
                gettext_noop("type « %(type)s » inconnu (attendus : %(known)s)"),
                type=kind_code,
                known=", ".join([*TYPES, *SKIPPED_TYPES]),
            )
            return None
        if not valid_siren(siren):
            outcome.skip(
                gettext_noop(
                    "SIREN « %(siren)s » invalide : 9 chiffres et une clé de contrôle juste attendus"
                ),
                siren=siren,
            )
            return None
        if not name:
            outcome.skip(gettext_noop("nom manquant"))
            return None
        if not row["url-ptf"] and not row["url-datagouv"]:
            outcome.skip(gettext_noop("ni adresse de portail (url-ptf) ni page data.gouv.fr (url-datagouv)"))
            return None
        latitude, longitude = read_point(row["lat"], row["long"], outcome)
        kind, territory_kind = TYPES[kind_code]
        if kind == CollectivityKind.AUTRE and normalize(name).startswith(("pnr ", "parc naturel regional")):
            kind = CollectivityKind.PNR
        region = row["regcode"].rpartition("-")[2]
        region = REGION_LETTERS.get(region, region)
        departement = row["Département"].split(",")[0].strip()
        body = Body(
            name=name,
            kind=kind,
            siren=siren,
            territory_kind=territory_kind,
            territory_code={TerritoryKind.DEPARTEMENT: departement, TerritoryKind.REGION: region}.get(
                territory_kind, ""
            ),
            departement=departement,
            region=region,
            latitude=latitude,
            longitude=longitude,
            population=_number(row["pop-insee"]),
        )
        on = _timestamp(row["TimeStamp"])
        themes = ", ".join(theme.strip() for theme in row["Thèmatiques"].split(",") if theme.strip())

        def tool(body_name: str) -> dict[str, object]:
            if row["url-ptf"]:
                portal = self._portal(row)
                software, open_source = _software(row["Techno (from Plateformes)"])
                shared = bodies_per_portal[portal] > 1
                description = f"Données ouvertes {of(body_name)} publiées sur {portal}"
                description += _count(_number(row["nb-ptf"]), on) + "."
                values = {
                    "name": f"{portal} — {body_name}" if shared else portal,
                    "url": row["url-ptf"],
                    "software": software,
                    "is_open_source": open_source,
                }
            else:
                software, open_source = SOFTWARE[DATAGOUV]
                description = f"Organisation {of(body_name)} sur data.gouv.fr, "
                description += "la plateforme nationale des données publiques"
                description += _count(_number(row["nb-datagouv"]), on) + "."
                values = {
                    "name": f"{body_name} sur data.gouv.fr",
                    "url": row["url-datagouv"],
                    "software": software,
                    "is_open_source": open_source,
                }
            if themes:
                description += f" Thèmes : {themes}."
            return {
                **values,
                "family": ToolFamily.OPEN_DATA,
                "family_other": "",
                "description": description,
                "life_status": LifeStatus.ACTIVE,
            }

        if row["url-ptf"] and not _software(row["Techno (from Plateformes)"])[0]:
            outcome.warn(gettext_noop("logiciel du portail non précisé par la source"))
        return SourceRow(report=outcome, record_id=siren, body=body, tool=tool, source_date=on)
