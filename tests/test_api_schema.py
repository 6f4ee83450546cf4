"""Every operation of the live OpenAPI schema, fuzzed in-process: no server error, no response that
breaks the schema, no undocumented status code — NUL bytes, huge numbers and odd Unicode included.
Anonymously, then the staff operations again with a staff token, so that their writes are fuzzed too."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from tests.factories import SaintMaloFactory, ToolFactory
from tests.helpers import api_submission


@pytest.fixture
def api_schema(db):
    from django.core.wsgi import get_wsgi_application

    ToolFactory.create_batch(3)
    SaintMaloFactory(postcodes="35400")
    # As Django's test client does: keep the test's connection (and its transaction) open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")

# Judged: no server error, responses and status codes as documented. Not judged: whether input the
# schema describes loosely (a number where a string is documented…) is coerced or refused.
CHECKS_LEFT_OUT = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_honours_its_schema(case) -> None:
    cache.clear()  # rate limits would otherwise turn most examples into a documented 429
    case.call_and_validate(excluded_checks=CHECKS_LEFT_OUT)


@pytest.fixture
def staff_token(django_user_model) -> str:
    staff = django_user_model.objects.create_superuser("equipe", "equipe@example.org", "mot-de-passe")
    return Token.objects.create(user=staff).key


staff_schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex="^/api/v1/staff/")


@staff_schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_staff_operation_honours_its_schema_with_a_staff_token(case, staff_token) -> None:
    cache.clear()
    if case.path_parameters and "slug" in case.path_parameters:
        # A random slug only ever finds nothing: edit and moderate a tool that exists.
        case.path_parameters["slug"] = ToolFactory(status="pending").slug
    case.call_and_validate(headers={"Authorization": f"Token {staff_token}"}, excluded_checks=CHECKS_LEFT_OUT)


# What the schema document says, as a client generator reads it.


@pytest.fixture
def document(client, db) -> dict:
    return client.get(reverse("api-schema"), {"format": "json"}).json()


def _parameters(document: dict, path: str) -> dict[str, dict]:
    return {
        parameter["name"]: parameter["schema"] for parameter in document["paths"][path]["get"]["parameters"]
    }


@pytest.mark.parametrize(
    ("path", "name"),
    [("/api/v1/tools/", "api:tool-list"), ("/api/v1/insights/software/", "api:insights-software")],
)
def test_yes_no_filters_are_documented_as_the_values_they_accept_and_refuse_others(
    client, document, path, name
) -> None:
    parameters = _parameters(document, path)
    for filter_name in ("open_source", "hybrid", "located"):
        assert parameters[filter_name] == {"type": "string", "enum": ["false", "true"]}
        for value in parameters[filter_name]["enum"]:
            assert client.get(reverse(name), {filter_name: value}).status_code == 200
        for refused in ("oui", "1", "True"):
            response = client.get(reverse(name), {filter_name: refused})
            assert response.status_code == 400
            assert response.json()["errors"] == {
                filter_name: [
                    f"Valeur inconnue : « {refused} ». Valeurs acceptées : « true » (oui) ou « false » (non)."
                ]
            }


def _documented(document: dict, path: str) -> dict[str, dict]:
    return {parameter["name"]: parameter for parameter in document["paths"][path]["get"]["parameters"]}


def test_the_software_insights_document_their_filters_as_the_tool_list_does(client, document) -> None:
    insights = _documented(document, "/api/v1/insights/software/")
    listed = _documented(document, "/api/v1/tools/")
    assert set(insights) == set(listed) - {"format", "page", "page_size", "sort"}
    for name in ("family", "objective", "kind", "population", "life_status"):
        # Repeated to give several values (`?family=forum&family=sondage`), each one of those listed.
        assert insights[name]["schema"]["type"] == "array"
        assert (insights[name].get("style"), insights[name].get("explode")) == ("form", True)
        assert insights[name]["schema"] == listed[name]["schema"]
    assert insights["id"]["schema"] == {"type": "array", "items": {"type": "integer"}}
    assert insights["id"]["explode"] is False
    for family in ("forum", "sondage", "open_data"):
        ToolFactory(family=family)
    answer = client.get(reverse("api:insights-software"), {"family": ["forum", "sondage"]})
    assert answer.status_code == 200
    assert answer.json()["count"] == 2


def test_the_tool_list_example_is_one_page_holding_one_tool_as_the_api_gives_it(document) -> None:
    listed = document["paths"]["/api/v1/tools/"]["get"]["responses"]["200"]["content"]["application/json"]
    [example] = [example["value"] for example in listed["examples"].values()]
    assert example["count"] == 1 and example["next"] is None and example["previous"] is None
    [tool] = example["results"]
    components = document["components"]["schemas"]
    assert set(tool) == set(components["Tool"]["properties"])
    assert set(tool["collectivity"]) == set(components["CollectivitySummary"]["properties"])


def test_objectives_are_documented_with_the_number_the_server_accepts(client, document) -> None:
    schemas = document["components"]["schemas"]
    submitted = schemas["SubmissionRequest"]["properties"]["objectives"]
    assert (submitted.get("minItems"), submitted.get("maxItems")) == (1, 3)
    assert schemas["StaffToolRequest"]["properties"]["objectives"]["maxItems"] == 3
    SaintMaloFactory(postcodes="35400")
    for objectives in ([], ["idees", "informer", "consulter", "mobiliser"]):
        response = client.post(
            reverse("api:submission"), api_submission(objectives=objectives), content_type="application/json"
        )
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["objectives"]


def test_the_schema_downloads_under_an_ascii_file_name(client, db) -> None:
    disposition = client.get(reverse("api-schema"))["Content-Disposition"]
    assert disposition == 'inline; filename="API du Barometre de la democratie locale numerique.yaml"'
    assert client.get(reverse("api-schema"), {"format": "json"})["Content-Disposition"].endswith(
        'numerique.json"'
    )


def test_the_schema_says_the_registry_turns_odbl_with_a_share_alike_source(document) -> None:
    description = document["info"]["description"]
    assert "Données sous Licence Ouverte 2.0 ;" in description
    assert "contient un outil venu d'une source sous ODbL 1.0 est sous cette licence" in description
