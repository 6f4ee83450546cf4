"""Demo content of the registry.

Two kinds of entries, both labelled wherever they are shown:
- the example tools quoted by the 2016 report, with only what the report says of them;
- on request only (`load_demo --fictitious-tools`), fictitious tools (source "demo"), clearly named as
  such, spread over real territories. The catalogue's real entries come from the public sources
  (tools_registry.imports.load_public_sources).
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from tools_registry.choices import CollectivityKind, HybridFormat, Objective, ToolFamily
from tools_registry.models import (
    Collectivity,
    LifeStatus,
    Territory,
    TerritoryKind,
    Tool,
    ToolSource,
    ToolStatus,
)
from tools_registry.services import collectivity_for_territory, set_objectives

FICTITIOUS_PREFIX = "Exemple fictif"
DEMO_SEED = 2016


@dataclass(frozen=True)
class ReportExample:
    name: str
    description: str
    family: str
    family_other: str = ""
    territory_kind: str = ""
    territory_code: str = ""


# The four examples of the report's table "Quelques exemples d'outils", word for word. The report names
# the collectivity only for two of them.
REPORT_EXAMPLES = [
    ReportExample(
        name="Plateforme Id City ©",
        description=(
            "L'objectif est de permettre aux citoyens de proposer des idées dans le cadre d'un cycle de "
            "concertation plus global sur l'aménagement d'un espace public. Les propositions sont ouvertes "
            "au votes et aux commentaires."
        ),
        family=ToolFamily.URBANISME_PARTICIPATIF,
    ),
    ReportExample(
        name="Demain-le-lot",
        description=(
            "L'objectif est de sonder les habitats du département sur leur vision de l'avenir du territoire "
            "et de leur laisser la parole sur les projets qu'ils souhaiteraient voir se mettre en œuvre."
        ),
        family=ToolFamily.SONDAGE,
        territory_kind=TerritoryKind.DEPARTEMENT,
        territory_code="46",  # Lot
    ),
    ReportExample(
        name="Data de Saint Malo Agglomération",
        description="L'objectif est de mettre à disposition les données publiques de l'agglomération",
        family=ToolFamily.OPEN_DATA,
        territory_kind=TerritoryKind.EPCI,
        territory_code="243500782",  # CA du Pays de Saint Malo Agglomération
    ),
    ReportExample(
        name="Tell My City ©",
        description=(
            "L'application permet de faire remonter des signalements, automatiquement transmis au service de "
            "proximité (éclairage défectueux, trou dans la voirie, etc.)"
        ),
        family=ToolFamily.AUTRE,
        family_other="Application de signalement",
    ),
]

# (family, what the fictitious tool does), used to write fictitious names and descriptions.
FICTITIOUS_KINDS = [
    (ToolFamily.OPEN_DATA, "portail de données ouvertes"),
    (ToolFamily.OPEN_DATA, "catalogue de jeux de données"),
    (ToolFamily.BUDGET_PARTICIPATIF, "budget participatif en ligne"),
    (ToolFamily.FORUM, "forum de discussion citoyen"),
    (ToolFamily.CARTOGRAPHIE_PARTICIPATIVE, "carte participative des quartiers"),
    (ToolFamily.SONDAGE, "sondages en ligne"),
    (ToolFamily.URBANISME_PARTICIPATIF, "concertation sur un projet urbain"),
    (ToolFamily.AUTRE, "plateforme de concertation"),
]
SOFTWARE = [
    ("Decidim", True),
    ("CONSUL", True),
    ("OpenDataSoft", False),
    ("CKAN", True),
    ("uData", True),
    ("LimeSurvey", True),
    ("uMap", True),
    ("Développement interne", None),
    ("Solution commerciale", False),
]
# 44 collectivities with 55 tools: 34 with one tool, 9 with two and 1 with three.
TOOLS_PER_COLLECTIVITY = [3] + [2] * 9 + [1] * 34
FICTITIOUS_PNR_NAME = "Parc naturel régional fictif des Trois Vallées"
# Fictitious tool n° 4 ended in 2022, replaced by n° 5 of the same collectivity; its "archived copy" is
# as fictitious as its address (example.org is reserved for examples).
ENDED_TOOL_NUMBER, REPLACING_TOOL_NUMBER, ENDED_TOOL_YEAR = 4, 5, 2022


@dataclass
class DemoReport:
    tools_created: int = 0
    collectivities_created: int = 0


def collectivity_for(territory: Territory, report: DemoReport) -> Collectivity:
    existed = hasattr(territory, "collectivity")
    collectivity = collectivity_for_territory(territory)
    report.collectivities_created += not existed
    return collectivity


def _demo_territories(rng: random.Random) -> list[Territory]:
    """A spread of real territories of every kind and size, the same for the same reference data."""
    located = Territory.objects.filter(latitude__isnull=False).order_by("code")
    communes = list(located.filter(kind=TerritoryKind.COMMUNE, population__gte=3500).only("pk"))
    epcis = list(located.filter(kind=TerritoryKind.EPCI).only("pk"))
    departements = list(located.filter(kind=TerritoryKind.DEPARTEMENT).only("pk"))
    regions = list(located.filter(kind=TerritoryKind.REGION).only("pk"))
    picked = (
        rng.sample(communes, 28) + rng.sample(epcis, 9) + rng.sample(departements, 4) + rng.sample(regions, 2)
    )
    return list(Territory.objects.filter(pk__in=[t.pk for t in picked]).order_by("code"))


@transaction.atomic
def load_registry_demo(*, fictitious_tools: bool = False) -> DemoReport:
    """Create the demo entries that do not exist yet (the fictitious tools only when asked); running it
    again changes nothing."""
    report = DemoReport()
    for example in REPORT_EXAMPLES:
        _load_report_example(example, report)
    if not fictitious_tools or Tool.objects.filter(source=ToolSource.DEMO).exists():
        return report

    rng = random.Random(DEMO_SEED)  # noqa: S311 - reproducible demo, not security
    collectivities = [collectivity_for(territory, report) for territory in _demo_territories(rng)]
    pnr, created = Collectivity.objects.get_or_create(
        name=FICTITIOUS_PNR_NAME,
        defaults={"kind": CollectivityKind.PNR, "latitude": 45.2, "longitude": 4.1, "population": 52000},
    )
    report.collectivities_created += created
    collectivities.append(pnr)

    number = 0
    created = {}
    for collectivity, count in zip(collectivities, TOOLS_PER_COLLECTIVITY, strict=True):
        for _ in range(count):
            number += 1
            created[number] = _create_fictitious_tool(rng, collectivity, number)
            report.tools_created += 1
    _end_and_replace(created[ENDED_TOOL_NUMBER], created[REPLACING_TOOL_NUMBER])
    return report


def _end_and_replace(tool: Tool, successor: Tool) -> None:
    tool.life_status = LifeStatus.ENDED
    tool.end_year = ENDED_TOOL_YEAR
    tool.replaced_by = successor
    tool.archived_url = f"https://demo.example.org/archive/outil-{ENDED_TOOL_NUMBER}"
    tool.description += " Exemple fictif d'outil arrêté, remplacé par un autre outil fictif."
    tool.full_clean()
    tool.save()


def _load_report_example(example: ReportExample, report: DemoReport) -> None:
    if Tool.objects.filter(source=ToolSource.REPORT_2016, name=example.name).exists():
        return
    collectivity = None
    if example.territory_kind:
        territory = Territory.objects.filter(kind=example.territory_kind, code=example.territory_code).first()
        if territory is not None:
            collectivity = collectivity_for(territory, report)
    Tool.objects.create(
        name=example.name,
        description=example.description,
        family=example.family,
        family_other=example.family_other,
        collectivity=collectivity,
        status=ToolStatus.PUBLISHED,
        source=ToolSource.REPORT_2016,
    )
    report.tools_created += 1


def _create_fictitious_tool(rng: random.Random, collectivity: Collectivity, number: int) -> Tool:
    # Weighted so that open data is the largest family, as in the 2016 report.
    family, what = FICTITIOUS_KINDS[number % len(FICTITIOUS_KINDS)] if number % 3 else FICTITIOUS_KINDS[0]
    software, open_source = rng.choice(SOFTWARE)
    hybrid = rng.random() < 0.66
    name = f"{FICTITIOUS_PREFIX} n° {number} — {what}"
    tool = Tool.objects.create(
        name=name,
        slug=slugify(f"exemple-fictif-{number}-{what}"),
        description=(
            f"Outil fictif créé pour la démonstration du site ({what}). Il ne décrit aucune action "
            f"réelle de {collectivity.name}."
        ),
        url=f"https://demo.example.org/outil-{number}",
        family=family,
        family_other="Plateforme de concertation (fictive)" if family == ToolFamily.AUTRE else "",
        collectivity=collectivity,
        software=software,
        is_open_source=open_source,
        launch_year=rng.randint(2010, 2016),
        hybrid=hybrid,
        hybrid_formats=sorted(rng.sample(HybridFormat.values, rng.randint(1, 2))) if hybrid else [],
        status=ToolStatus.PUBLISHED,
        source=ToolSource.DEMO,
    )
    set_objectives(tool=tool, objectives=rng.sample(Objective.values, rng.randint(1, 3)))
    return tool
