import pytest

from tests.imports.conftest import DECIDIM_SAMPLE
from tests.imports.test_odf import messages
from tools_registry.models import Tool

pytestmark = pytest.mark.django_db


def decidim(import_sample):
    return import_sample("decidim-installations", DECIDIM_SAMPLE)


def test_cities_and_regions_become_participation_platforms_organisations_are_left_out(import_sample) -> None:
    _run, report = decidim(import_sample)
    assert report.counts() == {"created": 6, "updated": 0, "unchanged": 0, "skipped": 4}
    assert report.tiers() == {"code": 0, "name": 6, "none": 0, "body": 0}
    skipped = {row.line: messages(report, row.line) for row in report.rows if row.outcome == "skipped"}
    assert skipped == {
        5: "organisation (entreprise, association, institution nationale…) : "
        "hors du registre des collectivités",
        7: "type « village » inconnu (attendus : city, region, org)",
        9: "aucun territoire de ce nom près du point de la source : à rattacher à la main",
        11: "même outil (même collectivité, même adresse) que la ligne 3",
    }
    arcueil = Tool.objects.get(name="participer.arcueil.fr")
    assert (arcueil.family, arcueil.family_other) == ("autre", "Plateforme de participation citoyenne")
    assert (arcueil.software, arcueil.is_open_source, arcueil.life_status) == ("Decidim", True, "active")
    assert arcueil.collectivity.territory.code == "94003"
    assert arcueil.description == "Plateforme de participation citoyenne Decidim d'Arcueil."
    assert Tool.objects.get(name="budgetparticipatif.ville-roubaix.fr").family == "budget_participatif"


def test_a_platform_that_survives_only_as_an_archive_is_imported_as_ended(import_sample) -> None:
    decidim(import_sample)
    clairoix = Tool.objects.get(name="participez.clairoix.fr")
    assert clairoix.life_status == "ended"
    assert clairoix.url == "https://participez.clairoix.fr/"
    assert (
        clairoix.archived_url == "https://web.archive.org/web/20230328161312/https://participez.clairoix.fr/"
    )
    assert "une copie archivée du 28/03/2023 reste consultable" in clairoix.description


def test_places_are_found_by_name_near_the_point_and_a_distant_namesake_is_flagged(import_sample) -> None:
    _run, report = decidim(import_sample)
    # « Departement de La Mayenne »: the département, not the commune of Mayenne.
    assert Tool.objects.get(name="may-dialogue.lamayenne.fr").collectivity.territory.kind == "departement"
    assert "trouvée par le nom près du point de la source : Arcueil (94003)" in messages(report, 2)
    needing = {row.line: messages(report, row.line) for row in report.needing_a_human()}
    assert needing[8] == (
        "rattachée par le nom à Seignosse (40296) : à vérifier ; "
        "seul territoire de ce nom, à 676 km du point de la source"
    )
    assert set(needing) == {7, 8, 9}
