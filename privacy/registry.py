"""Where the site holds personal data: one declaration per model, in each app's `personal_data.py`.

A declaration names the model's personal fields, how to find a person's rows from their email
address, how to erase them (blank the fields, or delete the row), and when the retention job erases
them without being asked. Export, erasure on request and retention all read these declarations, and a
test fails when a model gains a field that looks personal without being declared here. Declaring a
model is one call:

    register("survey.Contact", fields=["email", "name"], email="email", due=lambda now: Q(...))

A model storing uploaded files that name people (a contacts file waiting for its import) declares how to
read them (FileContent): its rows are then found by reading each file still held and each text quoting
one (its import's report); an export gives what they say about the person (never the rest of them,
others' data), and an erasure takes that out of them.

Models are named by label, so that this module imports no app: every app may declare its models.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet

# A declaration ending with IN_TEXT finds the address in a text naming others too (a log, an error), by
# `address_pattern`: a substring ("icontains") would find it inside someone else's.
IN_TEXT = "in_text"
LOOKUPS = {"exact", "iexact", IN_TEXT}
BLANK = "blank"
DELETE = "delete"


@dataclass(frozen=True)
class FileContent:
    """How to read a stored file about one person. `about(row, address)`: what the row's file says about
    the address, as JSON-ready items (empty: nothing). `erase(row, address)`: take it out of the file and
    save the row (locked and read afresh first: a file a job has emptied meanwhile is left alone).

    `quoted_in`: a text field of the row that may quote the file and outlives it (an import's report,
    which named a rejected row by its address before it gave its number only). The row is then read
    while either holds something, `about` and `erase` reach that text too, and an export gives it only as
    `about` does: the rest of it may quote others.

    A job importing a file holds its row locked from reading the file to writing what it read and
    emptying it (survey/tasks.py); an erasure locks the rows holding a file before finding anything
    (`hold_files`), so that it either finds what such a job wrote or is waited for by it."""

    field: str
    about: Callable[[models.Model, str], list[dict]]
    erase: Callable[[models.Model, str], None]
    quoted_in: str = ""


@dataclass(frozen=True)
class PersonalData:
    model_label: str
    label: str
    fields: tuple[str, ...]
    # Lookup finding a person's rows from their address: a field or a path ("contact__email", compared
    # case-insensitively), or ending with its own lookup ("object_repr__in_text"); empty: not found by
    # address.
    email: str = ""
    # BLANK empties `fields` (the row stays: a published tool, a counted response); DELETE removes the row.
    erase: str = BLANK
    # Rows the retention job erases at `now`, as a filter; None: kept until asked.
    due: Callable[[datetime], Q] | None = None
    # Jobs that name a row of this model by its id: {task path: argument name}; found and removed with it.
    jobs: dict[str, str] = field(default_factory=dict)
    # Values written on erasure instead of a field's empty value (a unique address must stay unique), or
    # beside the fields (what only goes with them, reset); then `erased` filters the rows already erased.
    replacements: Callable[[], dict] | None = None
    erased: Q | None = None
    # A file field read for the address (FileContent); None: not read.
    content: FileContent | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def rows_of(self, address: str) -> QuerySet:
        rows = self.model._default_manager.none()
        if self.email:
            rows = self.model._default_manager.filter(self._by_address(address))
        if self.content is not None:
            rows |= self.model._default_manager.filter(pk__in=self.files_about(address))
        return rows

    def _by_address(self, address: str) -> Q:
        path, _, lookup = self.email.rpartition("__")
        if lookup == IN_TEXT:
            return Q(**{f"{path}__iregex": address_pattern(address)})
        if lookup in LOOKUPS:
            return Q(**{self.email: address})
        return Q(**{f"{self.email}__iexact": address})

    def files_about(self, address: str) -> list:
        """The rows whose file, or the text quoting it, says something about the address (read one by
        one: they are few, as a job empties each file once it has read it, and the declaration's
        retention rule blanks what quotes it)."""
        files = self._read_for_files().iterator(chunk_size=20)
        return [row.pk for row in files if self.content.about(row, address)]

    def _held_files(self) -> QuerySet:
        return self.model._default_manager.exclude(self._blank(self.content.field))

    def _read_for_files(self) -> QuerySet:
        """The rows holding a file, or a text quoting one."""
        if not self.content.quoted_in:
            return self._held_files()
        blank = self._blank(self.content.field) & self._blank(self.content.quoted_in)
        return self.model._default_manager.exclude(blank)

    def _blank(self, name: str) -> Q:
        return Q(**{name: _empty(self.model, name)})

    def hold_files(self) -> None:
        """Lock the rows still holding a file (none without `content`), in order. A job importing one of
        them is waited for: once it is done, what it wrote from the file (a contact) is found with the
        rest; a job starting after waits for the caller's transaction, and reads the file as it leaves
        it."""
        if self.content is not None:
            list(self._held_files().select_for_update().order_by("pk").values_list("pk", flat=True))

    def erase_about(self, rows: QuerySet, address: str) -> int:
        """Erase what the rows hold about one address: the rows themselves (`erase_rows`), or, for stored
        files, only what each file says about the address."""
        if self.content is None:
            return self.erase_rows(rows)
        erased = 0
        for row in rows.select_for_update():
            if self.content.about(row, address):
                self.content.erase(row, address)
                erased += 1
        return erased

    def holding_data(self) -> QuerySet:
        """Rows not erased yet: for BLANK, those where one of the fields still holds something."""
        rows = self.model._default_manager.all()
        if self.erase == DELETE:
            return rows
        if self.erased is not None:
            return rows.exclude(self.erased)
        return rows.exclude(Q(**{name: _empty(self.model, name) for name in self.fields}))

    def due_rows(self, now: datetime) -> QuerySet:
        if self.due is None:
            return self.model._default_manager.none()
        return self.holding_data().filter(self.due(now))

    def erase_rows(self, rows: QuerySet) -> int:
        if self.erase == DELETE:
            return rows.delete()[1].get(self.model._meta.label, 0)
        values = {name: _empty(self.model, name) for name in self.fields}
        if self.replacements is not None:
            values.update(self.replacements())
        return rows.update(**values)


# An address inside a longer one is someone else's ("ecamille@…", "…@example.fr.example"): the address
# is found where no character of a local part comes before it and the domain does not go on after it (a
# letter, a digit or a hyphen, or a dot and one of them; a dot ending a sentence does not). Between
# apostrophes it is quoted, as Python writes a string in an error or a log ('camille@…'): a local part
# may begin with an apostrophe, but a domain never ends with one.
_LOCAL_PART_CHARACTER = r"[\w.!#$%&'*+/=?^`{|}~-]"
# A letter or a digit (\w but "_": PostgreSQL refuses `[^\W_]`), or a hyphen.
_DOMAIN_CHARACTER = r"(?:(?!_)\w|-)"


def address_pattern(address: str) -> str:
    """The regular expression finding an address whole in a text, case to be ignored by whoever uses it.
    Python's `re` and PostgreSQL read it alike (and SQLite, where Django's REGEXP is `re`), so that the
    rows found in a column (`__iregex`) and the lines found in a file follow one rule: it uses only what
    both read the same way (the class of word characters, in and out of brackets; lookarounds; a
    backslash before a character neither letter nor digit, as `re.escape` writes one). PostgreSQL
    classes the letters outside ASCII as `re` does under a UTF-8 locale (C.UTF-8, a language's), not
    under the bare C one."""
    address = re.escape(address.strip())
    whole = rf"(?<!{_LOCAL_PART_CHARACTER}){address}(?!\.?{_DOMAIN_CHARACTER})"
    quoted = rf"(?<='){address}(?=')"
    return f"{whole}|{quoted}"


def address_in_text(address: str) -> re.Pattern:
    """Where an address appears, whole, in a text (a line of a file, of a report), case ignored."""
    return re.compile(address_pattern(address), re.IGNORECASE)


def _empty(model: type[models.Model], name: str) -> object:
    field = model._meta.get_field(name)
    if field.null:
        return None
    return b"" if isinstance(field, models.BinaryField) else ""


REGISTRY: list[PersonalData] = []


def register(model_label: str, *, label: str, fields: list[str], **options) -> PersonalData:
    """Declare where a model holds personal data (see PersonalData). Erased in declaration order."""
    entry = PersonalData(model_label=model_label, label=label, fields=tuple(fields), **options)
    REGISTRY.append(entry)
    return entry


def months_before(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months earlier (the month's last day when it has fewer days)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
