"""The barometer's indicators, declared once on the questionnaire's stable codes.

Each declaration says what is counted (a question, the choices that count) and among whom (a
population). `barometre.results.figures` computes them for any edition by database aggregation.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COUNT = "count", _("effectif")
    SHARE = "share", _("part")
    DISTRIBUTION = "distribution", _("répartition")
    RANKING = "ranking", _("classement")


class Part(models.TextChoices):
    """The parts of the published report, in its order."""

    PROFILE = "profil", _("Profil des collectivités répondantes")
    PERCEPTIONS = "perceptions", _("Perceptions générales sur la démocratie locale numérique")
    TOOLS = "outils", _("Les outils numériques de démocratie locale")
    OPEN_DATA = "donnees-ouvertes", _("Focus sur l'ouverture des données publiques")


@dataclass(frozen=True)
class Population:
    """Who an indicator is computed among: everyone who answered, or those who gave `choice` to
    `question` (at `rank` for a ranking question). The filter applies to responses for a question
    asked once per response, to tools for a question asked per tool."""

    code: str
    label: Promise
    question: str = ""
    choice: str = ""
    rank: int | None = None

    @property
    def is_filtered(self) -> bool:
        return bool(self.question)


RESPONSES = Population("responses", _("ensemble des répondants"))
TOOLS = Population("tools", _("outils décrits"))
EQUIPPED = Population("equipped", _("collectivités outillées"), "has_tool", "oui")
NOT_EQUIPPED = Population("not_equipped", _("collectivités non outillées"), "has_tool", "non")
# Part 4 is asked only when has_open_data = oui (answers it hides are dropped on submission): its
# answers are those of this population, without a filter.
OPEN_DATA = Population("open_data", _("collectivités qui ouvrent leurs données"))
INFORM_FIRST = Population(
    "tools_inform_first",
    _("outils dont l'objectif prioritaire est d'informer"),
    "tool_objectives",
    "informer",
    1,
)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise
    kind: str
    part: str
    question: str = ""
    choices: tuple[str, ...] = ()
    population: Population = RESPONSES
    # Indicators computed among other populations, shown beside this one (equipped or not).
    compared_with: tuple[str, ...] = ()
    note: Promise | str = ""


INDICATORS: tuple[Indicator, ...] = (
    Indicator("respondents", _("Collectivités répondantes"), Kind.COUNT, Part.PROFILE),
    Indicator(
        "collectivity_type", _("Type de collectivité"), Kind.DISTRIBUTION, Part.PROFILE, "collectivity_type"
    ),
    Indicator("population", _("Nombre d'habitants"), Kind.DISTRIBUTION, Part.PROFILE, "population"),
    Indicator(
        "respondent_role", _("Fonction du répondant"), Kind.DISTRIBUTION, Part.PROFILE, "respondent_role"
    ),
    Indicator(
        "equipped_collectivities",
        _("Collectivités outillées"),
        Kind.COUNT,
        Part.PROFILE,
        "has_tool",
        ("oui",),
        note=_("Collectivités ayant mis en place au moins un outil numérique de démocratie locale."),
    ),
    Indicator(
        "opendata_respondents",
        _("Collectivités qui ouvrent leurs données"),
        Kind.COUNT,
        Part.PROFILE,
        "has_open_data",
        ("oui",),
    ),
    Indicator(
        "participation_positive",
        _("Le numérique renforce la participation citoyenne (plutôt oui ou tout à fait)"),
        Kind.SHARE,
        Part.PERCEPTIONS,
        "digital_strengthens_participation",
        ("plutot_oui", "tout_a_fait"),
        compared_with=("participation_positive_equipped", "participation_positive_not_equipped"),
    ),
    Indicator(
        "participation_positive_equipped",
        _("Le numérique renforce la participation citoyenne, parmi les collectivités outillées"),
        Kind.SHARE,
        Part.PERCEPTIONS,
        "digital_strengthens_participation",
        ("plutot_oui", "tout_a_fait"),
        EQUIPPED,
    ),
    Indicator(
        "participation_positive_not_equipped",
        _("Le numérique renforce la participation citoyenne, parmi les collectivités non outillées"),
        Kind.SHARE,
        Part.PERCEPTIONS,
        "digital_strengthens_participation",
        ("plutot_oui", "tout_a_fait"),
        NOT_EQUIPPED,
    ),
    Indicator(
        "digital_time_gain",
        _("Le numérique est un gain de temps"),
        Kind.SHARE,
        Part.PERCEPTIONS,
        "digital_time",
        ("gain",),
    ),
    Indicator(
        "digital_cost_barrier",
        _("Le numérique est un coût (un frein) plutôt qu'un investissement"),
        Kind.SHARE,
        Part.PERCEPTIONS,
        "digital_cost",
        ("cout",),
    ),
    Indicator(
        "digital_communication_lever",
        _("Le numérique est un levier d'innovation en termes de communication"),
        Kind.SHARE,
        Part.PERCEPTIONS,
        "digital_communication",
        ("levier",),
    ),
    Indicator(
        "tools",
        _("Outils décrits"),
        Kind.COUNT,
        Part.TOOLS,
        population=TOOLS,
        note=_("Outils numériques de démocratie locale décrits par les collectivités outillées."),
    ),
    Indicator(
        "tool_family", _("Famille de l'outil"), Kind.DISTRIBUTION, Part.TOOLS, "tool_family", population=TOOLS
    ),
    Indicator(
        "tool_objectives",
        _("Objectifs de l'outil, par ordre de priorité"),
        Kind.RANKING,
        Part.TOOLS,
        "tool_objectives",
        population=TOOLS,
        note=_("Score pondéré : 3 points pour le 1er rang, 2 pour le 2e, 1 pour le 3e."),
    ),
    Indicator(
        "inform_objective_met",
        _("Objectif « informer » atteint, parmi les outils dont c'est l'objectif prioritaire"),
        Kind.SHARE,
        Part.TOOLS,
        "tool_objective_met",
        ("oui",),
        INFORM_FIRST,
    ),
    Indicator(
        "tool_involvement_satisfied",
        _("Satisfait du nombre de citoyens impliqués (très ou plutôt)"),
        Kind.SHARE,
        Part.TOOLS,
        "tool_involvement",
        ("tres_satisfait", "plutot_satisfait"),
        TOOLS,
    ),
    Indicator(
        "tool_hybrid",
        _("Outil doublé de réunions présentielles"),
        Kind.SHARE,
        Part.TOOLS,
        "tool_hybrid",
        ("oui",),
        TOOLS,
    ),
    Indicator(
        "tool_hybrid_formats",
        _("Formats des réunions présentielles"),
        Kind.DISTRIBUTION,
        Part.TOOLS,
        "tool_hybrid_formats",
        population=TOOLS,
        note=_("Choix multiple : parts de l'ensemble des mentions."),
    ),
    Indicator(
        "tool_reaches_absent_publics",
        _("L'outil atteint les publics habituellement absents"),
        Kind.DISTRIBUTION,
        Part.TOOLS,
        "tool_reaches_absent_publics",
        population=TOOLS,
    ),
    Indicator(
        "opendata_where",
        _("Où les données sont ouvertes"),
        Kind.DISTRIBUTION,
        Part.OPEN_DATA,
        "opendata_where",
        population=OPEN_DATA,
        note=_("Choix multiple : parts de l'ensemble des mentions."),
    ),
    Indicator(
        "opendata_what",
        _("Données ouvertes"),
        Kind.DISTRIBUTION,
        Part.OPEN_DATA,
        "opendata_what",
        population=OPEN_DATA,
        note=_("Choix multiple : parts de l'ensemble des mentions."),
    ),
)

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
# Verbatims the report quotes, by question; only those staff marked publishable are shown.
VERBATIM_QUESTIONS: dict[str, tuple[str, ...]] = {
    Part.TOOLS: ("tool_family_other", "tool_involvement_why", "tool_reach_comment"),
}
# Below this base, a percentage is shown with a caution.
SMALL_BASE = 30
