"""The survey's personal data: its contacts, the files of contacts staff upload, and the emails sent to
them (privacy/registry.py).

The answers are not personal data once the contact's details are gone: they stay, and the barometer's
figures with them.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, Now
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from privacy.registry import DELETE, IN_TEXT, FileContent, address_in_text, months_before, register
from survey.invitations import contact_file_without, contact_rows_about
from survey.models import Contact, ContactImport, UploadStatus
from survey.tasks import send_invitation, send_personal_link

ERASED_DOMAIN = "efface.invalid"


def _lines_naming(text: str, address: str) -> list[tuple[int, str]]:
    """The lines of a text where the address appears, numbered from 1."""
    found = address_in_text(address)
    return [(number, line) for number, line in enumerate(text.splitlines(), 1) if found.search(line)]


def _file_rows_about(upload: ContactImport, address: str) -> list[dict]:
    """What a contacts file not imported yet says about an address: each row giving it, with its number
    as the import's report gives it, its text as uploaded and its cells as the import reads them. A file
    the import cannot read (it will refuse it whole) is searched line by line for the address."""
    data = bytes(upload.data)
    if not data:
        return []
    try:
        rows = contact_rows_about(data, address)
    except ValidationError:
        text = data.decode("utf-8", errors="replace")
        return [{"line": number, "text": line} for number, line in _lines_naming(text, address)]
    return [{"line": row.number, "text": row.text.rstrip("\r\n"), "cells": row.cells} for row in rows]


def _report_lines_about(upload: ContactImport, address: str) -> list[dict]:
    """The lines of an upload's report naming an address: before a rejected row was given by its number
    only, the report quoted an invalid address in full (a cell such as "Camille <camille@…>")."""
    return [{"report_line": number, "text": line} for number, line in _lines_naming(upload.report, address)]


def _contact_file_about(upload: ContactImport, address: str) -> list[dict]:
    """What a contacts file says about an address: its rows giving it while it waits for its import, and
    the lines of its report naming it, kept after (the rest of the report is about others)."""
    return [*_file_rows_about(upload, address), *_report_lines_about(upload, address)]


def _erase_from_contact_file(upload: ContactImport, address: str) -> None:
    """Take a person out of a contacts file: out of the stored file while it waits for its import
    (`_cut_from_file`), and out of the lines of its report naming them, which keep the row's number and
    what was wrong with it, the address replaced: staff still see why the file was refused."""
    notes = _cut_from_file(upload, address) if _file_rows_about(upload, address) else []
    erased = gettext("[adresse effacée]")
    kept = [address_in_text(address).sub(lambda _found: erased, line) for line in upload.report_lines()]
    upload.report = "\n".join([*kept, *notes])
    upload.save(update_fields=["data", "status", "finished_at", "report"])


def _cut_from_file(upload: ContactImport, address: str) -> list[str]:
    """Take a person out of a contacts file not imported yet, as a data-protection officer expects: the
    rows giving their address are removed from the stored file, and the file is imported later without
    them; the other rows stay as they were, so the others are still invited. Return the notes for the
    file's report: how many rows were removed and why (not whose: the report is kept); the import's own
    lines follow.

    A file the import cannot read row by row (it would refuse it whole) cannot be cut: it is emptied and
    marked refused, with the reason it could not be read and the note that it was emptied for an erasure;
    staff upload it again, corrected, without the person."""
    data = bytes(upload.data)
    try:
        rows = contact_rows_about(data, address)
    except ValidationError as error:
        upload.data = b""
        upload.status = UploadStatus.REFUSED
        upload.finished_at = timezone.now()
        return [
            *error.messages,
            gettext(
                "Fichier vidé avant son import : il donnait l'adresse d'une personne qui a demandé "
                "l'effacement de ses données, et il ne se lit pas ligne à ligne pour n'en retirer qu'elle."
            ),
        ]
    upload.data = contact_file_without(data, rows)
    return [
        ngettext(
            "%(count)d ligne retirée du fichier avant son import : la personne a demandé "
            "l'effacement de ses données.",
            "%(count)d lignes retirées du fichier avant son import : la personne a demandé "
            "l'effacement de ses données.",
            len(rows),
        )
        % {"count": len(rows)}
    ]


def _results_published_before(path: str):
    """Due SURVEY_CONTACT_RETENTION_MONTHS after the edition's results were published."""
    return lambda now: Q(
        **{f"{path}results_published_at__lt": months_before(now, settings.SURVEY_CONTACT_RETENTION_MONTHS)}
    )


def _erased_contact() -> dict:
    # The address must stay unique in its edition: each erased contact gets one that reaches nobody. The
    # language of their emails goes with it, like a contributor's (tools_registry/personal_data.py).
    return {
        "email": Concat(Value("contact-"), Cast("pk", CharField()), Value(f"@{ERASED_DOMAIN}")),
        "language": settings.LANGUAGE_CODE,
        "erased_at": Now(),
    }


# Before the contacts: their emails are found through the contact's address, which erasure replaces.
register(
    "survey.InvitationEmail",
    label=_("Enquête : courriels d'invitation envoyés"),
    fields=["contact"],
    email="contact__email",
    erase=DELETE,
    due=_results_published_before("contact__edition__"),
)

register(
    "survey.Response",
    label=_("Enquête : identité du répondant d'une réponse"),
    fields=["respondent_name", "respondent_role", "respondent_email"],
    email="respondent_email",
    # Like a contributor's language (tools_registry/personal_data.py): it goes with the address.
    replacements=lambda: {"language": settings.LANGUAGE_CODE},
    due=_results_published_before("edition__"),
)

register(
    "survey.Contact",
    label=_("Enquête : contacts (nom, fonction, adresse)"),
    fields=["email", "name", "role"],
    email="email",
    replacements=_erased_contact,
    erased=Q(erased_at__isnull=False),
    due=_results_published_before("edition__"),
    jobs={send_invitation.module_path: "contact_id", send_personal_link.module_path: "contact_id"},
)

# The file is emptied by the job that imports it; what is left of it, or of a file whose job never ran,
# goes like a finished job's arguments and errors, and so does its report. Until then both are read for
# an address, the file as the import reads it (_contact_file_about, _erase_from_contact_file).
register(
    "survey.ContactImport",
    label=_("Enquête : fichiers de contacts déposés (contenu, lignes rejetées)"),
    fields=["data", "report"],
    due=lambda now: Q(uploaded_at__lt=now - timedelta(days=settings.JOB_RESULT_RETENTION_DAYS)),
    content=FileContent(
        field="data", about=_contact_file_about, erase=_erase_from_contact_file, quoted_in="report"
    ),
)

# Not declared: a responses file (ResponseImport) has no column for who answered (opaque ids, choice
# codes and the answers' text), as the answers it becomes are not personal data once the respondent's
# details are gone (tests/privacy/test_registry.py, NOT_PERSONAL).

# A contact's name in the admin's record of changes is its address (Contact.__str__).
register(
    "admin.LogEntry",
    label=_("Journal de l'administration : contacts nommés"),
    fields=["object_repr"],
    email=f"object_repr__{IN_TEXT}",
    due=lambda now: Q(
        content_type__app_label="survey",
        content_type__model="contact",
        object_id__in=Contact.objects.filter(erased_at__isnull=False).values(text_pk=Cast("pk", CharField())),
    ),
)
