import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField, TrigramSimilarity
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, connections, models, transaction
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Upper
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from privacy.models import consent_fields
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
from tools_registry.search import refresh_search_vectors
from tools_registry.text import NORMALIZE_FUNCTION, natural, normalize, url_key

MAX_OBJECTIVES = 3
# How alike two names of tools of one collectivity must be (pg_trgm similarity, 0 to 1) to be shown to
# moderators as the same tool: « Budget participatif » and « Le budget participatif 2024 » are; two
# different tools of one town sharing its name (« Rennes open data », « Rennes budget ») are not.
SIMILAR_NAME = 0.5
# The years a tool may have been launched or ended in: the fields' validators and the database constraints.
FIRST_LAUNCH_YEAR, LAST_LAUNCH_YEAR = 1990, 2100


def _choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")


class ToolStatus(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    PUBLISHED = "published", _("Publié")
    REJECTED = "rejected", _("Refusé")
    ARCHIVED = "archived", _("Archivé")


class LifeStatus(models.TextChoices):
    """Whether a tool is still in service: independent of moderation (a published tool may have ended)."""

    ACTIVE = "active", _("En service")
    ENDED = "ended", _("Arrêté")
    UNKNOWN = "unknown", _("Inconnu")


class ToolSource(models.TextChoices):
    SUBMISSION = "submission", _("Proposition en ligne")
    SURVEY = "survey", _("Réponse à l'enquête")
    STAFF = "staff", _("Saisie par l'équipe")
    REPORT_2016 = "report_2016", _("Rapport du baromètre 2016")
    DEMO = "demo", _("Exemple fictif de démonstration")
    IMPORT = "import", _("Import d'une source publique")


def _official_code(text: str) -> Q:
    """A territory whose official code, SIREN or former commune's INSEE code is `text` (case ignored)."""
    return Q(code=text.upper()) | Q(siren=text) | Q(former_codes__code=text.upper())


class TerritoryQuerySet(models.QuerySet):
    def lookup(self, text: str, *, kind: str = "") -> "Territory":
        """The one territory `text` names, typed by a person without the autocomplete or read from a file.

        Accepted: an official code (the INSEE code of a commune, département or région, « 2a » as
        « 2A »; the SIREN of an EPCI), a commune's SIREN, the INSEE code of a former commune now part of
        a commune nouvelle, the exact name (accents, case and punctuation ignored), or the autocomplete's
        label « Name (Kind code) », whose name settles a code shared by two kinds (« 53 »: Mayenne, and
        Bretagne). `kind` keeps only that kind of territory.

        Like `get()`: raises `Territory.DoesNotExist` when nothing matches, and
        `Territory.MultipleObjectsReturned` when several do (a name two communes share, « 53 » alone).
        """
        text = text.strip()
        if not normalize(text):
            raise self.model.DoesNotExist("No territory is named by an empty text.")
        queryset = self.filter(kind=kind) if kind else self
        if text.endswith(")") and " (" in text:
            # The autocomplete's label: its code, and its name where two kinds share the code.
            name, label = text[:-1].rsplit(" (", 1)
            found = queryset._matching(_official_code(label.rsplit(" ", 1)[-1]))
            if len(found) > 1:
                found = [territory for territory in found if territory.search_name == normalize(name)]
            if found:
                return self._only(found, text)
        return self._only(queryset._matching(_official_code(text) | Q(search_name=normalize(text))), text)

    def _matching(self, condition: Q) -> list["Territory"]:
        # A subquery rather than DISTINCT: several former codes may lead to the same territory. A code
        # is shared by two kinds at most (a département's and a région's « 53 »).
        return list(self.filter(pk__in=self.model.objects.filter(condition).values("pk"))[:3])

    def _only(self, found: list["Territory"], text: str) -> "Territory":
        if not found:
            raise self.model.DoesNotExist(f"No territory is named {text!r}.")
        if len(found) > 1:
            raise self.model.MultipleObjectsReturned(f"Several territories are named {text!r}.")
        return found[0]

    def search(self, text: str) -> "TerritoryQuerySet":
        """The autocomplete's suggestions for what a person is typing: names starting with it (any word
        of the name), or by number an official code, SIREN, postcode or former code, or the start of a
        département's or région's code."""
        text = text.strip()
        if "\x00" in text or not normalize(text):
            return self.none()
        if text.isdigit() or (len(text) in (2, 3, 5) and text[:2].upper() in {"2A", "2B"}):
            matches = _official_code(text) | Q(postcodes__contains=text)
            if len(text) < 5:
                matches |= Q(code__startswith=text.upper())
        else:
            words = normalize(text)
            matches = Q(search_name__startswith=words) | Q(search_name__contains=f" {words}")
        return self.filter(pk__in=self.filter(matches).values("pk"))


class Territory(models.Model):
    """An official French territory (INSEE / SIREN reference), loaded by `load_territories`."""

    Kind = TerritoryKind

    kind = models.CharField(_("type"), max_length=12, choices=TerritoryKind.choices)
    code = models.CharField(_("code officiel"), max_length=9, help_text=_("INSEE ou SIREN"))
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        help_text=_("Numéro SIREN de la commune ou de l'EPCI, s'il est connu."),
    )
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(_("nom normalisé"), max_length=200, editable=False)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    departement = models.ForeignKey(
        "self",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.DEPARTEMENT},
    )
    region = models.ForeignKey(
        "self",
        verbose_name=_("région"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.REGION},
    )
    epci = models.ForeignKey(
        "self",
        verbose_name=_("EPCI"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_communes",
        limit_choices_to={"kind": TerritoryKind.EPCI},
    )
    postcodes = models.CharField(_("codes postaux"), max_length=400, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_source = models.CharField(_("origine de la position"), max_length=12, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_kind_code"),
            _choices_check("kind", TerritoryKind, "territory_valid_kind"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="territory_valid_latitude",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="territory_valid_longitude",
            ),
        ]
        indexes = [
            models.Index(fields=["search_name"], name="territory_search_name_idx"),
            models.Index(fields=["code"], name="territory_code_idx"),
            models.Index(fields=["siren"], name="territory_siren_idx"),
            models.Index(fields=["kind", "population"], name="territory_kind_pop_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()} {self.code})"

    def save(self, *args, **kwargs) -> None:
        self.search_name = normalize(self.name)
        super().save(*args, **kwargs)

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class FormerCode(models.Model):
    """The code and name of a former commune, now part of a commune nouvelle."""

    territory = models.ForeignKey(
        Territory,
        verbose_name=_("commune actuelle"),
        on_delete=models.CASCADE,
        related_name="former_codes",
    )
    code = models.CharField(_("ancien code INSEE"), max_length=5)
    name = models.CharField(_("ancien nom"), max_length=200)

    class Meta:
        verbose_name = _("ancien code")
        verbose_name_plural = _("anciens codes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "code"], name="former_code_unique_per_territory")
        ]
        indexes = [models.Index(fields=["code"], name="former_code_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def published_q(prefix: str = "") -> Q:
    """The rule of `ToolQuerySet.published()`, for a lookup through a relation (`tools__`)."""
    return Q(**{f"{prefix}status": ToolStatus.PUBLISHED})


class CollectivityQuerySet(models.QuerySet):
    def with_published_tools(self) -> "CollectivityQuerySet":
        """The collectivities the public sees: those with a published tool, each with `tool_count`, the
        number of its published tools."""
        return self.annotate(tool_count=models.Count("tools", filter=published_q("tools__"))).filter(
            tool_count__gt=0
        )


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
            _choices_check("kind", CollectivityKind, "collectivity_valid_kind"),
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
        return self.latitude is not None and self.longitude is not None


class ToolQuerySet(models.QuerySet):
    # Maps place a tool at its collectivity's point: without one, the tool is listed but not placed.
    LOCATED = Q(collectivity__latitude__isnull=False, collectivity__longitude__isnull=False)
    # Tools in service first, then those of unknown state, ended ones last.
    LIFE_ORDER = Case(
        When(life_status=LifeStatus.ACTIVE, then=Value(0)),
        When(life_status=LifeStatus.UNKNOWN, then=Value(1)),
        default=Value(2),
    )

    def published(self) -> "ToolQuerySet":
        # Public reads never need the stored search vector, only the database does.
        return self.filter(published_q()).defer("search_vector")

    def pending(self) -> "ToolQuerySet":
        """The moderation queue: proposals no one has published, refused or archived yet."""
        return self.filter(status=ToolStatus.PENDING)

    def merged_target(self, slug: str) -> "Tool | None":
        """The published tool that the tool of `slug` was merged into: where its old addresses lead."""
        return self.published().filter(merged_tools__slug=slug).only("slug").first()

    def in_service(self) -> "ToolQuerySet":
        """Tools not marked ended: an unknown life status counts as in service (most sources do not say)."""
        return self.exclude(life_status=LifeStatus.ENDED)

    def located(self, located: bool = True) -> "ToolQuerySet":
        return self.filter(self.LOCATED) if located else self.exclude(self.LOCATED)

    def duplicates_of(self, *, url: str, name: str, collectivity_id: int | None) -> "ToolQuerySet":
        """The tools a proposal may repeat, published ones first: the same address (`url_key`), or a
        similar name in the same collectivity (trigram similarity on PostgreSQL, the same normalised name
        elsewhere). Rejected tools and tools merged into another are not candidates.

        The one rule behind the submission form, the API and the moderators' side-by-side page.
        """
        same = Q(pk__in=[])
        key = url_key(url)
        if key:
            same |= Q(url_key=key)
        queryset = self
        if collectivity_id is not None and name.strip():
            if connections[self.db].vendor == "postgresql":
                queryset = queryset.alias(name_similarity=TrigramSimilarity("name", name.strip()))
                similar = Q(name_similarity__gte=SIMILAR_NAME)
            else:
                queryset = queryset.alias(
                    normalized_name=Func(F("name"), function=NORMALIZE_FUNCTION, output_field=TextField())
                )
                similar = Q(normalized_name=normalize(name))
            same |= Q(collectivity_id=collectivity_id) & similar
        published_first = Case(When(status=ToolStatus.PUBLISHED, then=Value(0)), default=Value(1))
        return (
            queryset.filter(same, merged_into__isnull=True)
            .exclude(status=ToolStatus.REJECTED)
            .order_by(published_first, "pk")
        )

    def active_first(self, *ordering: str | models.Expression) -> "ToolQuerySet":
        """Ordered by `ordering` within each life status: tools in service first, ended ones last.

        Every public list of tools takes this order, so that a reader meets what still runs first.
        """
        return self.order_by(self.LIFE_ORDER, *ordering)

    def with_public_replacement(self) -> "ToolQuerySet":
        """Annotate `replacement_slug` and `replacement_name`: the tool replacing each one, when published.

        A replacement not (or no longer) published stays unnamed, like a duplicate (`public_duplicate`).
        """
        published = Q(replaced_by__status=ToolStatus.PUBLISHED)
        return self.annotate(
            replacement_slug=Case(When(published, then=F("replaced_by__slug")), default=Value("")),
            replacement_name=Case(When(published, then=F("replaced_by__name")), default=Value("")),
        )

    def count_located(self) -> tuple[int, int]:
        """How many of these tools a map places, and how many it cannot place, in one query."""
        counts = self.order_by().aggregate(
            all=models.Count("pk"), located=models.Count("pk", filter=self.LOCATED)
        )
        return counts["located"], counts["all"] - counts["located"]


# The fields a tool stores of its collectivity and of its objectives (see Tool.collectivity_kind), and
# the tool's own fields whose change means refreshing what it stores (those and its search vector).
STORED_FROM_COLLECTIVITY = ["collectivity_kind", "population_band", "region_code", "departement_code"]
STORED_OBJECTIVES = [f"objective_{rank}" for rank in range(1, MAX_OBJECTIVES + 1)]
STORED_FROM = {"name", "description", "software", "family_other", "collectivity"}


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
            *STORED_FROM_COLLECTIVITY,
            *STORED_OBJECTIVES,
        ],
    )

    class Meta:
        verbose_name = _("outil")
        verbose_name_plural = _("outils")
        ordering = [natural("name"), "pk"]
        constraints = [
            _choices_check("status", ToolStatus, "tool_valid_status"),
            _choices_check("source", ToolSource, "tool_valid_source"),
            _choices_check("family", ToolFamily, "tool_valid_family"),
            models.CheckConstraint(
                condition=Q(launch_year__isnull=True)
                | Q(launch_year__gte=FIRST_LAUNCH_YEAR, launch_year__lte=LAST_LAUNCH_YEAR),
                name="tool_plausible_launch_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(moderation_reason=""),
                name="tool_rejection_has_reason",
            ),
            _choices_check("life_status", LifeStatus, "tool_valid_life_status"),
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
            _choices_check("objective", Objective, "tool_objective_valid_code"),
        ]
        indexes = [models.Index(fields=["objective", "rank"], name="tool_objective_code_rank_idx")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.get_objective_display()}"


@receiver([post_save, post_delete], sender=ToolObjective)
def _objective_changed(instance: ToolObjective, **kwargs) -> None:
    # One objective saved or deleted (the admin, a queryset's delete): its tool's stored objectives follow.
    # Writes in bulk send no signal: their writers refresh (services.set_objectives).
    refresh_stored_fields(tool_ids=[instance.tool_id])


SLUG_ATTEMPTS = 10


def save_claiming_slug(instance: Collectivity | Tool, text: str, save: Callable[[], None]) -> None:
    """Run `save`, first giving a new row a slug for `text` that no other row holds.

    Two transactions may pick the same free slug at the same moment: the insert is tried in a
    savepoint, and when it fails because the slug was just taken, tried again with the next free one.
    """
    if instance.slug:
        save()
        return
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        instance.slug = unique_slug(type(instance), text)
        try:
            with transaction.atomic():
                save()
            return
        except IntegrityError:
            taken = type(instance).objects.filter(slug=instance.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS:
                instance.slug = ""
                raise


def unique_slug(model: type[models.Model], text: str) -> str:
    """A slug for `text` not yet used by `model`, with a numeric suffix when needed."""
    base = (slugify(text) or "element")[:200]
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


# The provenance models (tools_registry/provenance.py) and the public's corrections
# (tools_registry/corrections.py), imported here so that Django loads them with these.
from tools_registry.corrections import Correction  # noqa: E402, F401
from tools_registry.provenance import DataSource, ImportRun, SourceRecord  # noqa: E402, F401
