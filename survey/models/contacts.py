"""The people invited to answer, and the emails sent to them."""

import secrets
from urllib.parse import urlencode

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.mail import language_codes, language_field
from privacy.models import consent_fields
from survey.models.questionnaire import Edition
from survey.models.responses import Response

# The query parameter of a personal link naming the language to open the questionnaire in (survey/views).
LANGUAGE_PARAMETER = "lang"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ContactStatus(models.TextChoices):
    IMPORTED = "imported", _("Importé, pas encore invité")
    INVITED = "invited", _("Invité")
    OPENED = "opened", _("Lien ouvert")
    IN_PROGRESS = "in_progress", _("Réponse en cours")
    SUBMITTED = "submitted", _("Réponse envoyée")


# A contact's status only moves forward.
STATUS_ORDER = list(ContactStatus.values)


class ContactOrigin(models.TextChoices):
    IMPORT = "import", _("Liste importée")
    OPEN_LINK = "open_link", _("Lien public")


class ContactQuerySet(models.QuerySet):
    def owed_email(self, round: int) -> "ContactQuerySet":
        """Contacts still owed the email of this round (0: the invitation, n: the n-th reminder): never
        sent it, and for a reminder, invited and whose collectivity has no counted response. People who
        signed up through the open link asked for their link themselves: they are never invited; nor
        are erased contacts."""
        contacts = self.filter(origin=ContactOrigin.IMPORT, erased_at__isnull=True).exclude(
            emails__round=round
        )
        if round > 0:
            answered = Response.objects.counted().filter(
                edition=OuterRef("edition"), collectivity=OuterRef("collectivity")
            )
            contacts = contacts.filter(emails__round=0).exclude(Exists(answered))
        return contacts


class Contact(models.Model):
    """A person asked to answer for a collectivity; reaches the questionnaire through a secret token."""

    Status = ContactStatus
    Origin = ContactOrigin

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="contacts"
    )
    collectivity = models.ForeignKey(
        "tools_registry.Collectivity",
        verbose_name=_("collectivité"),
        on_delete=models.PROTECT,
        related_name="survey_contacts",
    )
    email = models.EmailField(_("courriel"))
    name = models.CharField(_("nom"), max_length=200, blank=True)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    # The language of every email sent to them: that of the page they signed up on through the open link,
    # or as staff know it (the contacts file's `language` column; French otherwise).
    language = language_field(
        _("langue des courriels"),
        _(
            "L'invitation, les relances et le lien personnel sont écrits dans cette langue, et le lien "
            "qu'ils donnent ouvre le questionnaire dans cette langue (le sélecteur de langue du site "
            "permet d'en changer)."
        ),
    )
    token = models.CharField(_("jeton"), max_length=64, unique=True, default=new_token, editable=False)
    origin = models.CharField(
        _("origine"), max_length=10, choices=ContactOrigin.choices, default=ContactOrigin.IMPORT
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ContactStatus.choices, default=ContactStatus.IMPORTED
    )
    opened_at = models.DateTimeField(_("lien ouvert le"), null=True, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)
    # An open-link sign-up agrees to the privacy notice: when, and to which version of its text.
    consent_at, consent_notice = consent_fields()
    # Name, role and address erased (retention or request): the row stays for the answers it sent.
    erased_at = models.DateTimeField(_("coordonnées effacées le"), null=True, blank=True, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["edition", "collectivity__name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "email"], name="survey_contact_unique_email"),
            models.CheckConstraint(
                condition=Q(status__in=ContactStatus.values), name="survey_contact_valid_status"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=ContactOrigin.values), name="survey_contact_valid_origin"
            ),
            models.CheckConstraint(
                condition=Q(language__in=language_codes()), name="survey_contact_valid_language"
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"], name="survey_contact_status_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.collectivity})"

    def get_absolute_url(self, language: str | None = None) -> str:
        """The personal link. An email gives it with its own `language`: the questionnaire then opens in
        the language the email was read in, not the browser's; without it (staff's copy), the browser's."""
        url = reverse("survey:welcome", kwargs={"token": self.token})
        return f"{url}?{urlencode({LANGUAGE_PARAMETER: language})}" if language else url

    def advance(self, status: str) -> bool:
        """Move the status forward (never back); True when it changed."""
        if STATUS_ORDER.index(status) <= STATUS_ORDER.index(self.status):
            return False
        self.status = status
        return True


class InvitationEmail(models.Model):
    """An email sent to a contact: round 0 is the invitation, round n the n-th reminder.

    One row per (contact, round) makes sending idempotent: a run that stopped midway resumes where
    it stopped.
    """

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="emails"
    )
    round = models.PositiveSmallIntegerField(_("envoi"), help_text=_("0 : invitation ; n : n-ième relance."))
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("courriel d'invitation")
        verbose_name_plural = _("courriels d'invitation")
        ordering = ["contact", "round"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "round"], name="survey_invitation_email_once"),
        ]
        indexes = [models.Index(fields=["round", "sent_at"], name="survey_invitation_round_idx")]

    def __str__(self) -> str:
        return f"{self.contact.email} — {self.round}"
