"""Access, erasure and retention of personal data, read from the declarations of privacy/registry.py.

A person's data is found by their email address in every declared model, and in the files some of
them store (read for it: a contacts file waiting for its import); the jobs that name one of their rows
by its id are found with them. Erasure blanks the personal fields of rows that must stay (a
published tool, a counted response: the figures do not move) and deletes the rest.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from jobs.models import QueuedJob
from privacy.models import PersonalDataRequest, RequestAction, address_digest
from privacy.registry import REGISTRY, PersonalData

# Never written to an export: secrets (a survey token is a password) and search internals.
SECRET_FIELDS = {"token", "search_vector"}
JOBS_KEY = "jobs.QueuedJob (linked)"


@dataclass
class Found:
    entry: PersonalData
    pks: list

    @property
    def rows(self) -> QuerySet:
        return self.entry.model._default_manager.filter(pk__in=self.pks)


def find(address: str) -> list[Found]:
    """Every declared row found by this address, read before anything is changed."""
    return [Found(entry, list(entry.rows_of(address).values_list("pk", flat=True))) for entry in REGISTRY]


def linked_jobs(found: list[Found]) -> QuerySet:
    """Jobs whose arguments name one of the found rows (their first argument, or the declared keyword)."""
    linked = Q(pk__in=[])
    for item in found:
        if not item.pks:
            continue
        for task_path, argument in item.entry.jobs.items():
            linked |= Q(task_path=task_path) & (
                Q(args_kwargs__args__0__in=item.pks) | Q(**{f"args_kwargs__kwargs__{argument}__in": item.pks})
            )
    return QueuedJob.objects.filter(linked)


def _rows_as_data(rows: QuerySet, leave_out: frozenset[str] = frozenset()) -> list[dict]:
    names = [f.attname for f in rows.model._meta.concrete_fields if f.name not in SECRET_FIELDS | leave_out]
    return list(rows.order_by("pk").values(*names))


def _found_as_data(item: Found, address: str) -> list[dict]:
    """The found rows as JSON-ready data; of a stored file, what it and the text quoting it say about
    the address in place of them (the rest of them is about others)."""
    content = item.entry.content
    if content is None:
        return _rows_as_data(item.rows)
    data = _rows_as_data(item.rows, leave_out=frozenset({content.field, content.quoted_in}))
    files = item.rows.in_bulk()
    pk_name = item.entry.model._meta.pk.attname
    for row in data:
        row[content.field] = content.about(files[row[pk_name]], address)
    return data


def _log(*, action: str, address: str, by: AbstractBaseUser | None, via: str, rows: dict) -> None:
    PersonalDataRequest.objects.create(
        action=action,
        address_digest=address_digest(address),
        handled_by=by if by is not None and by.is_authenticated else None,
        via=via,
        rows=rows,
    )


def _counts(found: list[Found], jobs: QuerySet) -> dict[str, int]:
    counts = {item.entry.model_label: len(item.pks) for item in found if item.pks}
    job_count = jobs.count()
    if job_count:
        counts[JOBS_KEY] = job_count
    return counts


def _hold_files() -> None:
    """Lock the stored files before anything is found (PersonalData.hold_files): a job importing one of
    them meanwhile has either written its contacts, found here, or waits, and reads the file as the
    caller's transaction leaves it."""
    for entry in REGISTRY:
        entry.hold_files()


@transaction.atomic
def export_personal_data(*, address: str, by: AbstractBaseUser | None = None, via: str) -> dict:
    """Everything the site holds about an address, as JSON-ready data; the request is logged.

    The stored files are locked first, as for an erasure (`_hold_files`): otherwise the contacts could be
    read before a job importing a file naming the person commits them, and the file after the job has
    emptied it, and the person would be found in neither."""
    address = address.strip()
    _hold_files()
    found = find(address)
    jobs = linked_jobs(found)
    data = {
        "address": address,
        "exported_at": timezone.now(),
        "data": [
            {
                "model": item.entry.model_label,
                "label": str(item.entry.label),
                "rows": _found_as_data(item, address),
            }
            for item in found
            if item.pks
        ],
        "linked_jobs": _rows_as_data(jobs),
    }
    _log(action=RequestAction.EXPORT, address=address, by=by, via=via, rows=_counts(found, jobs))
    return data


@transaction.atomic
def erase_personal_data(*, address: str, by: AbstractBaseUser | None = None, via: str) -> dict[str, int]:
    """Erase everything the site holds about an address, everywhere it is declared; logged.

    Rows are found before any is changed (a contact's emails are found through its address, which the
    erasure of the contact replaces). Jobs naming the person's rows go too, unless running now. From a
    stored file (a contacts file waiting for its import), only what is about the person is taken out.
    The stored files are locked before anything is found (`_hold_files`): a job importing one of them
    meanwhile has either written its contacts, found and erased here, or waits, and imports the file
    without the person.
    """
    address = address.strip()
    _hold_files()
    found = find(address)
    jobs = linked_jobs(found).exclude(status=TaskResultStatus.RUNNING)
    counts = _counts(found, jobs)
    jobs.delete()
    for item in found:
        if item.pks:
            item.entry.erase_about(item.rows, address)
    _log(action=RequestAction.ERASE, address=address, by=by, via=via, rows=counts)
    return counts


def due(now: datetime | None = None) -> Iterator[tuple[PersonalData, QuerySet]]:
    """What the retention rules erase at `now`, declaration by declaration (a dry run reads only this)."""
    now = now or timezone.now()
    for entry in REGISTRY:
        if entry.due is not None:
            yield entry, entry.due_rows(now)


def apply_retention(*, now: datetime | None = None) -> list[tuple[PersonalData, int]]:
    """Erase what the retention rules say is due, each declaration in its own transaction, in order
    (a tool's contributor before the tool's edit history, which follows it)."""
    now = now or timezone.now()
    done = []
    for entry, rows in due(now):
        with transaction.atomic():
            done.append((entry, entry.erase_rows(rows)))
    return done
