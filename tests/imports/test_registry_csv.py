import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ToolFactory, ToolObjectiveFactory
from tests.imports.test_odf import messages
from tools_registry.csv_export import COLUMNS
from tools_registry.imports import import_file
from tools_registry.models import STORED_OBJECTIVES, Tool

pytestmark = pytest.mark.django_db
EXPORT = reverse("api:tool-list") + "?format=csv"


@pytest.fixture
def tools(import_sample) -> list[Tool]:
    import_sample()
    described = ToolFactory(
        name="Budget participatif « 2024 »",
        description='Ligne 1\nLigne 2, avec "guillemets"',
        family="autre",
        family_other="Plateforme de concertation",
        software="Decidim",
        is_open_source=True,
        launch_year=2019,
        hybrid=True,
        hybrid_formats=["reunions_publiques", "formations"],
    )
    ToolObjectiveFactory(tool=described, objective="idees", rank=1)
    ToolObjectiveFactory(tool=described, objective="informer", rank=2)
    bare = ToolFactory(name="Carte des quartiers", url="", description="", is_open_source=None)
    # Cells a spreadsheet would read as formulas: the export neutralises them, the import restores them.
    formulas = ToolFactory(name='=HYPERLINK("x")', description="-5 % de participation", software="@mairie")
    return [described, bare, formulas]


def export(client) -> str:
    response = client.get(EXPORT)
    return b"".join(response.streaming_content).decode("utf-8-sig")


def edited(text: str, row_slug: str, **cells: str) -> bytes:
    """The exported file with some cells of one row changed, as a spreadsheet would save it."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        if row["slug"] == row_slug:
            row.update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def correct(content: bytes):
    return import_file(format="registry-csv", content=content, file_name="outils.csv")


def test_importing_the_export_unchanged_changes_nothing(client, tools) -> None:
    text = export(client)
    assert "'=HYPERLINK" in text and "'@mairie" in text
    history = Tool.history.count()
    before = list(Tool.objects.order_by("pk").values())
    _run, report = correct(text.encode("utf-8-sig"))
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 14, "skipped": 0}
    assert Tool.history.count() == history
    assert list(Tool.objects.order_by("pk").values()) == before
    assert report.needing_a_human() == []


def test_a_corrected_cell_updates_the_tool_and_lands_in_its_history(client, tools) -> None:
    tool = tools[0]
    content = edited(export(client), tool.slug, software="CONSUL", objectives="coconstruire", hybrid="false")
    run, report = correct(content)
    assert report.counts()["updated"] == 1 and report.counts()["unchanged"] == 13
    tool.refresh_from_db()
    assert (tool.software, tool.hybrid) == ("CONSUL", False)
    assert [objective.objective for objective in tool.ranked_objectives()] == ["coconstruire"]
    assert tool.history.first().history_via == f"import:registry-csv#{run.pk}"


def test_a_value_changed_since_the_export_is_kept_and_reported(client, tools) -> None:
    tool = tools[0]
    text = export(client)
    tool.name = "Budget participatif 2025"
    tool.save()
    _run, report = correct(edited(text, tool.slug, name="Budget participatif 2024", software="CONSUL"))
    tool.refresh_from_db()
    assert (tool.name, tool.software) == ("Budget participatif 2025", "CONSUL")
    [conflict] = report.conflicts
    assert (conflict.field, conflict.current, conflict.source) == (
        "name",
        tool.name,
        "Budget participatif 2024",
    )


def test_rows_that_cannot_be_read_are_skipped_with_their_reason_and_the_others_imported(
    client, tools
) -> None:
    text = export(client)
    content = edited(text, tools[0].slug, is_open_source="peut-être", objectives="idees|voter")
    content = edited(content.decode("utf-8-sig"), tools[1].slug, slug="outil-inconnu", software="uMap")
    ToolFactory(name="Autre outil")  # not in the file: left alone
    _run, report = correct(content)
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 12, "skipped": 2}
    lines = {row.record: row.line for row in report.rows}
    assert messages(report, lines[tools[0].slug]) == (
        "is_open_source : « peut-être » n'est ni true ni false ; objectives : codes inconnus voter "
        "(attendus : informer, idees, eclairer_decision, consulter, coconstruire, signaler, mobiliser, autre)"
    )
    assert messages(report, lines["outil-inconnu"]) == "aucun outil « outil-inconnu » dans le registre"
    assert Tool.objects.get(pk=tools[0].pk).is_open_source is True


def test_rows_are_reported_on_the_line_they_start_on_after_a_description_of_several_lines(
    client, tools
) -> None:
    text = export(client)
    content = edited(text, tools[2].slug, hybrid="peut-être")
    starts = {
        line.split(",")[0]: number
        for number, line in enumerate(content.decode("utf-8-sig").splitlines(), start=1)
        if line.split(",")[0] in {tool.slug for tool in Tool.objects.all()}
    }
    _run, report = correct(content)
    assert {row.record: row.line for row in report.rows} == starts
    assert starts[tools[2].slug] > starts[tools[0].slug]  # after the description of two lines
    assert messages(report, starts[tools[2].slug]) == "hybrid : « peut-être » n'est ni true ni false"


def test_a_row_missing_its_last_cell_is_reported_and_its_description_kept(client, tools) -> None:
    lines = export(client).splitlines(keepends=True)
    formulas = tools[2]
    number = next(n for n, line in enumerate(lines, start=1) if line.startswith(f"{formulas.slug},"))
    lines[number - 1] = lines[number - 1].rsplit(",", 1)[0] + "\r\n"  # a spreadsheet that cut the row short
    _run, report = correct("".join(lines).encode("utf-8-sig"))
    expected = len(COLUMNS)
    assert messages(report, number) == f"nombre de colonnes inattendu : {expected - 1} au lieu de {expected}"
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 13, "skipped": 1}
    assert Tool.objects.get(pk=formulas.pk).description == "-5 % de participation"


REFRESHES = (  # the statements of `refresh_stored_fields`: what tools store of other rows
    'UPDATE "tools_registry_tool" SET "collectivity_kind"',
    "UPDATE tools_registry_tool AS tool SET search_vector",
)


def stored_refreshes(queries: CaptureQueriesContext) -> int:
    return sum(query["sql"].lstrip().startswith(REFRESHES) for query in queries.captured_queries)


def test_corrected_objectives_are_stored_on_every_tool_by_one_refresh_for_the_file(client) -> None:
    def correct_objectives(count: int) -> tuple[list[Tool], int]:
        tools = ToolFactory.create_batch(count)
        for tool in tools:
            ToolObjectiveFactory(tool=tool, objective="informer")
        text = export(client)
        for tool in tools:
            text = edited(text, tool.slug, objectives="consulter|idees").decode("utf-8-sig")
        with CaptureQueriesContext(connection) as queries:
            _run, report = correct(text.encode("utf-8-sig"))
        assert report.counts()["updated"] == count
        return tools, stored_refreshes(queries)

    few, few_refreshes = correct_objectives(2)
    many, many_refreshes = correct_objectives(6)
    assert many_refreshes == few_refreshes
    stored = Tool.objects.filter(pk__in=[tool.pk for tool in few + many]).values_list(*STORED_OBJECTIVES)
    assert list(stored) == [("consulter", "idees", "")] * 8
