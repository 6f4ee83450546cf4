"""The one way the site sends an email: from a job, so that a failure raises and the job is retried."""

from django.core.mail import send_mail
from django.template.loader import render_to_string


def one_line(text: str) -> str:
    """A header value: line breaks (which Django refuses in headers) and runs of spaces become one space."""
    return " ".join(text.split())


def send_email(*, subject: str, template: str, context: dict, recipients: list[str]) -> None:
    """Send one email (the sender is DEFAULT_FROM_EMAIL); a mail server failure raises.

    The subject often holds text typed by the public (a tool's name): it is made one line here.
    """
    if recipients:
        send_mail(one_line(subject), render_to_string(template, context), None, recipients)
