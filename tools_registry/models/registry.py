"""The registry: collectivities, their tools and the tools' objectives, with what a tool stores of
them for the lists."""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Upper
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from privacy.models import consent_fields
from tools_registry.areas import point_in_an_area
from tools_registry.choices import (
    CollectivityKind,
    HybridFormat,
    Objective,
    PopulationBand,
    ToolFamily,
    family_label,
    in_population_band,
)
from tools_registry.history import HistoryActor
from tools_registry.models.checks import choices_check
from tools_registry.models.querysets import CollectivityQuerySet, LifeStatus, ToolQuerySet, ToolStatus
from tools_registry.models.slugs import save_claiming_slug
from tools_registry.models.territories import Territory
from tools_registry.search import refresh_search_vectors
from tools_registry.text import natural, url_key

MAX_OBJECTIVES = 3
# The years a tool may have been launched or ended in: the fields' validators and the database constraints.
FIRST_LAUNCH_YEAR, LAST_LAUNCH_YEAR = 1990, 2100


class ToolSource(models.TextChoices):
    SUBMISSION = "submission", _("Proposition en ligne")
    SURVEY = "survey", _("Réponse à l'enquête")
    STAFF = "staff", _("Saisie par l'équipe")
    REPORT_2016 = "report_2016", _("Rapport du baromètre 2016")
    DEMO = "demo", _("Exemple fictif de démonstration")
    IMPORT = "import", _("Import d'une source publique")


class Collectivity(models.Model):
    """A local authority as an actor of the registry."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=220, unique=True)
    kind = models.CharField(_("type de collectivité"), max_length=20, choices=CollectivityKind.choices)
    territory = models.OneToOneField(
        Territory,
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collectivity",
        help_text=_("Vide pour un PNR ou un autre organisme sans territoire officiel."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    departement = models.ForeignKey(
        Territory,
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": Territory.Kind.DEPARTEMENT},
    )
    region = models.ForeignKey(
        Territory,
        verbose_name=_("région"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": Territory.Kind.REGION},
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("site web"), max_length=500, blank=True)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        help_text=_("Numéro SIREN de l'organisme (celui du conseil pour un département ou une région)."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    history = HistoricalRecords(bases=[HistoryActor], excluded_fields=["updated_at"])

    objects = CollectivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        ordering = [natural("name"), "pk"]
        constraints = [
            choices_check("kind", CollectivityKind, "collectivity_valid_kind"),
            # One body outside the territory reference per name (case ignored) and kind.
            models.UniqueConstraint(
                Upper("name"),
                "kind",
                condition=Q(territory__isnull=True),
                name="collectivity_unlisted_unique_name",
                violation_error_message=_("Un organisme de ce type et de ce nom existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="collectivity_valid_latitude",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="collectivity_valid_longitude",
            ),
            models.UniqueConstraint(
                fields=["siren"], condition=~Q(siren=""), name="collectivity_unique_siren"
            ),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"), name="collectivity_siren_nine_digits"
            ),
        ]
        indexes = [
            models.Index(fields=["kind"], name="collectivity_kind_idx"),
            models.Index(fields=["population"], name="collectivity_population_idx"),
            models.Index(fields=["latitude", "longitude"], name="collectivity_location_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_from_territory()
        save_claiming_slug(self, self.name, functools.partial(super().save, *args, **kwargs))
        refresh_stored_fields(collectivity_id=self.pk)

    def get_absolute_url(self) -> str:
        return reverse("tools_registry:collectivity_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        point = self.latitude, self.longitude
        if None not in point and not point_in_an_area(*point):
            raise ValidationError(
                {
                    "longitude": _(
                        "Ce point (%(latitude)s, %(longitude)s) n'est dans aucune zone de la France que les "
                        "cartes montrent : vérifiez les signes et l'ordre de la latitude et de la longitude."
                    )
                    % {"latitude": self.latitude, "longitude": self.longitude}
                }
            )

    def fill_from_territory(self) -> None:
        """Take population, location, département and région from the territory unless staff set them."""
        territory = self.territory
        if territory is None:
            return
        if self.population is None:
            self.population = territory.population
        if self.latitude is None and self.longitude is None:
            self.latitude, self.longitude = territory.latitude, territory.longitude
        if self.departement_id is None:
            if territory.kind == Territory.Kind.DEPARTEMENT:
                self.departement_id = territory.pk
            else:
                self.departement_id = territory.departement_id
        if self.region_id is None:
            self.region_id = territory.pk if territory.kind == Territory.Kind.REGION else territory.region_id

    @property
    def is_located(self) -> bool:
        """Whether maps place it: the single-object side of `ToolQuerySet.located`."""
        return point_in_an_area(self.latitude, self.longitude)


# The fields a tool stores of its collectivity and of its objectives (see Tool.collectivity_kind), and
# the tool's own fields whose change means refreshing what it stores (those and its search vector).
STORED_FROM_COLLECTIVITY = ["collectivity_kind", "population_band", "region_code", "departement_code"]
STORED_OBJECTIVES = [f"objective_{rank}" for rank in range(1, MAX_OBJECTIVES + 1)]
STORED_FROM = {"name", "description", "software", "family", "family_other", "collectivity"}


class Tool(models.Model):
    """A digital local-democracy tool of a collectivity."""

    Status = ToolStatus
    Source = ToolSource

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=220, unique=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    url = models.URLField(_("adresse web"), max_length=500, blank=True)
    # The address as the duplicate check compares it (tools_registry.text.url_key), kept up to date on save.
    url_key = models.CharField(_("adresse normalisée"), max_length=500, blank=True, editable=False)
    family = models.CharField(_("famille"), max_length=30, choices=ToolFamily.choices)
    family_other = models.CharField(
        _("autre famille"),
        max_length=200,
        blank=True,
        help_text=_("Précision quand la famille est « Autres »."),
    )
    collectivity = models.ForeignKey(
        Collectivity,
        verbose_name=_("collectivité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tools",
    )
    software = models.CharField(
        _("logiciel"),
        max_length=120,
        blank=True,
        help_text=_("Par exemple Decidim, CONSUL, OpenDataSoft, développement interne…"),
    )
    is_open_source = models.BooleanField(_("logiciel libre"), null=True, blank=True)
    launch_year = models.PositiveSmallIntegerField(
        _("année de lancement"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_LAUNCH_YEAR), MaxValueValidator(LAST_LAUNCH_YEAR)],
    )
    launched_on = models.DateField(
        _("date de lancement"), null=True, blank=True, help_text=_("Si elle est connue ; l'année suit.")
    )
    life_status = models.CharField(
        _("état"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ACTIVE
    )
    end_year = models.PositiveSmallIntegerField(
        _("année d'arrêt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_LAUNCH_YEAR), MaxValueValidator(LAST_LAUNCH_YEAR)],
    )
    ended_on = models.DateField(
        _("date d'arrêt"), null=True, blank=True, help_text=_("Si elle est connue ; l'année suit.")
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("remplacé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    archived_url = models.URLField(
        _("adresse archivée"),
        max_length=500,
        blank=True,
        help_text=_("Copie archivée d'un outil arrêté, par exemple sur web.archive.org."),
    )
    hybrid = models.BooleanField(_("combiné à des réunions en présentiel"), null=True, blank=True)
    hybrid_formats = models.JSONField(_("formats présentiels"), default=list, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ToolStatus.choices,
        default=ToolStatus.PENDING,
    )
    source = models.CharField(
        _("origine"),
        max_length=12,
        choices=ToolSource.choices,
        default=ToolSource.SUBMISSION,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modéré par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    moderation_reason = models.TextField(_("motif de modération"), blank=True)
    possible_duplicate = models.ForeignKey(
        "self",
        verbose_name=_("doublon possible de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Outil déjà référencé avec la même adresse, ou le même nom dans la même collectivité."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tools",
        help_text=_("L'outil qui a repris cette fiche, doublon d'une autre : son adresse y redirige."),
    )
    last_verified = models.DateField(_("dernière vérification"), null=True, blank=True)
    submitter_name = models.CharField(_("nom du contributeur"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("courriel du contributeur"), blank=True)
    # The language of the page (or API request) the proposal came from: every email to the submitter is
    # written in it. Not in the edit history: it is set once, and says nothing once the address is gone.
    submitter_language = models.CharField(
        _("langue du contributeur"),
        max_length=7,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "Celle de la page d'où vient la proposition : les courriels au contributeur y sont écrits."
        ),
    )
    # The contributor agreed to the privacy notice: when, and to which version of its text.
    consent_at, consent_notice = consent_fields()
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Kept up to date on save (PostgreSQL only); see tools_registry.search.
    search_vector = SearchVectorField(null=True, editable=False)
    # What the filters and facet counts read of the tool's collectivity, stored on the tool: counting the
    # facets of a search that matches half the registry then reads one table, not one join per match
    # (twice as fast at 100,000 tools). Kept like the search vector (`refresh_stored_fields`); "" when
    # the tool has no collectivity or the collectivity no such value.
    collectivity_kind = models.CharField(max_length=20, blank=True, default="", editable=False)
    population_band = models.CharField(max_length=20, blank=True, default="", editable=False)
    region_code = models.CharField(max_length=9, blank=True, default="", editable=False)
    departement_code = models.CharField(max_length=9, blank=True, default="", editable=False)
    # Its objectives in their order (STORED_OBJECTIVES), stored the same way: the objective facet is
    # then counted in the same pass over the matched tools as the others, instead of a second pass joined
    # to the objectives (a broad search's counts at 100,000 tools: ~250 ms → ~140 ms).
    objective_1 = models.CharField(max_length=20, blank=True, default="", editable=False)
    objective_2 = models.CharField(max_length=20, blank=True, default="", editable=False)
    objective_3 = models.CharField(max_length=20, blank=True, default="", editable=False)

    objects = ToolQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[HistoryActor],
        excluded_fields=[
            "search_vector",
            "url_key",
            "updated_at",
            "submitter_language",
            *STORED_FROM_COLLECTIVITY,
            *STORED_OBJECTIVES,
        ],
    )

    class Meta:
        verbose_name = _("outil")
        verbose_name_plural = _("outils")
        ordering = [natural("name"), "pk"]
        constraints = [
            choices_check("status", ToolStatus, "tool_valid_status"),
            choices_check("source", ToolSource, "tool_valid_source"),
            choices_check("family", ToolFamily, "tool_valid_family"),
            models.CheckConstraint(
                condition=Q(submitter_language__in=[code for code, _name in settings.LANGUAGES]),
                name="tool_valid_submitter_language",
            ),
            models.CheckConstraint(
                condition=Q(launch_year__isnull=True)
                | Q(launch_year__gte=FIRST_LAUNCH_YEAR, launch_year__lte=LAST_LAUNCH_YEAR),
                name="tool_plausible_launch_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(moderation_reason=""),
                name="tool_rejection_has_reason",
            ),
            choices_check("life_status", LifeStatus, "tool_valid_life_status"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(end_year__gte=FIRST_LAUNCH_YEAR, end_year__lte=LAST_LAUNCH_YEAR),
                name="tool_plausible_end_year",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(launch_year__isnull=True)
                | Q(end_year__gte=F("launch_year")),
                name="tool_ends_after_launch",
            ),
            models.CheckConstraint(
                # An end date belongs to an ended tool.
                condition=Q(life_status=LifeStatus.ENDED) | Q(end_year__isnull=True, ended_on__isnull=True),
                name="tool_end_only_when_ended",
            ),
            models.CheckConstraint(condition=~Q(replaced_by=F("pk")), name="tool_not_replaced_by_itself"),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="tool_not_merged_into_itself"),
        ]
        indexes = [
            models.Index(fields=["status", "family"], name="tool_status_family_idx"),
            models.Index(fields=["status", "-created_at"], name="tool_status_created_idx"),
            models.Index(fields=["status", "software"], name="tool_status_software_idx"),
            # The software filter ignores case (`iexact`: UPPER(software) = UPPER(value)).
            models.Index(F("status"), Upper("software"), name="tool_status_upper_software_idx"),
            models.Index(fields=["status", "is_open_source"], name="tool_status_open_source_idx"),
            models.Index(fields=["status", "hybrid"], name="tool_status_hybrid_idx"),
            models.Index(fields=["launch_year"], name="tool_launch_year_idx"),
            models.Index(fields=["status", "life_status"], name="tool_status_life_idx"),
            models.Index(fields=["source"], name="tool_source_idx"),
            models.Index(fields=["url"], name="tool_url_idx"),
            models.Index(fields=["url_key"], name="tool_url_key_idx"),
            # A collectivity's published tools of a family, read from the index alone (nearby tools).
            models.Index(fields=["collectivity", "status", "family"], name="tool_place_status_family_idx"),
            # The filters on what the tool stores of its collectivity.
            models.Index(fields=["status", "collectivity_kind"], name="tool_status_kind_idx"),
            models.Index(fields=["status", "population_band"], name="tool_status_band_idx"),
            models.Index(fields=["status", "region_code"], name="tool_status_region_idx"),
            models.Index(fields=["status", "departement_code"], name="tool_status_departement_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, update_fields: Iterable[str] | None = None, **kwargs) -> None:
        self._years_from_dates()
        self.fill_url_key()
        if update_fields is not None and "url" in update_fields:
            update_fields = {*update_fields, "url_key"}
        save_claiming_slug(
            self, self.name, functools.partial(super().save, *args, update_fields=update_fields, **kwargs)
        )
        if update_fields is None or {*STORED_FROM, "collectivity_id"} & set(update_fields):
            refresh_stored_fields(tool_ids=[self.pk])

    def get_absolute_url(self) -> str:
        return reverse("tools_registry:tool_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self._years_from_dates()

    def fill_url_key(self) -> None:
        self.url_key = url_key(self.url)

    def duplicate_candidates(self) -> ToolQuerySet:
        """The other tools this one may repeat (see `ToolQuerySet.duplicates_of`)."""
        return Tool.objects.duplicates_of(
            url=self.url, name=self.name, collectivity_id=self.collectivity_id
        ).exclude(pk=self.pk)

    def _years_from_dates(self) -> None:
        # A known date gives its year, so that lists filter and sort on the year alone.
        if self.launched_on:
            self.launch_year = self.launched_on.year
        if self.ended_on:
            self.end_year = self.ended_on.year

    @property
    def is_demo(self) -> bool:
        return self.source == self.Source.DEMO

    @property
    def public_duplicate(self) -> "Tool | None":
        """The tool this one may duplicate, when the public may know of it: only a published one.

        A pending, rejected or archived match is for moderators only; naming it to a submitter would
        reveal what is not published.
        """
        duplicate = self.possible_duplicate
        return duplicate if duplicate is not None and duplicate.status == ToolStatus.PUBLISHED else None

    @property
    def family_label(self) -> str:
        return family_label(self.family, self.family_other)

    def hybrid_format_labels(self) -> list[str]:
        labels = dict(HybridFormat.choices)
        return [str(labels.get(code, code)) for code in self.hybrid_formats]

    def ranked_objectives(self) -> list["ToolObjective"]:
        return sorted(self.objectives.all(), key=lambda objective: objective.rank)

    def moderate(self, *, status: str, moderator, reason: str = "") -> None:
        self.status = status
        self.moderated_by = moderator
        self.moderated_at = timezone.now()
        self.moderation_reason = reason
        self.save(
            update_fields=[
                "status",
                "moderated_by",
                "moderated_at",
                "moderation_reason",
                "updated_at",
            ]
        )


def collectivity_values(collectivity_model: type[models.Model]) -> dict[str, models.Expression]:
    """What a tool stores of its collectivity (STORED_FROM_COLLECTIVITY), as expressions of an update of
    tools. `collectivity_model`: Collectivity, or its historical model in a migration."""
    collectivity = collectivity_model.objects.filter(pk=OuterRef("collectivity_id"))
    bands = (When(in_population_band(band), then=Value(band)) for band in PopulationBand.values)
    band = Case(*bands, default=Value(""))

    def of(value: models.Expression) -> models.Expression:
        return Coalesce(Subquery(collectivity.values(value=Coalesce(value, Value("")))[:1]), Value(""))

    return {
        "collectivity_kind": of(F("kind")),
        "population_band": of(band),
        "region_code": of(F("region__code")),
        "departement_code": of(F("departement__code")),
    }


def objective_values(objective_model: type[models.Model]) -> dict[str, models.Expression]:
    """What a tool stores of its objectives (STORED_OBJECTIVES), as expressions of an update of tools.
    `objective_model`: ToolObjective, or its historical model in a migration."""
    ranked = objective_model.objects.filter(tool_id=OuterRef("pk")).order_by("rank").values("objective")
    return {
        field: Coalesce(Subquery(ranked[number : number + 1]), Value(""))
        for number, field in enumerate(STORED_OBJECTIVES)
    }


def stored_objectives(row: dict) -> list[str]:
    """A tool's objective codes in their order, from a row holding its STORED_OBJECTIVES."""
    return [row[field] for field in STORED_OBJECTIVES if row[field]]


def refresh_stored_fields(
    *, tool_ids: Iterable[int] | None = None, collectivity_id: int | None = None
) -> None:
    """Recompute what tools store of other rows: their search vector, their collectivity's values and
    their objectives.

    For the tools of `tool_ids`, or of the collectivity `collectivity_id`; all of them without argument.
    Called wherever these rows change: the saves of a tool, of a collectivity and of an objective
    (`_objective_changed`), and after every write in bulk (imports, `services.set_objectives`).
    """
    tools = Tool.objects.all()
    if tool_ids is not None:
        tool_ids = list(tool_ids)
        tools = tools.filter(pk__in=tool_ids)
    if collectivity_id is not None:
        tools = tools.filter(collectivity_id=collectivity_id)
    tools.update(**collectivity_values(Collectivity), **objective_values(ToolObjective))
    refresh_search_vectors(tool_ids=tool_ids, collectivity_id=collectivity_id)


class ToolObjective(models.Model):
    """One of a tool's objectives, ranked 1 (first) to 3."""

    tool = models.ForeignKey(
        Tool,
        verbose_name=_("outil"),
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    objective = models.CharField(_("objectif"), max_length=20, choices=Objective.choices)
    rank = models.PositiveSmallIntegerField(_("rang"))

    class Meta:
        verbose_name = _("objectif de l'outil")
        verbose_name_plural = _("objectifs de l'outil")
        ordering = ["tool", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "objective"], name="tool_objective_distinct"),
            models.UniqueConstraint(fields=["tool", "rank"], name="tool_objective_distinct_rank"),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=MAX_OBJECTIVES),
                name="tool_objective_rank_1_to_3",
            ),
            choices_check("objective", Objective, "tool_objective_valid_code"),
        ]
        indexes = [models.Index(fields=["objective", "rank"], name="tool_objective_code_rank_idx")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.get_objective_display()}"


@receiver([post_save, post_delete], sender=ToolObjective)
def _objective_changed(instance: ToolObjective, **kwargs) -> None:
    # One objective saved or deleted (the admin, a queryset's delete): its tool's stored objectives follow.
    # Writes in bulk send no signal: their writers refresh (services.set_objectives).
    refresh_stored_fields(tool_ids=[instance.tool_id])
