"""Collectivities: the local authorities of the registry, placed from the official territory they are."""

import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tools_registry.areas import point_in_an_area
from tools_registry.choices import CollectivityKind
from tools_registry.history import HistoryActor
from tools_registry.models.checks import choices_check
from tools_registry.models.querysets import CollectivityQuerySet
from tools_registry.models.slugs import save_claiming_slug
from tools_registry.models.territories import Territory
from tools_registry.text import natural


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
        from tools_registry.models.stored import refresh_stored_fields  # that module reads this one

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
