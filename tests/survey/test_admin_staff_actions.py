"""From an edition's admin, staff send the invitations and the reminders (after a confirmation saying how
many contacts get an email; the jobs send them) and import a contacts or a responses file (a job imports
it)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from survey import invitations
from survey.models import Contact, ContactImport, EditionStatus, Response, ResponseImport
from tests.factories import ContactFactory, SaintMaloFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def run_all(run_jobs) -> None:
    """Run the queue to its end, the emails spaced for the mail server included."""
    for _pass in range(3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_jobs()


def url(name: str, edition) -> str:
    return reverse(f"admin:survey_edition_{name}", args=[edition.pk])


def test_the_edition_s_pages_are_linked_from_its_admin_page(staff, edition) -> None:
    html = staff.get(reverse("admin:survey_edition_change", args=[edition.pk])).content.decode()
    for name in ("send_invitations", "send_reminders", "import_responses", "import_contacts", "dashboard"):
        assert f'href="{url(name, edition)}"' in html


def test_staff_confirm_the_invitations_knowing_how_many_contacts_get_one(
    staff, edition, contact, colleague, run_jobs
) -> None:
    text = page_text(staff.get(url("send_invitations", edition)))
    assert "2 contacts recevront l'invitation par courriel." in text
    assert not DBTaskResult.objects.exists()  # nothing is sent by looking at the page
    page = staff.post(url("send_invitations", edition), {"round": "0"}, follow=True)
    assert "Les invitations de 2 contacts sont en file d'attente" in page_text(page)
    assert mail.outbox == []  # the request never waits on the mail server
    run_all(run_jobs)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([contact.email, colleague.email])
    text = page_text(staff.get(url("send_invitations", edition)))
    assert "Aucun contact n'attend l'invitation" in text
    assert "Oui, envoyer" not in text


def test_asking_twice_sends_each_invitation_once(staff, edition, contact, run_jobs) -> None:
    staff.post(url("send_invitations", edition), {"round": "0"})
    staff.post(url("send_invitations", edition), {"round": "0"})
    run_all(run_jobs)
    assert [message.to for message in mail.outbox] == [[contact.email]]


def test_a_reminder_goes_to_invited_contacts_only_and_says_how_many(
    staff, edition, contact, other_collectivity, run_jobs
) -> None:
    ContactFactory(edition=edition, collectivity=other_collectivity, email="parc@example.org")
    assert "Aucun contact n'attend de relance" in page_text(staff.get(url("send_reminders", edition)))
    invitations.send_invitations(edition=edition, per_second=0)
    run_all(run_jobs)
    mail.outbox.clear()
    text = page_text(staff.get(url("send_reminders", edition)))
    assert "Relance n° 1 : 2 contacts la recevront." in text
    page = staff.post(url("send_reminders", edition), {"round": "1"}, follow=True)
    assert "La relance n° 1 de 2 contacts est en file d'attente" in page_text(page)
    run_all(run_jobs)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([contact.email, "parc@example.org"])
    assert all("Rappel" in m.subject for m in mail.outbox)
    text = page_text(staff.get(url("send_reminders", edition)))
    assert "Relance n° 1 : 0 contacts la recevront." in text
    assert "Relance n° 2 : 2 contacts la recevront." in text


def test_nothing_is_sent_for_an_edition_not_open(staff, edition, contact, run_jobs) -> None:
    edition.status = EditionStatus.CLOSED
    edition.save()
    text = page_text(staff.get(url("send_invitations", edition)))
    assert (
        "L'édition 2016 n'est pas ouverte aux réponses (Fermée) : aucun courriel ne peut être envoyé." in text
    )
    page = staff.post(url("send_invitations", edition), {"round": "0"}, follow=True)
    assert "L'édition 2016 n'est pas ouverte aux réponses : rien n'a été envoyé." in page_text(page)
    run_all(run_jobs)
    assert mail.outbox == []


def test_staff_without_the_right_to_change_the_edition_cannot_send(client, edition, contact) -> None:
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("lecture", password="x", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_edition", "view_contact"]))
    client.force_login(viewer)
    assert client.post(url("send_invitations", edition), {"round": "0"}).status_code == 403
    assert not DBTaskResult.objects.exists()


LONG = "response_id,subject,question_code,value,rank\nA,,has_tool,oui,\nB,,has_tool,non,\n"


def upload(staff, edition, content: str, name: str = "reponses.csv"):
    file = SimpleUploadedFile(name, content.encode(), "text/csv")
    return staff.post(url("import_responses", edition), {"file": file}, follow=True)


def test_staff_upload_a_responses_file_that_a_job_imports(staff, edition, run_jobs) -> None:
    text = page_text(upload(staff, edition, LONG))
    assert "Fichier reponses.csv reçu : son import est en file d'attente." in text
    assert "En attente du worker" in text
    assert not Response.objects.exists()  # not in the request
    run_jobs()
    assert Response.objects.filter(edition=edition).count() == 2
    text = page_text(staff.get(url("import_responses", edition)))
    assert "reponses.csv" in text and "2 réponses importées." in text
    assert bytes(ResponseImport.objects.get().data) == b""  # the file is not kept once imported


def test_a_refused_file_shows_its_errors_to_staff_and_imports_nothing(staff, edition, run_jobs) -> None:
    upload(staff, edition, LONG + "C,,mystery,x,\n", name="<img src=x onerror=alert(1)>.csv")
    run_jobs()
    html = staff.get(url("import_responses", edition)).content.decode()
    text = page_text(staff.get(url("import_responses", edition)))
    assert "Refusé : rien n'a été importé" in text
    assert "Ligne 4 : code de question inconnu : mystery." in text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;.csv" in html
    assert not Response.objects.exists()


def test_a_job_run_twice_imports_the_file_once(staff, edition, run_jobs) -> None:
    from survey.tasks import import_response_file

    upload(staff, edition, LONG)
    run_jobs()
    import_response_file.enqueue(import_id=ResponseImport.objects.get().pk)
    run_jobs()
    assert Response.objects.count() == 2
    assert ResponseImport.objects.get().status == "done"


CONTACTS = (
    "email;name;role;collectivity_code\n"
    "camille@saint-malo.example;Camille Agent;Chargée de mission;35288\n"
    "dominique@saint-malo.example;Dominique Élue;Adjointe;213502883\n"
)


def upload_contacts(staff, edition, content: bytes, name: str = "contacts.csv"):
    file = SimpleUploadedFile(name, content, "text/csv")
    return staff.post(url("import_contacts", edition), {"file": file}, follow=True)


def test_staff_upload_a_contacts_file_that_a_job_imports(staff, edition, run_jobs) -> None:
    SaintMaloFactory()
    text = page_text(upload_contacts(staff, edition, CONTACTS.encode()))
    assert "Fichier contacts.csv reçu : son import est en file d'attente." in text
    assert "contacts.csv" in text and "En attente du worker" in text
    assert not Contact.objects.exists()  # not in the request
    run_jobs()
    assert sorted(Contact.objects.filter(edition=edition).values_list("email", flat=True)) == [
        "camille@saint-malo.example",
        "dominique@saint-malo.example",
    ]
    text = page_text(staff.get(url("import_contacts", edition)))
    assert "Importé" in text and "2 contacts importés." in text
    # Names and addresses are not kept in the upload once the job has read them.
    assert bytes(ContactImport.objects.get().data) == b""


def test_a_contacts_file_already_imported_adds_only_its_new_rows(staff, edition, run_jobs) -> None:
    SaintMaloFactory()
    upload_contacts(staff, edition, CONTACTS.encode())
    run_jobs()
    upload_contacts(staff, edition, (CONTACTS + "sacha@saint-malo.example;Sacha;DGS;35288\n").encode())
    run_jobs()
    text = page_text(staff.get(url("import_contacts", edition)))
    assert "1 contact importé." in text
    assert "2 contacts étaient déjà dans l'édition : ils sont laissés tels quels." in text
    assert Contact.objects.count() == 3


def test_a_contacts_file_with_a_bad_row_is_refused_whole_and_staff_see_why(staff, edition, run_jobs) -> None:
    SaintMaloFactory()
    bad = CONTACTS + "pas-une-adresse;X;Y;35288\ninconnu@example.org;I;R;99999\n"
    upload_contacts(staff, edition, bad.encode(), name="<b>liste.csv")
    run_jobs()
    html = staff.get(url("import_contacts", edition)).content.decode()
    text = page_text(staff.get(url("import_contacts", edition)))
    assert "Refusé : rien n'a été importé" in text
    assert "Aucun contact n'a été importé : 2 lignes sont rejetées." in text
    assert "ligne 4 : adresse électronique invalide" in text
    assert "ligne 5 : collectivité inconnue : 99999" in text
    assert "<b>liste" not in html and "&lt;b&gt;liste.csv" in html
    assert not Contact.objects.exists()
    assert bytes(ContactImport.objects.get().data) == b""


def test_a_refused_contacts_file_s_report_gives_the_bad_address_s_row_not_the_address(
    staff, edition, run_jobs
) -> None:
    # A typo staff fix in the file they hold: the report, kept once the file is emptied, names the row.
    SaintMaloFactory()
    typo = "Camille.Agent@saint-malo"
    bad = CONTACTS + f"{typo};Camille Agent;Chargée de mission;35288\n"
    upload_contacts(staff, edition, bad.encode())
    run_jobs()
    text = page_text(staff.get(url("import_contacts", edition)))
    assert "ligne 4 : adresse électronique invalide" in text
    upload = ContactImport.objects.get()
    assert upload.report_lines() == [
        "Aucun contact n'a été importé : 1 ligne est rejetée.",
        "ligne 4 : adresse électronique invalide",
    ]
    assert typo.lower() not in text.lower() and "Camille Agent" not in upload.report


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "email;name\né@x.fr;É\n".encode("cp1252"),
            "liste.csv : Fichier illisible : un fichier CSV encodé en UTF-8 est attendu",
        ),
        (b"\xef\xbb\xbf\r\n", "liste.csv : Le fichier est vide : la première ligne doit donner les colonnes"),
        (b"email\tname\trole\tcollectivity_code\n", "liste.csv : Colonnes manquantes : email, name, role"),
    ],
    ids=["windows-1252", "empty", "tab-separated"],
)
def test_a_contacts_file_that_cannot_be_read_is_refused_at_once_naming_it(
    staff, edition, content, message
) -> None:
    page = upload_contacts(staff, edition, content, name="liste.csv")
    assert page.status_code == 400
    assert message in page_text(page)
    assert not ContactImport.objects.exists()
    assert not DBTaskResult.objects.exists()
