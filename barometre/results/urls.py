"""Where the published results are reached: the barometer pages, the open-data downloads and the API,
each included by the project's urls with its namespace."""

from django.urls import path

from barometre.results import api, opendata, views

pages = (
    [
        path("", views.latest, name="latest"),
        path("<slug:edition>/", views.edition_page, name="edition"),
        path("<slug:edition>/indicateurs/<slug:code>.csv", views.indicator_csv, name="indicator_csv"),
        path("<slug:edition>/indicateurs/<slug:code>.svg", views.indicator_svg, name="indicator_svg"),
    ],
    "barometre",
)

downloads = (
    [
        path("", opendata.index, name="index"),
        path("catalog.jsonld", opendata.catalog, name="catalog"),
        path("outils.geojson", opendata.tools_geojson, name="tools_geojson"),
        path("barometre-<slug:edition>-reponses.csv", opendata.responses_csv, name="responses_csv"),
        path("barometre-<slug:edition>-reponses-notes.txt", opendata.responses_notes, name="responses_notes"),
        path("barometre-<slug:edition>-questionnaire.json", opendata.codebook_json, name="codebook_json"),
        path("barometre-<slug:edition>-questionnaire.csv", opendata.codebook_csv, name="codebook_csv"),
        path("barometre-<slug:edition>-indicateurs.csv", opendata.indicators_csv, name="indicators_csv"),
        path("barometre-<slug:edition>-indicateurs.json", opendata.indicators_json, name="indicators_json"),
    ],
    "opendata",
)

api_v1 = (
    [
        path("editions/", api.editions, name="editions"),
        path("editions/<slug:edition>/indicators/", api.indicators, name="indicators"),
    ],
    "barometre-api",
)
