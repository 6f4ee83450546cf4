"""A page's former address never breaks: an old slug redirects (301) to the page as it is now."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CollectivityFactory, ToolFactory
from tools_registry.models import ToolStatus

pytestmark = pytest.mark.django_db


def test_a_tool_s_old_slugs_redirect_permanently_to_its_page(client) -> None:
    tool = ToolFactory(slug="forum-citoyen")
    tool.slug = "forum-citoyen-de-rennes"
    tool.save()
    tool.slug = "forum-de-rennes"
    tool.save()
    for old in ("forum-citoyen", "forum-citoyen-de-rennes"):
        response = client.get(f"/outils/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/outils/forum-de-rennes/")
    assert client.get("/outils/forum-de-rennes/").status_code == 200


def test_an_old_slug_taken_by_another_tool_leads_to_that_tool(client) -> None:
    first = ToolFactory(name="Premier forum", slug="forum")
    first.slug = "premier-forum"
    first.save()
    ToolFactory(name="Nouveau forum", slug="forum")
    response = client.get("/outils/forum/")
    assert response.status_code == 200
    assert response.context["tool"].name == "Nouveau forum"


def test_an_old_slug_given_up_by_its_second_holder_leads_to_the_second(client) -> None:
    first = ToolFactory(slug="carte")
    first.slug = "carte-de-lyon"
    first.save()
    second = ToolFactory(slug="carte")
    second.slug = "carte-de-nantes"
    second.save()
    assert client.get("/outils/carte/")["Location"] == "/outils/carte-de-nantes/"


def test_an_old_slug_of_a_tool_no_longer_published_is_not_found(client) -> None:
    tool = ToolFactory(slug="sondage")
    tool.slug = "sondage-2026"
    tool.save()
    tool.moderate(status=ToolStatus.ARCHIVED, moderator=None)
    assert client.get("/outils/sondage/").status_code == 404
    assert client.get("/outils/jamais-vu/").status_code == 404


@pytest.mark.parametrize("address", ["/collectivites/", "/api/v1/collectivities/"])
def test_a_collectivity_s_old_slug_redirects_to_its_page(client, address) -> None:
    collectivity = CollectivityFactory(slug="st-malo")
    ToolFactory(collectivity=collectivity)
    collectivity.slug = "saint-malo"
    collectivity.save()
    response = client.get(f"{address}st-malo/")
    assert (response.status_code, response["Location"]) == (301, f"{address}saint-malo/")
    # A link to a view of the page (the peers of the same region) leads to the same view.
    response = client.get(f"{address}st-malo/?comparables=region")
    assert response["Location"] == f"{address}saint-malo/?comparables=region"
    assert client.get(f"{address}nulle-part/").status_code == 404


def redirect_queries(client, slug: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"/outils/{slug}/").status_code == 301
    return len(context.captured_queries)


def test_the_redirect_costs_the_same_queries_however_long_the_history(client) -> None:
    short, long = ToolFactory(slug="court-0"), ToolFactory(slug="long-0")
    short.slug = "court-1"
    short.save()
    for number in range(1, 30):
        long.slug = f"long-{number}"
        long.save()
    assert redirect_queries(client, "long-0") == redirect_queries(client, "court-0")


def test_an_api_client_following_an_old_tool_address_gets_the_tool_now(client) -> None:
    tool = ToolFactory(slug="budget-participatif")
    tool.slug = "budget-participatif-de-rennes"
    tool.save()
    response = client.get("/api/v1/tools/budget-participatif/?format=json")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/tools/budget-participatif-de-rennes/?format=json"
    assert client.get(response["Location"]).json()["slug"] == "budget-participatif-de-rennes"
    assert client.get("/api/v1/tools/jamais-vu/").status_code == 404
