"""An erasure or an export asked for while the import of a contacts file naming the person is running
(PostgreSQL, one connection each): once the erasure is done, the person's address is in no contact and no
stored file, whichever of the two reaches the file first, and the others are imported; the export finds
the person in the file or in the contacts."""

import threading

import pytest
from django.db import connection

from privacy import services
from survey import invitations
from survey import services as survey_services
from survey.models import Contact, ContactImport
from tests.factories import EditionFactory, TerritoryFactory
from tests.privacy.conftest import PERSON
from tests.privacy.test_uploaded_files import OTHER, contacts_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WAIT = 30  # seconds: only reached when a thread is stuck


def in_thread(run) -> threading.Thread:
    def target() -> None:
        try:
            run()
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def paused_import(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Have the import job stop once it has read the file and created its contacts, before it commits:
    the first event is set then, and the job goes on once the second is."""
    imported, release = threading.Event(), threading.Event()
    import_contacts = invitations.import_contacts

    def import_then_wait(**kwargs) -> invitations.ContactImportReport:
        report = import_contacts(**kwargs)
        imported.set()
        assert release.wait(WAIT)
        return report

    monkeypatch.setattr(invitations, "import_contacts", import_then_wait)
    return imported, release


def test_an_erasure_while_the_file_is_imported_leaves_the_person_s_address_nowhere(
    admin_user, run_jobs, monkeypatch
) -> None:
    TerritoryFactory(code="35288", name="Saint-Malo", population=47000)
    upload = survey_services.queue_contact_import(
        edition=EditionFactory(), file_name="contacts.csv", data=contacts_file(","), by=admin_user
    )
    # The job has read the file and created its contacts, not committed yet, when the erasure is asked;
    # it goes on once the erasure reaches the stored files.
    imported, release = paused_import(monkeypatch)
    reaches_files = threading.Event()

    def watch_for_files(execute, sql, params, many, context):
        if '"survey_contactimport"' in sql:
            reaches_files.set()
        return execute(sql, params, many, context)

    def erase() -> None:
        with connection.execute_wrapper(watch_for_files):
            services.erase_personal_data(address=PERSON, via="test")

    job = in_thread(run_jobs)
    assert imported.wait(WAIT)
    erasure = in_thread(erase)
    assert reaches_files.wait(WAIT)
    release.set()
    job.join(WAIT)
    erasure.join(WAIT)
    assert not job.is_alive() and not erasure.is_alive()

    assert not Contact.objects.filter(email__iexact=PERSON).exists()
    invited = Contact.objects.owed_email(0).values_list("email", flat=True)
    assert set(invited) == {"agglo@saint-malo.example", OTHER}
    upload.refresh_from_db()
    assert upload.status == ContactImport.Status.DONE
    assert PERSON.lower().encode() not in bytes(upload.data).lower()
    assert services.export_personal_data(address=PERSON, via="test")["data"] == []


def test_an_export_while_the_file_is_imported_finds_the_person_in_the_file_or_in_the_contacts(
    admin_user, run_jobs, monkeypatch
) -> None:
    TerritoryFactory(code="35288", name="Saint-Malo", population=47000)
    survey_services.queue_contact_import(
        edition=EditionFactory(), file_name="contacts.csv", data=contacts_file(","), by=admin_user
    )
    # The job has read the file and created its contacts, not committed yet, when the export is asked;
    # the export reaches the stored files only once the job is done: the contacts are written and the
    # file is emptied.
    imported, release = paused_import(monkeypatch)
    reaches_files, job_done = threading.Event(), threading.Event()

    def files_after_the_job(execute, sql, params, many, context):
        if '"survey_contactimport"' in sql and not reaches_files.is_set():
            reaches_files.set()
            assert job_done.wait(WAIT)
        return execute(sql, params, many, context)

    exported = {}

    def export() -> None:
        with connection.execute_wrapper(files_after_the_job):
            exported.update(services.export_personal_data(address=PERSON, via="test"))

    job = in_thread(run_jobs)
    assert imported.wait(WAIT)
    exporting = in_thread(export)
    assert reaches_files.wait(WAIT)
    release.set()
    job.join(WAIT)
    job_done.set()
    exporting.join(WAIT)
    assert not job.is_alive() and not exporting.is_alive()

    found = {block["model"] for block in exported["data"]}
    assert "survey.Contact" in found or "survey.ContactImport" in found
