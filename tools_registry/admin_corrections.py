"""The queue of the public's corrections: read what is proposed beside what the tool says, accept or
reject (tools_registry.services)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tools_registry import services
from tools_registry.corrections import Correction, CorrectionKind


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["tool_link", "kind", "proposed", "current", "status", "created_at", "moderated_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["tool", "moderated_by"]
    search_fields = ["tool__name", "proposed_value"]
    date_hierarchy = "created_at"
    actions = ["accept", "reject"]
    fields = [
        "tool_link",
        "kind",
        "current",
        "proposed_value",
        "email",
        "consent_at",
        "consent_notice",
        "status",
        "moderated_by",
        "moderated_at",
        "moderation_note",
        "created_at",
    ]
    readonly_fields = [f for f in fields if f != "moderation_note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # corrections come from the public form and the API

    @admin.display(description=_("outil"), ordering="tool__name")
    def tool_link(self, correction: Correction) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:tools_registry_tool_change", args=[correction.tool_id]),
            correction.tool.name,
        )

    @admin.display(description=_("valeur proposée"))
    def proposed(self, correction: Correction) -> str:
        return Truncator(correction.proposed_value).chars(120)

    @admin.display(description=_("valeur actuelle"))
    def current(self, correction: Correction) -> str:
        if correction.field is not None:
            return Truncator(getattr(correction.tool, correction.field)).chars(120) or "—"
        if correction.kind == CorrectionKind.ENDED:
            return correction.tool.get_life_status_display()
        if correction.kind == CorrectionKind.COLLECTIVITY and correction.tool.collectivity_id:
            return str(correction.tool.collectivity)
        return "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("tool__collectivity", "moderated_by")

    @admin.action(description=_("Accepter (appliquer la valeur proposée, ou marquer traitée)"))
    def accept(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for correction in queryset:
            try:
                services.accept_correction(correction=correction, moderator=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("« %(correction)s » n'a pas été appliquée : %(errors)s")
                    % {"correction": correction, "errors": "; ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%d correction acceptée.", "%d corrections acceptées.", done) % done,
                messages.SUCCESS,
            )

    @admin.action(description=_("Refuser les corrections sélectionnées"))
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for correction in queryset:
            try:
                services.reject_correction(correction=correction, moderator=request.user)
            except ValidationError as error:
                self.message_user(request, f"{correction} : {'; '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%d correction refusée.", "%d corrections refusées.", done) % done,
                messages.SUCCESS,
            )
