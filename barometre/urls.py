from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from barometre import views
from barometre.results import urls as results
from barometre.sitemaps import SITEMAPS
from tools_registry.api.schema import SchemaView

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("tools_registry.urls")),
    path("enquete/", include("survey.urls")),
    path("barometre/", include(results.pages)),
    path("donnees/", include(results.downloads)),
    path("", include("privacy.urls")),
    path("api/v1/barometre/", include(results.api_v1)),
    path("api/v1/", include(("tools_registry.api.urls", "api"), namespace="api")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "barometre.views.bad_request"
handler404 = "barometre.views.page_not_found"
handler500 = "barometre.views.server_error"
