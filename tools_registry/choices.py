"""Reference lists shared by the registry and the survey.

The values are the questionnaire's stable codes (see the domain reference); labels are French and
translatable.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CollectivityKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITE = "intercommunalite", _("Intercommunalité (EPCI)")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    METROPOLE = "metropole", _("Métropole")
    PNR = "pnr", _("Parc naturel régional")
    AUTRE = "autre", _("Autre")


class ToolFamily(models.TextChoices):
    URBANISME_PARTICIPATIF = (
        "urbanisme_participatif",
        _("Application interactive d'urbanisme participatif"),
    )
    FORUM = "forum", _("Forum de discussion")
    CARTOGRAPHIE_PARTICIPATIVE = (
        "cartographie_participative",
        _("Plateforme cartographique participative"),
    )
    OPEN_DATA = (
        "open_data",
        _("Plateforme de mise à disposition des données publiques (open data)"),
    )
    SONDAGE = "sondage", _("Plateforme de sondage en ligne")
    BUDGET_PARTICIPATIF = (
        "budget_participatif",
        _("Plateforme numérique pour le budget participatif"),
    )
    AUTRE = "autre", _("Autres")


def family_label(family: str, family_other: str = "") -> str:
    """A family's label, with the submitter's precision for « Autres »."""
    label = str(ToolFamily(family).label) if family in ToolFamily.values else family
    if family == ToolFamily.AUTRE and family_other:
        return gettext("%(family)s : %(other)s") % {"family": label, "other": family_other}
    return label


class Objective(models.TextChoices):
    INFORMER = "informer", _("Informer, mettre à disposition des informations")
    IDEES = "idees", _("Faire émerger des idées")
    ECLAIRER_DECISION = "eclairer_decision", _("Éclairer la décision")
    CONSULTER = "consulter", _("Consulter, recueillir des avis")
    COCONSTRUIRE = "coconstruire", _("Co-construire l'action publique")
    SIGNALER = "signaler", _("Faire remonter des signalements")
    MOBILISER = "mobiliser", _("Mobiliser, créer du lien")
    AUTRE = "autre", _("Autre")


class HybridFormat(models.TextChoices):
    REUNIONS_PUBLIQUES = "reunions_publiques", _("Réunions publiques")
    BARCAMPS = "barcamps", _("Barcamps, hackathons, Infolab")
    FORMATIONS = "formations", _("Formations")
    CONSEILS_QUARTIER = "conseils_quartier", _("Conseils de quartier")
    AUTRE = "autre", _("Autre")


class PopulationBand(models.TextChoices):
    LT_3500 = "pop_lt_3500", _("Moins de 3 500")
    FROM_3500_TO_10000 = "pop_3500_10000", _("3 500 à 10 000")
    FROM_10000_TO_50000 = "pop_10000_50000", _("10 000 à 50 000")
    FROM_50000_TO_200000 = "pop_50000_200000", _("50 000 à 200 000")
    GT_200000 = "pop_gt_200000", _("Plus de 200 000")


# Inclusive lower bound and exclusive upper bound of each band, in inhabitants.
POPULATION_BAND_BOUNDS: dict[str, tuple[int, int | None]] = {
    PopulationBand.LT_3500: (0, 3500),
    PopulationBand.FROM_3500_TO_10000: (3500, 10000),
    PopulationBand.FROM_10000_TO_50000: (10000, 50000),
    PopulationBand.FROM_50000_TO_200000: (50000, 200000),
    PopulationBand.GT_200000: (200000, None),
}


def in_population_band(band: str, field: str = "population") -> Q:
    """The rows whose `field` (a number of inhabitants) falls in `band`: the one rule in SQL."""
    low, high = POPULATION_BAND_BOUNDS[band]
    condition = Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field}__lt": high})
    return condition


def population_band(population: int | None) -> str | None:
    if population is None:
        return None
    for band, (low, high) in POPULATION_BAND_BOUNDS.items():
        if population >= low and (high is None or population < high):
            return band
    return None
