"""Contacts: importing them from CSV, inviting and reminding them by email, following their answers."""

import csv
import io
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from survey.models import (
    Contact,
    ContactStatus,
    Edition,
    InvitationEmail,
    Response,
    ResponseStatus,
    counted_q,
)
from tools_registry.choices import CollectivityKind
from tools_registry.models import Collectivity, Territory, TerritoryKind
from tools_registry.services import collectivity_for_territory

logger = logging.getLogger(__name__)

CONTACT_COLUMNS = ["email", "name", "role", "collectivity_code"]
OPTIONAL_CONTACT_COLUMNS = ["collectivity_kind"]


@dataclass
class ContactImportReport:
    created: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [_("%(count)d contact(s) importé(s).") % {"count": self.created}]
        if self.rejected:
            lines.append(_("%(count)d ligne(s) rejetée(s) :") % {"count": len(self.rejected)})
            lines += [
                _("ligne %(row)d : %(reason)s") % {"row": row, "reason": reason}
                for row, reason in self.rejected
            ]
        return lines


def _decoded(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Le fichier doit être encodé en UTF-8.")) from None


def find_collectivity(code: str, kind: str = "") -> tuple[Collectivity | None, str]:
    """The collectivity of an official code (INSEE, SIREN) or of a registry slug, or why none is found."""
    territories = list(Territory.objects.filter(code=code.upper(), **({"kind": kind} if kind else {}))[:2])
    if len(territories) == 1:
        return collectivity_for_territory(territories[0]), ""
    if len(territories) > 1:
        return None, _(
            "le code %(code)s désigne plusieurs territoires : précisez le type dans la colonne "
            "collectivity_kind (%(kinds)s)"
        ) % {"code": code, "kinds": ", ".join(TerritoryKind.values)}
    collectivity = Collectivity.objects.filter(slug=code).first()
    if collectivity is not None:
        return collectivity, ""
    return None, _("collectivité inconnue : %(code)s") % {"code": code}


@transaction.atomic
def import_contacts(*, edition: Edition, data: bytes | str) -> ContactImportReport:
    """Add the contacts of a CSV file (email,name,role,collectivity_code), reporting each rejected row.

    Valid rows are imported even when others are rejected; importing the same file again adds nothing.
    """
    reader = csv.DictReader(io.StringIO(_decoded(data)))
    columns = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in CONTACT_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            _("Colonnes manquantes : %(missing)s (attendu : %(expected)s).")
            % {"missing": ", ".join(missing), "expected": ",".join(CONTACT_COLUMNS)}
        )
    report = ContactImportReport()
    known = set(Contact.objects.filter(edition=edition).values_list("email", flat=True))
    seen: dict[str, int] = {}
    for row_number, raw in enumerate(reader, 2):
        row = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        email = row["email"].lower()
        kind = row.get("collectivity_kind", "")
        reason = ""
        if not email:
            reason = _("adresse électronique manquante")
        else:
            try:
                validate_email(email)
            except ValidationError:
                reason = _("adresse électronique invalide : %(email)s") % {"email": email}
        if not reason and email in seen:
            reason = _("adresse déjà présente ligne %(row)d") % {"row": seen[email]}
        if not reason and email in known:
            reason = _("contact déjà importé pour cette édition : %(email)s") % {"email": email}
        if not reason and kind and kind not in TerritoryKind.values:
            reason = _("type de collectivité inconnu : %(kind)s") % {"kind": kind}
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
        )
        report.created += 1
    return report


@dataclass
class SendReport:
    sent: int = 0
    failed: list[str] = field(default_factory=list)


def recipients(edition: Edition, round: int) -> Iterable[Contact]:
    """Contacts still owed the email of this round: never sent it, and (for a reminder) invited and
    whose collectivity has not submitted its response."""
    contacts = Contact.objects.filter(edition=edition).exclude(emails__round=round)
    if round > 0:
        counted = Response.objects.counted().filter(edition=edition).values("collectivity_id")
        contacts = contacts.filter(emails__round=0).exclude(collectivity_id__in=counted)
    return contacts.select_related("collectivity", "edition").order_by("pk").distinct()


def send_invitations(
    *,
    edition: Edition,
    round: int = 0,
    batch_size: int = 100,
    per_second: float = 10,
    limit: int | None = None,
    pause: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Email the invitation (round 0) or the n-th reminder to each contact owed it, in batches.

    Idempotent and resumable: each email is recorded, in the same transaction that sends it, and a
    contact with a record for the round is skipped. A crash can at most resend the one email whose
    record was not yet committed. At most `per_second` emails are sent per second.
    """
    report = SendReport()
    template = "survey/email/invitation.txt" if round == 0 else "survey/email/reminder.txt"
    contacts = list(recipients(edition, round)[:limit] if limit else recipients(edition, round))
    for start in range(0, len(contacts), batch_size):
        batch = contacts[start : start + batch_size]
        began = time.monotonic()
        for contact in batch:
            if _send_one(contact, round, template):
                report.sent += 1
            else:
                report.failed.append(contact.email)
        if per_second and start + batch_size < len(contacts):
            pause(max(0.0, len(batch) / per_second - (time.monotonic() - began)))
    return report


def _send_one(contact: Contact, round: int, template: str) -> bool:
    subject = (
        _("Baromètre de la démocratie locale numérique : votre collectivité est invitée à répondre")
        if round == 0
        else _(
            "Rappel : le Baromètre de la démocratie locale numérique attend la réponse de votre collectivité"
        )
    )
    context = {
        "contact": contact,
        "edition": contact.edition,
        "link": settings.SITE_URL + contact.get_absolute_url(),
    }
    try:
        with transaction.atomic():
            InvitationEmail.objects.create(contact=contact, round=round)
            if contact.advance(ContactStatus.INVITED):
                contact.save(update_fields=["status"])
            send_mail(subject, render_to_string(template, context), None, [contact.email])
    except IntegrityError:
        return False  # sent meanwhile by another run
    except Exception:
        logger.exception("Invitation not sent to %s (round %d)", contact.email, round)
        return False
    return True


@transaction.atomic
def sign_up_through_open_link(
    *, edition: Edition, email: str, name: str, role: str, collectivity: Callable[[], Collectivity]
) -> None:
    """Someone answering for a collectivity through the open link: their personal link goes to the
    address they gave, and only there, so that opening it proves the address. An address already
    known gets its own link again, and nothing else changes: who else answers is never revealed.

    `collectivity` is called only for a new contact (an unlisted body is then added to the registry).
    """
    contact, _created = Contact.objects.get_or_create(
        edition=edition,
        email=email.lower(),
        defaults={
            "collectivity": collectivity,
            "name": name,
            "role": role,
            "origin": Contact.Origin.OPEN_LINK,
        },
    )
    transaction.on_commit(lambda: send_personal_link(contact))


def send_personal_link(contact: Contact) -> None:
    """Email a contact its personal link (asked for through the open link)."""
    context = {
        "contact": contact,
        "edition": contact.edition,
        "link": settings.SITE_URL + contact.get_absolute_url(),
    }
    try:
        send_mail(
            _("Votre lien personnel pour répondre au Baromètre de la démocratie locale numérique"),
            render_to_string("survey/email/personal_link.txt", context),
            None,
            [contact.email],
        )
    except Exception:
        logger.exception("Personal link not sent to %s", contact.email)


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
