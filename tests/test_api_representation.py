"""The API's tools, written out for speed, are exactly what their declared serializer fields give."""

import json
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory, ToolObjectiveFactory
from tools_registry.api.serializers import ToolSerializer
from tools_registry.links.models import LinkCheck, LinkOutcome
from tools_registry.models import Tool, ToolSource
from tools_registry.provenance import DataSource, SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_tools() -> None:
    """Tools with and without a collectivity, a territory, objectives, sources and link checks."""
    moment = datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
    odbl = DataSource.objects.create(
        code="odf",
        name="Observatoire",
        publisher="OpenDataFrance",
        url="https://example.org/odf",
        licence="ODbL-1.0",
        credit="Observatoire open data des territoires, OpenDataFrance",
    )
    full = ToolFactory(
        name="Complet",
        collectivity=CollectivityFactory(territory=TerritoryFactory(code="35288"), population=47000),
        software="Decidim",
        is_open_source=True,
        launch_year=2019,
        hybrid=True,
        hybrid_formats=["reunions_publiques", "formations"],
        last_verified=date(2026, 1, 2),
    )
    for rank, objective in enumerate(["idees", "informer"], start=1):
        ToolObjectiveFactory(tool=full, objective=objective, rank=rank)
    SourceRecord.objects.create(
        source=odbl,
        record_id="213502888",
        tool=full,
        source_date=date(2026, 3, 1),
        first_seen=moment,
        last_seen=moment,
        missing_since=moment,
    )
    LinkCheck.objects.create(tool=full, url=full.url, checked_at=moment, outcome=LinkOutcome.OK)
    failing = {"checked_at": moment, "outcome": LinkOutcome.HTTP_ERROR, "first_failure_at": moment}
    moved = ToolFactory(name="Adresse changée", collectivity=None, source=ToolSource.DEMO)
    LinkCheck.objects.create(tool=moved, url="https://old.example.org/", consecutive_failures=1, **failing)
    down = ToolFactory(name="En panne")
    LinkCheck.objects.create(tool=down, url=down.url, consecutive_failures=3, **failing)
    ToolFactory(name="Sans territoire", collectivity=CollectivityFactory(territory=None, latitude=None))


def test_the_list_gives_each_tool_as_the_declared_fields_would(client, varied_tools) -> None:
    response = client.get(reverse("api:tool-list"), {"page_size": 50})
    listed = {tool["name"]: tool for tool in response.json()["results"]}
    queryset = Tool.objects.published().select_related("collectivity__territory", "link_check")
    request = response.wsgi_request
    for tool in queryset.prefetch_related("objectives", "source_records__source"):
        serializer = ToolSerializer(tool, context={"request": request})
        declared = serializers.ModelSerializer.to_representation(serializer, tool)
        rendered = client.get(reverse("api:tool-detail", kwargs={"slug": tool.slug})).json()
        assert listed[tool.name] == rendered
        assert set(listed[tool.name]) == set(ToolSerializer.Meta.fields)
        assert listed[tool.name] == _as_json(declared)


def _as_json(data: dict) -> dict:
    """`data` as the API's JSON renderer writes it (dates and times to text), read back."""
    return json.loads(json.dumps(data, cls=JSONEncoder))
