"""What the build works on: GeoNames places, communes and their locations."""

from __future__ import annotations

from dataclasses import dataclass, field

# GeoNames files overseas territories under their own ISO country codes.
OVERSEAS_COUNTRY = {
    "971": "GP",
    "972": "MQ",
    "973": "GF",
    "974": "RE",
    "975": "PM",
    "976": "YT",
    "977": "BL",
    "978": "MF",
    "984": "TF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}

# location_source values of communes.
SOURCE_GEONAMES = "geonames"
SOURCE_MAIRIE = "mairie"


@dataclass
class Place:
    """One GeoNames populated place."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    population: int
    alternates: list[str]


@dataclass
class Commune:
    code: str
    name: str
    departement: str
    region: str
    population: int | None
    postcodes: list[str]
    siren: str = ""
    epci: str = ""
    former: dict[str, str] = field(default_factory=dict)
    chef_lieu_deleguee: str = ""
    other_delegues: list[str] = field(default_factory=list)
    merged: bool = False
    place: Place | None = None
    tier: int | None = None

    @property
    def territory(self) -> str:
        return territory_of(self.departement, self.region)


@dataclass
class Location:
    latitude: float
    longitude: float
    source: str


def territory_of(departement: str, region: str) -> str:
    """GeoNames area key: admin1 code (= INSEE région) or overseas country."""
    return OVERSEAS_COUNTRY.get(departement, region)
