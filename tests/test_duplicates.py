"""Duplicates caught before they are stored: one address rule, one candidates rule for the form and the
API; a published match is shown with a link to correct it, an unpublished one only flagged for staff."""

import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tests.helpers import api_submission, form_submission, page_text
from tools_registry.models import TerritoryKind, Tool, ToolStatus
from tools_registry.services import collectivity_for_territory
from tools_registry.text import url_key

SUBMIT = reverse("tools_registry:tool_submit")
API_SUBMIT = reverse("api:submission")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://budget.ville.fr", "http://budget.ville.fr/"),
        ("https://www.budget.ville.fr/projets/", "budget.ville.fr/projets"),
        ("https://Budget.VILLE.fr/projets", "https://budget.ville.fr/projets//"),
        ("https://ville.fr/budget?utm_source=lettre&utm_medium=mail", "https://ville.fr/budget"),
        ("https://ville.fr/budget?fbclid=abc&gclid=def", "https://ville.fr/budget/"),
        ("https://ville.fr/budget?b=2&a=1&utm_campaign=x", "https://ville.fr/budget?a=1&b=2"),
        ("https://ville.fr:443/budget", "http://ville.fr:80/budget"),
        ("https://ville.fr/budget#vote", "https://ville.fr/budget"),
    ],
)
def test_two_spellings_of_one_address_normalise_alike(first, second) -> None:
    assert url_key(first) == url_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://ville.fr/budget", "https://ville.fr/Budget"),  # paths may be case-sensitive
        ("https://ville.fr/?projet=1", "https://ville.fr/?projet=2"),
        ("https://ville.fr:8443/budget", "https://ville.fr/budget"),
        ("https://budget.ville.fr", "https://ville.fr"),
    ],
)
def test_different_addresses_stay_different(first, second) -> None:
    assert url_key(first) != url_key(second)


def test_the_normal_form_reads_as_an_address_without_its_noise() -> None:
    assert url_key(" HTTPS://www.Ville.fr/budget/?utm_source=x ") == "ville.fr/budget"
    assert url_key("") == ""
    assert url_key("https://ville.fr:99999/") == "https://ville.fr:99999/"  # unreadable port: as typed


@pytest.mark.django_db
def test_the_normal_address_is_stored_and_kept_up_to_date() -> None:
    tool = ToolFactory(url="https://www.ville.fr/budget/")
    assert Tool.objects.get(pk=tool.pk).url_key == "ville.fr/budget"
    tool.url = "https://ville.fr/forum?utm_source=x"
    tool.save(update_fields=["url"])
    assert Tool.objects.get(pk=tool.pk).url_key == "ville.fr/forum"


@pytest.mark.django_db
def test_the_migration_fills_the_normal_address_of_the_tools_already_there() -> None:
    from importlib import import_module

    migration = import_module("tools_registry.migrations.0011_duplicates_and_corrections")
    tool = ToolFactory(url="https://www.ville.fr/budget/")
    Tool.objects.filter(pk=tool.pk).update(url_key="")
    migration.fill_url_keys(apps, None)
    assert Tool.objects.get(pk=tool.pk).url_key == "ville.fr/budget"


@pytest.fixture
def saint_malo():
    return TerritoryFactory(kind=TerritoryKind.COMMUNE, code="35288", name="Saint-Malo", population=47000)


# The proposal the tests send, through the form or the API, unless a test changes a field.
PROPOSAL = {"name": "Budget participatif malouin", "url": "https://budget.saint-malo.example/"}


def form_data(place, **changes) -> dict:
    return form_submission(place, **{**PROPOSAL, **changes})


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_similar_name_in_the_same_collectivity_is_caught(client, saint_malo) -> None:
    existing = ToolFactory(
        name="Le budget participatif malouin 2024",
        url="https://autre.example/",
        collectivity=collectivity_for_territory(saint_malo),
    )
    response = client.post(SUBMIT, form_data(saint_malo))
    assert response.status_code == 400
    assert f"« {existing.name} » est déjà référencé" in page_text(response)


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_different_tool_of_the_same_collectivity_is_not_caught(client, saint_malo) -> None:
    ToolFactory(
        name="Portail open data de Saint-Malo",
        url="https://data.saint-malo.example/",
        collectivity=collectivity_for_territory(saint_malo),
    )
    response = client.post(SUBMIT, form_data(saint_malo))
    assert response.status_code == 302
    assert Tool.objects.get(status=ToolStatus.PENDING).possible_duplicate is None


@pytest.mark.django_db
@pytest.mark.both_databases
def test_the_same_name_spelt_otherwise_in_the_same_collectivity_is_caught(client, saint_malo) -> None:
    ToolFactory(
        name="BUDGET participatif Malouin !",
        url="https://autre.example/",
        collectivity=collectivity_for_territory(saint_malo),
    )
    response = client.post(SUBMIT, form_data(saint_malo))
    assert response.status_code == 400
    assert "« BUDGET participatif Malouin ! » est déjà référencé" in page_text(response)


@pytest.mark.django_db
def test_a_similar_name_elsewhere_is_not_a_duplicate(client, saint_malo) -> None:
    ToolFactory(name="Budget participatif malouin", url="https://autre.example/")
    response = client.post(SUBMIT, form_data(saint_malo))
    assert response.status_code == 302


@pytest.mark.django_db
def test_rejected_and_merged_tools_are_no_candidates(client, saint_malo) -> None:
    kept = ToolFactory(url="https://ailleurs.example/")
    ToolFactory(url="https://budget.saint-malo.example", status=ToolStatus.REJECTED, moderation_reason="x")
    ToolFactory(url="https://budget.saint-malo.example", status=ToolStatus.ARCHIVED, merged_into=kept)
    response = client.post(SUBMIT, form_data(saint_malo), follow=True)
    assert Tool.objects.get(name="Budget participatif malouin").possible_duplicate is None
    assert "semblable" not in page_text(response)


@pytest.mark.django_db
def test_an_unlisted_body_is_compared_too(client, saint_malo) -> None:
    park = CollectivityFactory(name="Parc naturel régional du Morvan", kind="pnr")
    ToolFactory(name="Budget participatif malouin", url="https://autre.example/", collectivity=park)
    other = {"not_listed": "on", "other_name": "parc naturel régional du morvan", "other_kind": "pnr"}
    data = form_data(saint_malo, **other)
    data.pop("territory")
    response = client.post(SUBMIT, data)
    assert response.status_code == 400
    assert "« Budget participatif malouin » est déjà référencé" in page_text(response)


@pytest.mark.django_db
def test_the_public_cannot_tell_an_unpublished_match_from_no_match(client, saint_malo) -> None:
    plain = client.post(SUBMIT, form_data(saint_malo, url="https://sans-doublon.example/"), follow=True)
    ToolFactory(name="Projet confidentiel", url="https://budget.saint-malo.example", status="pending")
    matched = client.post(SUBMIT, form_data(saint_malo, name="Autre nom"), follow=True)
    assert page_text(matched) == page_text(plain).replace("Budget participatif malouin", "Autre nom")
    assert Tool.objects.get(name="Autre nom").possible_duplicate.name == "Projet confidentiel"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def api_data(**changes) -> dict:
    return api_submission(**{**PROPOSAL, **changes})


@pytest.mark.django_db
def test_the_api_refuses_a_published_duplicate_with_the_address_to_correct_it(api, saint_malo) -> None:
    existing = ToolFactory(name="Budget participatif", url="http://www.budget.saint-malo.example/")
    response = api.post(API_SUBMIT, api_data(), format="json")
    assert response.status_code == 400
    messages = " ".join(response.json()["errors"]["confirm_distinct"])
    assert "« Budget participatif »" in messages
    assert f"http://testserver{reverse('tools_registry:tool_correct', args=[existing.slug])}" in messages
    assert not Tool.objects.filter(status=ToolStatus.PENDING).exists()


@pytest.mark.django_db
def test_the_api_stores_a_confirmed_other_tool_flagged(api, saint_malo) -> None:
    existing = ToolFactory(url="http://www.budget.saint-malo.example/")
    response = api.post(API_SUBMIT, api_data(confirm_distinct=True), format="json")
    assert response.status_code == 201
    assert response.json()["duplicate_flagged"] is True
    assert Tool.objects.get(status=ToolStatus.PENDING).possible_duplicate == existing


@pytest.mark.django_db
def test_the_api_answers_an_unpublished_match_as_no_match(api, saint_malo) -> None:
    plain = api.post(API_SUBMIT, api_data(url="https://sans-doublon.example/"), format="json")
    hidden = ToolFactory(name="Projet caché", url="http://budget.saint-malo.example", status="archived")
    matched = api.post(API_SUBMIT, api_data(name="Autre nom"), format="json")
    assert matched.status_code == plain.status_code == 201
    assert set(matched.json()) == set(plain.json())
    assert matched.json()["duplicate_flagged"] is plain.json()["duplicate_flagged"] is False
    assert Tool.objects.get(name="Autre nom").possible_duplicate == hidden


@pytest.mark.django_db
def test_a_hostile_name_in_the_duplicate_notice_is_text(client, saint_malo) -> None:
    name = "Budget </script><script>alert(1)</script><b id=injected>"
    ToolFactory(name=name, url="https://budget.saint-malo.example/")
    response = client.post(SUBMIT, form_data(saint_malo))
    body = response.content.decode()
    assert "<script>alert(1)" not in body and "<b id=injected>" not in body
    assert f"« {name} » est déjà référencé" in page_text(response)
