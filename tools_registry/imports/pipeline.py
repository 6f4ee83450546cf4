"""Importing a public source's rows: match each body, create or update its collectivity and its tool, keep
what the source said, and flag what it no longer lists.

The rule that keeps staff corrections: a field is updated only while its current value is still what the
source said last time. A field staff changed since keeps their value; when the source now says something
else again, that is a conflict, kept and reported, and a field the source derives from that one
(`SourceFormat.derived`: whether a tool is free software, from its software) is kept with it. The first
time a source meets a tool it did not create, it fills only the empty fields. Nothing is ever deleted: a
record the file no longer lists is flagged, unless some rows of the file could not be read (a stray
quote): they may hide others, so that run flags nothing.

A row is validated whole before anything of it is written, and its updates are written inside a
savepoint: a row that fails is skipped with its message, nothing of it half-imported. New collectivities
and tools are created in bulk at the end, with their history. The territory reference, the source's
records and the collectivities and tools they touch are read up front: the number of queries does not
grow with the number of unchanged or new rows.
"""

from datetime import date, datetime
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from tools_registry.cache import bump_registry_version
from tools_registry.history import current_actor
from tools_registry.imports.base import Body, SourceFormat, SourceRow
from tools_registry.imports.matching import Match, TerritoryIndex, Tier
from tools_registry.imports.report import Conflict, ImportReport, Message, Missing, Outcome, RowReport
from tools_registry.models import (
    Collectivity,
    Territory,
    TerritoryKind,
    Tool,
    ToolSource,
    ToolStatus,
    refresh_stored_fields,
)
from tools_registry.provenance import DataSource, ImportRun, SourceRecord
from tools_registry.services import KIND_OF_TERRITORY
from tools_registry.text import url_key

EMPTY = (None, "", [])
SLUG_QUERY_CHUNK = 200


class Skip(Exception):
    """The row cannot be imported; whatever it wrote is rolled back."""

    def __init__(self, text: str, *, attention: bool = True, **params: object) -> None:
        super().__init__(text)
        self.message: Message = (text, params)
        self.attention = attention


def validate(instance: models.Model) -> None:
    """Field validation without a query per foreign key or constraint (the database enforces those)."""
    relations = [f.name for f in instance._meta.fields if f.is_relation] + ["slug"]
    instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def last_change(instance: models.Model, field: str) -> tuple[str, datetime | None]:
    """Who (user or channel) last changed `field` of `instance`, and when, according to its edit history."""
    history = instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(history[:50])
    for newer, older in pairwise(records):
        if getattr(newer, field) != getattr(older, field):
            who = newer.history_user.get_username() if newer.history_user else newer.history_via
            return who, newer.history_date
    return "", None


def assign_slugs(model: type[models.Model], instances: list[models.Model]) -> None:
    """Give each new instance a slug from its name, unused by the table and by the others (few queries)."""
    # « participez.clairoix.fr » gives « participez-clairoix-fr », not « participezclairoixfr ».
    bases = [(slugify(instance.name.replace(".", " ")) or "element")[:200] for instance in instances]
    taken: set[str] = set()
    distinct = sorted(set(bases))
    for start in range(0, len(distinct), SLUG_QUERY_CHUNK):
        prefixes = Q()
        for base in distinct[start : start + SLUG_QUERY_CHUNK]:
            prefixes |= Q(slug__startswith=base)
        taken.update(model.objects.filter(prefixes).values_list("slug", flat=True))
    for instance, base in zip(instances, bases, strict=True):
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        instance.slug = slug


def _key(collectivity: Collectivity) -> int:
    """A collectivity's identity within a run, saved or not yet."""
    return collectivity.pk or -id(collectivity)


class SourceImport:
    """One run of a public source's file through the registry (see the module's docstring)."""

    def __init__(
        self, fmt: SourceFormat, *, run: ImportRun, report: ImportReport, file_date: date | None
    ) -> None:
        self.fmt, self.run_row, self.report, self.file_date = fmt, run, report, file_date
        self.now = timezone.now()
        self.new_collectivities: dict[int, Collectivity] = {}
        self.new_tools: list[tuple[Tool, RowReport]] = []
        self.records_to_create: list[SourceRecord] = []
        self.records_to_update: list[SourceRecord] = []
        self.lines_by_record: dict[str, int] = {}
        self.lines_by_tool: dict[tuple[int, str], int] = {}

    def run(self, content: bytes) -> None:
        self.source = self._source()
        rows = list(self.fmt.rows(content, self.report))
        self.index = TerritoryIndex()
        self.records = {
            record.record_id: record for record in SourceRecord.objects.filter(source=self.source)
        }
        matches = [self._match(row.body) for row in rows]
        self._read_existing(rows, matches)
        for row, match in zip(rows, matches, strict=True):
            self._import_row(row, match)
        if self.report.unreadable_rows:
            # An unreadable record may have taken the next rows into one of its cells: their records are
            # absent from what was read, not from the file.
            self.report.file_messages.append(
                (
                    gettext_noop(
                        "Lignes illisibles : %(count)d. Elles ont pu absorber les lignes suivantes : "
                        "cet import ne signale aucune fiche comme plus listée par la source. Corrigez le "
                        "fichier et importez-le de nouveau."
                    ),
                    {"count": self.report.unreadable_rows},
                )
            )
        else:
            self._flag_missing()
        self._write()
        self._coverage()

    def _source(self) -> DataSource:
        spec = self.fmt.source
        source, _created = DataSource.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "publisher": spec.publisher,
                "url": spec.url,
                "licence": spec.licence,
                "credit": spec.credit,
                "origin": spec.origin,
            },
        )
        # Two imports of the same source run one after the other, never interleaved.
        return DataSource.objects.select_for_update().get(pk=source.pk)

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

    def _import_row(self, row: SourceRow, match: Match) -> None:
        outcome = row.report
        first = self.lines_by_record.get(row.record_id)
        if first is not None:
            outcome.skip(
                gettext_noop("même identifiant que la ligne %(line)d : ligne ignorée"),
                attention=False,
                line=first,
            )
            return
        self.lines_by_record[row.record_id] = outcome.line
        if match.place is None and row.body.near_names:
            outcome.skip(
                gettext_noop("aucun territoire de ce nom près du point de la source : à rattacher à la main")
            )
            return
        record = self.records.get(row.record_id)
        match = self._unless_taken(row, match, record)
        try:
            collectivity, collectivity_values, collectivity_changes = self._collectivity(row, match, record)
            tool, tool_values, tool_changes = self._tool(row, collectivity, record)
            self._save_changes(collectivity, collectivity_changes, tool, tool_changes)
        except Skip as skip:
            outcome.skip(skip.message[0], attention=skip.attention, **skip.message[1])
            return
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                outcome.skip(
                    gettext_noop("%(column)s : %(message)s"), column=field, message=" ".join(messages)
                )
            return
        outcome.tier = match.tier
        self._explain_match(outcome, row.body, match)
        self._remember(outcome, collectivity, tool)
        if tool is not None and tool.pk is None:
            outcome.outcome = Outcome.CREATED
        elif collectivity.pk is None or collectivity_changes or tool_changes:
            outcome.outcome = Outcome.UPDATED
        self._keep_record(
            row, record, collectivity, tool, {"tool": tool_values, "collectivity": collectivity_values}
        )

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

    def _collectivity_values(self, body: Body, match: Match) -> dict[str, object]:
        """What the source says of the collectivity: everything for a body outside the territory reference,
        only its SIREN for one found by code (the reference says the rest), nothing when found by name."""
        if match.place is not None:
            return {"siren": body.siren} if match.tier == Tier.CODE and body.siren else {}
        departement = self.index.by_code.get((TerritoryKind.DEPARTEMENT, body.departement))
        region = self.index.by_code.get((TerritoryKind.REGION, body.region))
        return {
            "name": body.name,
            "kind": body.kind,
            "siren": body.siren,
            "departement_id": departement.pk if departement else None,
            "region_id": region.pk if region else None,
            "latitude": body.latitude,
            "longitude": body.longitude,
            "population": body.population,
        }

    def _collectivity(
        self, row: SourceRow, match: Match, record: SourceRecord | None
    ) -> tuple[Collectivity, dict[str, object], dict[str, object]]:
        """The row's collectivity (a new one not saved yet), what the source says of it, and what changes."""
        body, place = row.body, match.place
        collectivity = None
        if record is not None and record.collectivity_id:
            collectivity = self.collectivities.get(record.collectivity_id)
        if collectivity is None and body.siren:
            collectivity = self.by_siren.get(body.siren)
        if collectivity is None and place is not None:
            collectivity = self.by_territory.get(place.pk)
        values = self._collectivity_values(body, match)
        if collectivity is None:
            if place is not None:
                territory = self.territories[place.pk]
                collectivity = Collectivity(
                    territory=territory,
                    name=place.name,
                    kind=body.kind or KIND_OF_TERRITORY[place.kind],
                    **values,
                )
                collectivity.fill_from_territory()
            else:
                collectivity = Collectivity(**values)
            validate(collectivity)
            return collectivity, values, {}
        changes = {}
        if collectivity.territory_id is None and place is not None and place.pk not in self.by_territory:
            changes["territory_id"] = place.pk
            row.report.note(
                gettext_noop("rattachée au territoire %(name)s (%(code)s)"), name=place.name, code=place.code
            )
        last = record.values.get("collectivity") if record is not None else None
        changes.update(self._changes(collectivity, values, last, row.report, collectivity.name))
        return collectivity, values, changes

    def _tool(
        self, row: SourceRow, collectivity: Collectivity, record: SourceRecord | None
    ) -> tuple[Tool | None, dict[str, object], dict[str, object]]:
        """The row's tool (a new one not saved yet; None when staff deleted it), its values and changes."""
        outcome = row.report
        values = row.tool(collectivity.name)
        last = record.values.get("tool") if record is not None else None
        if record is not None and record.tool_id is None and last:
            outcome.note(gettext_noop("outil supprimé par l'équipe : il n'est pas recréé"))
            return None, values, {}
        key = (_key(collectivity), url_key(str(values["url"])))
        first = self.lines_by_tool.get(key)
        if first is not None:
            raise Skip(
                gettext_noop("même outil (même collectivité, même adresse) que la ligne %(line)d"),
                attention=False,
                line=first,
            )
        tool = self.tools.get(record.tool_id) if record is not None and record.tool_id else None
        tool = tool or self.tools_by_key.get(key)
        if tool is None:
            tool = Tool(
                collectivity=collectivity, status=ToolStatus.PUBLISHED, source=ToolSource.IMPORT, **values
            )
            validate(tool)
            return tool, values, {}
        return tool, values, self._changes(tool, values, last, outcome, tool.name, derived=self.fmt.derived)

    def _changes(
        self,
        instance: models.Model,
        values: dict[str, object],
        last: dict | None,
        outcome: RowReport,
        label: str,
        *,
        derived: dict[str, str] | None = None,
    ) -> dict[str, object]:
        """The source's values to write under the rule of the module's docstring; conflicts are reported.

        A field `derived` from another (derived field → its origin) is not written when staff's value of
        its origin is kept: it stays with that value, and the origin's conflict says so."""
        changes, conflicts = {}, {}
        for field, new in values.items():
            current = getattr(instance, field)
            if current == new:
                continue
            if last is not None and field in last:
                update = current == last[field]
                if not update and new == last[field]:
                    continue  # staff's correction stands; the source has not changed its mind
            else:
                update = current in EMPTY
            if update:
                changes[field] = new
            else:
                conflicts[field] = new
        kept_with: dict[str, dict[str, tuple[object, object]]] = {}
        for field, origin in (derived or {}).items():
            if field in changes and origin in conflicts:
                kept_with.setdefault(origin, {})[field] = (getattr(instance, field), changes.pop(field))
        for field, new in conflicts.items():
            who, when = last_change(instance, field)
            on = when.date().isoformat() if when else ""
            kept = kept_with.get(field, {})
            current = getattr(instance, field)
            self.report.conflicts.append(
                Conflict(outcome.line, instance.pk, label, field, current, new, who, on, kept_with=kept)
            )
            outcome.warn(
                gettext_noop("%(field)s modifié par l'équipe, conservé (la source dit « %(value)s »)"),
                field=field,
                value=new,
            )
            for follower, (_current, source) in kept.items():
                outcome.note(
                    gettext_noop(
                        "%(field)s conservé avec %(origin)s, dont il découle (la source dit « %(value)s »)"
                    ),
                    field=follower,
                    origin=field,
                    value=source,
                )
        return changes

    @staticmethod
    def _save_changes(
        collectivity: Collectivity, collectivity_changes: dict, tool: Tool | None, tool_changes: dict
    ) -> None:
        """Write a row's updates of existing objects, all or nothing."""
        changed = [
            (obj, changes)
            for obj, changes in ((collectivity, collectivity_changes), (tool, tool_changes))
            if changes
        ]
        if not changed:
            return
        try:
            with transaction.atomic():
                for obj, changes in changed:
                    for field, value in changes.items():
                        setattr(obj, field, value)
                    validate(obj)
                    obj.save()
        except ValidationError:
            for obj, _changes in changed:
                obj.refresh_from_db()
            raise

    def _remember(self, outcome: RowReport, collectivity: Collectivity, tool: Tool | None) -> None:
        if collectivity.pk is None:
            self.new_collectivities[id(collectivity)] = collectivity
        else:
            self.collectivities[collectivity.pk] = collectivity
        if collectivity.siren:
            self.by_siren[collectivity.siren] = collectivity
        if collectivity.territory_id:
            self.by_territory[collectivity.territory_id] = collectivity
        if tool is None:
            return
        key = (_key(collectivity), url_key(tool.url))
        self.tools_by_key[key] = tool
        self.lines_by_tool[key] = outcome.line
        if tool.pk is None:
            self.new_tools.append((tool, outcome))
        else:
            outcome.tool_id, outcome.tool_name = tool.pk, tool.name

    def _keep_record(
        self,
        row: SourceRow,
        record: SourceRecord | None,
        collectivity: Collectivity,
        tool: Tool | None,
        values: dict,
    ) -> None:
        """Keep what the source said (even where a staff value was kept), and when it was seen."""
        if record is None:
            record = SourceRecord(source=self.source, record_id=row.record_id, first_seen=self.now)
            self.records_to_create.append(record)
        else:
            if record.missing_since is not None:
                row.report.note(gettext_noop("de nouveau listé par la source"))
            self.records_to_update.append(record)
        record.values = values
        if tool is not None:
            record.tool = tool
        record.collectivity = collectivity
        record.source_date = row.source_date or self.file_date
        record.last_seen = self.now
        record.missing_since = None
        record.last_run = self.run_row
        self.records[row.record_id] = record

    def _flag_missing(self) -> None:
        seen = {row.record for row in self.report.rows}
        for record in self.records.values():
            if record.record_id in seen:
                continue
            if record.missing_since is None:
                record.missing_since = self.now
                self.records_to_update.append(record)
            tool = self.tools.get(record.tool_id)
            since = record.missing_since.date().isoformat()
            self.report.no_longer_listed.append(
                Missing(record.record_id, record.tool_id, tool.name if tool else "", since)
            )

    def _write(self) -> None:
        """Create the new collectivities and tools in bulk with their history, then the source's records."""
        history = {"custom_historical_attrs": {"history_via": current_actor()}}
        collectivities = list(self.new_collectivities.values())
        assign_slugs(Collectivity, collectivities)
        bulk_create_with_history(collectivities, Collectivity, batch_size=500, **history)
        self.report.collectivities_created = len(collectivities)
        tools = [tool for tool, _outcome in self.new_tools]
        assign_slugs(Tool, tools)
        for tool in tools:
            tool.fill_url_key()  # bulk_create does not call save()
        bulk_create_with_history(tools, Tool, batch_size=500, **history)
        for tool, outcome in self.new_tools:
            outcome.tool_id, outcome.tool_name = tool.pk, tool.name
        refresh_stored_fields(tool_ids=[tool.pk for tool in tools])
        SourceRecord.objects.bulk_create(self.records_to_create, batch_size=500)
        SourceRecord.objects.bulk_update(
            self.records_to_update,
            ["tool", "collectivity", "values", "source_date", "last_seen", "missing_since", "last_run"],
            batch_size=500,
        )
        if collectivities or tools:
            bump_registry_version()

    def _coverage(self) -> None:
        tools = Tool.objects.filter(source_records__source=self.source)
        for field, counts in (("family", self.report.families), ("software", self.report.software)):
            rows = tools.values(field).annotate(n=Count("pk")).order_by("-n", field).values_list(field, "n")
            counts.update(rows)
