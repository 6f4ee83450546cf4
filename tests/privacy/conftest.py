"""One person, recognisable everywhere: a tool they proposed, and the survey they answered for their
collectivity, its results published."""

import pytest

from survey.models import Contact, Edition, EditionStatus
from tests.factories import EditionFactory, TerritoryFactory
from tests.survey.helpers import answer_everything, review_url
from tools_registry import services
from tools_registry.models import Tool
from tools_registry.services import ToolProposal

PERSON = "Camille.Privee@exemple-unique.example"
NAME = "Camille Privée-Unique"
# Others' addresses holding the person's whole: a longer local part, a longer domain.
LONGER = [f"e{PERSON.lower()}", f"{PERSON.lower()}.example", f"{PERSON.lower()}-ouest.example"]


@pytest.fixture
def saint_malo(db):
    return services.collectivity_for_territory(
        TerritoryFactory(code="35288", name="Saint-Malo", population=47000)
    )


def propose(collectivity, *, name: str = "Budget participatif malouin", email: str = PERSON) -> Tool:
    proposal = ToolProposal(
        name=name,
        family="budget_participatif",
        url=f"https://{name.split()[0].lower()}.saint-malo.example/",
        objectives=["idees"],
        submitter_name=NAME,
        submitter_email=email,
        consented=True,
    )
    return services.submit_tool(proposal=proposal, collectivity=collectivity)


@pytest.fixture
def proposed_tool(saint_malo, admin_user) -> Tool:
    """The person's proposal, published by staff."""
    tool = propose(saint_malo)
    return services.approve_tool(tool=tool, moderator=admin_user)


def answer_and_submit(client, contact: Contact) -> None:
    answer_everything(client, contact)
    assert client.post(review_url(contact), {"action": "submit"}).status_code == 302


def publish(edition: Edition) -> Edition:
    edition.status = EditionStatus.PUBLISHED
    edition.save(update_fields=["status"])
    return edition


@pytest.fixture
def answered_contact(client, saint_malo) -> Contact:
    """The person answered the survey for Saint-Malo (invited); the edition's results are published."""
    edition = EditionFactory(status=EditionStatus.OPEN)
    contact = Contact.objects.create(
        edition=edition, collectivity=saint_malo, email=PERSON.lower(), name=NAME, role="Chargée de mission"
    )
    answer_and_submit(client, contact)
    publish(edition)
    contact.refresh_from_db()
    return contact
