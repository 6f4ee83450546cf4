"""The staff site: named after the Baromètre, with the moderation queue on its home page."""

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from tools_registry.models import Correction, Tool


class BarometreAdminSite(admin.AdminSite):
    site_header = _("Baromètre — administration")
    site_title = _("Administration du Baromètre")
    index_title = _("Tableau de bord")
    index_template = "admin/barometre_index.html"

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        queues = {
            "pending_tools": Tool.objects.pending().count(),
            "pending_corrections": Correction.objects.pending().count(),
        }
        return super().index(request, {**queues, **(extra_context or {})})
