"""A small registry whose insights are known by hand.

Territories: Bretagne (53) with Ille-et-Vilaine (35) and Finistère (29), Normandie (28) with Calvados (14,
no commune of 3,500 inhabitants or more), Guadeloupe (01) with its département 971. Communes of 3,500
inhabitants or more: in 35, Rennes 20,000 and Bruz 15,000 (both in the EPCI Rennes Métropole), Vitré
12,000, Liffré 5,000; in 29, Brest 30,000; in 971, Les Abymes 25,000; and a small commune, Pacé 1,000.

Tools in service and published, of the open-data family: Rennes (OpenDataSoft, not free), Rennes
Métropole (CKAN, free), Brest (software not said), Les Abymes ("opendatasoft", not said whether free).
Rennes also has a Decidim forum. Not counted: Vitré's ended open-data portal, a pending one at Liffré.
"""

from dataclasses import dataclass

import pytest

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tools_registry.choices import CollectivityKind, ToolFamily
from tools_registry.models import Collectivity, LifeStatus, Territory, TerritoryKind, ToolStatus

OPEN_DATA = ToolFamily.OPEN_DATA
FORUM = ToolFamily.FORUM


@dataclass
class Registry:
    rennes: Collectivity
    metropole: Collectivity
    vitre: Collectivity
    brest: Collectivity
    abymes: Collectivity
    territories: dict[str, Territory]


def _territory(kind: str, code: str, name: str, **fields) -> Territory:
    return TerritoryFactory(kind=kind, code=code, name=name, **fields)


def build_registry() -> Registry:
    bretagne = _territory(TerritoryKind.REGION, "53", "Bretagne", population=3400000)
    normandie = _territory(TerritoryKind.REGION, "28", "Normandie", population=3300000)
    guadeloupe = _territory(TerritoryKind.REGION, "01", "Guadeloupe", population=380000)
    ille = _territory(TerritoryKind.DEPARTEMENT, "35", "Ille-et-Vilaine", population=1100000, region=bretagne)
    finistere = _territory(TerritoryKind.DEPARTEMENT, "29", "Finistère", population=900000, region=bretagne)
    _territory(TerritoryKind.DEPARTEMENT, "14", "Calvados", population=700000, region=normandie)
    gwada = _territory(TerritoryKind.DEPARTEMENT, "971", "Guadeloupe", population=380000, region=guadeloupe)
    epci = _territory(
        TerritoryKind.EPCI,
        "243500139",
        "Rennes Métropole",
        population=460000,
        departement=ille,
        region=bretagne,
    )
    communes = {}
    for code, name, population, departement, member in [
        ("35238", "Rennes", 20000, ille, epci),
        ("35047", "Bruz", 15000, ille, epci),
        ("35360", "Vitré", 12000, ille, None),
        ("35152", "Liffré", 5000, ille, None),
        ("35210", "Pacé", 1000, ille, epci),
        ("29019", "Brest", 30000, finistere, None),
        ("97101", "Les Abymes", 25000, gwada, None),
    ]:
        communes[code] = _territory(
            TerritoryKind.COMMUNE,
            code,
            name,
            population=population,
            departement=departement,
            region=departement.region,
            epci=member,
        )

    def body(name: str, territory: Territory, kind: str = CollectivityKind.COMMUNE) -> Collectivity:
        return CollectivityFactory(
            name=name, kind=kind, territory=territory, population=None, latitude=None, longitude=None
        )

    rennes = body("Rennes", communes["35238"])
    metropole = body("Rennes Métropole", epci, CollectivityKind.METROPOLE)
    vitre = body("Vitré", communes["35360"])
    liffre = body("Liffré", communes["35152"])
    brest = body("Brest", communes["29019"])
    abymes = body("Les Abymes", communes["97101"])
    ToolFactory(
        name="Rennes open data",
        family=OPEN_DATA,
        collectivity=rennes,
        software="OpenDataSoft",
        is_open_source=False,
        launch_year=2012,
    )
    ToolFactory(
        name="Fabrique citoyenne",
        family=FORUM,
        collectivity=rennes,
        software="Decidim",
        is_open_source=True,
        launch_year=2016,
    )
    ToolFactory(
        name="Données de la métropole",
        family=OPEN_DATA,
        collectivity=metropole,
        software="CKAN",
        is_open_source=True,
    )
    ToolFactory(name="Brest données", family=OPEN_DATA, collectivity=brest, software="")
    ToolFactory(name="Abymes data", family=OPEN_DATA, collectivity=abymes, software="opendatasoft")
    ToolFactory(
        name="Ancien portail de Vitré",
        family=OPEN_DATA,
        collectivity=vitre,
        software="CKAN",
        life_status=LifeStatus.ENDED,
    )
    ToolFactory(
        name="Portail en attente",
        family=OPEN_DATA,
        collectivity=liffre,
        software="CKAN",
        status=ToolStatus.PENDING,
    )
    return Registry(rennes, metropole, vitre, brest, abymes, {**communes, "epci": epci})


@pytest.fixture
def registry(db) -> Registry:
    return build_registry()


def more_tools(count: int) -> None:
    """Tools in more places and with more software, for the query counts."""
    for number in range(count):
        territory = TerritoryFactory(population=4000 + number)
        collectivity = CollectivityFactory(territory=territory)
        ToolFactory(
            collectivity=collectivity,
            family=list(ToolFamily.values)[number % 7],
            software=f"Logiciel {number % 5}",
        )
