"""The official territories (INSEE / SIREN reference) that collectivities are attached to."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tools_registry.models.checks import choices_check
from tools_registry.text import normalize


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")


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

    def named(self, text: str, *, limit: int = 30) -> list["Territory"]:
        """The territories an official code or an exact name `text` names, with their département: those a
        person chooses from when `lookup` finds several (« Saint-Denis », « 53 »)."""
        text = text.strip()
        if not normalize(text):
            return []
        condition = _official_code(text) | Q(search_name=normalize(text))
        matching = self.filter(pk__in=self.model.objects.filter(condition).values("pk"))
        return list(matching.select_related("departement").order_by("name", "kind", "code")[:limit])

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
            choices_check("kind", TerritoryKind, "territory_valid_kind"),
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
