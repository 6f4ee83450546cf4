import json
import logging

import pytest
from django.db import OperationalError
from django.urls import reverse

from barometre.logs import JSONFormatter
from tools_registry import views as registry_views

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_cache(client) -> None:
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_a_lost_database_gives_a_friendly_503_page(client, monkeypatch) -> None:
    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(registry_views.CachedPaginator, "page", lost)
    response = client.get(reverse("tools_registry:tool_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service momentanément indisponible" in response.content.decode()


def test_a_lost_database_gives_a_json_503_on_the_api(client, monkeypatch) -> None:
    from tools_registry.api import views as api_views

    def lost(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(api_views.ToolViewSet, "get_queryset", lost)
    response = client.get(reverse("api:tool-detail", kwargs={"slug": "x"}))
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


def test_a_query_error_is_not_mistaken_for_an_outage(client, monkeypatch) -> None:
    from django.db import IntegrityError

    def broken(*args, **kwargs):
        raise IntegrityError("duplicate key value")

    monkeypatch.setattr(registry_views.CachedPaginator, "page", broken)
    client.raise_request_exception = False
    assert client.get(reverse("tools_registry:tool_list")).status_code == 500


def test_json_logs_are_one_parseable_object_per_line() -> None:
    record = logging.LogRecord(
        "barometre", logging.WARNING, __file__, 1, "Courriel non envoyé : %s", ("x",), None
    )
    line = JSONFormatter().format(record)
    assert json.loads(line)["message"] == "Courriel non envoyé : x"
    assert json.loads(line)["level"] == "WARNING"
