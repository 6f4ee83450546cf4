from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tools_registry import services
from tools_registry.admin_duplicates import duplicates_view
from tools_registry.admin_history import ReadableHistoryAdmin
from tools_registry.choices import HybridFormat
from tools_registry.models import (
    Collectivity,
    FormerCode,
    Territory,
    Tool,
    ToolObjective,
    ToolStatus,
)


class FormerCodeInline(admin.TabularInline):
    model = FormerCode
    extra = 0


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "code",
        "population",
        "departement",
        "region",
        "location_source",
    ]
    list_filter = ["kind", "location_source"]
    search_fields = ["name", "=code", "postcodes", "=former_codes__code"]
    autocomplete_fields = ["departement", "region", "epci"]
    list_select_related = ["departement", "region"]
    inlines = [FormerCodeInline]
    show_full_result_count = False


@admin.register(FormerCode)
class FormerCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "territory"]
    search_fields = ["=code", "name", "territory__name"]
    autocomplete_fields = ["territory"]
    list_select_related = ["territory"]


class DuplicateFilter(admin.SimpleListFilter):
    title = _("doublon possible")
    parameter_name = "doublon"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("oui", _("Signalé comme doublon possible"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(possible_duplicate__isnull=False) if self.value() == "oui" else queryset


@admin.register(Collectivity)
class CollectivityAdmin(ReadableHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "territory",
        "population",
        "departement",
        "tool_count",
    ]
    list_filter = ["kind"]
    search_fields = ["name", "=territory__code"]
    autocomplete_fields = ["territory", "departement", "region"]
    list_select_related = ["territory", "departement"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(tool_count=Count("tools"))

    @admin.display(description=_("outils"), ordering="tool_count")
    def tool_count(self, obj: Collectivity) -> int:
        return obj.tool_count


class ToolObjectiveInline(admin.TabularInline):
    model = ToolObjective
    extra = 0
    max_num = 3


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (communiqué au contributeur)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ToolAdminForm(forms.ModelForm):
    hybrid_formats = forms.MultipleChoiceField(
        label=_("formats présentiels"),
        choices=HybridFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if cleaned_data.get("status") == ToolStatus.REJECTED:
            try:
                cleaned_data["moderation_reason"] = services.clean_rejection_reason(
                    cleaned_data.get("moderation_reason", "")
                )
            except ValidationError as error:
                self.add_error("moderation_reason", error)
        return cleaned_data


@admin.register(Tool)
class ToolAdmin(ReadableHistoryAdmin):
    form = ToolAdminForm
    list_display = [
        "name",
        "collectivity",
        "family",
        "status",
        "life_status",
        "source",
        "created_at",
        "moderated_by",
    ]
    list_filter = ["status", "life_status", DuplicateFilter, "family", "source", "is_open_source", "hybrid"]
    search_fields = ["name", "description", "software", "url", "collectivity__name"]
    autocomplete_fields = ["collectivity", "replaced_by"]
    list_select_related = ["collectivity", "moderated_by", "possible_duplicate"]
    readonly_fields = [
        "moderated_by",
        "moderated_at",
        "created_at",
        "updated_at",
        "duplicate",
        "merged_into",
        "submitter_language",
        "consent_at",
        "consent_notice",
    ]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "created_at"
    inlines = [ToolObjectiveInline]
    actions = ["approve", "reject", "archive"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "collectivity", "url", "description"]}),
        (
            _("Caractéristiques"),
            {
                "fields": [
                    "family",
                    "family_other",
                    "software",
                    "is_open_source",
                    "launch_year",
                ]
            },
        ),
        (
            _("Vie de l'outil"),
            {
                "fields": [
                    "life_status",
                    "launched_on",
                    "end_year",
                    "ended_on",
                    "replaced_by",
                    "archived_url",
                ],
                "description": _(
                    "Indépendant de la publication : un outil arrêté reste publié, avec son année d'arrêt, "
                    "son remplaçant et sa copie archivée."
                ),
            },
        ),
        (_("Présentiel"), {"fields": ["hybrid", "hybrid_formats"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "source",
                    "last_verified",
                    "moderation_reason",
                    "moderated_by",
                    "moderated_at",
                    "merged_into",
                ]
            },
        ),
        (
            _("Contributeur (privé)"),
            {
                "fields": [
                    "submitter_name",
                    "submitter_email",
                    "submitter_language",
                    "consent_at",
                    "consent_notice",
                ]
            },
        ),
        (_("Historique"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_urls(self) -> list[URLPattern]:
        def duplicates(request: HttpRequest, object_id: str) -> HttpResponse:
            return duplicates_view(self, request, object_id)

        duplicates = self.admin_site.admin_view(duplicates)
        return [
            path("<path:object_id>/doublons/", duplicates, name="tools_registry_tool_duplicates"),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Tool | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        # A tool merged into another keeps its status: its address leads to the kept tool.
        return [*fields, "status"] if obj is not None and obj.merged_into_id else fields

    def get_fieldsets(self, request: HttpRequest, obj: Tool | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or (obj.possible_duplicate_id is None and obj.status != ToolStatus.PENDING):
            return fieldsets
        warning = (
            _("Doublon possible"),
            {
                "fields": ["duplicate"],
                "description": _(
                    "Un outil déjà référencé peut avoir la même adresse, ou un nom semblable dans la même "
                    "collectivité : comparez les fiches côte à côte avant de publier."
                ),
            },
        )
        return [warning, *fieldsets]

    @admin.display(description=_("doublon possible de"))
    def duplicate(self, tool: Tool) -> str:
        compare = reverse("admin:tools_registry_tool_duplicates", args=[tool.pk])
        other = tool.possible_duplicate
        if other is None:
            search = _("Chercher et comparer les doublons possibles")
            return format_html('<a href="{}">{}</a>', compare, search)
        return format_html(
            '<a href="{}">{}</a> — {} — {} ({}) — <a href="{}">{}</a>',
            reverse("admin:tools_registry_tool_change", args=[other.pk]),
            other.name,
            other.collectivity or "—",
            other.url or "—",
            other.get_status_display(),
            compare,
            _("Comparer côte à côte et fusionner"),
        )

    def save_model(self, request: HttpRequest, obj: Tool, form: forms.ModelForm, change: bool) -> None:
        """A change of status is a moderation: it goes through the services, as the list actions do."""
        status = obj.status
        if "status" not in form.changed_data or status == ToolStatus.PENDING:
            super().save_model(request, obj, form, change)
            return
        # The other edits are saved first, under the former status; the service then moderates.
        obj.status = form.initial.get("status", ToolStatus.PENDING)
        super().save_model(request, obj, form, change)
        if status == ToolStatus.PUBLISHED:
            services.approve_tool(tool=obj, moderator=request.user)
        elif status == ToolStatus.REJECTED:
            services.reject_tool(tool=obj, moderator=request.user, reason=obj.moderation_reason)
        else:
            services.archive_tool(tool=obj, moderator=request.user, reason=obj.moderation_reason)

    def _decide_each(
        self, request: HttpRequest, tools: QuerySet, status: str, decide: Callable, done: Callable[[int], str]
    ) -> None:
        """Moderate each selected tool with `decide(tool)` unless it has `status` already (nothing written,
        nobody told twice) or cannot change (merged into another: said); `done(count)` says what changed."""
        changed = unchanged = 0
        for tool in tools:
            if tool.status == status and tool.merged_into_id is None:
                unchanged += 1
                continue
            try:
                decide(tool)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                changed += 1
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d outil avait déjà ce statut : laissé tel quel.",
                    "%(count)d outils avaient déjà ce statut : laissés tels quels.",
                    unchanged,
                )
                % {"count": unchanged},
                messages.WARNING,
            )
        if changed:
            self.message_user(request, done(changed), messages.SUCCESS)

    @admin.action(description=_("Publier les outils sélectionnés"))
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide_each(
            request,
            queryset,
            ToolStatus.PUBLISHED,
            lambda tool: services.approve_tool(tool=tool, moderator=request.user),
            lambda count: ngettext("%d outil publié.", "%d outils publiés.", count) % count,
        )

    @admin.action(description=_("Refuser les outils sélectionnés (avec un motif)"))
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = RejectionForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._decide_each(
                request,
                queryset,
                ToolStatus.REJECTED,
                lambda tool: services.reject_tool(tool=tool, moderator=request.user, reason=reason),
                lambda count: ngettext("%d outil refusé.", "%d outils refusés.", count) % count,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refuser des outils"),
            "opts": self.model._meta,
            "tools": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tools_registry/tool/reject.html", context)

    @admin.action(description=_("Archiver les outils sélectionnés"))
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide_each(
            request,
            queryset,
            ToolStatus.ARCHIVED,
            lambda tool: services.archive_tool(tool=tool, moderator=request.user),
            lambda count: ngettext("%d outil archivé.", "%d outils archivés.", count) % count,
        )


# The imports (upload, analysis, confirmation, reports) and the public sources; the public's corrections.
from tools_registry import admin_corrections, admin_imports  # noqa: E402, F401
