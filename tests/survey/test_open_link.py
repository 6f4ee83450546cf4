"""The open link: a collectivity that was not invited signs up, proves its address, answers on its own."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from barometre.results import figures
from survey import invitations, services
from survey.io import export_responses
from survey.models import (
    Contact,
    Edition,
    EditionStatus,
    Response,
    ResponseOrigin,
    ResponseStatus,
    ReviewStatus,
)
from tests.factories import EditionFactory, ResponseFactory, TerritoryFactory
from tests.helpers import description, error_summary, page_text, page_title
from tests.survey.helpers import (
    PROFILE,
    answer_everything,
    closing_before,
    identity,
    open_url,
    post_page,
    review_url,
    sign_up,
    step_url,
    welcome_url,
)
from tools_registry.models import Territory, TerritoryKind, Tool

pytestmark = pytest.mark.django_db


def emailed_contact(address: str) -> Contact:
    """The contact whose personal link was emailed to `address` (the last such email)."""
    body = [message for message in mail.outbox if message.to == [address]][-1].body
    token = re.search(r"/enquete/([A-Za-z0-9_-]+)/", body).group(1)
    return Contact.objects.get(token=token)


def submit_through_the_open_link(edition, capture, *, language: str = "fr", **changes) -> Response:
    respondent = Client(HTTP_ACCEPT_LANGUAGE=language)
    sign_up(respondent, edition, capture, **changes)
    contact = emailed_contact(changes.get("email", "alex@dinard.example"))
    answer_everything(respondent, contact)
    respondent.post(review_url(contact))
    return Response.objects.get(open_link_contact=contact)


def respondents(edition) -> int:
    """The barometer's count of respondents, computed afresh."""
    return next(item for item in figures.compute(edition) if item["code"] == "respondents")["count"]


def test_the_open_link_page_offers_the_territory_autocomplete(client, edition) -> None:
    content = client.get(open_url(edition)).content.decode()
    assert "data-territory-autocomplete" in content
    assert reverse("api:territory-list") in content
    assert "js/territory-autocomplete.js" in content


def test_signing_up_sends_the_link_to_the_address_and_never_shows_it(
    client, edition, dinard, run_jobs
) -> None:
    posted, page = sign_up(client, edition, run_jobs)
    contact = Contact.objects.get(email="alex@dinard.example")
    assert contact.origin == Contact.Origin.OPEN_LINK
    assert contact.collectivity.territory == dinard
    assert contact.token not in posted.url and contact.token not in page.content.decode()
    assert "Consultez votre messagerie" in page_text(page)
    assert mail.outbox[0].to == ["alex@dinard.example"]
    assert contact.get_absolute_url() in mail.outbox[0].body
    assert not Response.objects.exists()


def test_replies_to_the_emailed_link_reach_the_survey_team(
    client, edition, dinard, run_jobs, settings
) -> None:
    settings.SURVEY_REPLY_TO = "barometre@decider-ensemble.example"
    sign_up(client, edition, run_jobs)
    [email] = mail.outbox
    assert email.reply_to == ["barometre@decider-ensemble.example"]


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "title", "welcome"),
    [
        (
            "en",
            "Your personal link to respond to the Digital Local Democracy Barometer",
            "Hello Alex Martin,",
            "“Local digital democracy barometer 2016”",
            "This questionnaire surveys the digital local-democracy tools",
        ),
        (
            "fr",
            "Votre lien personnel pour répondre au Baromètre de la démocratie locale numérique",
            "Bonjour Alex Martin,",
            "« Baromètre de la démocratie locale numérique 2016 »",
            "Ce questionnaire dresse le panorama des outils numériques",
        ),
    ],
)
def test_the_link_is_sent_in_the_language_of_the_page_signed_up_on(
    client, admin_client, edition, dinard, run_jobs, language, subject, greeting, title, welcome
) -> None:
    Edition.objects.filter(pk=edition.pk).update(title_en="Local digital democracy barometer 2016")
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    sign_up(client, edition, run_jobs)
    [email] = mail.outbox
    assert email.subject == subject
    assert email.body.startswith(greeting)
    assert title in email.body
    # The link opens the pages in that language, in whatever browser it is followed.
    link = urlsplit(re.search(r"^https?://\S+$", email.body, re.MULTILINE).group())
    page = Client(HTTP_ACCEPT_LANGUAGE="en" if language == "fr" else "fr").get(
        f"{link.path}?{link.query}", follow=True
    )
    assert f'<html lang="{language}">' in page.content.decode()
    assert welcome in page_text(page)
    # Staff see it as the language of the contact's emails, and may change it.
    contact = emailed_contact("alex@dinard.example")
    change = admin_client.get(reverse("admin:survey_contact_change", args=[contact.pk])).content.decode()
    assert re.search(
        rf'<select name="language"[^>]*>.*<option value="{language}" selected>', change, re.DOTALL
    )


def test_the_page_after_signing_up_says_the_same_whatever_the_address_and_the_collectivity(
    edition, dinard, contact, run_jobs
) -> None:
    capture = run_jobs
    pages = [page_text(sign_up(Client(), edition, capture)[1])]  # new address, new collectivity
    pages.append(page_text(sign_up(Client(), edition, capture)[1]))  # the same address again
    pages.append(page_text(sign_up(Client(), edition, capture, email=contact.email)[1]))  # an invited one
    invited = Client()
    answer_everything(invited, contact)
    pages.append(
        page_text(sign_up(Client(), edition, capture, territory_query="35288", email="x@y.example")[1])
    )
    invited.post(review_url(contact))
    pages.append(
        page_text(sign_up(Client(), edition, capture, territory_query="35288", email="z@y.example")[1])
    )
    assert all(page == pages[0] for page in pages)
    assert "Saint-Malo" not in pages[0] and "déjà" not in pages[0] and "en cours" not in pages[0]


def test_a_known_address_gets_its_own_link_again_by_email_only(client, edition, contact, run_jobs) -> None:
    posted, page = sign_up(client, edition, run_jobs, territory_query="35288", email=contact.email)
    assert contact.token not in posted.url and contact.token not in page.content.decode()
    assert mail.outbox[0].to == [contact.email] and contact.token in mail.outbox[0].body
    assert Contact.objects.count() == 1


def test_the_open_link_respondent_answers_apart_from_the_invited_contacts(edition, contact, run_jobs) -> None:
    invited = Client()
    answer_everything(invited, contact)
    outsider = Client()
    sign_up(outsider, edition, run_jobs, territory_query="35288")
    stranger = emailed_contact("alex@dinard.example")
    assert stranger.collectivity == contact.collectivity
    outsider.post(welcome_url(stranger))
    profile = outsider.get(step_url(stranger, "profil"))
    assert "Solutions numériques" not in profile.content.decode()
    post_page(outsider, step_url(stranger, "profil"), {**PROFILE, "respondent_service": "Cabinet du maire"})
    shared = Response.objects.get(origin=Response.Origin.INVITATION)
    assert shared.answers.filter(text="Solutions numériques").exists()
    assert not shared.answers.filter(text="Cabinet du maire").exists()
    invited.post(review_url(contact))
    shared.refresh_from_db()
    assert shared.is_counted and shared.submitted_by == contact


def test_the_personal_link_works_once_its_address_is_proven_by_opening_it(
    client, edition, dinard, run_jobs
) -> None:
    sign_up(client, edition, run_jobs)
    contact = Contact.objects.get(email="alex@dinard.example")
    with pytest.raises(services.EmailNotProven):
        services.start_response(contact=contact)
    client.get(welcome_url(contact))
    contact.refresh_from_db()
    assert contact.opened_at is not None
    assert services.start_response(contact=contact).open_link_contact == contact


def test_an_open_link_response_counts_only_once_staff_accept_it(
    edition, dinard, admin_user, run_jobs
) -> None:
    response = submit_through_the_open_link(edition, run_jobs)
    assert response.is_submitted and response.review == Response.Review.PENDING
    assert respondents(edition) == 0
    assert Response.objects.counted().filter(edition=edition).count() == 0
    assert export_responses(edition=edition).responses == 0
    assert not Tool.objects.exists()

    staff = Client()
    staff.force_login(admin_user)
    queue = reverse("admin:survey_openlinkresponse_changelist")
    listed = page_text(staff.get(queue))
    assert "alex@dinard.example" in listed and "Dinard" in listed
    staff.post(queue, {"action": "accept", "_selected_action": [response.pk]})

    response.refresh_from_db()
    assert response.is_counted
    assert response.reviewed_by == admin_user and response.reviewed_at is not None
    assert LogEntry.objects.get(object_id=str(response.pk)).user == admin_user
    assert respondents(edition) == 1
    assert export_responses(edition=edition).responses == 1
    assert Tool.objects.get().name == "Budget participatif malouin"
    assert "alex@dinard.example" not in page_text(staff.get(queue))  # no longer waiting


def test_an_accepted_response_proposes_its_tools_in_the_respondents_language_not_the_staffs(
    edition, dinard, admin_user, run_jobs
) -> None:
    response = submit_through_the_open_link(edition, run_jobs, language="en")
    assert response.language == "en"
    mail.outbox.clear()
    staff = Client(HTTP_ACCEPT_LANGUAGE="fr")
    staff.force_login(admin_user)
    staff.post(
        reverse("admin:survey_openlinkresponse_changelist"),
        {"action": "accept", "_selected_action": [response.pk]},
    )
    run_jobs()
    assert Tool.objects.get().submitter_language == "en"
    [received] = [message for message in mail.outbox if message.to == ["alex@dinard.example"]]
    assert received.subject == "Your submission “Budget participatif malouin” has been received"
    assert "Thank you for submitting" in received.body


def test_a_rejected_open_link_response_is_never_counted(edition, dinard, admin_user, run_jobs) -> None:
    response = submit_through_the_open_link(edition, run_jobs)
    staff = Client()
    staff.force_login(admin_user)
    staff.post(
        reverse("admin:survey_openlinkresponse_changelist"),
        {"action": "reject", "_selected_action": [response.pk]},
    )
    response.refresh_from_db()
    assert response.review == Response.Review.REJECTED and response.reviewed_by == admin_user
    assert respondents(edition) == 0
    assert not Tool.objects.exists()


def test_accepting_is_refused_while_the_collectivity_has_a_counted_response(
    edition, contact, admin_user, run_jobs
) -> None:
    invited = Client()
    answer_everything(invited, contact)
    invited.post(review_url(contact))
    response = submit_through_the_open_link(edition, run_jobs, territory_query="35288")
    staff = Client()
    staff.force_login(admin_user)
    page = staff.post(
        reverse("admin:survey_openlinkresponse_changelist"),
        {"action": "accept", "_selected_action": [response.pk]},
        follow=True,
    )
    assert "Saint-Malo a déjà une réponse comptée dans le baromètre" in page_text(page)
    response.refresh_from_db()
    assert response.review == Response.Review.PENDING
    assert Response.objects.counted().filter(edition=edition).get().origin == Response.Origin.INVITATION


def test_an_invited_response_sent_after_an_accepted_one_sends_that_one_back_to_review(
    edition, contact, admin_user, run_jobs
) -> None:
    response = submit_through_the_open_link(edition, run_jobs, territory_query="35288")
    services.accept_response(response=response, by=admin_user)
    invited = Client()
    answer_everything(invited, contact)
    invited.post(review_url(contact))
    response.refresh_from_db()
    assert response.review == Response.Review.PENDING
    assert Response.objects.counted().filter(edition=edition).get().origin == Response.Origin.INVITATION


def test_validation_errors_do_not_use_up_the_allowance(client, edition, dinard, settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 1
    for _attempt in range(3):
        page = client.post(open_url(edition), identity(email="pas-une-adresse"))
        assert page.status_code == 400
    assert client.post(open_url(edition), identity()).status_code == 302
    refused = client.post(open_url(edition), identity(email="autre@dinard.example"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 3600
    assert re.search(r"Réessayez dans \d+ minutes?, à \d\d:\d\d\.", page_text(refused))
    assert 'value="Alex Martin"' in refused.content.decode()


def test_an_unlisted_body_can_sign_up(client, edition) -> None:
    data = identity(territory_query="", not_listed="on", other_name="PNR des Trois Vallées", other_kind="pnr")
    client.post(open_url(edition), data)
    assert Contact.objects.get().collectivity.kind == "pnr"


def test_identification_errors_are_explained_and_typed_values_kept(client, edition) -> None:
    page = client.post(open_url(edition), identity(territory_query="Nulle-part", email="pas-une-adresse"))
    assert page.status_code == 400
    assert page_title(page).startswith("Erreur : Répondre au questionnaire")
    assert error_summary(page.content.decode()) == [
        ("Votre collectivité", "id_territory_query"),
        ("Votre adresse électronique", "id_email"),
    ]
    text = page_text(page)
    assert "Choisissez votre collectivité dans la liste proposée" in text
    assert "Saisissez une adresse e-mail valide." in text or "adresse électronique valide" in text
    assert 'value="Alex Martin"' in page.content.decode()
    assert not Contact.objects.exists()


def test_the_open_link_of_a_closed_edition_is_politely_closed(client, edition) -> None:
    edition.status = EditionStatus.CLOSED
    edition.save()
    assert "La période de réponse est terminée" in page_text(client.get(open_url(edition)))


def test_signing_up_after_the_edition_closed_says_so_and_shows_what_was_typed(client, edition) -> None:
    edition.status = EditionStatus.CLOSED
    edition.save()
    page = client.post(open_url(edition), identity(name="Alex <b>Martin</b>", role="Chargé de mission"))
    assert page.status_code == 409
    assert page_title(page).startswith("Erreur :")
    text = page_text(page)
    assert "L'enquête a été fermée pendant que vous remplissiez ce formulaire" in text
    assert "aucun lien ne vous a été envoyé" in text
    for typed in ("Dinard", "Alex <b>Martin</b>", "Chargé de mission", "alex@dinard.example"):
        assert typed in text
    assert "Alex &lt;b&gt;Martin&lt;/b&gt;" in page.content.decode()
    assert not Contact.objects.exists()
    assert not mail.outbox


def test_signing_up_while_staff_close_the_edition_sends_nothing_and_shows_what_was_typed(
    client, edition, dinard, run_jobs, monkeypatch
) -> None:
    """Staff close the edition after the sign-up's request found it open, before the contact is written."""
    closing_before(monkeypatch, invitations, "sign_up_through_open_link", edition)
    page = client.post(open_url(edition), identity())
    run_jobs()
    assert page.status_code == 409
    text = page_text(page)
    assert "L'enquête a été fermée pendant que vous remplissiez ce formulaire" in text
    assert "aucun lien ne vous a été envoyé" in text
    for typed in ("Dinard", "Alex Martin", "Chargé de mission", "alex@dinard.example"):
        assert typed in text
    assert not Contact.objects.exists()
    assert not mail.outbox


def test_sign_ups_refused_because_staff_closed_the_edition_do_not_use_up_the_allowance(
    client, edition, dinard, monkeypatch, settings
) -> None:
    """Staff close the edition during each attempt, then open it again (to test, say)."""
    settings.SUBMISSION_RATE_LIMIT = 1
    with monkeypatch.context() as closing:
        closing_before(closing, invitations, "sign_up_through_open_link", edition)
        for _attempt in range(3):
            assert client.post(open_url(edition), identity()).status_code == 409
            edition.status = EditionStatus.OPEN
            edition.save(update_fields=["status"])
    assert client.post(open_url(edition), identity()).status_code == 302
    assert Contact.objects.get().email == "alex@dinard.example"


def test_the_review_queue_holds_the_sent_open_link_responses_no_one_decided_on(edition) -> None:
    open_link = {"edition": edition, "origin": ResponseOrigin.OPEN_LINK}
    waiting = ResponseFactory(**open_link, review=ReviewStatus.PENDING)
    accepted = ResponseFactory(**open_link, review=ReviewStatus.ACCEPTED, reviewed_at=timezone.now())
    ResponseFactory(
        **open_link, status=ResponseStatus.IN_PROGRESS, submitted_at=None, review=ReviewStatus.PENDING
    )
    ResponseFactory(edition=edition)
    assert list(Response.objects.awaiting_review()) == [waiting]
    assert set(Response.objects.from_open_link()) == {waiting, accepted}


def test_a_picked_collectivity_that_is_not_found_is_explained_and_can_be_picked_again(
    client, edition, dinard
) -> None:
    page = client.post(open_url(edition), identity(territory="99999999")).content.decode()
    assert "La collectivité choisie n'a pas été retrouvée" in description(page, "id_territory_query")
    assert 'value="Dinard"' in page and 'value="99999999"' not in page
    assert client.post(open_url(edition), identity()).status_code == 302


def test_the_personal_link_email_reads_right_whatever_the_title(client, dinard, run_jobs) -> None:
    edition = EditionFactory(title="Enquête audit 2026", status=EditionStatus.OPEN)
    sign_up(client, edition, run_jobs)
    body = " ".join(mail.outbox[-1].body.split())
    assert "Voici votre lien personnel pour répondre à l'enquête « Enquête audit 2026 » pour Dinard :" in body


@pytest.fixture
def two_saint_denis(db) -> tuple[Territory, Territory]:
    seine = TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="93", name="Seine-Saint-Denis")
    reunion = TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="974", name="La Réunion")
    # Ids past 999, as in the real reference: French pages write such numbers "93 066".
    return (
        TerritoryFactory(id=93066, code="93066", name="Saint-Denis", departement=seine),
        TerritoryFactory(id=97411, code="97411", name="Saint-Denis", departement=reunion),
    )


def candidates(page) -> list[tuple[str, str]]:
    """The territories offered to pick from: (value, label)."""
    found = re.findall(
        r'<input type="radio" name="territory_choice" value="(\d+)" id="([^"]+)"[^>]*> '
        r'<label for="\2">([^<]*)</label>',
        page.content.decode(),
    )
    return [(value, html.unescape(label)) for value, _id, label in found]


def test_a_name_several_territories_share_lists_them_to_pick_from_keeping_what_was_typed(
    client, edition, two_saint_denis
) -> None:
    page = client.post(open_url(edition), identity(territory_query="Saint-Denis"))
    assert page.status_code == 400
    text = page_text(page)
    assert "Plusieurs territoires répondent à « Saint-Denis » : choisissez le vôtre dans la liste" in text
    assert "Laquelle de ces collectivités est la vôtre ? (obligatoire)" in text
    assert candidates(page) == [
        ("93066", "Saint-Denis (Commune 93066) — Seine-Saint-Denis (93)"),
        ("97411", "Saint-Denis (Commune 97411) — La Réunion (974)"),
    ]
    body = page.content.decode()
    for kept in (
        'value="Saint-Denis"',
        'value="Alex Martin"',
        'value="Chargé de mission"',
        'value="alex@dinard.example"',
    ):
        assert kept in body
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', body)
    assert not Contact.objects.exists()


def test_picking_one_of_the_territories_signs_up_for_it(client, edition, two_saint_denis, run_jobs) -> None:
    _paris_side, island = two_saint_denis
    posted = client.post(
        open_url(edition), identity(territory_query="Saint-Denis", territory_choice=str(island.pk))
    )
    assert posted.status_code == 302
    run_jobs()
    assert Contact.objects.get().collectivity.territory == island


def test_a_pick_that_is_not_among_the_listed_territories_is_refused(
    client, edition, two_saint_denis, dinard
) -> None:
    page = client.post(
        open_url(edition), identity(territory_query="Saint-Denis", territory_choice=str(dinard.pk))
    )
    assert page.status_code == 400
    assert len(candidates(page)) == 2
    page = client.post(open_url(edition), identity(territory_query="Saint-Denis", territory_choice="abc"))
    assert page.status_code == 400
    assert "choisissez le vôtre dans la liste" in page_text(page)
    assert not Contact.objects.exists()


def test_the_open_link_marks_what_must_be_filled_in(client, edition) -> None:
    text = page_text(client.get(open_url(edition)))
    for label in ("Votre collectivité", "Votre nom", "Votre fonction", "Votre adresse électronique"):
        assert f"{label} (obligatoire)" in text
    assert "ils ne sont jamais publiés. (obligatoire)" in text
    assert (
        "Ma collectivité n'est pas dans la liste (parc naturel régional, autre organisme) (obligatoire)"
        not in text
    )


def test_the_list_to_pick_from_and_the_marks_in_english(client, edition, two_saint_denis) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = page_text(client.post(open_url(edition), identity(territory_query="Saint-Denis")))
    assert "Several territories match “Saint-Denis”: choose yours from the list below" in text
    assert "Which of these local authorities is yours? (required)" in text
    assert "(obligatoire)" not in text
