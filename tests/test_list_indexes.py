"""The lists are read from indexes: a page of a broad list reads its tools in order instead of sorting
every tool it matches, whatever the size of the registry (the plans PostgreSQL would choose on a large
one, asked here with sorting and whole-table reads priced out)."""

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict

from tests.factories import ToolFactory
from tools_registry.filters import ToolFilterSet
from tools_registry.models import Tool

pytestmark = pytest.mark.django_db


def plan(queryset: QuerySet, *, priced_out: tuple[str, ...] = ("sort", "seqscan")) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for method in priced_out:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def page_of(query: str) -> QuerySet:
    """The ids of the first block of the list that the catalogue and the API show for `query`."""
    filterset = ToolFilterSet(QueryDict(query), queryset=Tool.objects.published())
    return filterset.qs.values_list("pk", flat=True)[:500]


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("", "tool_status_list_order_idx"),
        ("open_source=true", "tool_status_list_order_idx"),
        ("population=pop_lt_3500&hybrid=false", "tool_status_list_order_idx"),
        ("family=forum&sort=recent", "tool_status_recent_order_idx"),
    ],
)
def test_a_list_is_read_in_its_order_from_an_index(query, index) -> None:
    ToolFactory.create_batch(3)
    found = plan(page_of(query))
    assert index in found
    assert "Sort" not in found


def test_the_software_filter_is_read_from_an_index_whatever_the_case_typed() -> None:
    ToolFactory.create_batch(3, software="Decidim")
    matched = ToolFilterSet(QueryDict("software=decidim"), queryset=Tool.objects.published()).qs
    # What the facet counts and the list's count read: the tools matched, in no order.
    found = plan(matched.order_by().values("pk"), priced_out=("seqscan",))
    conditions = [line for line in found.splitlines() if "Index Cond" in line]
    assert any("upper((software)::text)" in line for line in conditions), found
