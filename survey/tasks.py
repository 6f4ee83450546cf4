"""The survey's jobs (see jobs/queue.py): its emails, invitations and reminders (in the contact's
language, `Contact.language`) and personal links (in the language of the page they were asked on);
queueing an edition's invitations or reminders, as staff ask from the admin; importing a responses file or
a contacts file staff uploaded there."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.mail import current_language, send_email
from jobs.queue import job
from survey.io import import_responses
from survey.models import (
    Contact,
    ContactImport,
    ContactStatus,
    Edition,
    InvitationEmail,
    ResponseImport,
    UploadedFile,
    UploadStatus,
)


def _send_to(contact: Contact, *, subject: str, template: str) -> None:
    """Send the contact one of the survey's emails, with their personal link; replies reach the survey
    team (SURVEY_REPLY_TO), as the survey pages promise. The link opens the questionnaire in the
    language the email is written in (the active one), whatever the language of the browser it opens in."""
    send_email(
        subject=subject,
        template=template,
        context={
            "contact": contact,
            "edition": contact.edition,
            "link": settings.SITE_URL + contact.get_absolute_url(language=current_language()),
        },
        recipients=[contact.email],
        reply_to=settings.SURVEY_REPLY_TO,
    )


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
    with translation.override(contact.language):
        subject = (
            _("Baromètre de la démocratie locale numérique : votre collectivité est invitée à répondre")
            if round == 0
            else _(
                "Rappel : le Baromètre de la démocratie locale numérique attend la réponse de votre "
                "collectivité"
            )
        )
        try:
            with transaction.atomic():
                InvitationEmail.objects.create(contact=contact, round=round)
                if contact.advance(ContactStatus.INVITED):
                    contact.save(update_fields=["status"])
                _send_to(
                    contact,
                    subject=subject,
                    template="survey/email/invitation.txt" if round == 0 else "survey/email/reminder.txt",
                )
        except IntegrityError:
            return  # sent meanwhile by another job


@job(label=gettext_lazy("Courriel du lien personnel à l'enquête"))
def send_personal_link(contact_id: int, language: str | None = None) -> None:
    """`language`: that of the page the link was asked on (None in a job queued before it was given: the
    contact's)."""
    contact = (
        Contact.objects.select_related("collectivity", "edition")
        .filter(pk=contact_id, erased_at__isnull=True)
        .first()
    )
    if contact is None or not contact.edition.is_open:
        return
    with translation.override(language or contact.language):
        _send_to(
            contact,
            subject=_("Votre lien personnel pour répondre au Baromètre de la démocratie locale numérique"),
            template="survey/email/personal_link.txt",
        )


@job(label=gettext_lazy("Mise en file d'attente des invitations ou d'une relance d'une édition"))
def queue_invitations(*, edition_id: int, round: int) -> None:
    """What `manage.py send_invitations` does, asked for from the admin: one job per contact owed the
    email, spaced at the default rate; run again, it queues nothing twice."""
    from survey.invitations import send_invitations  # which enqueues this module's jobs

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is not None and edition.is_open:
        send_invitations(edition=edition, round=round)


def _import_upload(
    model: type[UploadedFile], import_id: int, read: Callable[[Edition, bytes], tuple[int, list[str]]]
) -> None:
    """Import an uploaded file with `read` (all or nothing: it returns the count imported and any remarks,
    or raises ValidationError) and record the outcome in the same transaction, after what the report
    already says (rows taken out for an erasure), then forget the file's content: a second run of the
    job finds the upload done and does nothing.

    The upload's row stays locked from reading the file to forgetting it: an erasure locks it before
    finding a person's data (privacy/registry.py, hold_files), so it finds what the job wrote, or the
    job reads the file once the person is out of it."""
    with transaction.atomic():
        upload = (
            model.objects.select_for_update()
            .select_related("edition")
            .filter(pk=import_id, status=UploadStatus.QUEUED)
            .first()
        )
        if upload is None:
            return
        earlier = upload.report_lines()  # rows taken out for an erasure before the job ran
        try:
            upload.imported, remarks = read(upload.edition, bytes(upload.data))
            upload.status = UploadStatus.DONE
            upload.report = "\n".join([*earlier, *remarks])
        except ValidationError as error:
            upload.status = UploadStatus.REFUSED
            upload.report = "\n".join([*earlier, *error.messages])
        upload.data = b""
        upload.finished_at = timezone.now()
        upload.save(update_fields=["imported", "status", "report", "data", "finished_at"])


@job(label=gettext_lazy("Import d'un fichier de réponses déposé dans l'administration"))
def import_response_file(*, import_id: int) -> None:
    _import_upload(
        ResponseImport, import_id, lambda edition, data: (import_responses(edition=edition, data=data), [])
    )


@job(label=gettext_lazy("Import d'un fichier de contacts déposé dans l'administration"))
def import_contact_file(*, import_id: int) -> None:
    from survey.invitations import import_contacts  # which enqueues this module's jobs

    def read(edition: Edition, data: bytes) -> tuple[int, list[str]]:
        report = import_contacts(edition=edition, data=data)
        return report.created, report.remarks()

    _import_upload(ContactImport, import_id, read)
