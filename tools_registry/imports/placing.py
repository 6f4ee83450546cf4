"""The importer's first stage: each row's territory (by code, SIREN or name), and what the registry
already holds of the rows' collectivities and tools, read up front."""

from django.db.models import Q
from django.utils.translation import gettext_noop

from tools_registry.imports.base import Body, SourceRow
from tools_registry.imports.matching import Match, Tier
from tools_registry.imports.report import RowReport
from tools_registry.models import Collectivity, Territory, Tool
from tools_registry.provenance import SourceRecord
from tools_registry.text import url_key


class Placing:
    """Where each row belongs, for `SourceImport` (tools_registry.imports.pipeline)."""

    def _match(self, body: Body) -> Match:
        index = self.index
        if body.near_names:
            found = index.by_name_near(body.near_names, body.near_kinds, body.latitude, body.longitude)
            return found or Match(None, Tier.NONE)
        if not body.territory_kind:
            return Match(None, Tier.BODY)
        if body.territory_code:
            found = index.by_official_code(body.territory_kind, body.territory_code)
        else:
            found = index.by_siren_of(body.siren, body.territory_kind)
        if found is None and body.departement:
            found = index.by_name_in_departement(body.name, body.territory_kind, body.departement)
        return found or Match(None, Tier.NONE)

    def _read_existing(self, rows: list[SourceRow], matches: list[Match]) -> None:
        records = self.records.values()
        places = {match.place.pk for match in matches if match.place}
        self.territories = Territory.objects.in_bulk(places)
        wanted = (
            Q(pk__in={record.collectivity_id for record in records if record.collectivity_id})
            | Q(territory_id__in=places)
            | Q(siren__in={row.body.siren for row in rows if row.body.siren})
        )
        collectivities = list(Collectivity.objects.filter(wanted))
        self.collectivities = {c.pk: c for c in collectivities}
        self.by_siren = {c.siren: c for c in collectivities if c.siren}
        self.by_territory = {c.territory_id: c for c in collectivities if c.territory_id}
        tools = Tool.objects.filter(
            Q(pk__in={record.tool_id for record in records if record.tool_id})
            | Q(collectivity_id__in=self.collectivities)
        ).defer("search_vector")
        self.tools = {tool.pk: tool for tool in tools}
        self.tools_by_key = {
            (tool.collectivity_id, url_key(tool.url)): tool for tool in self.tools.values() if tool.url
        }

    def _unless_taken(self, row: SourceRow, match: Match, record: SourceRecord | None) -> Match:
        """No territory for a body when another body, with another SIREN, already holds it (a province of an
        overseas collectivity, matched to the collectivity's territory): the body is kept apart."""
        body, place = row.body, match.place
        holder = self.by_territory.get(place.pk) if place is not None else None
        if holder is None:
            return match
        own = self.collectivities.get(record.collectivity_id) if record and record.collectivity_id else None
        if own is None and body.siren:
            own = self.by_siren.get(body.siren)
        if own is holder or (
            own is None and (not body.siren or not holder.siren or holder.siren == body.siren)
        ):
            return match
        row.report.warn(
            gettext_noop("le territoire %(name)s est déjà celui de %(other)s (SIREN %(siren)s)"),
            name=place.name,
            other=holder.name,
            siren=holder.siren,
        )
        return Match(None, Tier.NONE)

    def _explain_match(self, outcome: RowReport, body: Body, match: Match) -> None:
        if match.tier == Tier.NAME and match.near:
            outcome.note(
                gettext_noop("trouvée par le nom près du point de la source : %(name)s (%(code)s)"),
                name=match.place.name,
                code=match.place.code,
            )
        elif match.tier == Tier.NAME:
            outcome.warn(
                gettext_noop("rattachée par le nom à %(name)s (%(code)s) : à vérifier"),
                name=match.place.name,
                code=match.place.code,
            )
        elif match.tier == Tier.NONE:
            outcome.warn(
                gettext_noop(
                    "absente du référentiel des territoires (SIREN %(siren)s) : "
                    "créée sans territoire, à rattacher"
                ),
                siren=body.siren,
            )
        if match.note:
            outcome.warn(match.note[0], **match.note[1])
        unlocated = match.place.latitude is None if match.place is not None else body.latitude is None
        if unlocated:
            outcome.warn(gettext_noop("sans position : n'apparaîtra pas sur la carte"))
