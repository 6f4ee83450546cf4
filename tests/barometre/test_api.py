import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from survey.models import EditionStatus
from tests.barometre.helpers import bulk_responses
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def indicators_url(code: str) -> str:
    return reverse("barometre-api:indicators", kwargs={"edition": code})


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="equipe", password="x", is_staff=True)


def test_editions_list_only_published_ones_to_the_public(client) -> None:
    EditionFactory(status=EditionStatus.PUBLISHED)
    EditionFactory(code="2018")
    body = client.get(reverse("barometre-api:editions")).json()
    assert [edition["code"] for edition in body["results"]] == ["2016"]
    assert body["results"][0]["indicators_url"] == indicators_url("2016")


def test_an_unpublished_edition_is_not_found_for_the_public(client) -> None:
    EditionFactory(code="2018")
    response = client.get(indicators_url("2018"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) >= {"status", "code", "detail"}


def test_staff_see_every_edition_with_a_session_or_a_token(client, staff) -> None:
    EditionFactory(code="2018")
    client.force_login(staff)
    assert client.get(indicators_url("2018")).status_code == 200
    assert [e["code"] for e in client.get(reverse("barometre-api:editions")).json()["results"]] == ["2018"]
    client.logout()
    token = Token.objects.create(user=staff)
    response = client.get(indicators_url("2018"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_indicators_have_the_contract_fields(client) -> None:
    edition = EditionFactory(status=EditionStatus.PUBLISHED)
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


def test_query_count_does_not_grow_with_the_responses(client, queries) -> None:
    edition = EditionFactory(status=EditionStatus.PUBLISHED)
    bulk_responses(edition, 50)
    small = queries(indicators_url("2016"))
    bulk_responses(edition, 1950, start=50)
    assert queries(indicators_url("2016")) == small
    assert client.get(indicators_url("2016")).json()["results"][0]["count"] == 2000
    assert small <= 12
