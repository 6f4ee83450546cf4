"""« de » before a place's or a collectivity's name, as the survey's pages and emails write it."""

import re

import pytest
from django.utils import translation

from tools_registry.territories import DATA_FILE, read_rows
from tools_registry.text import from_place

COMMUNE, EPCI, METROPOLE = "commune", "intercommunalite", "metropole"
DEPARTEMENT, REGION, PNR = "departement", "region", "pnr"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Articles: « le » and « les » contract, « la » and « l' » stay as written.
        ("Le Havre", "du Havre"),
        ("Le Mans", "du Mans"),
        ("Le Puy-en-Velay", "du Puy-en-Velay"),
        ("Les Mureaux", "des Mureaux"),
        ("Les Sables-d'Olonne", "des Sables-d'Olonne"),
        ("Les Abymes", "des Abymes"),
        ("La Rochelle", "de La Rochelle"),
        ("La Roche-sur-Yon", "de La Roche-sur-Yon"),
        ("L'Haÿ-les-Roses", "de L'Haÿ-les-Roses"),
        ("L'Isle-d'Abeau", "de L'Isle-d'Abeau"),
        # Vowels, accented or not, and a y read as a vowel.
        ("Orléans", "d'Orléans"),
        ("Angers", "d'Angers"),
        ("Évry-Courcouronnes", "d'Évry-Courcouronnes"),
        ("Île-Molène", "d'Île-Molène"),
        ("Ussel", "d'Ussel"),
        ("Yvetot", "d'Yvetot"),
        ("Yssingeaux", "d'Yssingeaux"),
        ("Œting", "d'Œting"),
        # A y before a vowel is a consonant.
        ("Yutz", "de Yutz"),
        # The h muet of the listed names, the h aspiré of all others.
        ("Hyères", "d'Hyères"),
        ("Honfleur", "d'Honfleur"),
        ("Hendaye", "d'Hendaye"),
        ("Hérouville-Saint-Clair", "d'Hérouville-Saint-Clair"),
        ("Haguenau", "de Haguenau"),
        ("Houilles", "de Houilles"),
        ("Hem", "de Hem"),
        ("Haute-Goulaine", "de Haute-Goulaine"),
        # Consonants; names starting like an article without being one.
        ("Lyon", "de Lyon"),
        ("Saint-Denis", "de Saint-Denis"),
        ("Laval", "de Laval"),
        ("Lesparre-Médoc", "de Lesparre-Médoc"),
        ("Lens", "de Lens"),
        # A commune of one word named like a body is a place.
        ("Ville", "de Ville"),
        # Spaces as typed do not matter.
        ("  Le   Havre ", "du Havre"),
    ],
)
def test_a_place_name_takes_the_article_french_writes(name, expected) -> None:
    assert from_place(name) == expected
    assert from_place(name, kind=COMMUNE) == expected


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("CC du Pays de Fayence", EPCI, "de la CC du Pays de Fayence"),
        ("CA du Grand Dole", EPCI, "de la CA du Grand Dole"),
        ("CU Perpignan Méditerranée Métropole", EPCI, "de la CU Perpignan Méditerranée Métropole"),
        ("Communauté d'agglomération Pays Basque", EPCI, "de la Communauté d'agglomération Pays Basque"),
        ("Métropole Rouen Normandie", EPCI, "de la Métropole Rouen Normandie"),
        ("Métropole de Lyon", METROPOLE, "de la Métropole de Lyon"),
        ("Eurométropole de Strasbourg", EPCI, "de l'Eurométropole de Strasbourg"),
        ("Bordeaux Métropole", EPCI, "de Bordeaux Métropole"),
        ("Orléans Métropole", EPCI, "d'Orléans Métropole"),
        ("Parc naturel régional du Vercors", PNR, "du Parc naturel régional du Vercors"),
        ("Département du Nord", DEPARTEMENT, "du Département du Nord"),
        ("Région Bretagne", REGION, "de la Région Bretagne"),
        ("Ville de Paris", COMMUNE, "de la Ville de Paris"),
        ("Pays de Belvès", COMMUNE, "du Pays de Belvès"),
    ],
)
def test_a_bodys_name_takes_the_article_of_its_first_word(name, kind, expected) -> None:
    assert from_place(name, kind=kind) == expected


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Nord", DEPARTEMENT, "du Département du Nord"),
        ("Gironde", DEPARTEMENT, "du Département de la Gironde"),
        ("Ain", DEPARTEMENT, "du Département de l'Ain"),
        ("Hérault", DEPARTEMENT, "du Département de l'Hérault"),
        ("Haute-Garonne", DEPARTEMENT, "du Département de la Haute-Garonne"),
        ("Landes", DEPARTEMENT, "du Département des Landes"),
        ("Côtes-d'Armor", DEPARTEMENT, "du Département des Côtes-d'Armor"),
        ("Val-d'Oise", DEPARTEMENT, "du Département du Val-d'Oise"),
        ("Paris", DEPARTEMENT, "du Département de Paris"),
        ("La Réunion", DEPARTEMENT, "du Département de La Réunion"),
        ("Territoire de Belfort", DEPARTEMENT, "du Territoire de Belfort"),
        ("Nouvelle-Calédonie", DEPARTEMENT, "de la Nouvelle-Calédonie"),
        ("Bretagne", REGION, "de la Région Bretagne"),
        ("Hauts-de-France", REGION, "de la Région Hauts-de-France"),
        ("Pays de la Loire", REGION, "de la Région Pays de la Loire"),
        ("Île-de-France", REGION, "de la Région Île-de-France"),
        ("Saint-Martin", REGION, "de Saint-Martin"),
        # « Région » drops the article of a name (the Région Réunion), « Département » keeps it.
        ("La Réunion", REGION, "de la Région Réunion"),
        ("Guadeloupe", REGION, "de la Région Guadeloupe"),
        ("Guadeloupe", DEPARTEMENT, "du Département de la Guadeloupe"),
        # A collectivité unique is one collectivity, filed as a région and as a département.
        ("Martinique", REGION, "de la Collectivité territoriale de Martinique"),
        ("Martinique", DEPARTEMENT, "de la Collectivité territoriale de Martinique"),
        ("Guyane", REGION, "de la Collectivité territoriale de Guyane"),
        ("Guyane", DEPARTEMENT, "de la Collectivité territoriale de Guyane"),
        ("Mayotte", REGION, "du Département de Mayotte"),
        ("Mayotte", DEPARTEMENT, "du Département de Mayotte"),
        ("Corse", REGION, "de la Collectivité de Corse"),
        # The same names, as places.
        ("Landes", COMMUNE, "de Landes"),
        ("Aube", COMMUNE, "d'Aube"),
    ],
)
def test_a_departement_or_a_region_reads_as_the_collectivity(name, kind, expected) -> None:
    assert from_place(name, kind=kind) == expected


def test_every_departement_of_the_reference_has_its_article() -> None:
    names = [row["name"] for row in read_rows(DATA_FILE) if row["kind"] == "departement"]
    assert len(names) == 109
    without_article = [
        name for name in names if re.match(r"du Département de [A-Z]", from_place(name, kind=DEPARTEMENT))
    ]
    assert without_article == ["Paris", "La Réunion", "Mayotte"]


def test_no_region_of_the_reference_keeps_an_article_after_region() -> None:
    names = [row["name"] for row in read_rows(DATA_FILE) if row["kind"] == "region"]
    readings = [from_place(name, kind=REGION) for name in names]
    assert [reading for reading in readings if re.search(r"Région (La|Le|Les|L')\b", reading)] == []


@pytest.mark.parametrize(
    ("name", "kind"), [("Le Havre", COMMUNE), ("Métropole de Lyon", METROPOLE), ("Nord", DEPARTEMENT)]
)
def test_in_english_the_name_is_kept_whole(name, kind) -> None:
    with translation.override("en"):
        assert from_place(name, kind=kind) == f"from {name}"
