"""Checks of the production settings that Django's own do not cover (`manage.py check --deploy`)."""

from collections.abc import Sequence
from email.utils import parseaddr

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning

# The local machine's names and the domains reserved for examples and tests (RFC 2606, RFC 6761): no
# mail is ever delivered there.
_NO_MAIL_DOMAINS = (
    "localhost",
    "local",
    "example",
    "test",
    "invalid",
    "example.com",
    "example.net",
    "example.org",
)


def receives_no_mail(address: str) -> bool:
    """Whether `address` (`name@domain` or `Name <name@domain>`) is no address, or one at the local
    machine or at a domain reserved for examples."""
    _, at, domain = parseaddr(address)[1].rpartition("@")
    domain = domain.lower().rstrip(".")
    return not (at and domain) or any(
        domain == reserved or domain.endswith("." + reserved) for reserved in _NO_MAIL_DOMAINS
    )


@register(deploy=True)
def check_email_addresses(app_configs: Sequence[AppConfig] | None, **kwargs: object) -> list[CheckMessage]:
    warnings = []
    if receives_no_mail(settings.DEFAULT_FROM_EMAIL):
        warnings.append(
            CheckWarning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: mail servers may refuse the site's "
                "emails from it, and replies to them are lost.",
                hint="Set DEFAULT_FROM_EMAIL to an address of the site's own domain.",
                id="barometre.W001",
            )
        )
    if receives_no_mail(settings.SURVEY_REPLY_TO):
        warnings.append(
            CheckWarning(
                f"SURVEY_REPLY_TO is {settings.SURVEY_REPLY_TO!r}: the survey pages tell contacts to reply "
                "to their invitation to reach the team, and their replies go to DEFAULT_FROM_EMAIL (often "
                "a no-reply address) or are lost.",
                hint="Set SURVEY_REPLY_TO to the address of a mailbox the survey team reads.",
                id="barometre.W002",
            )
        )
    if not settings.MODERATOR_EMAILS:
        warnings.append(
            CheckWarning(
                "MODERATOR_EMAILS is empty: no one is told of new submissions and proposed corrections, "
                "which wait unseen.",
                hint="Set MODERATOR_EMAILS to the moderators' addresses, separated by commas.",
                id="barometre.W003",
            )
        )
    for address in settings.MODERATOR_EMAILS:
        if receives_no_mail(address):
            warnings.append(
                CheckWarning(
                    f"MODERATOR_EMAILS holds {address!r}: the emails telling moderators of new submissions "
                    "and proposed corrections are lost there.",
                    hint="Set MODERATOR_EMAILS to the moderators' real addresses, separated by commas.",
                    id="barometre.W004",
                )
            )
    if receives_no_mail(settings.PRIVACY_CONTACT_EMAIL):
        warnings.append(
            CheckWarning(
                f"PRIVACY_CONTACT_EMAIL is {settings.PRIVACY_CONTACT_EMAIL!r}: the privacy notice and the "
                "legal notice show it to the public as the address for requests about their personal data, "
                "and mail sent there is lost.",
                hint="Set PRIVACY_CONTACT_EMAIL to the address of a mailbox the site's publisher reads.",
                id="barometre.W005",
            )
        )
    return warnings
