"""Corrections proposed by the public on a published tool, moderated like submissions.

A correction says what is wrong (`kind`) and what it should read. Accepted, the proposed value is
written to the tool's field when the kind maps to one (`FIELD_OF_KIND`); the other kinds are handled by
staff editing the tool themselves. The writes are in tools_registry/services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.models import consent_fields


class CorrectionKind(models.TextChoices):
    URL = "url", _("L'adresse web")
    NAME = "name", _("Le nom")
    DESCRIPTION = "description", _("La description")
    COLLECTIVITY = "collectivity", _("La collectivité")
    SOFTWARE = "software", _("Le logiciel")
    ENDED = "ended", _("L'outil n'est plus en service")
    OTHER = "other", _("Autre chose")


# The tool's field an accepted correction of each kind writes; `ended` marks the tool ended (the value,
# when it is a year, becomes its end year); the others are applied by staff by hand.
FIELD_OF_KIND = {
    CorrectionKind.URL: "url",
    CorrectionKind.NAME: "name",
    CorrectionKind.DESCRIPTION: "description",
    CorrectionKind.SOFTWARE: "software",
}


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    ACCEPTED = "accepted", _("Acceptée")
    REJECTED = "rejected", _("Refusée")


class CorrectionQuerySet(models.QuerySet):
    def pending(self) -> "CorrectionQuerySet":
        return self.filter(status=CorrectionStatus.PENDING)


class Correction(models.Model):
    """What someone says is wrong on a tool's page, and what it should read."""

    Kind = CorrectionKind
    Status = CorrectionStatus

    tool = models.ForeignKey(
        "tools_registry.Tool", verbose_name=_("outil"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("ce qui est inexact"), max_length=12, choices=CorrectionKind.choices)
    proposed_value = models.TextField(_("valeur proposée"), max_length=5000, blank=True)
    email = models.EmailField(
        _("courriel du contributeur"), blank=True, help_text=_("Donné avec son accord ; jamais publié.")
    )
    # An address is given only with consent to the privacy notice: when, and to which version of its text.
    consent_at, consent_notice = consent_fields()
    status = models.CharField(
        _("statut"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modérée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    moderation_note = models.TextField(_("note de modération"), blank=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction proposée")
        verbose_name_plural = _("corrections proposées")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CorrectionKind.values), name="correction_valid_kind"),
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values), name="correction_valid_status"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="correction_status_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.tool}"

    @property
    def field(self) -> str | None:
        """The tool's field this correction writes when accepted, if any."""
        return FIELD_OF_KIND.get(self.kind)
