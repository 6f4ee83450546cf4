import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.barometre.helpers import bulk_responses, published_edition

pytestmark = pytest.mark.django_db


def indicators_url(code: str) -> str:
    return reverse("barometre-api:indicators", kwargs={"edition": code})


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="equipe", password="x", is_staff=True)


def test_editions_list_only_published_ones_to_the_public(client) -> None:
    published_edition("2016")
    published_edition("2018", publish=False)
    body = client.get(reverse("barometre-api:editions")).json()
    assert [edition["code"] for edition in body["results"]] == ["2016"]
    assert body["results"][0]["indicators_url"] == indicators_url("2016")


def test_an_unpublished_edition_is_not_found_for_the_public(client) -> None:
    published_edition("2018", publish=False)
    response = client.get(indicators_url("2018"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) >= {"status", "code", "detail"}


def test_staff_see_every_edition_with_a_session_or_a_token(client, staff) -> None:
    published_edition("2018", publish=False)
    client.force_login(staff)
    assert client.get(indicators_url("2018")).status_code == 200
    assert [e["code"] for e in client.get(reverse("barometre-api:editions")).json()["results"]] == ["2018"]
    client.logout()
    token = Token.objects.create(user=staff)
    response = client.get(indicators_url("2018"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_indicators_have_the_contract_fields(client) -> None:
    edition = published_edition()
    bulk_responses(edition, 12)
    body = client.get(indicators_url("2016")).json()
    assert body["edition"]["code"] == "2016"
    for item in body["results"]:
        assert {"code", "label", "kind", "base"} <= set(item)
        if item["kind"] == "share":
            assert {"count", "percent", "ci_low", "ci_high"} <= set(item)
        if item["kind"] == "distribution":
            for category in item["categories"]:
                assert {"code", "label", "count", "percent", "ci_low", "ci_high"} <= set(category)
        if item["kind"] == "ranking":
            for category in item["categories"]:
                assert {"code", "label", "count", "first", "score"} <= set(category)
    codes = {item["code"] for item in body["results"]}
    assert {"opendata_where", "opendata_what", "tool_reaches_absent_publics", "population"} <= codes


def queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_responses(client) -> None:
    edition = published_edition()
    bulk_responses(edition, 50)
    small = queries(client, indicators_url("2016"))
    bulk_responses(edition, 1950, start=50)
    assert queries(client, indicators_url("2016")) == small
    assert client.get(indicators_url("2016")).json()["results"][0]["count"] == 2000
    assert small <= 12
