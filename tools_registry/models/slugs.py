"""Slugs: the readable part of an address, unique per model."""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

SLUG_ATTEMPTS = 10


def save_claiming_slug(instance: models.Model, text: str, save: Callable[[], None]) -> None:
    """Run `save`, first giving a new row a slug for `text` that no other row holds.

    Two transactions may pick the same free slug at the same moment: the insert is tried in a
    savepoint, and when it fails because the slug was just taken, tried again with the next free one.
    """
    if instance.slug:
        save()
        return
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        instance.slug = unique_slug(type(instance), text)
        try:
            with transaction.atomic():
                save()
            return
        except IntegrityError:
            taken = type(instance).objects.filter(slug=instance.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS:
                instance.slug = ""
                raise


def unique_slug(model: type[models.Model], text: str) -> str:
    """A slug for `text` not yet used by `model`, with a numeric suffix when needed."""
    base = (slugify(text) or "element")[:200]
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
