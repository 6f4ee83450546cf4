"""Hostile input on every public form and endpoint: a clear 4xx, never a 500, nothing stored half."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tests.helpers import page_text
from tools_registry.forms import ToolSubmissionForm
from tools_registry.models import Collectivity, Tool, ToolObjective, ToolStatus

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE tools_registry_tool; --",
    "1 OR 1=1",
    "a\x00b",
    "é" * 10_000,
    "9" * 400,
    "-1",
    "‮evil",
    "%00",
    "{{ 7*7 }}",
]
PUBLIC_GETS = [
    (
        "tools_registry:tool_list",
        [
            "q",
            "family",
            "objective",
            "kind",
            "region",
            "departement",
            "population",
            "software",
            "open_source",
            "hybrid",
            "sort",
            "page",
        ],
    ),
    ("tools_registry:tool_map", ["q", "family", "region", "page"]),
    ("tools_registry:tool_map_embed", ["q", "family", "hybrid"]),
    ("api:tool-list", ["q", "family", "region", "page", "page_size", "format", "sort"]),
    ("api:collectivity-list", ["page", "page_size"]),
    ("tools_registry:compare", ["c", "ajouter"]),
    ("api:territory-list", ["search"]),
]


@pytest.mark.parametrize(("name", "params"), PUBLIC_GETS)
@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{number}" for number in range(len(PAYLOADS))])
def test_public_reads_never_fail_on_hostile_parameters(client, name, params, payload) -> None:
    ToolFactory()
    client.raise_request_exception = False
    for param in params:
        response = client.get(reverse(name), {param: payload})
        assert response.status_code in {200, 400, 404}, (param, payload, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            assert b"<script>alert(1)</script>" not in response.content


def test_invalid_utf8_in_a_query_string_is_harmless(client) -> None:
    client.raise_request_exception = False
    response = client.get(reverse("tools_registry:tool_list") + "?q=%FF%FE%00&family=%C3")
    assert response.status_code in {200, 400}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"name=x"),
        ("application/json", b"{not json"),
        ("application/json", b"\xff\xfe\xfd"),
        ("application/json", b"[]"),
        ("application/json", b'{"name": {"nested": 1}, "objectives": "idees", "launch_year": 1e400}'),
        ("application/json", b'{"name": "x", "launch_year": 99999999999999999999999, "territory": -5}'),
        ("application/xml", b"<tool/>"),
        ("multipart/form-data; boundary=zzz", b"--zzz\r\nbroken"),
    ],
)
def test_the_submission_endpoint_refuses_malformed_bodies(content_type, body) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(reverse("api:submission"), data=body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.json()["status"] == response.status_code
    assert Tool.objects.count() == 0


def test_a_huge_body_is_refused_on_the_form_and_the_api() -> None:
    client = Client(raise_request_exception=False)
    huge = "x" * 3_000_000
    assert client.post(reverse("tools_registry:tool_submit"), {"name": huge}).status_code == 400
    response = client.post(reverse("api:submission"), data={"name": huge}, content_type="application/json")
    assert response.status_code == 400
    assert Tool.objects.count() == 0


def test_a_form_post_with_a_wrong_content_type_keeps_the_form_working(client) -> None:
    response = client.post(
        reverse("tools_registry:tool_submit"), data=b"\x00\xff", content_type="application/json"
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()


def submission_data(text: str, year: int, objectives: list[str], territory_id: int) -> dict:
    return {
        "name": text[:250],
        "url": "https://exemple.org/" + text[:30],
        "description": text,
        "family": "forum",
        "objectives": objectives,
        "territory": str(territory_id),
        "software": text[:150],
        "launch_year": str(year),
        "submitter_name": text[:220] or "x",
        "submitter_email": "a@exemple.org",
        "consent": "on",
    }


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    text=st.text(max_size=300),
    year=st.integers(min_value=-(10**12), max_value=10**12),
    objectives=st.lists(
        st.sampled_from(["informer", "idees", "consulter", "mobiliser", "x", ""]), max_size=5
    ),
)
def test_the_submission_form_either_explains_or_stores_exactly_what_was_typed(text, year, objectives) -> None:
    territory = TerritoryFactory()
    form = ToolSubmissionForm(submission_data(text, year, objectives, territory.pk))
    valid = form.is_valid()
    if not valid:
        assert form.errors
        return
    from tools_registry import services

    tools_before = Tool.objects.count()
    tool = services.propose_tool(proposal=form.proposal(), choice=form.collectivity_choice())
    assert Tool.objects.count() == tools_before + 1
    assert tool.description == text.strip()
    assert [o.objective for o in ToolObjective.objects.filter(tool=tool).order_by("rank")] == [
        code for code in objectives if code
    ]
    assert Collectivity.objects.filter(territory=territory).count() == 1


@pytest.mark.parametrize("ids", ["99999999999999999999999", "1.5,abc", "-1", "1," * 500, "\x00"])
def test_tool_ids_out_of_range_or_malformed_are_refused_or_ignored(client, ids) -> None:
    client.raise_request_exception = False
    response = client.get(reverse("api:tool-list"), {"id": ids})
    assert response.status_code in {200, 400}


def test_a_refused_filter_never_shows_on_the_next_request(client) -> None:
    # The filter form's fields are shared by every request (filters.SharedFields): what one request
    # typed, and the errors it got, stay with that request.
    tool = ToolFactory(name="Budget participatif de Rennes", family="budget_participatif")
    catalogue = reverse("tools_registry:tool_list")
    refused = client.get(catalogue, {"q": "b" * 201, "family": "inconnue"}).content.decode()
    assert 'class="errorlist"' in refused
    shown = client.get(catalogue, {"q": "budget", "family": "budget_participatif"}).content.decode()
    assert 'class="errorlist"' not in shown
    assert "Budget participatif de Rennes" in shown
    api = reverse("api:tool-list")
    assert client.get(api, {"family": "inconnue"}).status_code == 400
    answer = client.get(api, {"family": "budget_participatif"})
    assert answer.status_code == 200
    assert [found["slug"] for found in answer.json()["results"]] == [tool.slug]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("opendata:tools_geojson", {"family": "nope"}),
        ("opendata:tools_geojson", {"q": "z" * 201}),
        ("tools_registry:software_csv", {"family": "nope"}),
        ("tools_registry:coverage_csv", {"family": "nope"}),
        ("opendata:tools_geojson", {"region": ["53", "11"]}),
        ("tools_registry:software_csv", {"open_source": ["true", "false"]}),
    ],
)
def test_a_download_refuses_a_filter_it_does_not_know_instead_of_sending_everything(
    client, name, params
) -> None:
    ToolFactory(name="Forum de Rennes")
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == list(params)
    assert "Forum de Rennes" not in response.content.decode()


def test_the_catalogue_says_which_filters_it_did_not_apply(client) -> None:
    ToolFactory(name="Portail ouvert", family="open_data")
    ToolFactory(name="Forum des habitants", family="forum")
    page = client.get(reverse("tools_registry:tool_list"), {"family": ["open_data", "zzz"]})
    html = page.content.decode()
    assert "Ces filtres n'ont pas été appliqués" in html
    assert "Famille : " in html and "zzz" in html
    # The list holds every tool, so no family shows as chosen.
    assert "Forum des habitants" in html and "Portail ouvert" in html
    assert 'value="open_data" checked' not in html
    assert "actif)" not in html
    english = client.get(
        reverse("tools_registry:tool_list"), {"family": "zzz"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "These filters were not applied:" in english


NUL_REFUSED = "Le caractère nul n’est pas autorisé."


@pytest.mark.parametrize(
    "url",
    [
        "/admin/tools_registry/tool/?status__exact=%00",
        "/admin/tools_registry/tool/?family__exact=forum%00",
        "/admin/tools_registry/tool/?q=budget&%00=1",
        "/outils/?q=bud%00get",
    ],
)
def test_a_nul_character_in_a_page_s_query_string_gets_the_error_page(admin_client, url) -> None:
    ToolFactory(name="Budget participatif de Rennes")
    admin_client.raise_request_exception = False
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "Requête invalide" in page_text(response)
    assert NUL_REFUSED in page_text(response)
    assert "Budget participatif de Rennes" not in page_text(response)


@pytest.mark.parametrize(
    ("params", "refused"),
    [
        ({"q": "a\x00b"}, ["q"]),
        ({"collectivity": "\x00", "family": "forum"}, ["collectivity"]),
        ({"page": "1", "\x00": "x"}, ["\x00"]),
    ],
)
def test_a_nul_character_in_an_api_parameter_gets_the_api_s_400_naming_it(client, params, refused) -> None:
    ToolFactory()
    for name in ("api:tool-list", "api:collectivity-list"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert (body["status"], body["code"]) == (400, "invalid")
        assert body["errors"] == {name: [NUL_REFUSED] for name in refused}


def test_an_admin_form_holding_a_nul_character_is_refused_and_changes_nothing(admin_client) -> None:
    tool = ToolFactory(name="Portail ouvert", status=ToolStatus.PENDING)
    admin_client.raise_request_exception = False
    change = reverse("admin:tools_registry_tool_change", args=[tool.pk])
    response = admin_client.post(change, {"name": "Portail modifié", "collectivity": "rennes\x00"})
    assert response.status_code == 400
    assert NUL_REFUSED in page_text(response)
    action = admin_client.post(
        reverse("admin:tools_registry_tool_changelist"),
        {"action": "delete_selected", "_selected_action": [str(tool.pk), "\x00"], "post": "yes"},
    )
    assert action.status_code == 400
    tool.refresh_from_db()
    assert tool.name == "Portail ouvert"
    assert Tool.objects.count() == 1


def test_a_public_form_explains_a_nul_character_beside_its_field_and_keeps_what_was_typed(client) -> None:
    # Left to the form by the NUL rule: its message beside the field is clearer than an error page.
    collectivity = CollectivityFactory()
    data = {
        "name": "Forum\x00",
        "url": "https://exemple.org/\x00",
        "family": "forum\x00",
        "objectives": ["idees\x00"],
        "territory": "\x00",
        "territory_query": "Rennes\x00",
        "collectivity": collectivity.slug + "\x00",
        "description": "Les habitants débattent.\x00",
        "submitter_name": "Camille Agent",
        "submitter_email": "a@exemple.org",
        "consent": "on",
    }
    response = client.post(reverse("tools_registry:tool_submit"), data)
    assert response.status_code == 400
    assert NUL_REFUSED in page_text(response)
    assert 'value="Camille Agent"' in response.content.decode()
    assert Tool.objects.count() == 0


ONE_VALUE = "Une seule valeur est attendue, pas 2."


@pytest.mark.parametrize(
    "params",
    [
        {"region": ["53", "11"]},
        {"departement": ["35", "35"]},
        {"software": ["Decidim", "CONSUL"]},
        {"q": ["budget", "forum"]},
        {"open_source": ["true", "false"]},
        {"hybrid": ["true", "true"]},
        {"located": ["false", "true"]},
        {"sort": ["nom", "recent"]},
        {"id": ["1", "2"]},
        {"region": ["53", "11"], "format": "geojson"},
        {"region": ["53", "11"], "format": "csv"},
    ],
)
def test_a_filter_taking_one_value_given_twice_gets_the_api_s_400_naming_it(client, params) -> None:
    ToolFactory(name="Forum de Rennes", software="Decidim")
    response = client.get(reverse("api:tool-list"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {name: [ONE_VALUE] for name in params if name != "format"}
    assert "Forum de Rennes" not in response.content.decode()


def test_the_api_says_in_english_that_a_filter_takes_one_value(client) -> None:
    params = {"region": ["53", "11"]}
    response = client.get(reverse("api:tool-list"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"] == {"region": ["One value is expected, not 2."]}


def test_filters_taking_several_values_still_take_them_all(client) -> None:
    ToolFactory(name="Forum de Rennes", family="forum", life_status="active")
    ToolFactory(name="Sondage de Brest", family="sondage", life_status="active")
    for path in ("api:tool-list", "tools_registry:tool_list"):
        params = {"family": ["forum", "sondage"], "life_status": ["active", "ended"]}
        response = client.get(reverse(path), params)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Forum de Rennes" in html and "Sondage de Brest" in html
        assert ONE_VALUE not in html


def test_the_catalogue_leaves_out_a_filter_taking_one_value_given_twice_and_says_so(client) -> None:
    ToolFactory(name="Forum de Rennes", software="Decidim")
    ToolFactory(name="Consultation de Brest", software="CONSUL")
    ToolFactory(name="Portail de Quimper", software="CKAN")
    response = client.get(reverse("tools_registry:tool_list"), {"software": ["Decidim", "CONSUL"]})
    assert response.status_code == 200
    text = page_text(response)
    assert "Ces filtres n'ont pas été appliqués" in text
    assert f"Logiciel : {ONE_VALUE}" in text
    # Neither value is kept: every tool is listed, and the panel selects no software.
    assert all(name in text for name in ("Forum de Rennes", "Consultation de Brest", "Portail de Quimper"))
    assert 'value="CONSUL" selected' not in response.content.decode()


def test_a_search_given_twice_is_refused_beside_the_search_box(client) -> None:
    ToolFactory(name="Forum de Rennes")
    response = client.get(reverse("tools_registry:tool_list"), {"q": ["forum", "budget"]})
    assert response.status_code == 200
    assert 'class="errorlist"><li>' + ONE_VALUE in response.content.decode()
    assert "Forum de Rennes" in page_text(response)
