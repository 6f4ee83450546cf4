"""Finding the one territory a person typed, or a file named, by its code, SIREN or name."""

import pytest

from tests.factories import TerritoryFactory
from tools_registry.models import FormerCode, Territory, TerritoryKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "35288",
        " 35288 ",
        "213502883",
        "Saint-Malo",
        "saint malo",
        "SAINT-MALO",
        "Saint-Malo (Commune 35288)",
        "35030",
    ],
    ids=["insee", "spaces", "siren", "name", "lower-case", "upper-case", "autocomplete-label", "former-code"],
)
def test_a_commune_is_found_by_each_accepted_form(saint_malo: Territory, text: str) -> None:
    FormerCode.objects.create(territory=saint_malo, code="35030", name="Paramé")
    assert Territory.objects.lookup(text) == saint_malo


def test_accents_and_punctuation_are_ignored_in_a_name() -> None:
    town = TerritoryFactory(name="L'Haÿ-les-Roses")
    assert Territory.objects.lookup("l hay les roses") == town


def test_an_epci_is_found_by_its_siren() -> None:
    epci = TerritoryFactory(kind=TerritoryKind.EPCI, code="243500782", name="Saint-Malo Agglomération")
    assert Territory.objects.lookup("243500782") == epci


def test_a_corsican_code_is_found_whatever_its_case() -> None:
    ajaccio = TerritoryFactory(code="2A004", name="Ajaccio")
    assert Territory.objects.lookup("2a004") == ajaccio


@pytest.fixture
def fifty_three() -> tuple[Territory, Territory]:
    return (
        TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="53", name="Mayenne"),
        TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne"),
    )


def test_a_code_two_kinds_share_is_ambiguous(fifty_three) -> None:
    with pytest.raises(Territory.MultipleObjectsReturned):
        Territory.objects.lookup("53")


def test_the_kind_settles_a_shared_code(fifty_three) -> None:
    mayenne, bretagne = fifty_three
    assert Territory.objects.lookup("53", kind=TerritoryKind.REGION) == bretagne
    assert Territory.objects.lookup("53", kind=TerritoryKind.DEPARTEMENT) == mayenne


def test_the_autocomplete_label_settles_a_shared_code(fifty_three) -> None:
    mayenne, _bretagne = fifty_three
    assert Territory.objects.lookup("Mayenne (Département 53)") == mayenne


def test_a_name_two_communes_share_is_ambiguous_but_not_their_labels() -> None:
    TerritoryFactory(code="93066", name="Saint-Denis")
    reunion = TerritoryFactory(code="97411", name="Saint-Denis")
    with pytest.raises(Territory.MultipleObjectsReturned):
        Territory.objects.lookup("Saint-Denis")
    assert Territory.objects.lookup("Saint-Denis (Commune 97411)") == reunion


def test_a_name_holding_brackets_is_found_whole() -> None:
    epci = TerritoryFactory(kind=TerritoryKind.EPCI, code="200000001", name="CC du Pays (Nord)")
    assert Territory.objects.lookup("CC du Pays (Nord)") == epci


@pytest.mark.parametrize("text", ["Nulle-Part", "99999", "Saint", "", "  ", "-"])
def test_nothing_is_found_for_an_unknown_or_partial_text(saint_malo: Territory, text: str) -> None:
    with pytest.raises(Territory.DoesNotExist):
        Territory.objects.lookup(text)


def test_the_kind_excludes_the_other_kinds(saint_malo: Territory) -> None:
    with pytest.raises(Territory.DoesNotExist):
        Territory.objects.lookup("35288", kind=TerritoryKind.EPCI)


def test_the_territories_a_shared_name_names_come_with_their_departement() -> None:
    seine = TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="93", name="Seine-Saint-Denis")
    reunion = TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="974", name="La Réunion")
    paris_side = TerritoryFactory(code="93066", name="Saint-Denis", departement=seine)
    island = TerritoryFactory(code="97411", name="Saint-Denis", departement=reunion)
    TerritoryFactory(code="93001", name="Aubervilliers", departement=seine)
    found = Territory.objects.named("saint denis")
    assert set(found) == {paris_side, island}
    assert {territory.departement.name for territory in found} == {"Seine-Saint-Denis", "La Réunion"}
    assert Territory.objects.named("  ") == []
