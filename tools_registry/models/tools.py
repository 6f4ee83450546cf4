"""Tools: a collectivity's digital local-democracy tools, where they come from (`ToolSource`) and their
ranked objectives (`ToolObjective`)."""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jobs.mail import language_codes, language_field
from privacy.models import consent_fields
from tools_registry.choices import HybridFormat, Objective, ToolFamily, family_label
from tools_registry.history import HistoryActor
from tools_registry.models.checks import choices_check
from tools_registry.models.collectivities import Collectivity
from tools_registry.models.querysets import LifeStatus, ToolQuerySet, ToolStatus
from tools_registry.models.slugs import save_claiming_slug
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
    submitter_language = language_field(
        _("langue du contributeur"),
        _("Celle de la page d'où vient la proposition : les courriels au contributeur y sont écrits."),
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
                condition=Q(submitter_language__in=language_codes()),
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
            from tools_registry.models.stored import refresh_stored_fields  # that module reads this one

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
