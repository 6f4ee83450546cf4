"""The report of an import: what happened to each row, the conflicts, the coverage; stored as JSON.

Messages are kept as (French text, parameters) and translated when shown, so that the same stored report
reads in French or in English.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tools_registry.imports.matching import Tier

Message = tuple[str, dict]


def render(message: Message) -> str:
    text, params = message
    return _(text) % params if params else _(text)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


OUTCOME_LABELS = {
    Outcome.CREATED: gettext_noop("créés"),
    Outcome.UPDATED: gettext_noop("mis à jour"),
    Outcome.UNCHANGED: gettext_noop("inchangés"),
    Outcome.SKIPPED: gettext_noop("écartés"),
}
TIER_LABELS = {
    Tier.CODE: gettext_noop("par code officiel (SIREN, INSEE)"),
    Tier.NAME: gettext_noop("par le nom, dans le département ou près du point donné"),
    Tier.NONE: gettext_noop("sans correspondance dans le référentiel"),
    Tier.BODY: gettext_noop("organismes hors référentiel (syndicats, offices…)"),
}


@dataclass
class RowReport:
    line: int
    record: str
    label: str
    outcome: str = Outcome.UNCHANGED
    tier: str = ""
    tool_id: int | None = None
    tool_name: str = ""
    messages: list[Message] = field(default_factory=list)
    needs_human: bool = False

    def note(self, text: str, **params: object) -> None:
        self.messages.append((text, params))

    def warn(self, text: str, **params: object) -> None:
        """A message that someone should act on: the row goes into the list of rows that need a human."""
        self.messages.append((text, params))
        self.needs_human = True

    def skip(self, text: str, *, attention: bool = True, **params: object) -> None:
        """The row is left out; `attention=False` for rows left out by rule, that nobody needs to look at."""
        self.outcome = Outcome.SKIPPED
        self.messages.append((text, params))
        self.needs_human = self.needs_human or attention


@dataclass
class Conflict:
    """A field staff changed since the source last said it, and that the source now says differently."""

    line: int
    tool_id: int | None
    tool_name: str
    field: str
    current: object
    source: object
    changed_by: str = ""
    changed_at: str = ""
    # Fields derived from this one, kept with it: field → (value kept, the source's value).
    kept_with: dict[str, tuple[object, object]] = field(default_factory=dict)


@dataclass
class Missing:
    record: str
    tool_id: int | None
    tool_name: str
    since: str


@dataclass
class ImportReport:
    format: str
    dry_run: bool = False
    rows: list[RowReport] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    no_longer_listed: list[Missing] = field(default_factory=list)
    collectivities_created: int = 0
    families: dict[str, int] = field(default_factory=dict)
    software: dict[str, int] = field(default_factory=dict)
    file_messages: list[Message] = field(default_factory=list)
    # Records of the file that could not be split into its columns (see `unreadable`).
    unreadable_rows: int = 0

    def row(self, line: int, record: str, label: str) -> RowReport:
        report = RowReport(line=line, record=record, label=label)
        self.rows.append(report)
        return report

    def unreadable(self, line: int, text_of_line: str, reason: str, **params: object) -> None:
        """A record the file's columns cannot be read from (a stray quote, a missing or extra cell): skipped
        under the beginning of its line, since neither its identifier nor its name can be trusted."""
        self.row(line, "", text_of_line).skip(reason, **params)
        self.unreadable_rows += 1

    def counts(self) -> dict[str, int]:
        found = Counter(row.outcome for row in self.rows)
        return {outcome.value: found.get(outcome.value, 0) for outcome in Outcome}

    def tiers(self) -> dict[str, int]:
        found = Counter(row.tier for row in self.rows if row.tier and row.outcome != Outcome.SKIPPED)
        return {tier.value: found.get(tier.value, 0) for tier in Tier}

    def needing_a_human(self) -> list[RowReport]:
        return [row for row in self.rows if row.needs_human]

    def to_json(self) -> dict:
        return {**asdict(self), "counts": self.counts(), "tiers": self.tiers()}

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        data = {key: value for key, value in data.items() if key not in {"counts", "tiers"}}
        report = cls(**{**data, "rows": [], "conflicts": [], "no_longer_listed": []})
        report.rows = [
            RowReport(**{**row, "messages": [tuple(m) for m in row["messages"]]}) for row in data["rows"]
        ]
        report.conflicts = [Conflict(**conflict) for conflict in data["conflicts"]]
        report.no_longer_listed = [Missing(**missing) for missing in data["no_longer_listed"]]
        report.file_messages = [tuple(m) for m in data["file_messages"]]
        return report

    def lines(self) -> list[str]:
        """The report as the command prints it: counts, coverage, and the rows that need a human."""
        counts = self.counts()
        summary = ", ".join(f"{counts[o.value]} {_(OUTCOME_LABELS[o])}" for o in Outcome)
        lines = [
            (
                _("Analyse (rien n'est enregistré) : %(summary)s.")
                if self.dry_run
                else _("Import : %(summary)s.")
            )
            % {"summary": summary},
            _("Collectivités créées : %(count)d.") % {"count": self.collectivities_created},
            _("Rattachement au référentiel des territoires :"),
        ]
        lines += [f"  {_(TIER_LABELS[Tier(tier)])} : {count}" for tier, count in self.tiers().items()]
        if self.families:
            lines.append(_("Outils par famille :"))
            lines += [f"  {family} : {count}" for family, count in self.families.items()]
        if self.software:
            lines.append(_("Outils par logiciel :"))
            lines += [f"  {software or '—'} : {count}" for software, count in self.software.items()]
        lines += [render(message) for message in self.file_messages]
        lines.append(
            _("Conflits (valeur modifiée par l'équipe, conservée) : %(count)d")
            % {"count": len(self.conflicts)}
        )
        for conflict in self.conflicts:
            lines.append(
                "  "
                + _(
                    "ligne %(line)d, %(tool)s, %(field)s : « %(current)s » conservé, "
                    "la source dit « %(source)s »"
                )
                % {
                    "line": conflict.line,
                    "tool": conflict.tool_name,
                    "field": conflict.field,
                    "current": conflict.current,
                    "source": conflict.source,
                }
            )
            for follower, (current, source) in conflict.kept_with.items():
                lines.append(
                    "    "
                    + _("%(field)s : « %(current)s » conservé avec lui, la source dit « %(source)s »")
                    % {"field": follower, "current": current, "source": source}
                )
        lines.append(
            _("Plus listés par la source (signalés, jamais supprimés) : %(count)d")
            % {"count": len(self.no_longer_listed)}
        )
        for missing in self.no_longer_listed:
            lines.append(f"  {missing.record} — {missing.tool_name}")
        needing = self.needing_a_human()
        lines.append(_("Lignes à examiner : %(count)d") % {"count": len(needing)})
        for row in needing:
            messages = " ; ".join(render(message) for message in row.messages)
            row_line = (
                _("ligne %(line)d (%(record)s, %(label)s) : %(messages)s")
                if row.record
                else _("ligne %(line)d (%(label)s) : %(messages)s")
            )
            lines.append(
                "  "
                + row_line
                % {"line": row.line, "record": row.record, "label": row.label, "messages": messages}
            )
        return lines
