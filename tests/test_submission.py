import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import ToolFactory
from tests.helpers import api_submission, description, error_summary, group, page_text, page_title
from tools_registry import services
from tools_registry.models import Collectivity, Tool, ToolStatus

pytestmark = pytest.mark.django_db
SUBMIT = reverse("tools_registry:tool_submit")
CATALOGUE = reverse("tools_registry:tool_list")


def valid_data(place, **changes) -> dict:
    data = {
        "name": "Budget participatif malouin",
        "url": "https://budget.saint-malo.example/",
        "description": "Les habitants proposent et votent des projets.",
        "family": "budget_participatif",
        "objectives": ["idees", "coconstruire"],
        "territory": place.pk,
        "territory_query": "Saint-Malo",
        "software": "Decidim",
        "is_open_source": "oui",
        "launch_year": "2015",
        "hybrid": "oui",
        "hybrid_formats": ["reunions_publiques"],
        "submitter_name": "Camille Agent",
        "submitter_email": "camille@saint-malo.example",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_valid_submission_is_stored_as_pending_and_acknowledged(client, saint_malo, run_jobs) -> None:
    response = client.post(SUBMIT, valid_data(saint_malo), follow=True)
    run_jobs()
    assert "a bien été enregistré" in page_text(response)
    tool = Tool.objects.get()
    assert tool.status == ToolStatus.PENDING
    assert tool.collectivity.territory == saint_malo
    assert [o.objective for o in tool.ranked_objectives()] == ["idees", "coconstruire"]
    assert tool.is_open_source is True
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["camille@saint-malo.example", "moderation@localhost"]


def test_pending_tools_are_invisible_everywhere_public(client, saint_malo) -> None:
    client.post(SUBMIT, valid_data(saint_malo))
    tool = Tool.objects.get()
    assert tool.name not in page_text(client.get(CATALOGUE))
    assert client.get(tool.get_absolute_url()).status_code == 404
    assert client.get(tool.collectivity.get_absolute_url()).status_code == 404
    geojson = client.get(reverse("api:tool-list"), {"format": "geojson"}).json()
    assert geojson["features"] == []
    assert client.get(reverse("api:tool-detail", kwargs={"slug": tool.slug})).status_code == 404


def test_approval_makes_it_public_and_tells_the_submitter(client, admin_client, saint_malo, run_jobs) -> None:
    client.post(SUBMIT, valid_data(saint_malo))
    tool = Tool.objects.get()
    run_jobs()
    mail.outbox.clear()
    admin_client.post(
        reverse("admin:tools_registry_tool_changelist"),
        {"action": "approve", "_selected_action": [tool.pk]},
    )
    run_jobs()
    assert tool.name in page_text(client.get(CATALOGUE))
    assert client.get(tool.get_absolute_url()).status_code == 200
    assert [message.to for message in mail.outbox] == [["camille@saint-malo.example"]]
    assert "est désormais publié" in mail.outbox[0].body


def moderate_in_the_admin(admin_client, tool: Tool, decision: str) -> None:
    """Staff approve or reject `tool` from the list, the admin in English: the submitter's language,
    not theirs, is the email's."""
    changelist = reverse("admin:tools_registry_tool_changelist")
    selected = {"action": decision, "_selected_action": [tool.pk]}
    if decision == "reject":
        selected |= {"confirm": "1", "reason": "Hors sujet"}
    admin_client.post(changelist, selected, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("decision", "sentence"),
    [
        ("approve", "The tool “Budget participatif malouin” that you submitted is now published:"),
        ("reject", "The tool “Budget participatif malouin” that you submitted has not been accepted"),
    ],
)
def test_a_decision_on_a_tool_proposed_in_english_is_written_in_english(
    client, admin_client, saint_malo, run_jobs, decision, sentence
) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(SUBMIT, valid_data(saint_malo))
    run_jobs()
    mail.outbox.clear()
    moderate_in_the_admin(admin_client, Tool.objects.get(), decision)
    run_jobs()
    [email] = mail.outbox
    assert email.to == ["camille@saint-malo.example"]
    assert email.subject == "Your submission “Budget participatif malouin” has been reviewed"
    assert email.body.startswith("Hello Camille Agent,")
    assert sentence in email.body


def test_a_decision_on_a_tool_proposed_through_the_api_in_english_is_written_in_english(
    admin_client, saint_malo, run_jobs
) -> None:
    api = APIClient()
    sent = api.post(reverse("api:submission"), api_submission(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert sent.status_code == 201
    run_jobs()
    mail.outbox.clear()
    moderate_in_the_admin(admin_client, Tool.objects.get(), "reject")
    run_jobs()
    [email] = mail.outbox
    assert email.subject == "Your submission “Budget participatif” has been reviewed"
    assert "Reason: Hors sujet" in email.body


def test_a_decision_on_a_tool_proposed_in_french_stays_french_whoever_moderates(
    client, admin_client, saint_malo, run_jobs
) -> None:
    client.post(SUBMIT, valid_data(saint_malo))
    run_jobs()
    mail.outbox.clear()
    moderate_in_the_admin(admin_client, Tool.objects.get(), "approve")
    run_jobs()
    [email] = mail.outbox
    assert email.subject == "Votre proposition « Budget participatif malouin » a été examinée"
    assert "est désormais publié" in email.body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"url": "pas une adresse"}, "url", "Saisissez une URL valide."),
        ({"name": "x" * 201}, "name", "au plus 200 caractères"),
        ({"name": ""}, "name", "Ce champ est obligatoire."),
        (
            {"objectives": ["idees", "informer", "consulter", "mobiliser"]},
            "objectives",
            "3 objectifs au maximum",
        ),
        ({"objectives": ["idees", "idees"]}, "objectives", "qu'une fois"),
        ({"objectives": []}, "objectives", "Ce champ est obligatoire."),
        ({"family": "autre", "family_other": ""}, "family_other", "Précisez la famille"),
        ({"description": "a\x00b"}, "description", "Le caractère nul n’est pas autorisé."),
        ({"submitter_email": "camille@"}, "submitter_email", "adresse e-mail valide"),
        ({"consent": None}, "consent", "Ce champ est obligatoire."),
        ({"launch_year": "2999"}, "launch_year", "dans le futur"),
        ({"territory": None, "territory_query": "Nulle-Part"}, "territory_query", "dans la liste proposée"),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_keeps_what_was_typed(
    client, saint_malo, changes, field, message
) -> None:
    response = client.post(SUBMIT, valid_data(saint_malo, **changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in page_text(response)
    html = response.content.decode()
    assert 'value="Camille Agent"' in html
    assert "Les habitants proposent et votent des projets." in html or field == "description"
    assert Tool.objects.count() == 0


def test_a_screen_reader_announces_each_fields_help_and_error(client, saint_malo) -> None:
    changes = {"url": "pas une adresse", "objectives": [], "hybrid_formats": ["x"], "consent": None}
    page = client.post(SUBMIT, valid_data(saint_malo, **changes)).content.decode()
    url = description(page, "id_url")
    assert "Par exemple https://participation.ma-ville.fr" in url and "Saisissez une URL valide." in url
    assert "Ce champ est obligatoire." in description(page, "id_consent")
    assert "Pour vous tenir informé·e de la modération" in description(page, "id_submitter_email")
    for rank in (1, 2, 3):
        assert re.search(rf'<select id="id_objectives_{rank}"[^>]*aria-invalid="true"', page)
        objectives = description(page, f"id_objectives_{rank}")
        assert "Trois objectifs au plus" in objectives and "Ce champ est obligatoire." in objectives
    name, formats = group(page, "id_hybrid_formats_0")
    assert name == "Lesquelles ?" and "Sélectionnez un choix valide" in formats


def test_a_refused_proposal_says_so_in_its_title_and_links_each_error_to_its_field(
    client, saint_malo
) -> None:
    changes = {"url": "pas une adresse", "objectives": [], "hybrid_formats": ["x"], "consent": None}
    response = client.post(SUBMIT, valid_data(saint_malo, **changes))
    assert page_title(response).startswith("Erreur : Proposer un outil")
    assert "Le formulaire contient 4 erreurs" in page_text(response)
    assert error_summary(response.content.decode()) == [
        ("Adresse web de l'outil", "id_url"),
        ("Objectifs de l'outil, par ordre de priorité", "id_objectives_1"),
        ("Lesquelles ?", "id_hybrid_formats_0"),
        (
            "J'accepte que mon nom et mon adresse électronique soient conservés par l'équipe du Baromètre "
            "pour traiter cette proposition ; ils ne sont jamais publiés.",
            "id_consent",
        ),
    ]
    assert "Adresse web de l'outil : Saisissez une URL valide." in page_text(response)
    assert "Proposer un outil" in page_title(client.get(SUBMIT))
    assert "Erreur" not in page_title(client.get(SUBMIT))


def test_html_and_script_are_stored_as_text_and_shown_escaped(client, admin_client, saint_malo) -> None:
    payload = '<script>alert("x")</script><b>gras</b>'
    client.post(SUBMIT, valid_data(saint_malo, description=payload, name="Outil <i>x</i>"))
    tool = Tool.objects.get()
    assert tool.description == payload
    tool.status = ToolStatus.PUBLISHED
    tool.save()
    html = client.get(tool.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Outil &lt;i&gt;x&lt;/i&gt;" in html


def test_an_oversized_body_is_refused_with_a_client_error(client, saint_malo) -> None:
    response = client.post(SUBMIT, valid_data(saint_malo, description="x" * 2_000_000))
    assert response.status_code == 400
    assert Tool.objects.count() == 0


def test_the_honeypot_stores_nothing(client, saint_malo) -> None:
    response = client.post(SUBMIT, valid_data(saint_malo, website="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert Tool.objects.count() == 0
    assert mail.outbox == []


def test_submissions_are_rate_limited_per_address(client, saint_malo, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 2
    for number in range(2):
        client.post(SUBMIT, valid_data(saint_malo, name=f"Outil {number}", url=f"https://o{number}.example/"))
    response = client.post(SUBMIT, valid_data(saint_malo, name="Outil 3", url="https://o3.example/"))
    assert response.status_code == 429
    assert re.search(r"Réessayez dans \d+ minutes?, à \d\d:\d\d\.", page_text(response))
    assert 0 < int(response["Retry-After"]) <= 3600
    assert 'value="Outil 3"' in response.content.decode()
    assert Tool.objects.count() == 2
    other = client.post(
        SUBMIT, valid_data(saint_malo, name="Outil 4", url="https://o4.example/"), REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 302


def test_a_published_tool_at_the_same_address_stops_the_proposal_with_a_link_to_correct_it(
    client, saint_malo
) -> None:
    existing = ToolFactory(
        name="Budget participatif", url="http://www.Budget.saint-malo.example/?utm_source=x"
    )
    response = client.post(SUBMIT, valid_data(saint_malo))
    assert response.status_code == 400
    text, body = page_text(response), response.content.decode()
    assert "« Budget participatif » est déjà référencé — proposez plutôt une correction de sa fiche." in text
    assert f'href="{reverse("tools_registry:tool_correct", args=[existing.slug])}"' in body
    assert f'href="{existing.get_absolute_url()}"' in body
    assert 'value="Budget participatif malouin"' in body and "Les habitants proposent" in body
    assert not Tool.objects.filter(status=ToolStatus.PENDING).exists()


def test_a_proposal_confirmed_as_another_tool_is_stored_and_flagged(client, saint_malo, run_jobs) -> None:
    existing = ToolFactory(name="Budget participatif", url="http://budget.saint-malo.example")
    response = client.post(SUBMIT, valid_data(saint_malo, confirm_distinct="on"), follow=True)
    assert "Un outil semblable est déjà référencé : « Budget participatif »" in page_text(response)
    assert Tool.objects.get(status=ToolStatus.PENDING).possible_duplicate == existing
    run_jobs()
    moderators = next(message for message in mail.outbox if "moderation@localhost" in message.to)
    assert "doublon possible" in moderators.body


@pytest.mark.parametrize("status", [ToolStatus.PENDING, ToolStatus.ARCHIVED])
def test_an_unpublished_similar_tool_is_named_to_moderators_only(
    client, saint_malo, run_jobs, status
) -> None:
    hidden = ToolFactory(name="Projet confidentiel", url="http://budget.saint-malo.example", status=status)
    response = client.post(SUBMIT, valid_data(saint_malo), follow=True)
    text = page_text(response)
    assert "Projet confidentiel" not in text and "semblable" not in text
    assert "L'équipe vérifiera aussi qu'il ne fait pas doublon avec un outil déjà proposé." in text
    assert Tool.objects.get(name="Budget participatif malouin").possible_duplicate == hidden
    run_jobs()
    submitter = next(message for message in mail.outbox if message.to == ["camille@saint-malo.example"])
    assert "Projet confidentiel" not in submitter.body and "semblable" not in submitter.body
    moderators = next(message for message in mail.outbox if message.to == ["moderation@localhost"])
    assert "doublon possible de « Projet confidentiel »" in moderators.body


def test_the_same_proposal_sent_twice_is_stored_and_announced_once(client, saint_malo, run_jobs) -> None:
    client.post(SUBMIT, valid_data(saint_malo))
    again = client.post(SUBMIT, valid_data(saint_malo), follow=True)
    assert "L'outil « Budget participatif malouin » a bien été enregistré." in page_text(again)
    assert Tool.objects.count() == 1
    run_jobs()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "camille@saint-malo.example",
        "moderation@localhost",
    ]
    client.post(SUBMIT, valid_data(saint_malo, description="Une description revue."))
    assert Tool.objects.count() == 2


def test_the_same_name_in_the_same_collectivity_is_flagged(client, saint_malo) -> None:
    client.post(SUBMIT, valid_data(saint_malo))
    client.post(SUBMIT, valid_data(saint_malo, url="https://autre.example/"))
    first, second = Tool.objects.order_by("pk")
    assert second.possible_duplicate == first


def test_a_body_outside_the_reference_can_be_proposed(client, saint_malo) -> None:
    data = valid_data(saint_malo, territory=None, territory_query="", not_listed="on")
    data.update(other_name="Parc naturel régional du Morvan", other_kind="pnr")
    client.post(SUBMIT, data)
    tool = Tool.objects.get()
    assert tool.collectivity.kind == "pnr"
    assert tool.collectivity.territory is None


def test_an_official_code_typed_without_the_autocomplete_is_accepted(client, saint_malo) -> None:
    client.post(SUBMIT, valid_data(saint_malo, territory=None, territory_query="35288"))
    assert Tool.objects.get().collectivity.territory == saint_malo


def hidden_territory(page: str) -> str | None:
    """The collectivity id the page will send back, None if its hidden field has no value."""
    tag = re.search(r'<input type="hidden" name="territory"[^>]*>', page)
    assert tag, "the picker's hidden field is missing"
    value = re.search(r' value="([^"]*)"', tag.group())
    return value.group(1) if value else None


@pytest.mark.parametrize("unknown", ["99999999", "abc"])
def test_a_picked_collectivity_that_is_not_found_is_explained_and_can_be_picked_again(
    client, saint_malo, unknown
) -> None:
    response = client.post(SUBMIT, valid_data(saint_malo, territory=unknown))
    assert response.status_code == 400
    page = response.content.decode()
    assert "La collectivité choisie n'a pas été retrouvée" in description(page, "id_territory_query")
    assert 'value="Saint-Malo"' in page
    assert hidden_territory(page) is None
    again = client.post(SUBMIT, valid_data(saint_malo, territory=""))
    assert again.status_code == 302
    assert Tool.objects.get().collectivity.territory == saint_malo


def test_a_picked_collectivity_that_is_not_found_does_not_matter_for_a_body_not_listed(
    client, saint_malo
) -> None:
    changes = {
        "territory": "99999999",
        "not_listed": "on",
        "other_name": "PNR d'Armorique",
        "other_kind": "pnr",
    }
    assert client.post(SUBMIT, valid_data(saint_malo, **changes)).status_code == 302
    assert Tool.objects.get().collectivity.name == "PNR d'Armorique"


def test_the_form_is_protected_against_cross_site_posts(saint_malo) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(SUBMIT, valid_data(saint_malo))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Votre envoi n'a pas pu être vérifié", "bouton « Retour »", "rechargez", "cookies"]),
        ("en", ["What you sent could not be checked", "Back button", "reload", "cookies"]),
    ],
)
def test_a_form_sent_without_its_security_token_explains_what_to_do(
    saint_malo, settings, language, words
) -> None:
    from django.test import Client

    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post(
        SUBMIT, valid_data(saint_malo), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    assert f'<html lang="{language}">' in response.content.decode()
    assert all(word in page_text(response) for word in words)
    assert page_title(response).startswith(words[0])
    assert 'href="/outils/"' in response.content.decode()  # the site's own layout, its navigation
    assert Tool.objects.count() == 0


def test_a_new_body_is_not_kept_when_its_proposal_fails(client, saint_malo, monkeypatch) -> None:
    def unavailable(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(services, "submit_tool", unavailable)
    data = valid_data(saint_malo, territory=None, territory_query="", not_listed="on")
    data.update(other_name="Parc naturel régional du Morvan", other_kind="pnr")
    with pytest.raises(RuntimeError):
        client.post(SUBMIT, data)
    assert not Collectivity.objects.exists()


def test_the_organisation_fields_say_when_they_are_required(client) -> None:
    text = page_text(client.get(SUBMIT))
    for label in ("Nom de l'organisme", "Type d'organisme"):
        assert f"{label} (obligatoire si votre organisme n’est pas dans la liste)" in text
