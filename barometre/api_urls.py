from django.urls import path

from barometre import api

app_name = "barometre-api"

urlpatterns = [
    path("editions/", api.editions, name="editions"),
    path("editions/<slug:edition>/indicators/", api.indicators, name="indicators"),
]
