from django.urls import path

from barometre import views_results

app_name = "barometre"

urlpatterns = [
    path("", views_results.latest, name="latest"),
    path("<slug:edition>/", views_results.edition_page, name="edition"),
    path("<slug:edition>/indicateurs/<slug:code>.csv", views_results.indicator_csv, name="indicator_csv"),
    path("<slug:edition>/indicateurs/<slug:code>.svg", views_results.indicator_svg, name="indicator_svg"),
]
