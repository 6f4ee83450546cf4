"""Files staff upload in the admin (a responses file, a contacts file), each imported by a job
(survey/tasks.py), all or nothing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from survey.models.questionnaire import Edition


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    DONE = "done", _("Importé")
    REFUSED = "refused", _("Refusé : rien n'a été importé")


class UploadedFile(models.Model):
    """One upload of a file for an edition; its content is kept only until the job has read it."""

    Status = UploadStatus

    file_name = models.CharField(_("fichier"), max_length=255)
    data = models.BinaryField(_("contenu"), blank=True, editable=False)
    status = models.CharField(
        _("état"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    report = models.TextField(
        _("compte rendu"), blank=True, help_text=_("Les erreurs ou les remarques, une par ligne.")
    )
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
        abstract = True
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=UploadStatus.values), name="%(app_label)s_%(class)s_valid_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.code} — {self.file_name}"

    def report_lines(self) -> list[str]:
        return self.report.splitlines()


class ResponseImport(UploadedFile):
    """A long-format responses file."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="response_imports"
    )
    imported = models.PositiveIntegerField(_("réponses importées"), null=True, blank=True)

    class Meta(UploadedFile.Meta):
        verbose_name = _("import de réponses")
        verbose_name_plural = _("imports de réponses")

    def imported_text(self) -> str:
        count = self.imported or 0
        return ngettext("%(count)d réponse importée.", "%(count)d réponses importées.", count) % {
            "count": count
        }


class ContactImport(UploadedFile):
    """A file of contacts to invite: names and addresses until the job has read it."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="contact_imports"
    )
    imported = models.PositiveIntegerField(_("contacts importés"), null=True, blank=True)

    class Meta(UploadedFile.Meta):
        verbose_name = _("import de contacts")
        verbose_name_plural = _("imports de contacts")

    def imported_text(self) -> str:
        count = self.imported or 0
        return ngettext("%(count)d contact importé.", "%(count)d contacts importés.", count) % {
            "count": count
        }
