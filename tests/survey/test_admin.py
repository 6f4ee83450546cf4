import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from survey.models import (
    Answer,
    Contact,
    Edition,
    EditionStatus,
    OpenAnswer,
    Question,
    QuestionType,
    Response,
    Scope,
)
from tests.helpers import page_text
from tests.survey.helpers import answer_everything, review_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def submitted(contact):
    from django.test import Client

    respondent = Client()
    answer_everything(respondent, contact)
    respondent.post(review_url(contact))
    return Response.objects.get()


def test_a_response_is_readable_in_the_admin(staff, submitted) -> None:
    text = page_text(staff.get(reverse("admin:survey_response_change", args=[submitted.pk])))
    assert "Budget participatif malouin" in text
    assert "Faire émerger des idées · Co-construire l'action publique" in text
    assert "camille@saint-malo.example" in text


def test_staff_see_the_language_a_response_was_answered_in(staff, contact) -> None:
    from django.test import Client

    respondent = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer_everything(respondent, contact)
    respondent.post(review_url(contact))
    text = page_text(staff.get(reverse("admin:survey_response_change", args=[Response.objects.get().pk])))
    assert "Langue des réponses : Anglais" in text


def test_collectivity_pickers_use_autocomplete(staff, submitted, contact) -> None:
    for url in (
        reverse("admin:survey_response_change", args=[submitted.pk]),
        reverse("admin:survey_contact_change", args=[contact.pk]),
        reverse("admin:survey_contact_add"),
    ):
        content = staff.get(url).content.decode()
        assert 'class="admin-autocomplete' in content
        assert 'data-ajax--url="/admin/autocomplete/"' in content


def test_staff_read_that_the_emails_link_opens_the_questionnaire_in_the_contact_s_language(
    staff, contact
) -> None:
    url = reverse("admin:survey_contact_change", args=[contact.pk])
    assert "le lien qu'ils donnent ouvre le questionnaire dans cette langue" in page_text(staff.get(url))
    english = page_text(staff.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "the link they give opens the questionnaire in this language" in english


def test_staff_mark_a_verbatim_publishable(staff, submitted) -> None:
    verbatim = OpenAnswer.objects.get(question__code="tool_involvement_why")
    changelist = reverse("admin:survey_openanswer_changelist")
    assert "Il faut du temps pour mobiliser" in page_text(staff.get(changelist))
    staff.post(changelist, {"action": "mark_publishable", "_selected_action": [verbatim.pk]})
    assert Answer.objects.get(pk=verbatim.pk).publishable is True
    assert not Answer.objects.filter(question__code="tool_reach_comment", publishable=True).exists()


def test_staff_download_the_exports(staff, submitted) -> None:
    url = reverse("admin:survey_edition_export", args=[submitted.edition.pk])
    with zipfile.ZipFile(io.BytesIO(staff.get(url).content)) as archive:
        names = sorted(archive.namelist())
        public = archive.read("barometre-2016-anonymise.csv").decode()
        notes = archive.read("barometre-2016-anonymise.csv.notes.txt").decode()
    assert names == ["barometre-2016-anonymise.csv", "barometre-2016-anonymise.csv.notes.txt"]
    assert "Budget participatif malouin" not in public
    assert "population" not in public  # a single response is a small cell
    assert "population a été supprimée pour 1 réponse dont" in notes
    with zipfile.ZipFile(io.BytesIO(staff.get(url + "?full=1").content)) as archive:
        assert "Budget participatif malouin" in archive.read("barometre-2016-complet.csv").decode()


def test_the_edition_list_links_to_the_dashboard(staff, edition) -> None:
    assert "tableau de bord" in page_text(staff.get(reverse("admin:survey_edition_changelist")))
    assert Contact.objects.count() == 0


def test_a_closed_edition_reads_fermee(staff, edition) -> None:
    edition.status = EditionStatus.CLOSED
    edition.save()
    assert "Statut : Fermée." in page_text(
        staff.get(reverse("admin:survey_edition_dashboard", args=[edition.pk]))
    )
    assert "Fermée" in page_text(staff.get(reverse("admin:survey_edition_changelist")))


@pytest.mark.parametrize(
    ("route", "method"),
    [
        ("admin:survey_edition_dashboard", "get"),
        ("admin:survey_edition_export", "get"),
        ("admin:survey_edition_import_contacts", "post"),
    ],
)
def test_an_edition_s_responses_and_contacts_need_the_survey_permissions(
    client, django_user_model, submitted, route, method
) -> None:
    # Staff of the registry only (no survey permission): the edition's list refuses them, and so do the
    # pages that show its responses, export them or add contacts.
    client.force_login(django_user_model.objects.create_user("moderatrice", is_staff=True))
    url = reverse(route, args=[submitted.edition.pk])
    upload = {"file": io.BytesIO(b"email,name,role,collectivity_code\nintrus@example.org,I,R,35288\n")}
    response = client.get(url, {"full": "1"}) if method == "get" else client.post(url, upload)
    assert response.status_code == 403
    assert not Contact.objects.filter(email="intrus@example.org").exists()


def test_contacts_who_came_through_the_open_link_are_labelled_public_link(
    staff, edition, collectivity
) -> None:
    Contact.objects.create(
        edition=edition,
        collectivity=collectivity,
        email="volontaire@example.org",
        origin=Contact.Origin.OPEN_LINK,
    )
    text = page_text(staff.get(reverse("admin:survey_contact_changelist")))
    assert "volontaire@example.org" in text and "Lien public" in text
    with translation.override("en"):
        assert str(Contact.Origin.OPEN_LINK.label) == "Public link"
        assert str(Response.Origin.OPEN_LINK.label) == "Public link"
        assert str(Contact.Status.OPENED.label) == "Link opened"  # a status, not an origin


def question_form(edition: Edition, code: str) -> dict:
    """What staff fill in to add a free-text question at the end of the tools' part."""
    section = edition.sections.get(scope=Scope.TOOL)
    return {
        "edition": edition.pk,
        "section": section.pk,
        "code": code,
        "position": section.questions.count() + 1,
        "type": QuestionType.TEXT,
        "scope": Scope.TOOL,
        "label": "Une question de plus",
        "shown_if_choices": "[]",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize("code", ["tool", "tool_count", "action", "csrfmiddlewaretoken"])
def test_staff_cannot_give_a_question_the_name_of_a_field_of_the_questionnaire_s_pages(
    staff, edition, code
) -> None:
    page = staff.post(reverse("admin:survey_question_add"), question_form(edition, code))
    assert page.status_code == 200
    assert (
        f"Le code « {code} » est réservé : les pages du questionnaire nomment ainsi un de leurs propres "
        "champs (action, csrfmiddlewaretoken, tool, tool_count). Choisissez-en un autre."
    ) in page_text(page)
    assert not Question.objects.filter(code=code).exists()
    added = staff.post(reverse("admin:survey_question_add"), question_form(edition, f"{code}_note"))
    assert added.status_code == 302 and Question.objects.filter(code=f"{code}_note").exists()
