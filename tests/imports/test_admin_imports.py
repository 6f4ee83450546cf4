"""Staff import a file from the admin: upload, read the analysis, confirm; the work runs on the job queue."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.helpers import page_text
from tests.imports.conftest import ODF_SAMPLE
from tools_registry import imports
from tools_registry.models import Tool
from tools_registry.provenance import ImportRun, ImportStatus

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:tools_registry_importrun_add")


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser(username="equipe", email="", password="x")
    client.force_login(user)
    return user


def upload(client, content: bytes, format: str = "odf-observatoire"):
    file = SimpleUploadedFile("organisations.csv", content, content_type="text/csv")
    return client.post(UPLOAD, {"format": format, "file": file, "file_date": "2022-10-19"})


def test_an_upload_is_analysed_on_the_queue_then_imported_once_confirmed(
    client, staff, reference, run_jobs
) -> None:
    response = upload(client, ODF_SAMPLE.read_bytes())
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:tools_registry_importrun_change", args=[run.pk]
    )
    assert (run.status, run.created_by, run.file_name) == (ImportStatus.ANALYSING, staff, "organisations.csv")
    page = page_text(client.get(response["Location"]))
    assert "dans la file d'attente ou en cours" in page

    [job] = run_jobs()
    assert job.status == "SUCCESSFUL" and job.args_kwargs == {
        "args": [run.pk],
        "kwargs": {"dry_run": True, "attempt": 1},
    }
    run.refresh_from_db()
    assert run.status == ImportStatus.ANALYSED and Tool.objects.count() == 0
    page = page_text(client.get(response["Location"]))
    assert "Analyse : voici ce que l'import ferait. Rien n'est encore enregistré." in page
    assert "Créés 11" in page and "Écartés 4" in page
    assert "Par code officiel (SIREN, INSEE) 6" in page
    assert "Lignes à examiner (4)" in page
    assert "rattachée par le nom à Saint-Germain-en-Laye (78551) : à vérifier" in page

    client.post(reverse("admin:importrun_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.QUEUED and Tool.objects.count() == 0
    [job] = run_jobs()
    assert job.args_kwargs == {"args": [run.pk], "kwargs": {"dry_run": False, "attempt": 1}}
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and Tool.objects.count() == 11
    assert Tool.objects.get(name="Data Agen").source_records.get().last_run == run
    # Confirming twice imports nothing twice.
    client.post(reverse("admin:importrun_confirm", args=[run.pk]))
    assert run_jobs() == [] and Tool.objects.count() == 11


def test_a_file_that_cannot_be_read_is_reported_and_cannot_be_confirmed(
    client, staff, reference, run_jobs
) -> None:
    upload(client, b"nom;siren\nACIGNE;213500010\n")
    run_jobs()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    page = page_text(client.get(reverse("admin:tools_registry_importrun_change", args=[run.pk])))
    assert "Colonnes manquantes : siren, nom, type" in page
    assert "Confirmer : importer ce fichier" not in page


def test_the_upload_form_says_what_is_wrong_and_keeps_nothing(client, staff, monkeypatch) -> None:
    response = client.post(UPLOAD, {"format": "odf-observatoire"})
    assert response.status_code == 400 and "Ce champ est obligatoire." in page_text(response)
    monkeypatch.setattr(imports, "MAX_FILE_SIZE", 10)
    response = upload(client, b"siren,nom,type\n")
    assert response.status_code == 400 and "Fichier trop volumineux" in page_text(response)
    assert not ImportRun.objects.exists()


def test_only_staff_reach_the_imports(client, db) -> None:
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_a_stored_report_reads_in_english_too(client, staff, import_sample) -> None:
    run, _report = import_sample(dry_run=True)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = page_text(client.get(reverse("admin:tools_registry_importrun_change", args=[run.pk])))
    assert "Analysis: this is what the import would do. Nothing is stored yet." in page
    assert "By official code (SIREN, INSEE) 6" in page
    assert "Rows to examine (4)" in page
    assert "attached by name to Saint-Germain-en-Laye (78551): to be checked" in page
    assert 'invalid SIREN "213500516": 9 digits with a correct check digit expected' in page


def test_the_list_of_runs_gives_each_run_its_counts(client, staff, import_sample) -> None:
    import_sample()
    import_sample(content=b"siren,nom\n")
    text = page_text(client.get(reverse("admin:tools_registry_importrun_changelist")))
    assert "11 créés, 0 mis à jour, 0 inchangés, 4 écartés" in text
    assert "Colonnes manquantes : type, regcode" in text


def test_a_conflict_shows_the_fields_kept_with_the_one_staff_changed(client, staff, import_sample) -> None:
    import_sample()
    tool = Tool.objects.get(name="Data Rennes Métropole — Acigné")
    tool.software = "Logiciel maison"
    tool.save()
    ckan = ODF_SAMPLE.read_bytes().replace(b'OpenDataSoft,"Social,', b'CKAN,"Social,')  # Acigné
    run, _report = import_sample(content=ckan, dry_run=True)
    page = page_text(client.get(reverse("admin:tools_registry_importrun_change", args=[run.pk])))
    assert "2 Data Rennes Métropole — Acigné software Logiciel maison CKAN" in page
    assert "is_open_source (conservé avec software, dont il découle) False True" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = page_text(client.get(reverse("admin:tools_registry_importrun_change", args=[run.pk])))
    assert "is_open_source (kept with software, which it follows) False True" in page
    assert 'is_open_source kept with software, which it follows (the source says "True")' in page
