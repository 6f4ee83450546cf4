import sys

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from barometre.middleware import unavailable_response
from tools_registry.models import Collectivity, Tool


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "tool_count": Tool.objects.published().count(),
        "collectivity_count": Collectivity.objects.with_published_tools().count(),
        "latest_tools": Tool.objects.published().select_related("collectivity").order_by("-created_at")[:6],
    }
    return render(request, "home.html", context)


def _api_error(request: HttpRequest, status: int, code: str, detail: str) -> JsonResponse | None:
    if request.path.startswith("/api/"):
        return JsonResponse({"status": status, "code": code, "detail": detail}, status=status)
    return None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    api = _api_error(request, 404, "not_found", _("Ressource introuvable."))
    return api or render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # The database went away outside a view (a middleware, a template): still a 503, not a 500.
        return unavailable_response(request)
    api = _api_error(request, 500, "error", _("Erreur interne du serveur."))
    return api or render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    api = _api_error(request, 400, "bad_request", _("Requête invalide."))
    return api or render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid CSRF token (a page left open past its cookie, cookies refused): the
    site's own page, in the visitor's language, saying what to do. Rendered with the request, so that
    the page sets a new token that the form, once reloaded, sends."""
    return render(request, "403_csrf.html", status=403)


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /enquete/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """For clients that ask /favicon.ico without reading the page's icon link."""
    return HttpResponseRedirect(static("favicon.svg"))


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database and the cache answer, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        cache.set("health", "ok", 10)
        checks["cache"] = "ok" if cache.get("health") == "ok" else "unavailable"
    except Exception:
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def admin_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer to a sign-in refused because this account failed too often from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {**admin.site.each_context(request), "minutes": minutes}
    response = render(request, "admin/login_throttled.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
