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

`SourceImport` runs the rows through its stages, one module each: `placing` (each row's territory, and
what the registry holds already), `updating` (what a row changes, under the rule above) and `writing`
(the end of the run: what is no longer listed, what is new, the source's records).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_noop

from tools_registry.imports.base import SourceFormat, SourceRow
from tools_registry.imports.matching import Match, TerritoryIndex
from tools_registry.imports.placing import Placing
from tools_registry.imports.report import ImportReport, Outcome, RowReport
from tools_registry.imports.updating import Skip, Updating, _key
from tools_registry.imports.writing import Writing
from tools_registry.models import Collectivity, Tool
from tools_registry.provenance import DataSource, ImportRun, SourceRecord
from tools_registry.text import url_key


class SourceImport(Placing, Updating, Writing):
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
