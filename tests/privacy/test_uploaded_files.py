"""A contacts file staff uploaded and whose import has not run yet holds names and addresses: a person's
request reaches it. The export says which file names them and gives their rows (never the others'); the
erasure takes their rows out of the file, and the others are still imported."""

import codecs

import pytest
from django.contrib.auth.base_user import AbstractBaseUser

from privacy import services
from survey import services as survey_services
from survey.models import Contact, ContactImport
from tests.factories import EditionFactory, TerritoryFactory
from tests.privacy.conftest import LONGER, NAME, PERSON

pytestmark = pytest.mark.django_db
OTHER = "dominique@saint-malo.example"


def contacts_file(separator: str) -> bytes:
    """A file as staff upload one: the person (their address in other case), and two others."""
    rows = [
        ["email", "name", "role", "collectivity_code"],
        ["agglo@saint-malo.example", "", "DGS", "35288"],
        [PERSON.upper(), NAME, "Chargée de mission", "35288"],
        [OTHER, "Dominique Élue", "Adjointe", "35288"],
    ]
    return codecs.BOM_UTF8 + "".join(separator.join(row) + "\r\n" for row in rows).encode()


@pytest.fixture
def waiting(admin_user, request) -> ContactImport:
    """A contacts file whose import job has not run yet."""
    TerritoryFactory(code="35288", name="Saint-Malo", population=47000)
    return survey_services.queue_contact_import(
        edition=EditionFactory(),
        file_name="contacts-malouins.csv",
        data=contacts_file(request.param),
        by=admin_user,
    )


def exported_files() -> list[dict]:
    exported = services.export_personal_data(address=PERSON, via="test")
    return [
        row for block in exported["data"] if block["model"] == "survey.ContactImport" for row in block["rows"]
    ]


@pytest.mark.parametrize("waiting", [";", ","], indirect=True)
def test_the_export_names_a_waiting_contacts_file_and_gives_the_person_s_row_only(waiting) -> None:
    [file] = exported_files()
    assert (file["file_name"], file["uploaded_at"]) == ("contacts-malouins.csv", waiting.uploaded_at)
    assert file["status"] == ContactImport.Status.QUEUED
    [row] = file["data"]
    assert row["line"] == 3
    assert row["cells"]["name"] == NAME and row["cells"]["email"] == PERSON.lower()
    assert "agglo@" not in str(file) and OTHER not in str(file)


@pytest.mark.parametrize("waiting", [";", ","], indirect=True)
def test_erasure_takes_the_person_s_row_out_of_the_file_and_the_others_are_imported(
    waiting, run_jobs
) -> None:
    counts = services.erase_personal_data(address=PERSON, via="test")
    assert counts["survey.ContactImport"] == 1
    waiting.refresh_from_db()
    data = bytes(waiting.data)
    assert PERSON.lower().encode() not in data.lower() and NAME.encode() not in data
    # The other rows stay as they were uploaded, byte for byte.
    original = contacts_file(";" if b";" in data else ",").splitlines(keepends=True)
    assert data.splitlines(keepends=True) == [original[0], original[1], original[3]]
    assert exported_files() == []

    run_jobs()
    waiting.refresh_from_db()
    assert set(Contact.objects.values_list("email", flat=True)) == {"agglo@saint-malo.example", OTHER}
    assert waiting.report_lines() == [
        "1 ligne retirée du fichier avant son import : la personne a demandé l'effacement de ses données."
    ]
    assert waiting.imported_text() == "2 contacts importés."


def refused_upload(by: AbstractBaseUser, report: str) -> ContactImport:
    """A contacts file refused at its import, with its report."""
    return ContactImport.objects.create(
        edition=EditionFactory(),
        file_name="contacts-refusés.csv",
        status=ContactImport.Status.REFUSED,
        uploaded_by=by,
        report=report,
    )


def test_a_waiting_file_the_import_cannot_read_is_emptied_and_refused_with_the_reason(admin_user) -> None:
    # A carriage return alone in a row: the CSV reader stops there, and the import refuses the file.
    broken = f"email,name,role,collectivity_code\n{OTHER},Dominique,,35288\n{PERSON},{NAME}\r,,35288\n"
    upload = survey_services.queue_contact_import(
        edition=EditionFactory(), file_name="casse.csv", data=broken.encode(), by=admin_user
    )
    [file] = exported_files()
    assert [row["line"] for row in file["data"]] == [3]
    services.erase_personal_data(address=PERSON, via="test")
    upload.refresh_from_db()
    assert bytes(upload.data) == b"" and upload.status == ContactImport.Status.REFUSED
    assert upload.report_lines()[-1].startswith("Fichier vidé avant son import")
    assert exported_files() == []


def test_a_file_already_imported_and_emptied_is_not_reported(admin_user, run_jobs) -> None:
    TerritoryFactory(code="35288", name="Saint-Malo", population=47000)
    survey_services.queue_contact_import(
        edition=EditionFactory(), file_name="contacts.csv", data=contacts_file(","), by=admin_user
    )
    run_jobs()
    assert exported_files() == []


def test_an_old_report_quoting_the_person_s_address_is_exported_then_erased_its_rows_still_said(
    admin_user,
) -> None:
    # Before rejected rows were given by their number only, a refused file's report quoted an invalid
    # address in full: here a cell giving the person's name with their address, and someone else's typo.
    upload = refused_upload(
        admin_user,
        (
            "Aucun contact n'a été importé : 2 lignes sont rejetées.\n"
            f"ligne 3 : adresse électronique invalide : camille <{PERSON.lower()}>\n"
            "ligne 4 : adresse électronique invalide : dominique@saint-malo"
        ),
    )
    [file] = exported_files()
    assert file["file_name"] == "contacts-refusés.csv"
    assert [line["text"] for line in file["data"]] == [
        f"ligne 3 : adresse électronique invalide : camille <{PERSON.lower()}>"
    ]
    assert "dominique@" not in str(file)

    counts = services.erase_personal_data(address=PERSON, via="test")
    assert counts["survey.ContactImport"] == 1
    upload.refresh_from_db()
    assert upload.report_lines() == [
        "Aucun contact n'a été importé : 2 lignes sont rejetées.",
        "ligne 3 : adresse électronique invalide : camille <[adresse effacée]>",
        "ligne 4 : adresse électronique invalide : dominique@saint-malo",
    ]
    assert upload.status == ContactImport.Status.REFUSED
    assert exported_files() == []


def test_a_report_line_about_an_address_holding_the_person_s_is_neither_exported_nor_erased(
    admin_user,
) -> None:
    upload = refused_upload(
        admin_user,
        "\n".join(
            [
                "Aucun contact n'a été importé : 4 lignes sont rejetées.",
                f"ligne 2 : adresse électronique invalide : camille <{PERSON.lower()}>.",
                *(
                    f"ligne {row} : adresse électronique invalide : <{other}>"
                    for row, other in enumerate(LONGER, 3)
                ),
            ]
        ),
    )
    [file] = exported_files()
    assert [line["report_line"] for line in file["data"]] == [2]

    services.erase_personal_data(address=PERSON, via="test")
    upload.refresh_from_db()
    assert upload.report_lines() == [
        "Aucun contact n'a été importé : 4 lignes sont rejetées.",
        "ligne 2 : adresse électronique invalide : camille <[adresse effacée]>.",
        *(f"ligne {row} : adresse électronique invalide : <{other}>" for row, other in enumerate(LONGER, 3)),
    ]


def test_a_report_line_quoting_the_address_between_apostrophes_is_exported_and_erased(admin_user) -> None:
    upload = refused_upload(
        admin_user,
        f"Aucun contact n'a été importé.\nligne 2 : adresse refusée : '{PERSON.lower()}'",
    )
    [file] = exported_files()
    assert [line["report_line"] for line in file["data"]] == [2]

    services.erase_personal_data(address=PERSON, via="test")
    upload.refresh_from_db()
    assert upload.report_lines() == [
        "Aucun contact n'a été importé.",
        "ligne 2 : adresse refusée : '[adresse effacée]'",
    ]


def test_a_file_read_line_by_line_is_left_whole_when_it_gives_only_addresses_holding_the_person_s(
    admin_user,
) -> None:
    # A carriage return alone in a row: the import cannot read the file row by row, it is searched line
    # by line for the address.
    rows = "".join(f"{other},Quelqu'un\r,,35288\n" for other in LONGER)
    broken = f"email,name,role,collectivity_code\n{rows}".encode()
    upload = survey_services.queue_contact_import(
        edition=EditionFactory(), file_name="casse.csv", data=broken, by=admin_user
    )
    assert exported_files() == []
    services.erase_personal_data(address=PERSON, via="test")
    upload.refresh_from_db()
    assert bytes(upload.data) == broken and upload.status == ContactImport.Status.QUEUED
