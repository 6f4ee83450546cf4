from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("donnees-personnelles/", views.notice, name="notice"),
    path("mentions-legales/", views.legal, name="legal"),
]
