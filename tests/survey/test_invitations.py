import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from survey import invitations, tasks
from survey.models import Contact, ContactStatus, EditionStatus, InvitationEmail
from tests.factories import (
    CollectivityFactory,
    ContactFactory,
    EditionFactory,
    SaintMaloFactory,
    TerritoryFactory,
)
from tests.helpers import page_text
from tests.survey.helpers import answer_everything, review_url, welcome_url
from tools_registry.choices import CollectivityKind
from tools_registry.models import Collectivity, TerritoryKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db) -> None:
    SaintMaloFactory()
    TerritoryFactory(kind=TerritoryKind.EPCI, code="200070761", name="Saint-Malo Agglomération")
    TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="35", name="Ille-et-Vilaine")
    TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne")
    TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="53", name="Mayenne")


VALID_CONTACTS = """email,name,role,collectivity_code,collectivity_kind
camille@saint-malo.example,Camille Agent,Chargée de mission,35288,
dominique@saint-malo.example,Dominique Élue,Adjointe,35288,
agglo@saint-malo.example,,DGS,200070761,
bretagne@example.org,Région,DGS,53,region
"""

CONTACTS = """email,name,role,collectivity_code,collectivity_kind
camille@saint-malo.example,Camille Agent,Chargée de mission,35288,
dominique@saint-malo.example,Dominique Élue,Adjointe,35288,
agglo@saint-malo.example,,DGS,200070761,
pas-une-adresse,X,Y,35288,
camille@saint-malo.example,Camille Bis,Agent,35288,
,Sans adresse,Agent,35288,
inconnu@example.org,Inconnu,Agent,99999,
ambigu@example.org,Ambigu,Agent,53,
bretagne@example.org,Région,DGS,53,region
sans-code@example.org,Sans code,Agent,,
"""


def test_a_file_with_rejected_rows_is_refused_whole_each_row_said_with_why(edition, places) -> None:
    with pytest.raises(ValidationError) as error:
        invitations.import_contacts(edition=edition, data=CONTACTS.encode())
    assert error.value.messages == [
        "Aucun contact n'a été importé : 6 lignes sont rejetées.",
        "ligne 5 : adresse électronique invalide",
        "ligne 6 : adresse déjà présente ligne 2",
        "ligne 7 : adresse électronique manquante",
        "ligne 8 : collectivité inconnue : 99999",
        "ligne 9 : le code 53 désigne plusieurs territoires : précisez le type dans la colonne "
        "collectivity_kind (commune, epci, departement, region)",
        "ligne 11 : code de collectivité manquant",
    ]
    assert not Contact.objects.exists()
    # Nor the collectivities the valid rows would have added to the registry.
    assert not Collectivity.objects.exists()


def test_a_valid_file_imports_every_contact_and_again_adds_nothing(edition, places) -> None:
    report = invitations.import_contacts(edition=edition, data=VALID_CONTACTS.encode())
    assert (report.created, report.already_known) == (4, 0)
    assert report.lines() == ["4 contacts importés."]
    camille, dominique = Contact.objects.filter(email__endswith="@saint-malo.example").exclude(
        email__startswith="agglo"
    )
    assert camille.collectivity == dominique.collectivity
    assert camille.token != dominique.token and len(camille.token) >= 40
    assert Contact.objects.get(email="bretagne@example.org").collectivity.kind == "region"
    again = invitations.import_contacts(
        edition=edition, data=(VALID_CONTACTS + "nouveau@example.org,Nouveau,DGS,35,\n").encode()
    )
    assert again.lines() == [
        "1 contact importé.",
        "4 contacts étaient déjà dans l'édition : ils sont laissés tels quels.",
    ]
    assert Contact.objects.count() == 5


def test_a_contact_s_collectivity_may_be_named_by_siren_or_by_name(edition, places) -> None:
    rows = (
        "email,name,role,collectivity_code\n"
        "mairie@example.org,,,213502883\n"
        "agglo@example.org,,,Saint-Malo Agglomération\n"
    )
    report = invitations.import_contacts(edition=edition, data=rows.encode())
    assert (report.created, report.rejected) == (2, [])
    found = {contact.email: contact.collectivity.name for contact in Contact.objects.all()}
    assert found == {"mairie@example.org": "Saint-Malo", "agglo@example.org": "Saint-Malo Agglomération"}


def test_the_import_command_prints_the_report(edition, places, tmp_path, capsys) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(VALID_CONTACTS, encoding="utf-8")
    call_command("import_contacts", "2016", str(path))
    assert "4 contacts importés." in capsys.readouterr().out


def test_the_import_command_names_the_rejected_rows_and_imports_nothing(edition, places, tmp_path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_contacts", "2016", str(path))
    assert "Aucun contact n'a été importé : 6 lignes sont rejetées." in str(error.value)
    assert "ligne 8 : collectivité inconnue : 99999" in str(error.value)
    assert not Contact.objects.exists()


def test_a_file_without_the_expected_columns_is_refused(edition) -> None:
    with pytest.raises(Exception, match="Colonnes manquantes : collectivity_code"):
        invitations.import_contacts(edition=edition, data=b"email,name,role\na@b.fr,A,B\n")


def test_a_comma_separated_file_is_read_even_with_semicolons_in_its_values(edition, places) -> None:
    rows = (
        "email,name,role,collectivity_code\ncamille@saint-malo.example,Camille Agent,Élue; adjointe,35288\n"
    )
    report = invitations.import_contacts(edition=edition, data=rows.encode())
    assert (report.created, report.rejected) == (1, [])
    assert Contact.objects.get().role == "Élue; adjointe"


def test_a_semicolon_separated_file_as_french_excel_saves_it_is_read(edition, places) -> None:
    # Excel's « CSV UTF-8 » in French: a byte-order mark, semicolons, CRLF, a comma inside a value.
    rows = (
        "\ufeffemail;name;role;collectivity_code;collectivity_kind\r\n"
        "camille@saint-malo.example;Camille Agent;Chargée de mission, communication;35288;\r\n"
        "bretagne@example.org;Région;DGS;53;region\r\n"
    )
    report = invitations.import_contacts(edition=edition, data=rows.encode())
    assert report.created == 2
    camille = Contact.objects.get(email="camille@saint-malo.example")
    assert (camille.name, camille.role) == ("Camille Agent", "Chargée de mission, communication")
    assert Contact.objects.get(email="bretagne@example.org").collectivity.kind == "region"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "email;nom;role;collectivity_code\nà@b.fr;É;R;35288\n".encode("cp1252"),
            "Fichier illisible : un fichier CSV encodé en UTF-8 est attendu (dans Excel, "
            "« Enregistrer sous » puis « CSV UTF-8 »).",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5\xe3", "Fichier illisible : un fichier CSV"),
        (b"\xef\xbb\xbf\r\n", "Le fichier est vide : la première ligne doit donner les colonnes"),
        (
            b"email\tname\trole\tcollectivity_code\n",
            "Colonnes manquantes : email, name, role, collectivity_code (attendu : "
            "email,name,role,collectivity_code, séparées par des virgules ou des points-virgules).",
        ),
        (
            (
                'email,name,role,collectivity_code\na@example.org,A,B,35288\nb@example.org,"'
                + "x" * 200_000
                + '"'
            ).encode(),
            "Fichier illisible, ligne 3 : field larger than field limit (131072). "
            "Aucun contact n'a été importé.",
        ),
    ],
    ids=["windows-1252", "excel-workbook", "empty", "tab-separated", "broken-row"],
)
def test_an_unreadable_file_is_refused_in_words_and_nothing_is_imported(
    edition, places, data, message
) -> None:
    with pytest.raises(ValidationError) as error:
        invitations.import_contacts(edition=edition, data=data)
    assert error.value.messages[0].startswith(message)
    assert not Contact.objects.exists()


def test_an_unknown_language_in_the_contacts_file_is_refused_with_why(edition, places) -> None:
    rows = (
        "email,name,role,collectivity_code,language\n"
        "camille@saint-malo.example,Camille Agent,Chargée de mission,35288,en\n"
        "dominique@saint-malo.example,Dominique Élue,Adjointe,35288,de\n"
    )
    with pytest.raises(ValidationError) as error:
        invitations.import_contacts(edition=edition, data=rows.encode())
    assert error.value.messages == [
        "Aucun contact n'a été importé : 1 ligne est rejetée.",
        "ligne 3 : langue inconnue : de (attendu : fr, en)",
    ]
    assert not Contact.objects.exists()


def test_a_contact_imported_in_english_is_invited_and_reminded_in_english(edition, places, run_jobs) -> None:
    edition.title_en = "Local digital democracy barometer 2016"
    edition.save(update_fields=["title_en"])
    rows = (
        "email,name,role,collectivity_code,language\n"
        "camille@saint-malo.example,Camille Agent,Chargée de mission,35288,EN\n"
        "dominique@saint-malo.example,Dominique Élue,Adjointe,35288,\n"
    )
    invitations.import_contacts(edition=edition, data=rows.encode())
    for round in (0, 1):
        invitations.send_invitations(edition=edition, round=round, per_second=0)
        run_jobs()
    camille = Contact.objects.get(email="camille@saint-malo.example")
    invitation, reminder = (m for m in mail.outbox if m.to == [camille.email])
    assert (
        invitation.subject == "Digital Local Democracy Barometer: your local authority is invited to respond"
    )
    assert reminder.subject == (
        "Reminder: the Digital Local Democracy Barometer is still awaiting your local authority's response"
    )
    for email in (invitation, reminder):
        body = " ".join(email.body.split())
        assert body.startswith("Hello Camille Agent,")
        assert "The “Local digital democracy barometer 2016” survey" in body
        assert "Digital Local Democracy Barometer team" in body
        assert settings.SITE_URL + camille.get_absolute_url() in body
    assert "is still awaiting a response from Saint-Malo." in " ".join(reminder.body.split())
    # Without a language in the file, French.
    invitation, reminder = (m for m in mail.outbox if m.to == ["dominique@saint-malo.example"])
    assert invitation.subject.startswith("Baromètre de la démocratie locale numérique : votre collectivité")
    assert reminder.subject.startswith("Rappel : le Baromètre")
    assert invitation.body.startswith("Bonjour Dominique Élue,")
    assert "« Baromètre de la démocratie locale numérique 2016 »" in " ".join(reminder.body.split())


ENGLISH_WELCOME = "This questionnaire surveys the digital local-democracy tools"
FRENCH_WELCOME = "Ce questionnaire dresse le panorama des outils numériques"


def emailed_link(contact: Contact) -> str:
    """The personal link of the last email sent to the contact, as the test client follows it."""
    body = [message for message in mail.outbox if message.to == [contact.email]][-1].body
    link = urlsplit(re.search(r"^https?://\S+$", body, re.MULTILINE).group())
    return f"{link.path}?{link.query}" if link.query else link.path


def page_language(page) -> str:
    return re.search(r'<html lang="([^"]+)">', page.content.decode()).group(1)


@pytest.mark.parametrize(
    ("language", "browser", "welcome"), [("en", "fr", ENGLISH_WELCOME), ("fr", "en", FRENCH_WELCOME)]
)
@pytest.mark.parametrize("round", [0, 1])
def test_the_emailed_link_opens_the_survey_in_the_contact_s_language_whatever_the_browser_s(
    contact, run_jobs, language, browser, welcome, round
) -> None:
    Contact.objects.filter(pk=contact.pk).update(language=language)
    for sent in range(round + 1):
        invitations.send_invitations(edition=contact.edition, round=sent, per_second=0)
        run_jobs()
    respondent = Client(HTTP_ACCEPT_LANGUAGE=browser)
    page = respondent.get(emailed_link(contact), follow=True)
    assert page_language(page) == language
    assert welcome in page_text(page)
    # The questionnaire's pages follow in that language.
    started = respondent.post(welcome_url(contact), follow=True)
    assert started.redirect_chain and page_language(started) == language


def test_after_the_emailed_link_the_language_switcher_still_changes_the_language(contact, run_jobs) -> None:
    Contact.objects.filter(pk=contact.pk).update(language="en")
    invitations.send_invitations(edition=contact.edition, per_second=0)
    run_jobs()
    respondent = Client(HTTP_ACCEPT_LANGUAGE="fr")
    page = respondent.get(emailed_link(contact), follow=True)
    assert page_language(page) == "en"
    # The switcher sends back to the page it was on (its full address).
    query = page.request["QUERY_STRING"]
    back = page.request["PATH_INFO"] + (f"?{query}" if query else "")
    switched = respondent.post(reverse("set_language"), {"language": "fr", "next": back}, follow=True)
    assert page_language(switched) == "fr"
    assert FRENCH_WELCOME in page_text(switched)
    assert page_language(respondent.get(welcome_url(contact))) == "fr"


@pytest.mark.parametrize("browser", ["fr", "en"])
@pytest.mark.parametrize("query", ["", "?lang=de"])
def test_a_link_naming_no_language_it_can_show_opens_in_the_browser_s(contact, browser, query) -> None:
    """Staff's copy of the link (the admin shows it without a language), or one naming a language the site
    does not have: the browser's language, as before."""
    Contact.objects.filter(pk=contact.pk).update(language="en" if browser == "fr" else "fr")
    page = Client(HTTP_ACCEPT_LANGUAGE=browser).get(welcome_url(contact) + query, follow=True)
    assert page_language(page) == browser


def test_sending_invitations_is_idempotent(edition, contact, colleague, run_jobs, capsys) -> None:
    call_command("send_invitations", "2016", "--per-second", "0")
    assert "2 courriels mis en file d'attente." in capsys.readouterr().out
    assert mail.outbox == []  # the request or command never waits on the mail server
    call_command("send_invitations", "2016", "--per-second", "0")
    assert "2 déjà en file d'attente" in capsys.readouterr().out
    run_jobs()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([colleague.email, contact.email])
    assert contact.get_absolute_url() in next(m.body for m in mail.outbox if m.to == [contact.email])
    call_command("send_invitations", "2016", "--per-second", "0")
    assert "0 courriels mis en file d'attente." in capsys.readouterr().out
    run_jobs()
    assert len(mail.outbox) == 2
    contact.refresh_from_db()
    assert contact.status == ContactStatus.INVITED


def test_people_who_signed_up_through_the_open_link_get_no_invitation_nor_reminder(
    edition, contact, collectivity, run_jobs
) -> None:
    Contact.objects.create(
        edition=edition,
        collectivity=collectivity,
        email="volontaire@saint-malo.example",
        origin=Contact.Origin.OPEN_LINK,
    )
    for round in (0, 1):
        invitations.send_invitations(edition=edition, round=round, per_second=0)
        run_jobs()
    assert [message.to for message in mail.outbox] == [[contact.email], [contact.email]]


def test_replies_to_an_invitation_or_a_reminder_reach_the_survey_team(
    edition, contact, run_jobs, settings
) -> None:
    settings.SURVEY_REPLY_TO = "barometre@decider-ensemble.example"
    for round in (0, 1):
        invitations.send_invitations(edition=edition, round=round, per_second=0)
        run_jobs()
    assert [message.reply_to for message in mail.outbox] == [["barometre@decider-ensemble.example"]] * 2


def test_two_jobs_for_the_same_invitation_send_it_once(edition, contact, run_jobs) -> None:
    tasks.send_invitation.enqueue(contact_id=contact.pk, round=0)
    tasks.send_invitation.enqueue(contact_id=contact.pk, round=0)
    assert [job.status for job in run_jobs()] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert [message.to for message in mail.outbox] == [[contact.email]]
    assert InvitationEmail.objects.filter(contact=contact).count() == 1


def test_an_invitation_that_failed_is_not_recorded_and_is_retried(
    edition, contact, colleague, monkeypatch, run_jobs
) -> None:
    real_send = tasks.send_email
    calls = []

    def crash_on_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ConnectionError("serveur de courrier injoignable")
        return real_send(**kwargs)

    monkeypatch.setattr(tasks, "send_email", crash_on_second)
    invitations.send_invitations(edition=edition, per_second=0)
    assert sorted(job.status for job in run_jobs()) == ["FAILED", "SUCCESSFUL"]
    assert InvitationEmail.objects.count() == 1
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    assert [job.status for job in run_jobs()] == ["SUCCESSFUL"]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([colleague.email, contact.email])
    assert InvitationEmail.objects.count() == 2


def test_invitations_are_spaced_to_respect_the_sending_rate(edition, collectivity) -> None:
    for n in range(5):
        ContactFactory(edition=edition, collectivity=collectivity, email=f"c{n}@example.org")
    invitations.send_invitations(edition=edition, per_second=2)
    starts = sorted(DBTaskResult.objects.values_list("run_after", flat=True))
    assert [round((start - starts[0]).total_seconds(), 1) for start in starts] == [0, 0.5, 1, 1.5, 2]


def test_invitations_can_be_sent_a_few_at_a_time(edition, collectivity, run_jobs) -> None:
    for n in range(5):
        ContactFactory(edition=edition, collectivity=collectivity, email=f"c{n}@example.org")
    assert invitations.send_invitations(edition=edition, per_second=0, limit=2).queued == 2
    assert invitations.send_invitations(edition=edition, per_second=0, limit=2).queued == 2
    run_jobs()
    assert invitations.send_invitations(edition=edition, per_second=0, limit=2).queued == 1
    run_jobs()
    assert len(mail.outbox) == 5


def test_reminders_skip_collectivities_that_answered(
    client, edition, contact, colleague, other_collectivity, run_jobs
) -> None:
    pending = ContactFactory(edition=edition, collectivity=other_collectivity, email="parc@example.org")
    invitations.send_invitations(edition=edition, per_second=0)
    run_jobs()
    answer_everything(client, contact)
    client.post(review_url(contact))
    run_jobs()
    mail.outbox.clear()
    call_command("send_invitations", "2016", "--reminder", "1", "--per-second", "0")
    run_jobs()
    assert [message.to for message in mail.outbox] == [[pending.email]]
    assert "Rappel" in mail.outbox[0].subject
    call_command("send_invitations", "2016", "--reminder", "1", "--per-second", "0")
    run_jobs()
    assert len(mail.outbox) == 1


def test_a_reminder_queued_before_the_collectivity_answered_is_not_sent(
    client, edition, contact, run_jobs
) -> None:
    invitations.send_invitations(edition=edition, per_second=0)
    run_jobs()
    invitations.send_invitations(edition=edition, round=1, per_second=0)
    answer_everything(client, contact)
    client.post(review_url(contact))
    mail.outbox.clear()
    run_jobs()
    assert not any("Rappel" in message.subject for message in mail.outbox)
    assert not InvitationEmail.objects.filter(round=1).exists()


def test_contact_status_follows_the_answer(client, contact, colleague, run_jobs) -> None:
    invitations.send_invitations(edition=contact.edition, per_second=0)
    run_jobs()
    client.get(welcome_url(contact))
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPENED and contact.opened_at is not None
    answer_everything(client, contact)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_PROGRESS
    client.post(review_url(contact))
    contact.refresh_from_db()
    colleague.refresh_from_db()
    assert contact.status == ContactStatus.SUBMITTED
    assert colleague.status == ContactStatus.INVITED


def test_staff_see_response_rates_by_collectivity_kind(
    client, admin_user, contact, colleague, other_collectivity, run_jobs
) -> None:
    ContactFactory(edition=contact.edition, collectivity=other_collectivity, email="parc@example.org")
    invitations.send_invitations(edition=contact.edition, per_second=0)
    run_jobs()
    answer_everything(client, contact)
    client.post(review_url(contact))
    client.force_login(admin_user)
    page = client.get(reverse("admin:survey_edition_dashboard", args=[contact.edition.pk]))
    text = page_text(page)
    # kind, collectivities, contacts, invited, opened, in progress, submitted, rate
    assert "Commune 1 2 2 1 0 1 100.0 %" in text or "Commune 1 2 2 1 0 1 100,0 %" in text
    assert (
        "Parc naturel régional 1 1 1 0 0 0 0.0 %" in text or "Parc naturel régional 1 1 1 0 0 0 0,0 %" in text
    )


@pytest.mark.parametrize(
    ("name", "kind", "from_name"),
    [
        ("Agen", CollectivityKind.COMMUNE, "d'Agen"),
        ("Hyères", CollectivityKind.COMMUNE, "d'Hyères"),
        ("Lyon", CollectivityKind.COMMUNE, "de Lyon"),
        ("Les Mureaux", CollectivityKind.COMMUNE, "des Mureaux"),
        ("Nord", CollectivityKind.DEPARTEMENT, "du Département du Nord"),
        ("Bretagne", CollectivityKind.REGION, "de la Région Bretagne"),
        ("CC du Pays de Fayence", CollectivityKind.INTERCOMMUNALITE, "de la CC du Pays de Fayence"),
    ],
)
def test_the_emails_read_right_whatever_the_title_and_the_collectivitys_name(
    run_jobs, name, kind, from_name
) -> None:
    edition = EditionFactory(title="Enquête audit 2026", status=EditionStatus.OPEN)
    ContactFactory(edition=edition, collectivity=CollectivityFactory(name=name, kind=kind))
    for round in (0, 1):
        invitations.send_invitations(edition=edition, round=round, per_second=0)
        run_jobs()
    invitation, reminder = (" ".join(message.body.split()) for message in mail.outbox)
    assert "L'enquête « Enquête audit 2026 » dresse le panorama" in invitation
    assert f"L'enquête « Enquête audit 2026 » attend encore la réponse {from_name}." in reminder


def test_the_command_sends_nothing_for_an_edition_not_open(edition, contact) -> None:
    edition.status = EditionStatus.DRAFT
    edition.save()
    with pytest.raises(
        CommandError, match="L'édition 2016 n'est pas ouverte aux réponses : rien n'a été envoyé"
    ):
        call_command("send_invitations", "2016")
    assert not DBTaskResult.objects.exists()
