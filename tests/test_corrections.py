"""Corrections from the public: the form on each tool's page, the API, the moderators' queue."""

import html
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import ToolFactory
from tests.helpers import description, error_summary, group, page_text, page_title
from tools_registry.corrections import Correction, CorrectionStatus
from tools_registry.models import LifeStatus, Tool, ToolStatus

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:tools_registry_correction_changelist")


@pytest.fixture
def tool() -> Tool:
    return ToolFactory(name="Budget participatif", url="https://budget.example/", launch_year=2015)


def correct_url(tool: Tool) -> str:
    return reverse("tools_registry:tool_correct", args=[tool.slug])


def correction_data(**changes) -> dict:
    data = {"kind": "url", "proposed_value": "https://budget.ville.example/", "email": "", "website": ""}
    return {**data, **changes}


def test_each_tool_page_links_to_its_correction_form(client, tool) -> None:
    page = client.get(tool.get_absolute_url())
    assert f'href="{correct_url(tool)}"' in page.content.decode()
    assert "Signaler une erreur / proposer une correction" in page_text(page)
    form = client.get(correct_url(tool))
    assert "Budget participatif" in page_text(form)
    assert "L'adresse web" in page_text(form) and "L'outil n'est plus en service" in page_text(form)


def test_a_correction_is_stored_for_moderation_and_acknowledged(client, tool, run_jobs) -> None:
    response = client.post(
        correct_url(tool), correction_data(email="camille@example.org", consent="on"), follow=True
    )
    assert "Votre correction a bien été reçue" in page_text(response)
    correction = Correction.objects.get()
    assert (correction.tool, correction.kind, correction.status) == (tool, "url", CorrectionStatus.PENDING)
    assert correction.proposed_value == "https://budget.ville.example/"
    tool.refresh_from_db()
    assert tool.url == "https://budget.example/"  # nothing changes before moderation
    run_jobs()
    submitter = next(message for message in mail.outbox if message.to == ["camille@example.org"])
    assert "Budget participatif" in submitter.body
    moderators = next(message for message in mail.outbox if message.to == ["moderation@localhost"])
    assert "https://budget.ville.example/" in moderators.body


def test_without_an_email_nobody_but_the_moderators_is_written_to(client, tool, run_jobs) -> None:
    client.post(correct_url(tool), correction_data())
    run_jobs()
    assert [message.to for message in mail.outbox] == [["moderation@localhost"]]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": ""}, "kind", "Ce champ est obligatoire."),
        ({"proposed_value": "  "}, "proposed_value", "Indiquez la bonne valeur ou ce qu'il faut corriger."),
        ({"proposed_value": "pas une adresse"}, "proposed_value", "Indiquez une adresse web valide"),
        ({"email": "camille@example.org"}, "consent", "Cochez cette case pour que nous puissions conserver"),
        ({"email": "pas-un-courriel"}, "email", "Saisissez une adresse e-mail valide."),
    ],
)
def test_a_bad_correction_is_explained_and_keeps_what_was_typed(
    client, tool, changes, field, message
) -> None:
    data = correction_data(**changes)
    response = client.post(correct_url(tool), data)
    assert response.status_code == 400
    body = response.content.decode()
    errors = re.search(rf'id="id_{field}_error">(.*?)</ul>', body, re.S)
    assert errors and message in html.unescape(errors.group(1))
    assert 'role="alert"' in body
    if data["proposed_value"].strip():
        assert data["proposed_value"] in body
    if data["email"]:
        assert f'value="{data["email"]}"' in body
    assert not Correction.objects.exists()


def test_a_screen_reader_announces_the_help_and_the_error_of_a_field(client, tool) -> None:
    page = client.post(correct_url(tool), correction_data(email="pas-un-courriel")).content.decode()
    email = description(page, "id_email")
    assert "Pour recevoir un accusé de réception" in email and "Saisissez une adresse e-mail valide." in email
    assert "La bonne valeur (la nouvelle adresse" in description(page, "id_proposed_value")


def test_the_choices_of_what_is_wrong_are_a_group_named_by_its_question(client, tool) -> None:
    page = client.get(correct_url(tool)).content.decode()
    assert group(page, "id_kind_0") == ("Qu'est-ce qui est inexact ? (obligatoire)", "")
    assert 'for=""' not in page
    refused = client.post(correct_url(tool), correction_data(kind="")).content.decode()
    assert group(refused, "id_kind_0") == (
        "Qu'est-ce qui est inexact ? (obligatoire)",
        "Ce champ est obligatoire.",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [("x" * 5001, "au plus 5000 caractères"), ("a\x00b", "Le caractère nul n’est pas autorisé.")],
)
def test_a_refused_value_is_not_said_to_be_missing(client, tool, value, message) -> None:
    response = client.post(correct_url(tool), correction_data(kind="description", proposed_value=value))
    assert response.status_code == 400
    errors = response.context["form"].errors["proposed_value"]
    assert len(errors) == 1 and message in errors[0]
    assert "Indiquez la bonne valeur" not in page_text(response)


def test_a_refused_correction_says_so_in_its_title_and_links_each_error_to_its_field(client, tool) -> None:
    response = client.post(correct_url(tool), correction_data(kind="", email="camille@example.org"))
    assert page_title(response).startswith("Erreur : Signaler une erreur — Budget participatif")
    assert error_summary(response.content.decode()) == [
        ("Qu'est-ce qui est inexact ?", "id_kind_0"),
        (
            "J'accepte que mon adresse électronique soit conservée par l'équipe du Baromètre pour traiter "
            "cette correction ; elle n'est jamais publiée.",
            "id_consent",
        ),
    ]
    assert not page_title(client.get(correct_url(tool))).startswith("Erreur")


def test_a_tool_marked_ended_needs_no_value(client, tool) -> None:
    response = client.post(correct_url(tool), correction_data(kind="ended", proposed_value=""))
    assert response.status_code == 302
    assert Correction.objects.get().kind == "ended"


def test_corrections_are_rate_limited_and_keep_what_was_typed(client, tool, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 2
    for number in range(2):
        client.post(correct_url(tool), correction_data(proposed_value=f"https://n{number}.example/"))
    response = client.post(correct_url(tool), correction_data(proposed_value="https://n3.example/"))
    assert response.status_code == 429
    assert re.search(r"Réessayez dans \d+ minutes?, à \d\d:\d\d\.", page_text(response))
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "https://n3.example/" in response.content.decode()
    assert Correction.objects.count() == 2
    elsewhere = client.post(correct_url(tool), correction_data(), REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_stored(client, tool) -> None:
    response = client.post(correct_url(tool), correction_data(website="http://spam.example"), follow=True)
    assert "Merci pour votre correction" in page_text(response)
    assert not Correction.objects.exists()


@pytest.mark.parametrize("status", [ToolStatus.PENDING, ToolStatus.REJECTED, ToolStatus.ARCHIVED])
def test_only_published_tools_can_be_corrected(client, status) -> None:
    hidden = ToolFactory(status=status, moderation_reason="x")
    assert client.get(correct_url(hidden)).status_code == 404
    assert client.post(correct_url(hidden), correction_data()).status_code == 404


def test_the_correction_form_costs_the_same_queries_for_any_tool(queries) -> None:
    first = ToolFactory()
    ToolFactory.create_batch(5, collectivity=first.collectivity)
    assert queries(correct_url(first)) == queries(correct_url(ToolFactory()))


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def accept(staff_client, correction: Correction):
    return staff_client.post(QUEUE, {"action": "accept", ACTION_CHECKBOX_NAME: [correction.pk]}, follow=True)


def test_an_accepted_correction_updates_the_tool_in_its_history(staff_client, admin_user, tool) -> None:
    correction = Correction.objects.create(tool=tool, kind="url", proposed_value="https://nouveau.example/")
    response = accept(staff_client, correction)
    assert "1 correction acceptée." in page_text(response)
    tool.refresh_from_db()
    assert (tool.url, tool.url_key) == ("https://nouveau.example/", "nouveau.example")
    latest = tool.history.first()
    assert latest.url == "https://nouveau.example/"
    assert (latest.history_user, latest.history_via) == (admin_user, f"correction:{correction.pk}")
    assert latest.history_change_reason == f"correction {correction.pk}"
    correction.refresh_from_db()
    assert (correction.status, correction.moderated_by) == (CorrectionStatus.ACCEPTED, admin_user)


def test_accepting_that_a_tool_ended_marks_it_so_with_its_year(staff_client, tool) -> None:
    correction = Correction.objects.create(tool=tool, kind="ended", proposed_value="2023")
    accept(staff_client, correction)
    tool.refresh_from_db()
    assert (tool.life_status, tool.end_year, tool.status) == (LifeStatus.ENDED, 2023, ToolStatus.PUBLISHED)


def test_a_correction_without_a_field_is_only_marked_handled(staff_client, tool) -> None:
    correction = Correction.objects.create(tool=tool, kind="other", proposed_value="Le lien a changé.")
    accept(staff_client, correction)
    assert Correction.objects.get().status == CorrectionStatus.ACCEPTED
    assert tool.history.count() == 1  # the tool itself was left to the moderator's own edit


def test_a_value_the_tool_cannot_take_is_refused_with_its_reason(staff_client, tool) -> None:
    correction = Correction.objects.create(tool=tool, kind="name", proposed_value="N" * 300)
    response = accept(staff_client, correction)
    assert "n'a pas été appliquée" in page_text(response)
    assert Correction.objects.get().status == CorrectionStatus.PENDING
    tool.refresh_from_db()
    assert tool.name == "Budget participatif"


def test_a_rejected_correction_leaves_the_tool_alone(staff_client, admin_user, tool) -> None:
    correction = Correction.objects.create(tool=tool, kind="url", proposed_value="https://faux.example/")
    response = staff_client.post(
        QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [correction.pk]}, follow=True
    )
    assert "1 correction refusée." in page_text(response)
    tool.refresh_from_db()
    assert tool.url == "https://budget.example/"
    assert Correction.objects.get().status == CorrectionStatus.REJECTED


def test_a_handled_correction_is_not_handled_twice(staff_client, tool) -> None:
    correction = Correction.objects.create(tool=tool, kind="url", proposed_value="https://un.example/")
    accept(staff_client, correction)
    tool.url = "https://deux.example/"
    tool.save()
    response = accept(staff_client, correction)
    assert "Cette correction a déjà été traitée." in page_text(response)
    tool.refresh_from_db()
    assert tool.url == "https://deux.example/"


def test_the_admin_index_counts_the_pending_corrections(staff_client, tool) -> None:
    Correction.objects.create(tool=tool, kind="url", proposed_value="https://un.example/")
    Correction.objects.create(tool=tool, kind="name", proposed_value="Autre nom")
    Correction.objects.create(tool=tool, kind="name", proposed_value="Vu", status=CorrectionStatus.REJECTED)
    response = staff_client.get(reverse("admin:index"))
    assert "2 corrections en attente de modération" in page_text(response)
    assert f'href="{QUEUE}?status__exact=pending"' in response.content.decode()


def test_the_queue_shows_the_current_value_beside_the_proposed_one(staff_client, tool) -> None:
    Correction.objects.create(tool=tool, kind="url", proposed_value="https://nouveau.example/")
    text = page_text(staff_client.get(QUEUE))
    assert "https://budget.example/" in text and "https://nouveau.example/" in text


def test_the_queue_costs_the_same_queries_with_more_corrections(staff_client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert staff_client.get(QUEUE).status_code == 200
        return len(context.captured_queries)

    Correction.objects.create(tool=ToolFactory(), kind="url", proposed_value="https://un.example/")
    one = count()
    for number in range(5):
        Correction.objects.create(tool=ToolFactory(), kind="name", proposed_value=f"Nom {number}")
    assert count() == one


def test_hostile_names_are_escaped_in_the_queue(staff_client) -> None:
    name = "Outil </script><script>alert(1)</script><b id=injected>"
    tool = ToolFactory(name=name)
    Correction.objects.create(tool=tool, kind="name", proposed_value="<img src=x onerror=alert(1)>")
    body = staff_client.get(QUEUE).content.decode()
    assert "<script>alert(1)" not in body and "<img src=x" not in body and "<b id=injected>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_a_correction_through_the_api_waits_for_moderation_like_through_the_form(api, tool) -> None:
    response = api.post(
        reverse("api:correction"),
        {"tool": tool.slug, "kind": "software", "proposed_value": "Decidim"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == {"status": "pending"}
    correction = Correction.objects.get()
    assert (correction.tool, correction.kind, correction.proposed_value) == (tool, "software", "Decidim")


def test_the_api_gives_the_forms_messages_in_its_error_format(api, tool) -> None:
    response = api.post(
        reverse("api:correction"),
        {"tool": tool.slug, "kind": "url", "proposed_value": "x", "email": "a@example.org"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "Indiquez une adresse web valide" in errors["proposed_value"][0]
    assert "Cochez cette case" in errors["consent"][0]
    assert not Correction.objects.exists()


def test_the_api_does_not_take_corrections_of_unpublished_tools(api) -> None:
    hidden = ToolFactory(status=ToolStatus.PENDING)
    response = api.post(
        reverse("api:correction"), {"tool": hidden.slug, "kind": "name", "proposed_value": "X"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"tool": ["Aucun outil publié n'a cet identifiant."]}
    assert not Correction.objects.exists()


def test_an_unknown_tool_is_one_of_the_invalid_fields_the_api_names_at_once(api) -> None:
    data = {"tool": "nope", "kind": "url", "proposed_value": "x", "email": "a@example.org"}
    response = api.post(reverse("api:correction"), data, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"tool", "proposed_value", "consent"}
    assert errors["tool"] == ["No published tool has this identifier."]
    assert not Correction.objects.exists()


def test_the_api_limits_corrections_per_address(api, tool, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 1
    data = {"tool": tool.slug, "kind": "name", "proposed_value": "Autre nom"}
    assert api.post(reverse("api:correction"), data, format="json").status_code == 201
    response = api.post(reverse("api:correction"), data, format="json")
    assert response.status_code == 429
    assert Correction.objects.count() == 1
