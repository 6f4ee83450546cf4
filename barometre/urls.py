from django.contrib import admin
from django.urls import include, path

from barometre import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("tools_registry.urls")),
    path("api/v1/", include(("tools_registry.api.urls", "api"), namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
