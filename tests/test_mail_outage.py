"""The mail server is unreachable: nothing a person sent is lost, and no email is silently dropped."""

import logging
import socket

import pytest
from django.core.cache import cache
from django.urls import reverse

from survey import invitations
from survey.models import Contact, InvitationEmail
from tests.factories import TerritoryFactory
from tests.survey.helpers import open_edition
from tools_registry.models import Tool, ToolStatus
from tools_registry.services import collectivity_for_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_mail_server(settings) -> None:
    with socket.socket() as probe:  # a local port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2


def test_a_submission_is_kept_and_the_failed_notification_logged(
    client, unreachable_mail_server, caplog, django_capture_on_commit_callbacks
) -> None:
    cache.clear()
    territory = TerritoryFactory(code="35288", name="Saint-Malo")
    data = {
        "name": "Forum malouin",
        "url": "https://forum.example.org/",
        "description": "Un forum.",
        "family": "forum",
        "objectives": ["idees"],
        "territory": territory.pk,
        "submitter_name": "Camille",
        "submitter_email": "camille@example.org",
        "consent": "on",
    }
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tools_registry:tool_submit"), data)
    assert response.status_code == 302
    assert Tool.objects.get().status == ToolStatus.PENDING
    failures = [
        record.getMessage() for record in caplog.records if record.getMessage().startswith("Email not sent")
    ]
    assert len(failures) == 2
    assert any("moderation@localhost" in failure for failure in failures)
    assert any("camille@example.org" in failure for failure in failures)


def test_invitations_that_could_not_be_sent_are_sent_by_the_next_run(
    settings, unreachable_mail_server
) -> None:
    edition = open_edition()
    collectivity = collectivity_for_territory(TerritoryFactory(code="35288", name="Saint-Malo"))
    Contact.objects.create(edition=edition, collectivity=collectivity, email="camille@example.org")
    failed = invitations.send_invitations(edition=edition, pause=lambda seconds: None)
    assert failed.failed == ["camille@example.org"] and failed.sent == 0
    assert not InvitationEmail.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retried = invitations.send_invitations(edition=edition, pause=lambda seconds: None)
    assert retried.sent == 1
    assert InvitationEmail.objects.count() == 1
