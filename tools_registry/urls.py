from django.urls import path

from tools_registry import views
from tools_registry.insights import views as insights

app_name = "tools_registry"

urlpatterns = [
    path("outils/", views.tool_list, name="tool_list"),
    path("outils/proposer/", views.tool_submit, name="tool_submit"),
    path("outils/proposer/merci/", views.tool_submit_done, name="tool_submit_done"),
    path("outils/<slug:slug>/", views.tool_detail, name="tool_detail"),
    path("outils/<slug:slug>/corriger/", views.tool_correct, name="tool_correct"),
    path("outils/<slug:slug>/corriger/merci/", views.tool_correct_done, name="tool_correct_done"),
    path("collectivites/comparer/", insights.compare, name="compare"),
    path("collectivites/<slug:slug>/", views.collectivity_detail, name="collectivity_detail"),
    path(
        "collectivites/<slug:slug>/comparables.csv",
        views.collectivity_peers_csv,
        name="collectivity_peers_csv",
    ),
    path("carte/", views.tool_map, name="tool_map"),
    path("carte/embed/", views.tool_map_embed, name="tool_map_embed"),
    path("logiciels/", insights.software, name="software"),
    path("logiciels/logiciels.csv", insights.software_csv, name="software_csv"),
    path("couverture/", insights.coverage_page, name="coverage"),
    path("couverture/couverture.csv", insights.coverage_csv, name="coverage_csv"),
]
