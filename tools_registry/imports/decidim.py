"""The Decidim project's list of installations on French domains: one participation platform per row.

The list names each installation's owner (title), its address, a type (city, region, org) and a point,
but no official code: cities and regions are found in the territory reference by name, near the point.
Organisations (companies, associations, parties, national institutions) are not local authorities:
they are listed as skipped. An installation that survives only as an archive.org copy is imported as
ended, its original address taken from the archived one.

Decidim does several things at once (proposals, debates, votes, participatory budgets, surveys): it is
filed under "autre" as a "Plateforme de participation citoyenne", or under "budget_participatif" when its
address says it is dedicated to a participatory budget.
"""

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

from django.utils.translation import gettext_noop

from tools_registry.choices import ToolFamily
from tools_registry.imports.base import Body, SourceFormat, SourceRow, SourceSpec, of, read_csv, read_point
from tools_registry.imports.report import ImportReport
from tools_registry.licences import SITE_LICENCE
from tools_registry.models import LifeStatus, TerritoryKind
from tools_registry.provenance import ImportFormat
from tools_registry.text import normalize

COLUMNS = ["title", "url", "type", "latitude", "longitude", "source_file"]
PARTICIPATION = "Plateforme de participation citoyenne"
ARCHIVED = re.compile(r"^https?://web\.archive\.org/web/(?P<stamp>\d{8})\d*/(?P<original>https?://.+)$")
# Words before the place's name that say which kind of territory it is.
PREFIXES: list[tuple[str, list[str]]] = [
    ("departement de ", [TerritoryKind.DEPARTEMENT]),
    ("departement du ", [TerritoryKind.DEPARTEMENT]),
    ("departement d ", [TerritoryKind.DEPARTEMENT]),
    ("region ", [TerritoryKind.REGION]),
    ("ville de ", [TerritoryKind.COMMUNE]),
    ("ville d ", [TerritoryKind.COMMUNE]),
    ("ville ", [TerritoryKind.COMMUNE]),
    ("mairie de ", [TerritoryKind.COMMUNE]),
    ("mairie d ", [TerritoryKind.COMMUNE]),
]
KINDS_BY_TYPE = {
    "city": [TerritoryKind.COMMUNE, TerritoryKind.DEPARTEMENT, TerritoryKind.EPCI, TerritoryKind.REGION],
    "region": [TerritoryKind.DEPARTEMENT, TerritoryKind.REGION, TerritoryKind.EPCI, TerritoryKind.COMMUNE],
}

SOURCE = SourceSpec(
    code="decidim-installations",
    name="Liste des installations de Decidim",
    publisher="Decidim (decidim.org)",
    url="https://github.com/decidim/decidim.org",
    licence=SITE_LICENCE.code,
    credit="decidim.org, liste des installations",
    origin=(
        "Dépôt public decidim/decidim.org (commit 115e36b, 23 juillet 2026), fichiers "
        "data/installations/*.yml, "
        "domaines français seulement. Le dépôt est sous AGPL-3.0 ; les entrées reprises (nom, adresse, lieu) "
        "sont des faits, republiés ici sous la licence du site avec cette mention."
    ),
)


def _place(title: str) -> tuple[str, list[str] | None]:
    """The place's name in a title (« Ville de Bouscat » → « bouscat ») and the kinds its prefix implies."""
    name = normalize(title)
    for prefix, kinds in PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix), kinds
    return name, None


class DecidimInstallations(SourceFormat):
    code = ImportFormat.DECIDIM_INSTALLATIONS
    source = SOURCE

    def rows(self, content: bytes, report: ImportReport) -> Iterator[SourceRow]:
        for line, row in read_csv(content, COLUMNS, report):
            source_row = self._row(line, row, report)
            if source_row is not None:
                yield source_row

    def _row(self, line: int, row: dict[str, str], report: ImportReport) -> SourceRow | None:
        title, kind = row["title"], row["type"].lower()
        outcome = report.row(line, row["source_file"], title)
        if not row["source_file"]:
            outcome.skip(gettext_noop("identifiant (source_file) manquant"))
            return None
        if kind == "org":
            outcome.skip(
                gettext_noop(
                    "organisation (entreprise, association, institution nationale…) : "
                    "hors du registre des collectivités"
                ),
                attention=False,
            )
            return None
        if kind not in KINDS_BY_TYPE:
            outcome.skip(
                gettext_noop("type « %(type)s » inconnu (attendus : city, region, org)"), type=row["type"]
            )
            return None
        if not title:
            outcome.skip(gettext_noop("nom manquant"))
            return None
        address = row["url"]
        archived = ARCHIVED.match(address)
        original = archived["original"] if archived else address
        if urlsplit(original).scheme not in {"http", "https"} or not urlsplit(original).netloc:
            outcome.skip(gettext_noop("adresse « %(url)s » invalide"), url=address)
            return None
        latitude, longitude = read_point(row["latitude"], row["longitude"], outcome)
        if latitude is None:
            outcome.note(gettext_noop("pas de position : recherche par le nom seul"))
        place, kinds = _place(title)
        body = Body(
            name=title,
            kind="",
            latitude=latitude,
            longitude=longitude,
            near_names=[place],
            near_kinds=kinds or KINDS_BY_TYPE[kind],
        )
        archived_on = None
        if archived:
            stamp = archived["stamp"]
            archived_on = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))

        def tool(body_name: str) -> dict[str, object]:
            budget = "budget" in original.lower()
            description = f"Plateforme de participation citoyenne Decidim {of(body_name)}."
            if archived_on:
                description += f" Elle n'est plus en ligne ; une copie archivée du {archived_on:%d/%m/%Y} "
                description += "reste consultable."
            return {
                "name": urlsplit(original).netloc.lower().removeprefix("www."),
                "url": original,
                "family": ToolFamily.BUDGET_PARTICIPATIF if budget else ToolFamily.AUTRE,
                "family_other": "" if budget else PARTICIPATION,
                "software": "Decidim",
                "is_open_source": True,
                "description": description,
                "life_status": LifeStatus.ENDED if archived else LifeStatus.ACTIVE,
                "archived_url": address if archived else "",
            }

        return SourceRow(report=outcome, record_id=row["source_file"], body=body, tool=tool)
