import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tools_registry.models import FormerCode, Territory, TerritoryKind
from tools_registry.territories import load_territories


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    """The real reference file, loaded once for this module and removed afterwards."""
    with django_db_blocker.unblock():
        yield load_territories()
        # One statement each, without Django's per-row collection of 36,000 self-references.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FormerCode._meta.db_table}")
            cursor.execute(f"DELETE FROM {Territory._meta.db_table}")


pytestmark = pytest.mark.django_db


def test_it_loads_every_kind_of_territory(report) -> None:
    counts = {kind: Territory.objects.filter(kind=kind).count() for kind in TerritoryKind.values}
    assert counts[TerritoryKind.REGION] >= 18
    assert counts[TerritoryKind.DEPARTEMENT] >= 101
    assert counts[TerritoryKind.EPCI] > 1200
    assert counts[TerritoryKind.COMMUNE] > 34000


def test_it_locates_the_required_coverage(report) -> None:
    large = report.coverage["Communes de 3500 habitants ou plus"]
    assert large.percent >= 99.0
    for kind in (TerritoryKind.EPCI, TerritoryKind.DEPARTEMENT, TerritoryKind.REGION):
        inhabited = Territory.objects.filter(kind=kind, population__gt=0)
        assert not inhabited.filter(latitude__isnull=True).exists(), kind


def test_saint_malo_is_where_it_should_be(report) -> None:
    town = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="35288")
    assert town.name == "Saint-Malo"
    assert town.latitude == pytest.approx(48.65, abs=0.05)
    assert town.longitude == pytest.approx(-2.0, abs=0.05)
    assert town.departement.code == "35"
    assert town.region.code == "53"
    assert "35400" in town.postcodes.split()
    assert town.siren == "213502883"


def test_the_lot_departement_is_placed_at_its_chef_lieu(report) -> None:
    lot = Territory.objects.get(kind=TerritoryKind.DEPARTEMENT, code="46")
    assert lot.name == "Lot"
    assert (lot.latitude, lot.longitude) == (pytest.approx(44.45, abs=0.05), pytest.approx(1.44, abs=0.05))
    assert lot.region.code == "76"


def test_an_epci_knows_its_member_communes(report) -> None:
    agglomeration = Territory.objects.get(kind=TerritoryKind.EPCI, code="243500782")
    assert "Saint Malo" in agglomeration.name
    assert agglomeration.member_communes.filter(code="35288").exists()
    assert agglomeration.siren == "243500782"
    assert agglomeration.latitude == pytest.approx(48.6, abs=0.2)


def test_a_merged_communes_former_code_leads_to_the_new_commune(report) -> None:
    former = FormerCode.objects.select_related("territory").get(code="74011")
    assert former.name == "Annecy-le-Vieux"
    assert former.territory.code == "74010"
    assert former.territory.name == "Annecy"


def test_loading_again_changes_nothing(report) -> None:
    def snapshot() -> list[tuple]:
        return list(
            Territory.objects.order_by("kind", "code").values_list(
                "pk",
                "kind",
                "code",
                "siren",
                "name",
                "population",
                "departement_id",
                "region_id",
                "epci_id",
                "postcodes",
                "latitude",
                "longitude",
            )
        )

    before, former_before = snapshot(), sorted(FormerCode.objects.values_list("pk", "code", "name"))
    second = load_territories()
    assert second.rows == report.rows
    assert snapshot() == before
    assert sorted(FormerCode.objects.values_list("pk", "code", "name")) == former_before


def test_a_reload_restores_a_siren_changed_in_the_database(report) -> None:
    Territory.objects.filter(kind=TerritoryKind.COMMUNE, code="35288").update(siren="")
    load_territories()
    assert Territory.objects.get(kind=TerritoryKind.COMMUNE, code="35288").siren == "213502883"


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("213502883", ("commune", "35288")),  # Saint-Malo's SIREN
        ("243500782", ("epci", "243500782")),  # Saint-Malo Agglomération's SIREN, also its code
        ("roeschwoog", ("commune", "67405")),  # Rœschwoog typed without the ligature
    ],
)
def test_the_territory_search_finds_by_siren_and_by_a_name_typed_without_its_ligature(
    report, search, found
) -> None:
    body = APIClient().get(reverse("api:territory-list"), {"search": search}).json()
    assert [(territory["kind"], territory["code"]) for territory in body] == [found]
