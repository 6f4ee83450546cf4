"""The one way the site sends an email: from a job, so that a failure raises and the job is retried.

An email to a person who did something on the site is written in the language of the page they used:
the service records `current_language()` (on the row, or as an argument of the job) and the job sends
inside `translation.override(language)`, subject included.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise


def one_line(text: str) -> str:
    """A header value: line breaks (which Django refuses in headers) and runs of spaces become one space."""
    return " ".join(text.split())


def language_codes() -> list[str]:
    """The codes of LANGUAGES: what a person's emails may be written in (a field recording one is
    constrained to them)."""
    return [code for code, _name in settings.LANGUAGES]


def language_field(verbose_name: str | Promise, help_text: str | Promise) -> models.CharField:
    """The field recording the language a person's emails are written in: one of LANGUAGES, the site's
    own by default."""
    return models.CharField(
        verbose_name,
        max_length=7,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=help_text,
    )


def current_language() -> str:
    """The language of the request being answered, one of LANGUAGES (the site's own outside a request)."""
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


def send_email(
    *, subject: str, template: str, context: dict, recipients: list[str], reply_to: str = ""
) -> None:
    """Send one email (the sender is DEFAULT_FROM_EMAIL; replies go to `reply_to` when given); a mail
    server failure raises.

    The subject often holds text typed by the public (a tool's name): it is made one line here.
    """
    if recipients:
        EmailMessage(
            one_line(subject),
            render_to_string(template, context),
            to=recipients,
            reply_to=[reply_to] if reply_to else None,
        ).send()
