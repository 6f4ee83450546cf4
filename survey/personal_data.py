"""The survey's personal data: its contacts, the files of contacts staff upload, and the emails sent to
them (privacy/registry.py).

The answers are not personal data once the contact's details are gone: they stay, and the barometer's
figures with them.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, Now
from django.utils.translation import gettext_lazy as _

from privacy.registry import DELETE, months_before, register
from survey.models import Contact
from survey.tasks import send_invitation, send_personal_link

ERASED_DOMAIN = "efface.invalid"


def _results_published_before(path: str):
    """Due SURVEY_CONTACT_RETENTION_MONTHS after the edition's results were published."""
    return lambda now: Q(
        **{f"{path}results_published_at__lt": months_before(now, settings.SURVEY_CONTACT_RETENTION_MONTHS)}
    )


def _erased_contact() -> dict:
    # The address must stay unique in its edition: each erased contact gets one that reaches nobody.
    return {
        "email": Concat(Value("contact-"), Cast("pk", CharField()), Value(f"@{ERASED_DOMAIN}")),
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
# goes like a finished job's arguments and errors. Not found by address: the file is bytes no query reads,
# and its report quotes an address only when it was refused as invalid.
register(
    "survey.ContactImport",
    label=_("Enquête : fichiers de contacts déposés (contenu, lignes rejetées)"),
    fields=["data", "report"],
    due=lambda now: Q(uploaded_at__lt=now - timedelta(days=settings.JOB_RESULT_RETENTION_DAYS)),
)

# A contact's name in the admin's record of changes is its address (Contact.__str__).
register(
    "admin.LogEntry",
    label=_("Journal de l'administration : contacts nommés"),
    fields=["object_repr"],
    email="object_repr__icontains",
    due=lambda now: Q(
        content_type__app_label="survey",
        content_type__model="contact",
        object_id__in=Contact.objects.filter(erased_at__isnull=False).values(text_pk=Cast("pk", CharField())),
    ),
)
