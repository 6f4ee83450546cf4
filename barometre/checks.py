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


# Each setting of addresses that must receive mail in production: what is lost otherwise, the hint, the
# warning's id (a list of addresses is checked address by address).
_ADDRESS_SETTINGS = [
    (
        "DEFAULT_FROM_EMAIL",
        "mail servers may refuse the site's emails from it, and replies to them are lost.",
        "Set DEFAULT_FROM_EMAIL to an address of the site's own domain.",
        "barometre.W001",
    ),
    (
        "SURVEY_REPLY_TO",
        "the survey pages tell contacts to reply to their invitation to reach the team, and their replies "
        "go to DEFAULT_FROM_EMAIL (often a no-reply address) or are lost.",
        "Set SURVEY_REPLY_TO to the address of a mailbox the survey team reads.",
        "barometre.W002",
    ),
    (
        "MODERATOR_EMAILS",
        "the emails telling moderators of new submissions and proposed corrections are lost there.",
        "Set MODERATOR_EMAILS to the moderators' real addresses, separated by commas.",
        "barometre.W004",
    ),
    (
        "PRIVACY_CONTACT_EMAIL",
        "the privacy notice and the legal notice show it to the public as the address for requests about "
        "their personal data, and mail sent there is lost.",
        "Set PRIVACY_CONTACT_EMAIL to the address of a mailbox the site's publisher reads.",
        "barometre.W005",
    ),
]


@register(deploy=True)
def check_email_addresses(app_configs: Sequence[AppConfig] | None, **kwargs: object) -> list[CheckMessage]:
    warnings = []
    for name, lost, hint, warning_id in _ADDRESS_SETTINGS:
        value = getattr(settings, name)
        several = isinstance(value, list | tuple)
        for address in value if several else [value]:
            if receives_no_mail(address):
                said = f"{name} {'holds' if several else 'is'} {address!r}: {lost}"
                warnings.append(CheckWarning(said, hint=hint, id=warning_id))
    if not settings.MODERATOR_EMAILS:
        warnings.append(
            CheckWarning(
                "MODERATOR_EMAILS is empty: no one is told of new submissions and proposed corrections, "
                "which wait unseen.",
                hint="Set MODERATOR_EMAILS to the moderators' addresses, separated by commas.",
                id="barometre.W003",
            )
        )
    return warnings
