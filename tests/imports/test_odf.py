import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.imports.conftest import ODF_SAMPLE, lines
from tools_registry.imports.base import valid_siren
from tools_registry.imports.report import render
from tools_registry.models import Collectivity, Tool
from tools_registry.provenance import ImportStatus, SourceRecord

pytestmark = pytest.mark.django_db


def messages(report, line: int) -> str:
    """A row's messages as the report shows them in French."""
    row = next(row for row in report.rows if row.line == line)
    with translation.override("fr"):
        return " ; ".join(render(message) for message in row.messages)


def test_the_sample_gives_one_open_data_tool_per_public_body(import_sample) -> None:
    run, report = import_sample()
    assert run.status == ImportStatus.DONE
    assert report.counts() == {"created": 11, "updated": 0, "unchanged": 0, "skipped": 4}
    assert report.tiers() == {"code": 6, "name": 1, "none": 0, "body": 4}
    tools = {tool.name: tool for tool in Tool.objects.select_related("collectivity")}
    assert set(tools) == {
        "Data Rennes Métropole — Acigné",
        "Data Rennes Métropole — Rennes",
        "ADACL Landes sur data.gouv.fr",
        "Data Agen",
        "ATD DE LA CHARENTE sur data.gouv.fr",
        "Data Saint Malo Agglomération",
        "Opendata GIP Seine Aval",
        "Opendata Hauts de France",
        "Ille-et-Vilaine sur data.gouv.fr",
        "Data BFC",
        "Saint-Germain-en-Laye sur data.gouv.fr",
    }
    assert {tool.family for tool in tools.values()} == {"open_data"}
    assert {(tool.status, tool.source, tool.life_status) for tool in tools.values()} == {
        ("published", "import", "active")
    }
    agen = tools["Data Agen"]
    # Agen has a portal and a data.gouv.fr page: its portal is its tool.
    assert agen.url == "https://data.agen.fr/explore/?refine.publisher=Mairie+d%27Agen"
    assert (agen.software, agen.is_open_source) == ("OpenDataSoft", False)
    assert (
        agen.description
        == "Données ouvertes d'Agen publiées sur Data Agen (5 jeux de données au 04/11/2021)."
    )
    departement = tools["Ille-et-Vilaine sur data.gouv.fr"]
    assert (departement.software, departement.is_open_source) == ("data.gouv.fr", True)
    morvan = tools["Data BFC"]
    assert (morvan.software, morvan.is_open_source, morvan.collectivity.kind) == ("CKAN", True, "pnr")


def test_bodies_are_matched_by_siren_or_code_and_by_name_only_as_a_reported_fallback(
    import_sample, reference
) -> None:
    _run, report = import_sample()
    acigne = Collectivity.objects.get(territory=reference[("commune", "35001")])
    assert (acigne.name, acigne.kind, acigne.siren) == ("Acigné", "commune", "213500010")
    assert Collectivity.objects.get(territory=reference[("epci", "243500782")]).siren == "243500782"
    departement = Collectivity.objects.get(territory=reference[("departement", "35")])
    assert (departement.kind, departement.siren) == ("departement", "223500018")
    region = Collectivity.objects.get(territory=reference[("region", "32")])
    assert (region.kind, region.siren) == ("region", "200053742")
    # The reference does not know this SIREN: found by name in its département, and said so.
    saint_germain = Collectivity.objects.get(territory=reference[("commune", "78551")])
    assert saint_germain.siren == ""
    assert "rattachée par le nom à Saint-Germain-en-Laye (78551) : à vérifier" in messages(report, 15)
    assert 15 in [row.line for row in report.needing_a_human()]


def test_bodies_that_are_not_collectivities_keep_their_siren_their_departement_and_their_point(
    import_sample, reference
) -> None:
    _run, report = import_sample()
    gip = Collectivity.objects.get(siren="187609110")  # written with an invisible mark in the file
    assert (gip.name, gip.kind, gip.territory) == ("GIP SEINE AVAL", "autre", None)
    assert (gip.departement, gip.region) == (reference[("departement", "14")], reference[("region", "28")])
    assert (gip.latitude, gip.longitude) == (49.493304, 0.107396)
    adacl = Collectivity.objects.get(siren="254002272")  # a trailing space in the file
    assert adacl.population == 410355
    assert "sans position : n'apparaîtra pas sur la carte" in messages(report, 5)


def test_malformed_rows_are_skipped_with_a_clear_message_and_nothing_of_them_is_stored(import_sample) -> None:
    _run, report = import_sample()
    skipped = {row.line: messages(report, row.line) for row in report.rows if row.outcome == "skipped"}
    assert skipped == {
        6: "délégataire de service public (entreprise ou opérateur) : hors du registre des collectivités",
        8: "SIREN « 213500516 » invalide : 9 chiffres et une clé de contrôle juste attendus",
        9: "type « XYZ » inconnu "
        "(attendus : COM, CA, CC, CU, EPT, MET, DEP, REG, AGCT, OACT, OAGT, DSPT, SDE)",
        16: "même identifiant que la ligne 2 : ligne ignorée",
    }
    assert not Collectivity.objects.filter(name__in=["CESSON SEVIGNE", "ADICO SMI OISE"]).exists()
    assert not Tool.objects.filter(url__contains="adico").exists()
    assert Collectivity.objects.filter(territory__code="35001").count() == 1


def test_a_point_out_of_range_is_left_out_and_said(import_sample) -> None:
    content = ODF_SAMPLE.read_bytes().replace(b",49.493304,0.107396,", b",249.493304,0.107396,")
    _run, report = import_sample(content=content)
    gip = Collectivity.objects.get(siren="187609110")
    assert (gip.latitude, gip.longitude) == (None, None)
    assert messages(report, 10) == (
        "position illisible (« 249.493304 », « 0.107396 ») : ignorée ; "
        "sans position : n'apparaîtra pas sur la carte"
    )


def test_a_point_outside_france_is_left_out_and_said(import_sample) -> None:
    # As the Observatoire's file gives the SMTC du Grand Nouméa: a longitude of the wrong sign.
    content = ODF_SAMPLE.read_bytes().replace(b",49.493304,0.107396,", b",49.493304,-100.107396,")
    _run, report = import_sample(content=content)
    gip = Collectivity.objects.get(siren="187609110")
    assert (gip.latitude, gip.longitude) == (None, None)
    assert messages(report, 10) == (
        "position hors de France (« 49.493304 », « -100.107396 ») : ignorée ; "
        "sans position : n'apparaîtra pas sur la carte"
    )


def test_importing_the_same_file_again_changes_nothing(import_sample) -> None:
    import_sample()
    tools = list(Tool.objects.order_by("pk").values_list("pk", "name", "url", "updated_at"))
    history = (Tool.history.count(), Collectivity.history.count())
    _run, report = import_sample()
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 11, "skipped": 4}
    assert list(Tool.objects.order_by("pk").values_list("pk", "name", "url", "updated_at")) == tools
    assert (Tool.history.count(), Collectivity.history.count()) == history
    assert Collectivity.objects.count() == 11
    assert report.conflicts == [] and report.no_longer_listed == []


def test_an_analysis_reports_what_an_import_would_do_and_stores_nothing(import_sample) -> None:
    run, report = import_sample(dry_run=True)
    assert run.status == ImportStatus.ANALYSED
    assert report.counts()["created"] == 11
    assert (Tool.objects.count(), Collectivity.objects.count(), SourceRecord.objects.count()) == (0, 0, 0)


def test_each_change_of_an_import_is_recorded_as_made_by_that_import(import_sample) -> None:
    run, _report = import_sample()
    tool = Tool.objects.get(name="Data Agen")
    assert [record.history_via for record in tool.history.all()] == [f"import:odf-observatoire#{run.pk}"]


def test_a_value_staff_corrected_is_kept_and_reported_when_the_source_says_otherwise(import_sample) -> None:
    import_sample()
    tool = Tool.objects.get(name="Data Agen")
    tool.software = "Portail maison"
    tool.save()
    _run, report = import_sample()
    tool.refresh_from_db()
    assert tool.software == "Portail maison" and report.conflicts == []
    # A later file says something new of that field (and of another one staff left alone).
    changed = ODF_SAMPLE.read_bytes().replace(b"Data Agen,OpenDataSoft,,OUI", b"Data Agen,ArcGIS,,OUI")
    changed = changed.replace(b"Mairie+d%27Agen,5,", b"Mairie+d%27Agen,7,")
    _run, report = import_sample(content=changed)
    tool.refresh_from_db()
    assert tool.software == "Portail maison"
    assert "(7 jeux de données au 04/11/2021)" in tool.description
    [conflict] = report.conflicts
    assert (conflict.line, conflict.field, conflict.current, conflict.source) == (
        4,
        "software",
        "Portail maison",
        "ArcGIS",
    )
    assert conflict.changed_by == "script"
    assert "software modifié par l'équipe, conservé (la source dit « ArcGIS »)" in messages(report, 4)


def test_the_open_source_flag_stays_with_the_software_staff_chose(import_sample) -> None:
    import_sample()
    tool = Tool.objects.get(name="Data Rennes Métropole — Acigné")
    tool.software = "Logiciel maison"
    tool.save()
    history = tool.history.count()
    ckan = ODF_SAMPLE.read_bytes().replace(b'OpenDataSoft,"Social,', b'CKAN,"Social,')  # Acigné
    _run, report = import_sample(content=ckan)
    tool.refresh_from_db()
    assert (tool.software, tool.is_open_source) == ("Logiciel maison", False)
    assert tool.history.count() == history
    [conflict] = [conflict for conflict in report.conflicts if conflict.line == 2]
    assert (conflict.field, conflict.current, conflict.source) == ("software", "Logiciel maison", "CKAN")
    assert conflict.kept_with == {"is_open_source": (False, True)}
    assert messages(report, 2) == (
        "software modifié par l'équipe, conservé (la source dit « CKAN ») ; "
        "is_open_source conservé avec software, dont il découle (la source dit « True »)"
    )
    with translation.override("fr"):
        printed = report.lines()
    assert "    is_open_source : « False » conservé avec lui, la source dit « True »" in printed
    # Staff who changed only the flag: the software follows the source, the flag is theirs.
    tool.software, tool.is_open_source = "OpenDataSoft", None
    tool.save()
    import_sample()
    _run, report = import_sample(content=ckan)
    tool.refresh_from_db()
    assert (tool.software, tool.is_open_source) == ("CKAN", None)
    [conflict] = [conflict for conflict in report.conflicts if conflict.line == 2]
    assert (conflict.field, conflict.current, conflict.source, conflict.kept_with) == (
        "is_open_source",
        None,
        True,
        {},
    )


def test_a_body_the_file_no_longer_lists_is_flagged_never_deleted(import_sample, client) -> None:
    import_sample()
    without_rennes = b"".join(line for line in lines(ODF_SAMPLE) if not line.startswith(b"213502388,"))
    _run, report = import_sample(content=without_rennes)
    [missing] = report.no_longer_listed
    assert (missing.record, missing.tool_name) == ("213502388", "Data Rennes Métropole — Rennes")
    tool = Tool.objects.get(name="Data Rennes Métropole — Rennes")
    assert tool.status == "published"
    assert "La source ne le mentionne plus depuis le" in client.get(tool.get_absolute_url()).content.decode()
    _run, report = import_sample()
    assert report.no_longer_listed == []
    assert "de nouveau listé par la source" in messages(report, 14)
    assert SourceRecord.objects.get(record_id="213502388").missing_since is None


def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(import_sample) -> None:
    run, report = import_sample(content="siren,nom\n213500010,ACIGNÉ\n".encode("latin-1"))
    assert report is None and run.status == ImportStatus.FAILED
    with translation.override("fr"):
        assert render(run.error) == "Le fichier n'est pas en UTF-8 (ligne 2) : enregistrez-le en UTF-8."
    run, report = import_sample(content=b"siren,nom\n213500010,ACIGNE\n")
    with translation.override("fr"):
        assert render(run.error).startswith("Colonnes manquantes : type, regcode, url-ptf,")
    assert Tool.objects.count() == 0


def test_a_stray_quote_is_reported_on_its_line_and_the_rows_it_took_are_not_said_to_be_gone(
    import_sample,
) -> None:
    import_sample()
    # The quote runs over the next lines, up to the first quote of line 7 (CA du Pays de Saint-Malo).
    content = ODF_SAMPLE.read_bytes().replace(b"200044543,ATD", b'200044543,"ATD')
    _run, report = import_sample(content=content)
    assert messages(report, 5) == "guillemet non fermé : les lignes 5 à 7 sont lues comme une seule"
    assert [row.line for row in report.needing_a_human()] == [5, 8, 9, 15]
    assert report.no_longer_listed == []
    assert not SourceRecord.objects.filter(missing_since__isnull=False).exists()
    with translation.override("fr"):
        printed = report.lines()
    # Neither its SIREN nor its name can be trusted: the row goes under the beginning of its line.
    assert (
        '  ligne 5 (200044543,"ATD DE LA CHARENTE,OACT,,,,https://www.data.gouv.fr/fr/org…) : '
        "guillemet non fermé : les lignes 5 à 7 sont lues comme une seule" in printed
    )
    assert (
        "Lignes illisibles : 1. Elles ont pu absorber les lignes suivantes : cet import ne signale aucune "
        "fiche comme plus listée par la source. Corrigez le fichier et importez-le de nouveau." in printed
    )
    assert "Plus listés par la source (signalés, jamais supprimés) : 0" in printed


def test_a_row_with_a_cell_too_many_is_reported_and_not_read_shifted(import_sample) -> None:
    import_sample()
    content = ODF_SAMPLE.read_bytes().replace(b"213502388,RENNES,", b"213502388,RENNES,VILLE,")
    _run, report = import_sample(content=content, dry_run=True)
    assert messages(report, 14) == "nombre de colonnes inattendu : 22 au lieu de 21"
    assert [row.line for row in report.needing_a_human()] == [5, 8, 9, 14, 15]
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 10, "skipped": 5}
    assert report.no_longer_listed == []


# On SQLite, bulk writes are cut into batches by its limit on query parameters.
@pytest.mark.postgres
def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(import_sample) -> None:
    header, template = lines(ODF_SAMPLE)[0], lines(ODF_SAMPLE)[9].decode()  # GIP SEINE AVAL

    def bodies(count: int, start: int) -> bytes:
        rows = []
        for number in range(start, start + count):
            siren = next(f"18760{number:03d}{d}" for d in range(10) if valid_siren(f"18760{number:03d}{d}"))
            row = template.replace("\u200e187609110", siren).replace(
                "seine-aval.fr", f"body-{number}.example.org"
            )
            rows.append(row.replace("GIP SEINE AVAL", f"GIP NUMERO {number}").encode())
        return header + b"".join(rows)

    def queries(content: bytes) -> int:
        with CaptureQueriesContext(connection) as context:
            _run, report = import_sample(content=content, dry_run=True)
        assert report.counts()["created"] == content.count(b"\n") - 1
        return len(context.captured_queries)

    assert queries(bodies(100, 100)) == queries(bodies(5, 300))


def test_the_command_prints_the_counts_the_coverage_and_the_rows_to_examine(reference, capsys) -> None:
    with translation.override("fr"):
        call_command("import_tools", "odf-observatoire", str(ODF_SAMPLE), "--dry-run")
    out = capsys.readouterr().out
    assert "Analyse (rien n'est enregistré) : 11 créés, 0 mis à jour, 0 inchangés, 4 écartés." in out
    assert "par code officiel (SIREN, INSEE) : 6" in out
    assert "  open_data : 11" in out and "  OpenDataSoft : 4" in out
    assert "ligne 15 (217805514, SAINT GERMAIN EN LAYE) : rattachée par le nom" in out
    assert Tool.objects.count() == 0
