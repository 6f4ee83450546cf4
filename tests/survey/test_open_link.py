import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from survey.models import Contact, EditionStatus, Response
from tests.factories import TerritoryFactory
from tests.helpers import page_text
from tests.survey.helpers import answer_everything, review_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def open_url(edition) -> str:
    return reverse("survey:open_link", kwargs={"edition": edition.code})


def identity(**changes) -> dict:
    data = {
        "territory_query": "Dinard",
        "territory": "",
        "name": "Alex Martin",
        "role": "Chargé de mission",
        "email": "alex@dinard.example",
        "consent": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def dinard(db):
    return TerritoryFactory(code="35093", name="Dinard", population=10000)


def test_the_open_link_page_offers_the_territory_autocomplete(client, edition) -> None:
    content = client.get(open_url(edition)).content.decode()
    assert "data-territory-autocomplete" in content
    assert reverse("api:territory-list") in content
    assert "js/territory-autocomplete.js" in content


def test_a_collectivity_not_invited_identifies_itself_without_javascript_and_answers(
    client, edition, dinard, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(open_url(edition), identity())
    contact = Contact.objects.get(email="alex@dinard.example")
    assert contact.origin == Contact.Origin.OPEN_LINK
    assert contact.collectivity.territory == dinard
    assert started.url == contact.get_absolute_url()
    assert mail.outbox[0].to == ["alex@dinard.example"]
    assert contact.get_absolute_url() in mail.outbox[0].body
    answer_everything(client, contact)
    client.post(review_url(contact))
    response = Response.objects.get()
    assert response.is_submitted and response.origin == Response.Origin.OPEN_LINK


def test_an_unlisted_body_can_answer(client, edition) -> None:
    data = identity(territory_query="", not_listed="on", other_name="PNR des Trois Vallées", other_kind="pnr")
    client.post(open_url(edition), data)
    assert Contact.objects.get().collectivity.kind == "pnr"


def test_identification_errors_are_explained_and_typed_values_kept(client, edition) -> None:
    page = client.post(open_url(edition), identity(territory_query="Nulle-part", email="pas-une-adresse"))
    text = page_text(page)
    assert "Choisissez votre collectivité dans la liste proposée" in text
    assert "Saisissez une adresse e-mail valide." in text or "adresse électronique valide" in text
    assert 'value="Alex Martin"' in page.content.decode()
    assert not Contact.objects.exists()


def test_an_already_answered_collectivity_is_told(client, edition, contact) -> None:
    answer_everything(client, contact)
    client.post(review_url(contact))
    page = client.post(open_url(edition), identity(territory_query="35288"))
    assert "Saint-Malo a déjà répondu" in page_text(page)
    assert Contact.objects.count() == 1


def test_a_draft_of_an_invited_colleague_is_not_opened_to_the_open_link(client, edition, contact) -> None:
    answer_everything(client, contact)
    other = client.__class__()
    page = other.post(open_url(edition), identity(territory_query="35288"))
    text = page_text(page)
    assert "Une réponse de Saint-Malo est déjà en cours" in text
    assert "Solutions numériques" not in text


def test_a_known_address_gets_its_own_link_by_email_not_on_the_page(client, edition, contact) -> None:
    page = client.post(open_url(edition), identity(territory_query="35288", email=contact.email))
    assert contact.token not in page.content.decode()
    assert "nous venons de le lui renvoyer" in page_text(page)
    assert mail.outbox[0].to == [contact.email] and contact.token in mail.outbox[0].body


def test_the_open_link_of_a_closed_edition_is_politely_closed(client, edition) -> None:
    edition.status = EditionStatus.CLOSED
    edition.save()
    assert "La période de réponse est terminée" in page_text(client.get(open_url(edition)))
