"""Responses files staff upload in the admin, imported by a job (survey/tasks.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from survey.models.questionnaire import Edition


class ResponseImportStatus(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    DONE = "done", _("Importé")
    REFUSED = "refused", _("Refusé : rien n'a été importé")


class ResponseImport(models.Model):
    """One upload of a long-format responses file; its content is kept only until the job has read it."""

    Status = ResponseImportStatus

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="response_imports"
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    data = models.BinaryField(_("contenu"), blank=True, editable=False)
    status = models.CharField(
        _("état"), max_length=10, choices=ResponseImportStatus.choices, default=ResponseImportStatus.QUEUED
    )
    imported = models.PositiveIntegerField(_("réponses importées"), null=True, blank=True)
    report = models.TextField(_("compte rendu"), blank=True, help_text=_("Les erreurs, une par ligne."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import de réponses")
        verbose_name_plural = _("imports de réponses")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ResponseImportStatus.values), name="survey_responseimport_valid_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.code} — {self.file_name}"

    def report_lines(self) -> list[str]:
        return self.report.splitlines()
