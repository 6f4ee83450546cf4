import csv
import io
import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import (
    CollectivityFactory,
    SaintMaloFactory,
    TerritoryFactory,
    ToolFactory,
    ToolObjectiveFactory,
)
from tests.helpers import api_submission, external_resources, formula_cells
from tools_registry.choices import ToolFamily
from tools_registry.models import TerritoryKind, Tool, ToolStatus

pytestmark = pytest.mark.django_db
TOOLS = reverse("api:tool-list")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_tools_are_listed_with_a_total_count_and_pages(api) -> None:
    ToolFactory.create_batch(3)
    body = api.get(TOOLS, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


def test_a_tool_shows_every_public_field_and_no_private_one(api) -> None:
    tool = ToolFactory(
        submitter_email="secret@example.org", submitter_name="Secret Person", software="Decidim"
    )
    ToolObjectiveFactory(tool=tool, objective="idees", rank=2)
    ToolObjectiveFactory(tool=tool, objective="informer", rank=1)
    body = api.get(reverse("api:tool-detail", kwargs={"slug": tool.slug})).json()
    assert body["objectives"] == ["informer", "idees"]
    assert body["software"] == "Decidim"
    assert body["collectivity"]["name"] == tool.collectivity.name
    assert "secret@example.org" not in json.dumps(body)
    assert "Secret Person" not in json.dumps(body)


def test_unpublished_tools_are_never_served(api) -> None:
    ToolFactory(name="Publié")
    hidden = ToolFactory(name="Refusé", status=ToolStatus.REJECTED, moderation_reason="Hors sujet")
    ToolFactory(name="En attente", status=ToolStatus.PENDING)
    assert [tool["name"] for tool in api.get(TOOLS).json()["results"]] == ["Publié"]
    assert api.get(reverse("api:tool-detail", kwargs={"slug": hidden.slug})).status_code == 404
    csv_names = [
        row["name"]
        for row in csv.DictReader(
            io.StringIO(api.get(TOOLS, {"format": "csv"}).getvalue().decode().lstrip("\ufeff"))
        )
    ]
    assert csv_names == ["Publié"]


def test_the_same_filters_give_the_same_tools_in_the_catalogue_the_map_and_the_api(client, api) -> None:
    for number in range(12):
        tool = ToolFactory(
            name=f"Outil {number:02d}",
            family=[ToolFamily.FORUM, ToolFamily.SONDAGE][number % 2],
            is_open_source=number % 3 == 0,
        )
        ToolObjectiveFactory(tool=tool, objective=["informer", "idees"][number % 2], rank=1)
    params = {"family": ["forum", "sondage"], "open_source": "true", "objective": "informer"}
    page = client.get(reverse("tools_registry:tool_list"), params)
    catalogue = {tool.name for tool in page.context["page"].object_list}
    api_names = {tool["name"] for tool in api.get(TOOLS, params).json()["results"]}
    features = api.get(TOOLS, {**params, "format": "geojson"}).json()["features"]
    ids = [tool_id for feature in features for tool_id, _family in feature["properties"]["t"]]
    geojson = set(Tool.objects.filter(pk__in=ids).values_list("name", flat=True))
    exported = api.get(TOOLS, {**params, "format": "csv"}).getvalue().decode().lstrip("\ufeff")
    csv_names = {row["name"] for row in csv.DictReader(io.StringIO(exported))}
    assert catalogue == api_names == geojson == csv_names == {"Outil 00", "Outil 06"}


def test_csv_parses_back_with_every_tool_and_its_ranked_objectives(api) -> None:
    tool = ToolFactory(name='Outil "guillemets", virgule', hybrid=True, hybrid_formats=["formations"])
    ToolObjectiveFactory(tool=tool, objective="consulter", rank=1)
    ToolObjectiveFactory(tool=tool, objective="informer", rank=2)
    ToolFactory(name="Sans objectif")
    response = api.get(TOOLS, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode().lstrip("\ufeff"))))
    by_name = {row["name"]: row for row in rows}
    assert by_name['Outil "guillemets", virgule']["objectives"] == "consulter|informer"
    assert by_name['Outil "guillemets", virgule']["hybrid_formats"] == "formations"
    assert by_name["Sans objectif"]["objectives"] == ""


def test_csv_cells_cannot_run_as_spreadsheet_formulas(api) -> None:
    ToolFactory(
        name='=HYPERLINK("https://piege.example","Cliquez")',
        description="@SUM(1+1)*cmd|' /C calc'!A0",
        software="+33 6 12 34 56 78",
        family=ToolFamily.AUTRE,
        family_other="\t=1+1",
        collectivity=CollectivityFactory(name="-Ville", latitude=48.11, longitude=-1.68),
    )
    body = api.get(TOOLS, {"format": "csv"}).getvalue().decode().lstrip("\ufeff")
    assert formula_cells(body) == []
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["name"] == '\'=HYPERLINK("https://piege.example","Cliquez")'
    assert row["description"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["software"] == "'+33 6 12 34 56 78"
    assert row["family_other"] == "'\t=1+1"
    assert row["collectivity"] == "'-Ville"
    assert (row["latitude"], row["longitude"]) == ("48.11", "-1.68")


def test_a_tool_has_the_same_page_address_and_times_in_the_json_the_csv_and_the_geojson(
    api, settings
) -> None:
    settings.SITE_URL = "https://barometre.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    tool = ToolFactory(name="Budget participatif")
    page = "https://barometre.example.org" + tool.get_absolute_url()
    # Reached by another name (the app server's own, behind the proxy): the addresses stay the site's.
    other_host = {"HTTP_HOST": "10.0.0.5:8000"}
    listed = api.get(TOOLS, **other_host).json()["results"][0]
    detail = api.get(reverse("api:tool-detail", args=[tool.slug]), **other_host).json()
    csv_body = b"".join(api.get(TOOLS, {"format": "csv"}, **other_host).streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(csv_body)))
    geojson = json.loads(b"".join(api.get(reverse("opendata:tools_geojson"), **other_host).streaming_content))
    assert listed["web_url"] == detail["web_url"] == row["web_url"] == page
    assert geojson["features"][0]["properties"]["page_url"] == page
    assert (row["created_at"], row["updated_at"]) == (detail["created_at"], detail["updated_at"])
    assert detail["created_at"].endswith(("+01:00", "+02:00"))  # the site's time zone, Europe/Paris


def test_collectivities_list_only_those_with_published_tools(api) -> None:
    shown = CollectivityFactory(name="Avec outil")
    ToolFactory(collectivity=shown)
    ToolFactory(collectivity=CollectivityFactory(name="En attente"), status=ToolStatus.PENDING)
    body = api.get(reverse("api:collectivity-list")).json()
    assert [c["name"] for c in body["results"]] == ["Avec outil"]
    detail = api.get(reverse("api:collectivity-detail", kwargs={"slug": shown.slug})).json()
    assert len(detail["tools"]) == 1


def test_territories_credit_the_reference_their_coordinates_come_from(api) -> None:
    territory = SaintMaloFactory()
    for url in (reverse("api:territory-list"), reverse("api:territory-detail", args=[territory.pk])):
        response = api.get(url, {"search": "saint malo"})
        links = response["Link"].split(", <")
        assert links[0] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"; title="CC-BY-4.0"'
        assert 'https://www.geonames.org/>; rel="via"; title="GeoNames"' in links
        assert any("title*=UTF-8''Etalab%2C%20d%C3%A9coupage%20administratif" in link for link in links)
    assert api.get(reverse("api:territory-list"), {"search": "saint malo"}).json()[0]["code"] == "35288"


def test_territories_are_found_by_name_postcode_and_code(api) -> None:
    SaintMaloFactory(postcodes="35400")
    TerritoryFactory(kind=TerritoryKind.COMMUNE, code="22278", name="Saint-Malo-de-Phily", population=900)
    url = reverse("api:territory-list")
    assert [t["code"] for t in api.get(url, {"search": "saint malo"}).json()] == ["35288", "22278"]
    assert [t["code"] for t in api.get(url, {"search": "35400"}).json()] == ["35288"]
    assert [t["code"] for t in api.get(url, {"search": "35288"}).json()] == ["35288"]
    assert api.get(url, {"search": "\x00"}).status_code == 400


def test_tools_can_be_fetched_by_their_ids(api) -> None:
    first, second, _third = ToolFactory.create_batch(3)
    body = api.get(TOOLS, {"id": f"{first.pk},{second.pk}"}).json()
    assert {tool["name"] for tool in body["results"]} == {first.name, second.name}


def test_tools_without_a_location_are_listed_apart(api) -> None:
    ToolFactory(name="Placé", collectivity=CollectivityFactory(latitude=48.11, longitude=-1.68))
    ToolFactory(name="Sans point", collectivity=CollectivityFactory(latitude=None, longitude=None))
    ToolFactory(name="Sans collectivité", collectivity=None)
    names = {
        located: {tool["name"] for tool in api.get(TOOLS, {"located": located}).json()["results"]}
        for located in ("true", "false")
    }
    assert names == {"true": {"Placé"}, "false": {"Sans point", "Sans collectivité"}}


def test_reference_lists_give_codes_and_labels(api) -> None:
    families = api.get(reverse("api:families")).json()
    assert {
        "code": "open_data",
        "label": "Plateforme de mise à disposition des données publiques (open data)",
    } in families
    assert [o["code"] for o in api.get(reverse("api:objectives")).json()][:3] == [
        "informer",
        "idees",
        "eclairer_decision",
    ]


def test_a_submission_through_the_api_is_pending_like_through_the_form(api) -> None:
    SaintMaloFactory()
    response = api.post(reverse("api:submission"), api_submission(), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    tool = Tool.objects.get()
    assert tool.status == ToolStatus.PENDING
    assert tool.collectivity.name == "Saint-Malo"


@pytest.mark.parametrize(
    ("status", "flagged"),
    [(ToolStatus.PUBLISHED, True), (ToolStatus.PENDING, False), (ToolStatus.ARCHIVED, False)],
)
def test_the_receipt_flags_a_similar_tool_only_when_it_is_published(api, status, flagged) -> None:
    SaintMaloFactory()
    ToolFactory(name="Projet confidentiel", url="https://budget.example.org", status=status)
    # Told it repeats a published tool (see tests/test_duplicates.py), the client confirms it is another.
    response = api.post(reverse("api:submission"), api_submission(confirm_distinct=flagged), format="json")
    assert response.status_code == 201
    assert response.json()["duplicate_flagged"] is flagged
    assert "Projet confidentiel" not in response.content.decode()


def test_a_bad_submission_gets_the_forms_messages_in_the_api_error_format(api) -> None:
    SaintMaloFactory()
    response = api.post(
        reverse("api:submission"), api_submission(objectives=["idees", "idees"], url="nope"), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert body["errors"]["objectives"] == ["Chaque objectif ne peut être choisi qu'une fois."]
    assert body["errors"]["url"] == ["Saisissez une URL valide."]
    assert Tool.objects.count() == 0


def test_a_submission_is_told_every_invalid_field_at_once(api) -> None:
    SaintMaloFactory()
    bad = {"launch_year": 1800, "url": "nope", "submitter_email": "x", "objectives": [], "name": "N" * 201}
    response = api.post(reverse("api:submission"), api_submission(**bad), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"launch_year", "url", "submitter_email", "objectives", "name"}
    # One message per field, the serializer's for a field it refused (the form never saw it).
    assert all(len(messages) == 1 for messages in errors.values())
    assert "au plus 200" in errors["name"][0]
    assert errors["submitter_email"] == ["Saisissez une adresse e-mail valide."]
    assert Tool.objects.count() == 0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "name=Budget&family=forum&consent=true"),
        (
            "multipart/form-data; boundary=x",
            '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nB\r\n--x--',
        ),
        ("text/plain", json.dumps(api_submission())),
    ],
)
def test_submissions_accept_json_only_so_that_another_site_cannot_post_a_form(
    api, settings, content_type, body
) -> None:
    SaintMaloFactory()
    settings.SUBMISSION_RATE_LIMIT = 1
    refused = api.generic("POST", reverse("api:submission"), body, content_type=content_type)
    assert refused.status_code == 415
    assert refused.json()["status"] == 415 and refused.json()["code"] == "unsupported_media_type"
    assert not Tool.objects.exists()
    # A refused body does not count against the sender's rate limit.
    assert api.post(reverse("api:submission"), api_submission(), format="json").status_code == 201


def test_submissions_share_the_forms_rate_limit(api, settings) -> None:
    SaintMaloFactory()
    settings.SUBMISSION_RATE_LIMIT = 1
    assert api.post(reverse("api:submission"), api_submission(), format="json").status_code == 201
    response = api.post(reverse("api:submission"), api_submission(name="Autre"), format="json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.json()["code"] == "throttled"


def test_anonymous_clients_cannot_write_or_see_the_staff_list(api) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING)
    assert api.get(reverse("api:staff-tool-list")).status_code == 401
    url = reverse("api:staff-tool-approve", kwargs={"slug": tool.slug})
    assert api.post(url).status_code == 401
    tool.refresh_from_db()
    assert tool.status == ToolStatus.PENDING


def test_a_method_an_endpoint_does_not_have_is_a_405_whoever_asks(api, staff_api) -> None:
    tool = ToolFactory()
    public = reverse("api:tool-detail", kwargs={"slug": tool.slug})
    for client in (api, staff_api):
        response = client.put(public, {"name": "Autre"}, format="json")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json()["code"] == "method_not_allowed"
    staff = reverse("api:staff-tool-detail", kwargs={"slug": tool.slug})
    assert api.delete(staff).status_code == 405
    assert Tool.objects.filter(pk=tool.pk, name=tool.name).exists()


def test_a_non_staff_token_is_refused(api, django_user_model) -> None:
    user = django_user_model.objects.create_user("lecteur", password="x")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert api.get(reverse("api:staff-tool-list")).status_code == 403


def test_staff_can_create_edit_and_moderate_with_a_token(staff_api, admin_user) -> None:
    collectivity = CollectivityFactory()
    created = staff_api.post(
        reverse("api:staff-tool-list"),
        {
            "name": "Portail",
            "family": "open_data",
            "collectivity": collectivity.slug,
            "objectives": ["informer"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    slug = created.json()["slug"]
    assert created.json()["status"] == "published"
    edited = staff_api.patch(
        reverse("api:staff-tool-detail", kwargs={"slug": slug}), {"software": "uData"}, format="json"
    )
    assert edited.json()["software"] == "uData"
    pending = ToolFactory(status=ToolStatus.PENDING)
    reject = reverse("api:staff-tool-reject", kwargs={"slug": pending.slug})
    assert staff_api.post(reject, {}, format="json").status_code == 400
    rejected = staff_api.post(reject, {"reason": "Doublon"}, format="json").json()
    assert rejected["status"] == "rejected"
    assert rejected["moderated_by"] == admin_user.username
    listed = staff_api.get(reverse("api:staff-tool-list"), {"status": "rejected"}).json()
    assert [tool["slug"] for tool in listed["results"]] == [pending.slug]


def test_throttling_answers_429_with_a_clear_message(api, monkeypatch) -> None:
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    codes = [api.get(reverse("api:families")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    body = api.get(reverse("api:families")).json()
    assert body["code"] == "throttled"
    assert "Requête" in body["detail"] or "request" in body["detail"].lower()


def test_public_lists_can_be_cached_and_revalidated(api) -> None:
    ToolFactory()
    first = api.get(TOOLS)
    assert first["Cache-Control"] == "public, max-age=60"
    again = api.get(TOOLS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_other_sites_may_read_the_api(api) -> None:
    response = api.get(TOOLS, HTTP_ORIGIN="https://ville.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_bad_filter_values_get_a_400_in_the_error_format(api) -> None:
    for params in ({"family": "nope"}, {"q": "a\x00b"}, {"family": "nope", "format": "geojson"}):
        response = api.get(TOOLS, params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "invalid"


def test_the_schema_and_its_documentation_are_served_by_the_site(client) -> None:
    assert client.get(reverse("api-schema")).status_code == 200
    docs = client.get(reverse("api-docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert external_resources(docs) == []


def test_a_single_tool_is_json_only(api) -> None:
    tool = ToolFactory()
    url = reverse("api:tool-detail", kwargs={"slug": tool.slug})
    assert api.get(url)["Content-Type"] == "application/json"
    response = api.get(url, {"format": "csv"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_tool_s_address_answers_whatever_list_filters_its_query_carries(api) -> None:
    # A link copied from a filtered list, or tagged by a newsletter, still leads to the tool.
    tool = ToolFactory(family=ToolFamily.FORUM)
    url = reverse("api:tool-detail", kwargs={"slug": tool.slug})
    for params in ({"family": "sondage"}, {"q": "newsletter", "utm_source": "lettre"}, {"family": "nope"}):
        response = api.get(url, params)
        assert response.status_code == 200, params
        assert response.json()["slug"] == tool.slug


@pytest.mark.parametrize("year", [1800, 2200])
def test_staff_writes_breaking_a_model_rule_get_a_400_naming_the_field(staff_api, year) -> None:
    collectivity = CollectivityFactory()
    tool = {"name": "Portail", "family": "open_data", "collectivity": collectivity.slug, "launch_year": year}
    created = staff_api.post(reverse("api:staff-tool-list"), tool, format="json")
    assert created.status_code == 400
    assert created.json()["code"] == "invalid"
    assert list(created.json()["errors"]) == ["launch_year"]
    existing = ToolFactory(launch_year=2015)
    url = reverse("api:staff-tool-detail", kwargs={"slug": existing.slug})
    edited = staff_api.patch(url, {"launch_year": year}, format="json")
    assert edited.status_code == 400 and list(edited.json()["errors"]) == ["launch_year"]
    existing.refresh_from_db()
    assert existing.launch_year == 2015
    assert not Tool.objects.filter(name="Portail").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Portail\x00"),
        ("collectivity", "saint\x00malo"),
        ("software", "\x00"),
        ("objectives", ["informer\x00"]),
        ("hybrid_formats", ["\x00"]),
        ("submitter_email", "a\x00@example.org"),
    ],
)
def test_staff_writes_refuse_a_nul_character_in_any_text_naming_the_field(staff_api, field, value) -> None:
    collectivity = CollectivityFactory()
    tool = {"name": "Portail", "family": "open_data", "collectivity": collectivity.slug, field: value}
    response = staff_api.post(reverse("api:staff-tool-list"), tool, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: ["Le caractère nul n’est pas autorisé."]}
    reason = staff_api.post(
        reverse("api:staff-tool-reject", kwargs={"slug": ToolFactory(status=ToolStatus.PENDING).slug}),
        {"reason": value if isinstance(value, str) else "ok\x00"},
        format="json",
    )
    assert reason.status_code == 400 and list(reason.json()["errors"]) == ["reason"]
    assert not Tool.objects.filter(name="Portail").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tools/a%00b/",
        "/api/v1/collectivities/a%00b/",
        "/api/v1/staff/tools/a%00b/",
        "/api/v1/staff/tools/a%00b/approve/",
    ],
)
def test_an_address_holding_what_no_slug_holds_is_a_404(staff_api, path) -> None:
    response = staff_api.get(path) if "approve" not in path else staff_api.post(path)
    assert response.status_code == 404


def test_a_model_validation_error_raised_by_a_write_is_a_400_naming_the_fields() -> None:
    from django.core.exceptions import ValidationError

    from tools_registry.api.errors import exception_handler

    with pytest.raises(ValidationError) as refused:
        Tool(name="Portail", family="open_data", launch_year=1800).full_clean(exclude=["slug"])
    response = exception_handler(refused.value, {})
    assert response.status_code == 400
    assert response.data["errors"] == {
        "launch_year": ["Assurez-vous que cette valeur est supérieure ou égale à 1990."]
    }


@pytest.mark.parametrize("ids", ["1e20", "99999999999999999999", "1.5", "2,x"])
def test_tool_ids_that_are_not_whole_numbers_a_database_holds_get_a_400(api, ids) -> None:
    tool = ToolFactory()
    response = api.get(TOOLS, {"id": ids})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["id"]
    assert api.get(TOOLS, {"id": f"{tool.pk},999"}).json()["count"] == 1


def test_a_partial_edit_answers_with_every_field_of_the_tool(staff_api) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING)
    url = reverse("api:staff-tool-detail", kwargs={"slug": tool.slug})
    edited = staff_api.patch(url, {"software": "Decidim"}, format="json").json()
    assert set(edited) == set(staff_api.get(url).json())
    assert edited["moderated_by"] is None
