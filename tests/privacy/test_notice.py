"""The privacy notice and the legal notice: reachable from every page, configurable, and the version a
person agrees to is kept with their consent."""

import pytest
from django.urls import reverse

from privacy.models import NoticeVersion
from privacy.notice import current_notice
from survey.models import Contact, EditionStatus
from tests.factories import EditionFactory, TerritoryFactory, ToolFactory
from tests.helpers import page_text
from tools_registry.corrections import Correction
from tools_registry.models import Tool

pytestmark = pytest.mark.django_db
NOTICE = reverse("privacy:notice")
LEGAL = reverse("privacy:legal")


@pytest.fixture
def saint_malo():
    return TerritoryFactory(code="35288", name="Saint-Malo", population=47000)


def submission(place, **changes) -> dict:
    return {
        "name": "Budget participatif malouin",
        "url": "https://budget.saint-malo.example/",
        "description": "Les habitants proposent et votent des projets.",
        "family": "budget_participatif",
        "objectives": ["idees"],
        "territory": place.pk,
        "territory_query": "Saint-Malo",
        "submitter_name": "Camille Agent",
        "submitter_email": "camille@saint-malo.example",
        "consent": "on",
        "website": "",
        **changes,
    }


def test_the_notice_says_who_answers_for_the_data_and_for_how_long_from_the_settings(
    client, settings
) -> None:
    settings.SITE_PUBLISHER = "Association Exemple"
    settings.PRIVACY_CONTACT_EMAIL = "dpo@exemple.example"
    settings.SUBMITTER_DATA_RETENTION_MONTHS = 7
    settings.SURVEY_CONTACT_RETENTION_MONTHS = 30
    settings.LOGIN_ATTEMPT_RETENTION_DAYS = 45
    text = page_text(client.get(NOTICE))
    assert "traitées par Association Exemple" in text
    assert "dpo@exemple.example" in text
    assert "Jusqu'à la décision de modération, puis 7 mois" in text
    assert "Jusqu'à la publication des résultats de l'édition, puis 30 mois" in text
    assert "45 jours" in text
    assert "CNIL" in text
    for cookie in ("sessionid", "csrftoken", "django_language"):
        assert cookie in text
    assert "aucun bandeau" in text


def test_both_pages_read_in_english(client) -> None:
    client.cookies["django_language"] = "en"
    notice = page_text(client.get(NOTICE))
    assert "Data controller" in notice and "lodge a complaint" in notice and "no banner" in notice
    legal = page_text(client.get(LEGAL))
    assert "Legal notice" in legal and "Publisher" in legal and "Hosting" in legal


def test_the_legal_notice_names_the_publisher_and_the_host(client, settings) -> None:
    settings.SITE_PUBLISHER = "Association Exemple"
    settings.SITE_PUBLICATION_DIRECTOR = "Dominique Exemple"
    settings.SITE_HOST = "Hébergeur Exemple SAS"
    settings.SITE_HOST_ADDRESS = "1 rue de l'Exemple, 75000 Paris"
    text = page_text(client.get(LEGAL))
    assert "Association Exemple" in text
    assert "Dominique Exemple" in text
    assert "Hébergeur Exemple SAS" in text and "1 rue de l'Exemple" in text


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("tools_registry:tool_list"),
        reverse("tools_registry:tool_map"),
        reverse("tools_registry:tool_submit"),
        reverse("opendata:index"),
        reverse("barometre:latest"),
        NOTICE,
        LEGAL,
    ],
)
def test_every_page_links_to_both_notices_in_its_footer(client, url) -> None:
    footer = client.get(url).content.decode().split('class="site-footer"')[1]
    assert f'href="{NOTICE}"' in footer and f'href="{LEGAL}"' in footer


def test_a_tool_page_links_to_both_notices(client) -> None:
    tool = ToolFactory()
    footer = client.get(tool.get_absolute_url()).content.decode().split('class="site-footer"')[1]
    assert f'href="{NOTICE}"' in footer


def test_each_form_asking_for_personal_data_links_to_the_notice_beside_its_consent_box(client) -> None:
    edition = EditionFactory(status=EditionStatus.OPEN)
    tool = ToolFactory()
    forms = (
        reverse("tools_registry:tool_submit"),
        reverse("survey:open_link", args=[edition.code]),
        reverse("tools_registry:tool_correct", args=[tool.slug]),
    )
    for url in forms:
        form = client.get(url).content.decode().split("<form")[2].split("</form>")[0]
        assert 'name="consent"' in form and f'href="{NOTICE}"' in form


def test_a_submission_records_when_its_author_agreed_and_to_which_text(client, saint_malo) -> None:
    client.post(reverse("tools_registry:tool_submit"), submission(saint_malo))
    tool = Tool.objects.get()
    assert tool.consent_at is not None
    assert tool.consent_notice == current_notice()
    assert "Camille" not in tool.consent_notice.text_fr
    assert "12 mois" in tool.consent_notice.text_fr and "12 months" in tool.consent_notice.text_en


def test_the_api_records_the_consent_too(client, saint_malo) -> None:
    data = {**submission(saint_malo), "consent": True, "objectives": ["idees"]}
    data.pop("territory")
    data["territory_query"] = "35288"
    response = client.post(reverse("api:submission"), data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Tool.objects.get().consent_notice == current_notice()


def test_a_correction_sent_with_an_address_records_the_consent(client) -> None:
    tool = ToolFactory()
    correction = {
        "kind": "name",
        "proposed_value": "Le bon nom",
        "email": "camille@example.org",
        "consent": "on",
    }
    client.post(reverse("tools_registry:tool_correct", args=[tool.slug]), correction)
    client.post(
        reverse("tools_registry:tool_correct", args=[tool.slug]), {**correction, "email": "", "consent": ""}
    )
    with_address, without = Correction.objects.order_by("pk")
    assert with_address.consent_at is not None and with_address.consent_notice == current_notice()
    assert without.consent_at is None and without.consent_notice is None


def test_an_open_link_sign_up_records_the_consent(client, saint_malo, run_jobs) -> None:
    edition = EditionFactory(status=EditionStatus.OPEN)
    identity = {
        "territory": saint_malo.pk,
        "territory_query": "Saint-Malo",
        "name": "Alex Martin",
        "role": "Chargé de mission",
        "email": "alex@saint-malo.example",
        "consent": "on",
    }
    assert client.post(reverse("survey:open_link", args=[edition.code]), identity).status_code == 302
    contact = Contact.objects.get()
    assert contact.consent_at is not None and contact.consent_notice == current_notice()


def test_a_changed_text_is_a_new_version_and_the_old_one_keeps_its_text(client, saint_malo, settings) -> None:
    client.post(reverse("tools_registry:tool_submit"), submission(saint_malo))
    first = Tool.objects.get().consent_notice
    settings.SUBMITTER_DATA_RETENTION_MONTHS = 6
    client.post(reverse("tools_registry:tool_submit"), submission(saint_malo, name="Forum malouin"))
    second = Tool.objects.get(name="Forum malouin").consent_notice
    assert second != first
    assert "6 mois" in second.text_fr
    first.refresh_from_db()
    assert "12 mois" in first.text_fr
    assert NoticeVersion.objects.count() == 2


def test_the_same_text_is_the_same_version(client) -> None:
    assert current_notice() == current_notice()
    text = page_text(client.get(NOTICE))
    assert f"Version {current_notice().short_digest}" in text
    assert NoticeVersion.objects.count() == 1


def test_the_notice_reads_its_version_in_one_query(client, django_assert_num_queries) -> None:
    client.get(NOTICE)
    for number in range(5):
        NoticeVersion.objects.create(digest=f"{number:064d}", text_fr="ancienne", text_en="old")
    with django_assert_num_queries(1):
        assert client.get(NOTICE).status_code == 200
