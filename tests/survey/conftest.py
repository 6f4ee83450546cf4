import pytest

from survey.models import Contact, Edition, EditionStatus
from tests.factories import CollectivityFactory, ContactFactory, EditionFactory, TerritoryFactory
from tools_registry.models import Territory
from tools_registry.services import collectivity_for_territory


@pytest.fixture
def edition(db) -> Edition:
    return EditionFactory(status=EditionStatus.OPEN)


@pytest.fixture
def collectivity(saint_malo):
    return collectivity_for_territory(saint_malo)


@pytest.fixture
def contact(edition, collectivity) -> Contact:
    return ContactFactory(
        edition=edition, collectivity=collectivity, email="camille@saint-malo.example", name="Camille Agent"
    )


@pytest.fixture
def colleague(edition, collectivity) -> Contact:
    return ContactFactory(
        edition=edition,
        collectivity=collectivity,
        email="dominique@saint-malo.example",
        name="Dominique Élue",
    )


@pytest.fixture
def other_collectivity(db):
    return CollectivityFactory(name="Parc naturel régional fictif", kind="pnr")


@pytest.fixture
def dinard(db) -> Territory:
    return TerritoryFactory(code="35093", name="Dinard", population=10000)
