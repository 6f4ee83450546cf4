"""The importer's second stage: what a row says of its collectivity and its tool, and what that changes,
under the rule that keeps staff corrections (see tools_registry.imports.pipeline); a row's updates are
written all or nothing."""

from datetime import datetime
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_noop

from tools_registry.imports.base import Body, SourceRow
from tools_registry.imports.matching import Match, Tier
from tools_registry.imports.report import Conflict, Message, RowReport
from tools_registry.models import Collectivity, TerritoryKind, Tool, ToolSource, ToolStatus
from tools_registry.provenance import SourceRecord
from tools_registry.services import KIND_OF_TERRITORY
from tools_registry.text import url_key

EMPTY = (None, "", [])


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


def _key(collectivity: Collectivity) -> int:
    """A collectivity's identity within a run, saved or not yet."""
    return collectivity.pk or -id(collectivity)


class Updating:
    """What each row changes, for `SourceImport` (tools_registry.imports.pipeline)."""

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
        """The source's values to write under the rule of the pipeline's docstring; conflicts are reported.

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
