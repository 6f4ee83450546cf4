import pytest

from survey.models import Contact, Edition
from tests.factories import CollectivityFactory, TerritoryFactory
from tests.survey.helpers import open_edition
from tools_registry.services import collectivity_for_territory


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
