from django.core.management.base import CommandError

from survey.models import Edition


def edition_or_error(code: str) -> Edition:
    """The edition of a command's argument, or the command's error for an unknown code."""
    edition = Edition.objects.filter(code=code).first()
    if edition is None:
        raise CommandError(f"Édition inconnue : {code}")
    return edition
