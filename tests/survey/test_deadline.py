"""The respondent is told until when the edition takes answers, wherever the survey reaches them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from survey import invitations
from survey.models import Edition
from tests.helpers import page_text
from tests.survey.helpers import open_url, sign_up, welcome_url

pytestmark = pytest.mark.django_db

DEADLINE = "Vous pouvez répondre jusqu'au 31 mars 2027 inclus."


@pytest.fixture
def ends_31_march(edition) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(ends_on=datetime.date(2027, 3, 31))
    edition.refresh_from_db()
    return edition


def one_paragraph(body: str) -> str:
    return " ".join(body.split())


def test_the_invitation_and_the_reminder_give_the_last_day(ends_31_march, contact, run_jobs) -> None:
    for round in (0, 1):
        invitations.send_invitations(edition=ends_31_march, round=round, per_second=0)
        run_jobs()
    invitation, reminder = mail.outbox
    assert "Rappel" not in invitation.subject and "Rappel" in reminder.subject
    for email in (invitation, reminder):
        assert f"{contact.get_absolute_url(language=contact.language)}\n\n{DEADLINE}\n\n" in email.body


def test_emails_of_an_edition_without_end_date_say_nothing_of_it(edition, contact, run_jobs) -> None:
    invitations.send_invitations(edition=edition, per_second=0)
    run_jobs()
    [email] = mail.outbox
    assert "jusqu'au" not in email.body
    assert "\n\n\n" not in email.body


def test_the_personal_link_email_gives_the_last_day(client, ends_31_march, dinard, run_jobs) -> None:
    sign_up(client, ends_31_march, run_jobs)
    assert DEADLINE in one_paragraph(mail.outbox[-1].body)


def test_the_welcome_page_and_the_open_link_give_the_last_day(client, ends_31_march, contact) -> None:
    assert DEADLINE in page_text(client.get(welcome_url(contact)))
    assert DEADLINE in page_text(client.get(open_url(ends_31_march)))


def test_the_last_day_is_written_the_english_way_in_english(client, ends_31_march, contact) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = page_text(client.get(welcome_url(contact)))
    assert "March 31, 2027" in text
    assert "31 mars" not in text


def test_no_last_day_is_shown_when_the_edition_has_none(client, edition, contact) -> None:
    assert "jusqu'au" not in page_text(client.get(welcome_url(contact)))
