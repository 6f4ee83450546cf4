"""Contacts: importing them from CSV, inviting and reminding them by email, following their answers."""

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobs.mail import current_language, language_codes
from jobs.models import QueuedJob
from privacy.notice import current_notice
from survey import tasks
from survey.models import (
    Contact,
    ContactStatus,
    Edition,
    InvitationEmail,
    Response,
    ResponseStatus,
    counted_q,
)
from survey.services import held_open
from tools_registry.choices import CollectivityKind
from tools_registry.history import recorded_as
from tools_registry.models import Collectivity, Territory, TerritoryKind
from tools_registry.services import collectivity_for_territory

CONTACT_COLUMNS = ["email", "name", "role", "collectivity_code"]
OPTIONAL_CONTACT_COLUMNS = ["collectivity_kind", "language"]


@dataclass
class ContactImportReport:
    created: int = 0
    already_known: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def remarks(self) -> list[str]:
        """What staff should know of an imported file besides the number of contacts it added."""
        if not self.already_known:
            return []
        return [
            ngettext(
                "%(count)d contact était déjà dans l'édition : il est laissé tel quel.",
                "%(count)d contacts étaient déjà dans l'édition : ils sont laissés tels quels.",
                self.already_known,
            )
            % {"count": self.already_known}
        ]

    def lines(self) -> list[str]:
        created = ngettext("%(count)d contact importé.", "%(count)d contacts importés.", self.created) % {
            "count": self.created
        }
        return [created, *self.remarks()]

    def refusal(self) -> list[str]:
        """Why the file is refused, as its report keeps it: each rejected row by its number and what is
        wrong with it, never by the address or the name it gives: the report is kept once the file is
        emptied, and staff have the file to find the row in."""
        count = len(self.rejected)
        return [
            ngettext(
                "Aucun contact n'a été importé : %(count)d ligne est rejetée.",
                "Aucun contact n'a été importé : %(count)d lignes sont rejetées.",
                count,
            )
            % {"count": count},
            *(
                _("ligne %(row)d : %(reason)s") % {"row": row, "reason": reason}
                for row, reason in self.rejected
            ),
        ]


def contact_file_text(data: bytes | str) -> str:
    """A contacts file as text, once checked to be UTF-8 and not empty (ValidationError otherwise); a
    byte-order mark, as Excel writes one, is left out."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _(
                    "Fichier illisible : un fichier CSV encodé en UTF-8 est attendu (dans Excel, "
                    "« Enregistrer sous » puis « CSV UTF-8 »)."
                )
            ) from None
    if not data.strip():
        raise ValidationError(
            _("Le fichier est vide : la première ligne doit donner les colonnes %(expected)s.")
            % {"expected": ",".join(CONTACT_COLUMNS)}
        )
    return data


def open_contact_file(data: bytes | str) -> csv.DictReader:
    """The rows of a contacts file, once what can be checked at once is: UTF-8, not empty, the expected
    columns (ValidationError otherwise). Its columns are separated by commas or, as French Excel saves a
    CSV, by semicolons: whichever its header line holds more of."""
    data = contact_file_text(data)
    header = data.lstrip().partition("\n")[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(data), delimiter=delimiter)
    try:
        columns = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise ValidationError(_("Fichier illisible, ligne 1 : %(error)s.") % {"error": error}) from None
    missing = [name for name in CONTACT_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            _(
                "Colonnes manquantes : %(missing)s (attendu : %(expected)s, séparées par des virgules ou "
                "des points-virgules)."
            )
            % {"missing": ", ".join(missing), "expected": ",".join(CONTACT_COLUMNS)}
        )
    return reader


def contact_cells(raw: dict) -> dict[str, str]:
    """A row of a contacts file as the import reads it: columns and values stripped, the address in
    lower case."""
    row = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
    row["email"] = row["email"].lower()
    return row


@dataclass
class ContactRow:
    """One row of a contacts file: its number as the import's report gives it, its cells as the import
    reads them, its text as it is in the file (more than one line when a quoted cell holds a line break)
    and the indexes of those lines."""

    number: int
    cells: dict[str, str]
    text: str
    lines: range


def contact_rows(data: bytes | str) -> list[ContactRow]:
    """Every row of a contacts file, read as the import reads it; ValidationError for a file the import
    refuses whole as unreadable (not UTF-8, empty, columns missing, broken quotes)."""
    text = contact_file_text(data)
    lines = io.StringIO(text).readlines()  # split as the CSV reader takes them
    reader = open_contact_file(text)
    rows = []
    row_number, start = 1, reader.line_num
    try:
        for row_number, raw in enumerate(reader, 2):
            # The reader skips blank lines: they go with the row after them.
            span = range(start, reader.line_num)
            rows.append(ContactRow(row_number, contact_cells(raw), "".join(lines[start : span.stop]), span))
            start = reader.line_num
    except csv.Error as error:
        raise ValidationError(
            _("Fichier illisible, ligne %(row)d : %(error)s. Aucun contact n'a été importé.")
            % {"row": row_number + 1, "error": error}
        ) from None
    return rows


def contact_rows_about(data: bytes | str, address: str) -> list[ContactRow]:
    """The rows of a contacts file giving this address (case ignored), read as the import reads them."""
    address = address.strip().lower()
    return [row for row in contact_rows(data) if row.cells["email"] == address]


def contact_file_without(data: bytes, rows: list[ContactRow]) -> bytes:
    """The file as it was uploaded, less these rows (found by `contact_rows` in it): the header and every
    other row stay as they were, byte for byte, and so does a byte-order mark."""
    removed = {index for row in rows for index in row.lines}
    lines = io.StringIO(contact_file_text(data)).readlines()
    text = "".join(line for index, line in enumerate(lines) if index not in removed)
    return (codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b"") + text.encode("utf-8")


def find_collectivity(code: str, kind: str = "") -> tuple[Collectivity | None, str]:
    """The collectivity of a territory (`Territory.objects.lookup`: an official code, a SIREN, a name) or
    of a registry slug, or why none is found."""
    ambiguous = False
    try:
        territory = Territory.objects.lookup(code, kind=kind)
        with recorded_as("survey"):
            return collectivity_for_territory(territory), ""
    except Territory.DoesNotExist:
        pass
    except Territory.MultipleObjectsReturned:
        ambiguous = True
    collectivity = Collectivity.objects.filter(slug=code).first()
    if collectivity is not None:
        return collectivity, ""
    if ambiguous:
        return None, _(
            "le code %(code)s désigne plusieurs territoires : précisez le type dans la colonne "
            "collectivity_kind (%(kinds)s)"
        ) % {"code": code, "kinds": ", ".join(TerritoryKind.values)}
    return None, _("collectivité inconnue : %(code)s") % {"code": code}


@transaction.atomic
def import_contacts(*, edition: Edition, data: bytes | str) -> ContactImportReport:
    """Add the contacts of a CSV file (email,name,role,collectivity_code, and optionally collectivity_kind
    and language, that of their emails: French when not given), all or nothing: a file with a rejected row
    is refused whole, by a ValidationError naming each such row and why. A contact already in the edition
    is left as it is: importing the same file again adds nothing.
    """
    report = ContactImportReport()
    known = set(Contact.objects.filter(edition=edition).values_list("email", flat=True))
    seen: dict[str, int] = {}
    for contact_row in contact_rows(data):
        row_number, row = contact_row.number, contact_row.cells
        email = row["email"]
        kind = row.get("collectivity_kind", "")
        language = row.get("language", "").lower() or settings.LANGUAGE_CODE
        reason = ""
        if not email:
            reason = _("adresse électronique manquante")
        else:
            try:
                validate_email(email)
            except ValidationError:
                reason = _("adresse électronique invalide")
        if not reason and email in seen:
            reason = _("adresse déjà présente ligne %(row)d") % {"row": seen[email]}
        if not reason and email in known:
            seen[email] = row_number
            report.already_known += 1
            continue
        if not reason and kind and kind not in TerritoryKind.values:
            reason = _("type de collectivité inconnu : %(kind)s") % {"kind": kind}
        if not reason and language not in language_codes():
            reason = _("langue inconnue : %(language)s (attendu : %(languages)s)") % {
                "language": row["language"],
                "languages": ", ".join(language_codes()),
            }
        collectivity = None
        if not reason:
            if not row["collectivity_code"]:
                reason = _("code de collectivité manquant")
            else:
                collectivity, reason = find_collectivity(row["collectivity_code"], kind)
        if reason:
            report.rejected.append((row_number, reason))
            continue
        seen[email] = row_number
        Contact.objects.create(
            edition=edition,
            collectivity=collectivity,
            email=email,
            name=row["name"][:200],
            role=row["role"][:200],
            language=language,
        )
        report.created += 1
    if report.rejected:
        # Raising rolls the transaction back: the contacts of the valid rows (and any collectivity added
        # to the registry on the way) are not kept either.
        raise ValidationError(report.refusal())
    return report


def refuse_unless_open(edition: Edition) -> None:
    """Invitations and reminders go out only while the edition takes answers."""
    if not edition.is_open:
        raise ValidationError(
            _("L'édition %(code)s n'est pas ouverte aux réponses : rien n'a été envoyé.")
            % {"code": edition.code}
        )


def next_reminder(edition: Edition) -> int:
    """The number of the reminder after the last one sent (1 when none was)."""
    last = InvitationEmail.objects.filter(contact__edition=edition).aggregate(last=Max("round"))["last"]
    return (last or 0) + 1


@transaction.atomic
def request_invitations(*, edition: Edition, round: int) -> int:
    """Staff's asking, from the admin, for the invitation (round 0) or the n-th reminder of every contact
    owed it: one job queues them all (`send_invitations`, in the worker, not in the request). Return how
    many contacts are owed it now."""
    refuse_unless_open(edition)
    tasks.queue_invitations.enqueue(edition_id=edition.pk, round=round)
    return Contact.objects.filter(edition=edition).owed_email(round).count()


@dataclass
class SendReport:
    queued: int = 0
    already_queued: int = 0


def send_invitations(
    *, edition: Edition, round: int = 0, per_second: float = 10, limit: int | None = None
) -> SendReport:
    """Queue the invitation (round 0) or the n-th reminder for each contact owed it.

    Idempotent and resumable: a contact whose email of this round was sent (an InvitationEmail row)
    or is still in the queue is skipped, and the job itself sends nothing to a contact no longer owed
    it. The jobs are spaced 1/per_second seconds apart, so that the mail server is not flooded
    whatever the number of workers (0: no spacing).
    """
    contacts = Contact.objects.filter(edition=edition).owed_email(round).order_by("pk")
    queued = set(
        QueuedJob.objects.waiting(tasks.send_invitation)
        .filter(args_kwargs__kwargs__round=round)
        .values_list("args_kwargs__kwargs__contact_id", flat=True)
    )
    report = SendReport()
    start = timezone.now()
    with transaction.atomic():
        for contact_id in contacts.values_list("pk", flat=True):
            if contact_id in queued:
                report.already_queued += 1
                continue
            if limit is not None and report.queued >= limit:
                break
            delay = timedelta(seconds=report.queued / per_second) if per_second else timedelta(0)
            tasks.send_invitation.using(run_after=start + delay).enqueue(contact_id=contact_id, round=round)
            report.queued += 1
    return report


@transaction.atomic
def sign_up_through_open_link(
    *, edition: Edition, email: str, name: str, role: str, collectivity: Callable[[], Collectivity]
) -> None:
    """Someone answering for a collectivity through the open link: their personal link goes to the
    address they gave, and only there, so that opening it proves the address. An address already
    known gets its own link again, and nothing else changes: who else answers is never revealed.

    `collectivity` is called only for a new contact (an unlisted body is then added to the registry).
    `EditionClosed` once the edition is closed, however recently: no one is signed up, no link sent.
    """
    held_open(edition.pk)
    consent = {"consent_at": timezone.now(), "consent_notice": current_notice()}
    with recorded_as("survey"):  # a body added to the registry on the way is the survey's doing
        contact, created = Contact.objects.get_or_create(
            edition=edition,
            email=email.lower(),
            defaults={
                "collectivity": collectivity,
                "name": name,
                "role": role,
                "origin": Contact.Origin.OPEN_LINK,
                "language": current_language(),
                **consent,
            },
        )
    if not created:
        # Signing up again agrees to the notice as it reads today. The language of their emails stays as
        # it was (staff may have set it; anyone may sign up with any address): only the link sent now is
        # in the language of this page.
        Contact.objects.filter(pk=contact.pk).update(**consent)
    send_personal_link(contact)


def send_personal_link(contact: Contact) -> None:
    """Email a contact its personal link (asked for through the open link), in the language of the page
    they asked on, by a job enqueued in the current transaction."""
    tasks.send_personal_link.enqueue(contact.pk, current_language())


def mark_opened(contact: Contact) -> None:
    if contact.advance(ContactStatus.OPENED):
        contact.opened_at = timezone.now()
        contact.save(update_fields=["status", "opened_at"])


@dataclass
class RateRow:
    kind: str
    label: str
    collectivities: int
    contacts: int
    invited: int
    opened: int
    in_progress: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.submitted / self.collectivities, 1) if self.collectivities else None


def response_rates(edition: Edition) -> list[RateRow]:
    """Per collectivity kind: collectivities contacted, contacts by status, responses in progress and sent."""
    labels = dict(CollectivityKind.choices)
    contacts = {
        row["collectivity__kind"]: row
        for row in Contact.objects.filter(edition=edition)
        .values("collectivity__kind")
        .annotate(
            collectivities=Count("collectivity", distinct=True),
            contacts=Count("pk"),
            invited=Count("pk", filter=~Q(status=ContactStatus.IMPORTED)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
        )
    }
    responses = {
        row["collectivity__kind"]: row
        for row in Response.objects.filter(edition=edition, collectivity__isnull=False)
        .values("collectivity__kind")
        .annotate(
            in_progress=Count("pk", filter=Q(status=ResponseStatus.IN_PROGRESS)),
            submitted=Count("pk", filter=counted_q()),
        )
    }
    rows = []
    for kind in CollectivityKind.values:
        contact_row, response_row = contacts.get(kind, {}), responses.get(kind, {})
        if not contact_row and not response_row:
            continue
        rows.append(
            RateRow(
                kind=kind,
                label=str(labels[kind]),
                collectivities=contact_row.get("collectivities", 0),
                contacts=contact_row.get("contacts", 0),
                invited=contact_row.get("invited", 0),
                opened=contact_row.get("opened", 0),
                in_progress=response_row.get("in_progress", 0),
                submitted=response_row.get("submitted", 0),
            )
        )
    return rows
