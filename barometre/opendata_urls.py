from django.urls import path

from barometre import views_opendata

app_name = "opendata"

urlpatterns = [
    path("", views_opendata.index, name="index"),
    path("catalog.jsonld", views_opendata.catalog, name="catalog"),
    path("outils.geojson", views_opendata.tools_geojson, name="tools_geojson"),
    path("barometre-<slug:edition>-reponses.csv", views_opendata.responses_csv, name="responses_csv"),
    path(
        "barometre-<slug:edition>-reponses-notes.txt", views_opendata.responses_notes, name="responses_notes"
    ),
    path("barometre-<slug:edition>-questionnaire.json", views_opendata.codebook_json, name="codebook_json"),
    path("barometre-<slug:edition>-questionnaire.csv", views_opendata.codebook_csv, name="codebook_csv"),
    path("barometre-<slug:edition>-indicateurs.csv", views_opendata.indicators_csv, name="indicators_csv"),
    path("barometre-<slug:edition>-indicateurs.json", views_opendata.indicators_json, name="indicators_json"),
]
