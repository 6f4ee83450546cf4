import html
import re

import pytest

from survey.models import Contact, Edition, EditionStatus
from survey.questionnaire import create_edition, load_definition
from tests.factories import CollectivityFactory, TerritoryFactory
from tools_registry.services import collectivity_for_territory


def page_text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def open_edition(code: str = "2016") -> Edition:
    edition = create_edition(code=code, definition=load_definition("2016"))
    edition.status = EditionStatus.OPEN
    edition.save(update_fields=["status"])
    return edition


@pytest.fixture
def edition(db) -> Edition:
    return open_edition()


@pytest.fixture
def collectivity(db):
    return collectivity_for_territory(TerritoryFactory(code="35288", name="Saint-Malo", population=47000))


@pytest.fixture
def contact(edition, collectivity) -> Contact:
    return Contact.objects.create(
        edition=edition, collectivity=collectivity, email="camille@saint-malo.example", name="Camille Agent"
    )


@pytest.fixture
def colleague(edition, collectivity) -> Contact:
    return Contact.objects.create(
        edition=edition,
        collectivity=collectivity,
        email="dominique@saint-malo.example",
        name="Dominique Élue",
    )


@pytest.fixture
def other_collectivity(db):
    return CollectivityFactory(name="Parc naturel régional fictif", kind="pnr")
