"""What staff write around an edition's figures: the key takeaways and the method."""

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from survey.models import Edition
from survey.models.questionnaire import translated


class EditionReport(models.Model):
    """The published text of an edition's barometer, edited by staff in the admin."""

    edition = models.OneToOneField(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="report"
    )
    fictitious = models.BooleanField(
        _("données fictives"),
        default=False,
        help_text=_("Réponses inventées pour la démonstration : signalé sur chaque page et chaque fichier."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    introduction_en = models.TextField(_("introduction (anglais)"), blank=True)
    takeaways = models.TextField(_("ce qu'il faut retenir"), blank=True, help_text=_("Un point par ligne."))
    takeaways_en = models.TextField(
        _("ce qu'il faut retenir (anglais)"), blank=True, help_text=_("Un point par ligne.")
    )
    method_notes = models.TextField(_("notes de méthode"), blank=True)
    method_notes_en = models.TextField(_("notes de méthode (anglais)"), blank=True)
    invitations_sent = models.PositiveIntegerField(
        _("contacts sollicités"), null=True, blank=True, help_text=_("Vide : le nombre de contacts invités.")
    )
    collectivities_invited = models.PositiveIntegerField(
        _("collectivités sollicitées"), null=True, blank=True
    )
    published_on = models.DateField(_("publié le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("rapport d'édition")
        verbose_name_plural = _("rapports d'édition")
        ordering = ["-edition__code"]

    def __str__(self) -> str:
        return str(self.edition)

    def display_introduction(self) -> str:
        return translated(self, "introduction")

    def takeaway_list(self) -> list[str]:
        lines = translated(self, "takeaways").splitlines()
        return [line.strip(" -•\t") for line in lines if line.strip(" -•\t")]

    def display_method_notes(self) -> str:
        return translated(self, "method_notes")


def visible_editions(user) -> QuerySet:
    """The editions `user` may see (`EditionQuerySet.visible_to`), with the report their pages show."""
    return Edition.objects.visible_to(user).select_related("report")
