"""Where the site holds personal data: one declaration per model, in each app's `personal_data.py`.

A declaration names the model's personal fields, how to find a person's rows from their email
address, how to erase them (blank the fields, or delete the row), and when the retention job erases
them without being asked. Export, erasure on request and retention all read these declarations, and a
test fails when a model gains a field that looks personal without being declared here. Declaring a
model is one call:

    register("survey.Contact", fields=["email", "name"], email="email", due=lambda now: Q(...))

Models are named by label, so that this module imports no app: every app may declare its models.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet

LOOKUPS = {"exact", "iexact", "contains", "icontains"}
BLANK = "blank"
DELETE = "delete"


@dataclass(frozen=True)
class PersonalData:
    model_label: str
    label: str
    fields: tuple[str, ...]
    # Lookup finding a person's rows from their address: a field or a path ("contact__email", compared
    # case-insensitively), or ending with its own lookup ("object_repr__icontains"); empty: not found
    # by address.
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

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def rows_of(self, address: str) -> QuerySet:
        if not self.email:
            return self.model.objects.none()
        ends_with_lookup = self.email.rsplit("__", 1)[-1] in LOOKUPS
        lookup = self.email if ends_with_lookup else f"{self.email}__iexact"
        return self.model._default_manager.filter(**{lookup: address})

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
