"""The registry's own CSV export, corrected in a spreadsheet, read back to correct tools in bulk.

Every cell goes through `safe_csv.restore`, which undoes the export's spreadsheet-safety rule (a leading
`'` before formula-like cells): the round trip is exact.

Rows are matched by `slug`; only the tool's own columns are imported (name, address, family, software…,
and the objectives), the others (collectivity, dates, computed columns) are read-only. A file that was
exported and not edited changes nothing. A value that someone else changed after the file's export
(the row's `updated_at`) is not overwritten: it is reported as a conflict. Corrections only: a row
whose slug the registry does not know is skipped, never created. A cell may hold several lines (a
description): the export quotes it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tools_registry.choices import HybridFormat, Objective
from tools_registry.csv_export import COLUMNS
from tools_registry.imports.base import read_csv
from tools_registry.imports.report import Conflict, ImportReport, Message, Outcome, RowReport
from tools_registry.imports.updating import Skip, last_change, validate
from tools_registry.models import MAX_OBJECTIVES, Tool, deferred_refresh
from tools_registry.safe_csv import restore
from tools_registry.services import set_objectives

READ_ONLY = {"slug", "source", "status", "created_at", "updated_at"}
OBJECTIVES = "objectives"
# List columns (codes joined by `|`) and the codes they accept.
LIST_CODES: dict[str, type[models.TextChoices]] = {"hybrid_formats": HybridFormat, OBJECTIVES: Objective}
TRUE, FALSE = {"true", "vrai", "oui", "1"}, {"false", "faux", "non", "0"}


def editable_columns() -> dict[str, str]:
    """Column → tool field, for the columns of the export that an import may change."""
    columns = {
        column: field for column, field in COLUMNS if field and "__" not in field and field not in READ_ONLY
    }
    columns[OBJECTIVES] = OBJECTIVES
    return columns


def parse(column: str, field: str, text: str) -> object:
    """A cell's text as the value of a tool field (raises Skip with a message naming the column)."""
    if field in LIST_CODES:
        codes = [code for code in text.split("|") if code]
        unknown = [code for code in codes if code not in LIST_CODES[field].values]
        if unknown:
            raise Skip(
                gettext_noop("%(column)s : codes inconnus %(codes)s (attendus : %(known)s)"),
                column=column,
                codes=", ".join(unknown),
                known=", ".join(LIST_CODES[field].values),
            )
        return codes
    model_field = Tool._meta.get_field(field)
    if isinstance(model_field, models.BooleanField):
        value = text.strip().lower()
        if value in TRUE | FALSE:
            return value in TRUE
        if value == "" and model_field.null:
            return None
        raise Skip(
            gettext_noop("%(column)s : « %(value)s » n'est ni true ni false"), column=column, value=text
        )
    if text == "":
        return None if model_field.null else ""
    try:
        return model_field.to_python(text)
    except ValidationError as error:
        raise Skip(
            gettext_noop("%(column)s : %(message)s"), column=column, message=" ".join(error.messages)
        ) from None


class RegistryCsvImport:
    def __init__(self, *, report: ImportReport) -> None:
        self.report = report

    @deferred_refresh()  # what the corrected tools store: one refresh for the file, not several a row
    def run(self, content: bytes) -> None:
        columns = editable_columns()
        rows = list(read_csv(content, ["slug"], self.report, clean_cells=False, multiline=True))
        present = set(rows[0][1]) if rows else set()
        ignored = sorted(present - set(columns) - {"slug"})
        if ignored:
            self.report.file_messages.append(
                (
                    gettext_noop("Colonnes lues mais non importées : %(columns)s."),
                    {"columns": ", ".join(ignored)},
                )
            )
        slugs = {restore(row["slug"]) for _line, row in rows}
        tools = {
            tool.slug: tool
            for tool in Tool.objects.filter(slug__in=slugs)
            .prefetch_related("objectives")
            .defer("search_vector")
        }
        seen: dict[str, int] = {}
        for line, row in rows:
            slug = restore(row["slug"])
            outcome = self.report.row(line, slug, restore(row.get("name", "")))
            if not slug:
                outcome.skip(
                    gettext_noop("slug vide : cet import corrige des outils existants, il n'en crée pas")
                )
            elif slug in seen:
                outcome.skip(gettext_noop("même slug que la ligne %(line)d : ligne ignorée"), line=seen[slug])
            elif slug not in tools:
                outcome.skip(gettext_noop("aucun outil « %(slug)s » dans le registre"), slug=slug)
            else:
                seen[slug] = line
                self._correct(tools[slug], row, {c: f for c, f in columns.items() if c in row}, outcome)

    def _correct(self, tool: Tool, row: dict[str, str], columns: dict[str, str], outcome: RowReport) -> None:
        outcome.tool_id, outcome.tool_name = tool.pk, tool.name
        wanted, errors = {}, []
        for column, field in columns.items():
            try:
                wanted[field] = parse(column, field, restore(row[column]))
            except Skip as problem:
                errors.append(problem.message)
        exported = self._exported_at(row, errors)
        if errors:
            for text, params in errors:
                outcome.skip(text, **params)
            return
        current_objectives = [objective.objective for objective in tool.ranked_objectives()]
        objectives = wanted.pop(OBJECTIVES, current_objectives)
        changes = {field: value for field, value in wanted.items() if getattr(tool, field) != value}
        for field, value in list(changes.items()):
            who, when = last_change(tool, field) if exported and tool.updated_at > exported else ("", None)
            if when is not None and when > exported:
                current = getattr(tool, field)
                self.report.conflicts.append(
                    Conflict(
                        outcome.line, tool.pk, tool.name, field, current, value, who, when.date().isoformat()
                    )
                )
                outcome.warn(
                    gettext_noop(
                        "%(field)s modifié depuis l'export (le %(date)s) : valeur actuelle conservée"
                    ),
                    field=field,
                    date=when.date().isoformat(),
                )
                del changes[field]
        if len(objectives) > MAX_OBJECTIVES or len(set(objectives)) != len(objectives):
            outcome.skip(gettext_noop("objectives : trois objectifs distincts au plus"))
            return
        if not changes and objectives == current_objectives:
            return
        try:
            with transaction.atomic():
                for field, value in changes.items():
                    setattr(tool, field, value)
                validate(tool)
                if changes:
                    tool.save(update_fields=[*changes, "updated_at"])
                if objectives != current_objectives:
                    set_objectives(tool=tool, objectives=objectives)
        except ValidationError as error:
            tool.refresh_from_db()
            for field, messages in error.message_dict.items():
                outcome.skip(
                    gettext_noop("%(column)s : %(message)s"), column=field, message=" ".join(messages)
                )
            return
        outcome.outcome = Outcome.UPDATED

    @staticmethod
    def _exported_at(row: dict[str, str], errors: list[Message]) -> datetime | None:
        """When the row was exported: its `updated_at`, to tell the changes made since by someone else."""
        text = restore(row.get("updated_at", ""))
        if not text:
            return None
        try:
            exported = datetime.fromisoformat(text)
        except ValueError:
            errors.append((gettext_noop("updated_at : date « %(value)s » illisible"), {"value": text}))
            return None
        return timezone.make_aware(exported) if timezone.is_naive(exported) else exported
