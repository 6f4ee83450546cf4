import pytest

from tests.factories import TerritoryFactory
from tools_registry.models import TerritoryKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_collectivity_picker_finds_a_commune_by_its_siren(web) -> None:
    TerritoryFactory(
        kind=TerritoryKind.COMMUNE, code="35288", siren="213502883", name="Saint-Malo", postcodes="35400"
    )
    page = web.page
    web.goto("/outils/proposer/")
    page.get_by_role("combobox", name="Collectivité").fill("213502883")
    page.get_by_role("option", name="Saint-Malo (Commune 35288) — 35400").click()
    assert page.get_by_role("combobox", name="Collectivité").input_value() == "Saint-Malo (Commune 35288)"
