"""Access and erasure on request: everything the site holds about an address, exported, then erased
everywhere, while the published tools and the barometer's figures stay as they were."""

import io
import json
from smtplib import SMTPRecipientsRefused

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from barometre.results import figures
from jobs.models import QueuedJob
from privacy import services
from privacy.models import PersonalDataRequest, RequestAction, address_digest
from survey import tasks
from survey.models import Answer, Contact, EditionStatus, InvitationEmail, Response
from tests.factories import EditionFactory
from tests.privacy.conftest import LONGER, NAME, PERSON, propose
from tools_registry import tasks as registry_tasks
from tools_registry.models import Collectivity, Tool

pytestmark = pytest.mark.django_db
HANDLE = reverse("admin:privacy_personaldatarequest_handle")


@pytest.fixture
def person(client, saint_malo, admin_user, proposed_tool, answered_contact, run_jobs) -> dict:
    """The person's data wherever the site keeps some: a proposal (and its history and emails), the
    survey (contact, response, invitation, the tool the answer fed to the registry), an admin log
    entry naming the contact, a sign-in attempt with the address as user name, a job still waiting."""
    tasks.send_invitation.enqueue(contact_id=answered_contact.pk, round=0)
    InvitationEmail.objects.create(contact=answered_contact, round=0)
    run_jobs()
    changed_in_admin(admin_user, answered_contact)
    AccessAttempt.objects.create(
        user_agent="Navigateur",
        ip_address="203.0.113.9",
        username=PERSON,
        http_accept="*/*",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    waiting = propose(saint_malo, name="Forum malouin")
    return {"tool": proposed_tool, "contact": answered_contact, "waiting": waiting}


def changed_in_admin(user, contact: Contact) -> LogEntry:
    """The admin's record of a change to a contact: it names the contact by its address."""
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(contact),
        object_id=contact.pk,
        object_repr=str(contact),
        action_flag=CHANGE,
    )


def refused_email(recipient: str) -> QueuedJob:
    """A job whose email the mail server refused: its traceback quotes the recipient as Python writes it
    ('camille@…'). Its arguments name none of the person's rows (a proposal since deleted)."""
    queued = registry_tasks.acknowledge_submission.enqueue(tool_id=0, language="fr")
    job = QueuedJob.objects.get(pk=queued.id)
    job.set_failed(SMTPRecipientsRefused({recipient: (550, b"5.1.1 User unknown")}))
    return job


def exported_rows(model_label: str) -> list[dict]:
    exported = services.export_personal_data(address=PERSON, via="test")
    return [row for block in exported["data"] if block["model"] == model_label for row in block["rows"]]


def text_columns_holding(text: str) -> list[str]:
    """Every text column of every table where `text` still appears (case ignored)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                if model._default_manager.filter(**{f"{field.name}__icontains": text}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


def published_figures() -> dict:
    edition = Response.objects.get().edition
    return {
        "indicators": figures.compute(edition),
        "published_tools": Tool.objects.published().count(),
        "tools": Tool.objects.count(),
        "collectivities_with_tools": Collectivity.objects.filter(tools__status="published")
        .distinct()
        .count(),
        "answers": Answer.objects.count(),
        "counted": Response.objects.counted().count(),
    }


def test_the_export_holds_everything_about_the_address(person) -> None:
    exported = services.export_personal_data(address=PERSON.upper(), via="test")
    by_model = {block["model"]: block["rows"] for block in exported["data"]}
    assert {row["submitter_email"].lower() for row in by_model["tools_registry.Tool"]} == {PERSON.lower()}
    # The proposal, the one waiting, and the tool the survey answer proposed to the registry.
    assert len(by_model["tools_registry.Tool"]) == 3
    assert len(by_model["tools_registry.HistoricalTool"]) >= 4
    assert by_model["survey.Contact"][0]["name"] == NAME
    assert by_model["survey.Response"][0]["respondent_email"] == PERSON.lower()
    assert len(by_model["survey.InvitationEmail"]) == 1
    assert len(by_model["admin.LogEntry"]) == 1
    assert by_model["axes.AccessAttempt"][0]["ip_address"] == "203.0.113.9"
    jobs = {job["task_path"] for job in exported["linked_jobs"]}
    assert {"survey.tasks.send_invitation", "tools_registry.tasks.acknowledge_submission"} <= jobs
    # A survey token is a password: never written to a file.
    assert person["contact"].token not in json.dumps(exported, default=str)


def test_erasure_leaves_the_address_nowhere_and_the_figures_unchanged(person) -> None:
    before = published_figures()
    counts = services.erase_personal_data(address=PERSON, via="test")
    assert counts["survey.Contact"] == 1 and counts["tools_registry.Tool"] == 3
    assert text_columns_holding(PERSON) == []
    assert text_columns_holding(NAME) == []
    assert published_figures() == before
    tool = Tool.objects.get(pk=person["tool"].pk)
    assert tool.status == Tool.Status.PUBLISHED and tool.submitter_email == ""
    # Jobs that named the person's rows are gone; a second request finds nothing.
    assert not QueuedJob.objects.filter(args_kwargs__args__0=person["waiting"].pk).exists()
    assert services.export_personal_data(address=PERSON, via="test")["data"] == []


def test_the_language_of_a_contacts_emails_is_exported_and_goes_with_their_address(saint_malo) -> None:
    contact = Contact.objects.create(
        edition=EditionFactory(status=EditionStatus.OPEN),
        collectivity=saint_malo,
        email=PERSON.lower(),
        language="en",
    )
    exported = services.export_personal_data(address=PERSON, via="test")
    [row] = next(block["rows"] for block in exported["data"] if block["model"] == "survey.Contact")
    assert row["language"] == "en"
    services.erase_personal_data(address=PERSON, via="test")
    contact.refresh_from_db()
    assert contact.erased_at is not None and contact.language == "fr"


def test_each_request_is_logged_with_a_hash_of_the_address_never_the_address(person) -> None:
    services.export_personal_data(address=PERSON, via="commande")
    services.erase_personal_data(address=PERSON, via="commande")
    logged = list(
        PersonalDataRequest.objects.order_by("handled_at").values_list("action", "address_digest", "via")
    )
    assert logged == [
        (RequestAction.EXPORT, address_digest(PERSON), "commande"),
        (RequestAction.ERASE, address_digest(PERSON), "commande"),
    ]
    assert address_digest(PERSON) == address_digest(PERSON.upper())


def test_the_commands_write_the_export_and_erase(person, tmp_path) -> None:
    out = tmp_path / "export.json"
    call_command("personal_data", "export", PERSON, "--output", str(out), stderr=io.StringIO())
    exported = json.loads(out.read_text())
    assert "survey.Contact" in {block["model"] for block in exported["data"]}
    stdout = io.StringIO()
    call_command("personal_data", "erase", PERSON, stdout=stdout)
    assert "survey.Contact : 1" in stdout.getvalue()
    assert text_columns_holding(PERSON) == []


def test_staff_export_from_the_admin_and_the_request_is_logged(admin_client, admin_user, person) -> None:
    response = admin_client.post(HANDLE, {"email": PERSON, "action": "export"})
    assert response["Content-Disposition"].startswith('attachment; filename="donnees-personnelles-')
    exported = json.loads(response.content)
    assert "tools_registry.Tool" in {block["model"] for block in exported["data"]}
    logged = PersonalDataRequest.objects.get()
    assert (logged.handled_by, logged.via, logged.action) == (admin_user, "admin", RequestAction.EXPORT)


def test_staff_see_what_will_be_erased_before_confirming(admin_client, person) -> None:
    shown = admin_client.post(HANDLE, {"email": PERSON, "action": "erase"})
    assert "Enquête : contacts (nom, fonction, adresse)" in shown.content.decode()
    assert Tool.objects.filter(submitter_email__iexact=PERSON).count() == 3
    done = admin_client.post(HANDLE, {"email": PERSON, "action": "erase", "confirmed": "on"})
    assert done.status_code == 302
    assert text_columns_holding(PERSON) == []
    listed = admin_client.get(reverse("admin:privacy_personaldatarequest_changelist"), {"q": PERSON})
    assert address_digest(PERSON) in listed.content.decode()


def test_staff_without_the_permission_cannot_handle_requests(client, django_user_model, person) -> None:
    staff = django_user_model.objects.create_user("moderatrice", password="x", is_staff=True)
    client.force_login(staff)
    assert client.post(HANDLE, {"email": PERSON, "action": "export"}).status_code == 403
    assert not PersonalDataRequest.objects.exists()


def test_an_invalid_address_is_explained_and_kept(admin_client) -> None:
    response = admin_client.post(HANDLE, {"email": "pas-une-adresse", "action": "export"})
    assert response.status_code == 200
    assert 'value="pas-une-adresse"' in response.content.decode()
    assert not PersonalDataRequest.objects.exists()


def test_admin_log_entries_naming_addresses_that_hold_the_person_s_are_neither_exported_nor_erased(
    admin_user, saint_malo, answered_contact
) -> None:
    changed_in_admin(admin_user, answered_contact)
    others = [
        Contact.objects.create(edition=answered_contact.edition, collectivity=saint_malo, email=other)
        for other in LONGER
    ]
    for contact in others:
        changed_in_admin(admin_user, contact)
    assert [row["object_repr"] for row in exported_rows("admin.LogEntry")] == [str(answered_contact)]

    services.erase_personal_data(address=PERSON, via="test")
    kept = ["", *(str(contact) for contact in others)]
    assert sorted(LogEntry.objects.values_list("object_repr", flat=True)) == sorted(kept)


def test_a_job_error_quoting_the_address_is_exported_and_erased_not_one_quoting_a_longer_address() -> None:
    quoting_the_person = refused_email(PERSON.lower())
    others = [refused_email(other).pk for other in LONGER]
    exported = exported_rows("django_tasks_database.DBTaskResult")
    assert [row["id"] for row in exported] == [quoting_the_person.pk]
    assert f"'{PERSON.lower()}'" in exported[0]["traceback"]

    counts = services.erase_personal_data(address=PERSON, via="test")
    assert counts["django_tasks_database.DBTaskResult"] == 1
    assert sorted(QueuedJob.objects.values_list("pk", flat=True)) == sorted(others)
