"""The survey's emails, sent by jobs (see jobs/queue.py): invitations and reminders (in French: a contact's
language is not known), and personal links (in the language of the page they were asked on)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.mail import send_email
from jobs.queue import job
from survey.models import Contact, ContactStatus, InvitationEmail


def _context(contact: Contact) -> dict:
    return {
        "contact": contact,
        "edition": contact.edition,
        "link": settings.SITE_URL + contact.get_absolute_url(),
    }


# Below the default priority: a submission's emails never wait behind a whole edition's invitations.
@job(label=gettext_lazy("Courriel d'invitation ou de relance à l'enquête"), priority=-10)
def send_invitation(*, contact_id: int, round: int) -> None:
    """Send the invitation (round 0) or the n-th reminder, unless it is no longer owed.

    The email is recorded in the transaction that sends it: a second job for the same contact and
    round finds the record and sends nothing.
    """
    owed = Contact.objects.filter(pk=contact_id).owed_email(round)
    contact = owed.select_related("collectivity", "edition").first()
    if contact is None or not contact.edition.is_open:
        return
    subject = (
        _("Baromètre de la démocratie locale numérique : votre collectivité est invitée à répondre")
        if round == 0
        else _(
            "Rappel : le Baromètre de la démocratie locale numérique attend la réponse de votre collectivité"
        )
    )
    try:
        with transaction.atomic():
            InvitationEmail.objects.create(contact=contact, round=round)
            if contact.advance(ContactStatus.INVITED):
                contact.save(update_fields=["status"])
            send_email(
                subject=subject,
                template="survey/email/invitation.txt" if round == 0 else "survey/email/reminder.txt",
                context=_context(contact),
                recipients=[contact.email],
            )
    except IntegrityError:
        return  # sent meanwhile by another job


@job(label=gettext_lazy("Courriel du lien personnel à l'enquête"))
def send_personal_link(contact_id: int, language: str | None = None) -> None:
    """`language`: that of the page the link was asked on (None in a job queued before it was given:
    French)."""
    contact = (
        Contact.objects.select_related("collectivity", "edition")
        .filter(pk=contact_id, erased_at__isnull=True)
        .first()
    )
    if contact is None or not contact.edition.is_open:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        send_email(
            subject=_("Votre lien personnel pour répondre au Baromètre de la démocratie locale numérique"),
            template="survey/email/personal_link.txt",
            context=_context(contact),
            recipients=[contact.email],
        )
