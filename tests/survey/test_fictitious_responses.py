"""A fictitious (demonstration) edition says so in every responses export, and an import never slips
fictitious responses into an edition whose responses are real."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from barometre.models import EditionReport
from survey.io import export_responses, import_responses
from survey.models import Response
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db
HEADER = "response_id,subject,question_code,value,rank,donnees_fictives\n"
ROWS = [
    "A,,collectivity_type,commune,,oui",
    "A,,population,pop_10000_50000,,oui",
    "B,,collectivity_type,region,,non",
    "C,,collectivity_type,commune,,oui",
]


@pytest.fixture
def demo(db):
    edition = EditionFactory(code="2016-demo")
    EditionReport.objects.create(edition=edition, fictitious=True)
    return edition


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_command_s_export_of_a_fictitious_edition_says_so_on_every_row_and_in_its_notes(
    demo, tmp_path
) -> None:
    import_responses(edition=demo, data=HEADER + "".join(f"{row}\n" for row in ROWS))
    for option in ([], ["--full"]):
        path = tmp_path / "reponses.csv"
        call_command("export_responses", "2016-demo", str(path), *option)
        rows = rows_of(path.read_text(encoding="utf-8"))
        assert list(rows[0])[-1] == "donnees_fictives"
        assert {row["donnees_fictives"] for row in rows} == {"oui"}
        notes = (tmp_path / "reponses.csv.notes.txt").read_text(encoding="utf-8").splitlines()
        assert notes[0].startswith("DONNÉES FICTIVES : réponses inventées pour la démonstration")


def test_a_real_edition_s_export_says_its_responses_are_not_fictitious(edition) -> None:
    import_responses(edition=edition, data="response_id,subject,question_code,value,rank\nA,,has_tool,oui,\n")
    export = export_responses(edition=edition, full=True)
    assert {row["donnees_fictives"] for row in rows_of(export.csv_text())} == {"non"}
    assert "DONNÉES FICTIVES" not in export.notes_text()
    assert "Colonne donnees_fictives : « oui » si les réponses sont fictives" in export.notes_text()


def test_the_admin_s_zip_of_a_fictitious_edition_says_so(client, admin_user, demo) -> None:
    import_responses(edition=demo, data=HEADER + "".join(f"{row}\n" for row in ROWS))
    client.force_login(admin_user)
    url = reverse("admin:survey_edition_export", args=[demo.pk])
    with zipfile.ZipFile(io.BytesIO(client.get(url).content)) as archive:
        csv_text = archive.read("barometre-2016-demo-anonymise.csv").decode("utf-8")
        notes = archive.read("barometre-2016-demo-anonymise.csv.notes.txt").decode("utf-8")
    assert {row["donnees_fictives"] for row in rows_of(csv_text)} == {"oui"}
    assert notes.startswith("DONNÉES FICTIVES")


def test_fictitious_rows_are_refused_for_a_real_edition_naming_the_rows(edition) -> None:
    with pytest.raises(ValidationError) as error:
        import_responses(edition=edition, data=HEADER + "".join(f"{row}\n" for row in ROWS))
    assert error.value.messages == [
        "Lignes 2 à 3, 5 : réponses fictives (donnees_fictives = oui), qui ne peuvent pas être importées "
        "dans l'édition 2016, dont les réponses sont réelles."
    ]
    assert not Response.objects.exists()


def test_a_single_fictitious_row_is_named_in_the_singular(edition) -> None:
    with pytest.raises(ValidationError) as error:
        import_responses(edition=edition, data=HEADER + "".join(f"{row}\n" for row in ROWS[2:]))
    assert error.value.messages[0].startswith(
        "Ligne 3 : réponse fictive (donnees_fictives = oui), qui ne peut"
    )


def test_a_real_file_with_the_column_imports_into_a_real_edition(edition) -> None:
    assert import_responses(edition=edition, data=HEADER + "A,,has_tool,oui,,non\nB,,has_tool,non,,\n") == 2


def test_an_unreadable_fictitious_cell_is_named(edition) -> None:
    with pytest.raises(ValidationError) as error:
        import_responses(edition=edition, data=HEADER + "A,,has_tool,oui,,peut-être\n")
    assert "Ligne 2 : donnees_fictives doit valoir oui ou non : peut-être." in error.value.messages


def test_a_fictitious_edition_s_full_export_imports_into_another_fictitious_edition(demo, tmp_path) -> None:
    import_responses(edition=demo, data=HEADER + "".join(f"{row}\n" for row in ROWS))
    path = tmp_path / "complet.csv"
    call_command("export_responses", "2016-demo", str(path), "--full")
    copy = EditionFactory(code="2018-demo")
    EditionReport.objects.create(edition=copy, fictitious=True)
    call_command("import_responses", "2018-demo", str(path))
    again = tmp_path / "encore.csv"
    call_command("export_responses", "2018-demo", str(again), "--full")
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
