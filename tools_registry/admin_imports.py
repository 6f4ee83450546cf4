"""The imports in the admin: upload a file, read its analysis, confirm; the runs and their reports; the public
sources and the records taken from them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tools_registry import imports
from tools_registry.imports.matching import Tier
from tools_registry.imports.report import OUTCOME_LABELS, TIER_LABELS, ImportReport, Outcome, render
from tools_registry.provenance import DataSource, ImportFormat, ImportRun, ImportStatus, SourceRecord


class ImportUploadForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices)
    file = forms.FileField(label=_("Fichier CSV"))
    file_date = forms.DateField(
        label=_("Date du fichier"),
        required=False,
        help_text=_("Date de publication ou d'extraction, pour les lignes qui ne donnent pas la leur."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("Fichier trop volumineux (%(size)d Mo au plus).")
                % {"size": imports.MAX_FILE_SIZE // (1024 * 1024)}
            )
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "format", "file_name", "status", "summary", "created_by"]
    list_filter = ["format", "status"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list shows each run's counts, not its file nor its whole report (a few hundred KB each).
        return super().get_queryset(request).defer("content", "report").annotate(counts=F("report__counts"))

    @admin.display(description=_("résultat"))
    def summary(self, run: ImportRun) -> str:
        if not run.counts:
            return render(run.error) if run.error else "—"
        return ", ".join(f"{run.counts[outcome.value]} {_(OUTCOME_LABELS[outcome])}" for outcome in Outcome)

    def has_change_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        # The runs are the history of what the imports did: kept.
        return False

    def get_urls(self) -> list:
        confirm = path(
            "<int:run_id>/confirmer/", self.admin_site.admin_view(self.confirm_view), name="importrun_confirm"
        )
        return [confirm, *super().get_urls()]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            run = imports.start_analysis(
                format=form.cleaned_data["format"],
                content=upload.read(),
                file_name=upload.name,
                user=request.user,
                file_date=form.cleaned_data["file_date"],
            )
            self.message_user(
                request,
                _("Fichier reçu : son analyse est en cours. Rien n'est importé avant votre confirmation."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:tools_registry_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importer des outils"),
            "opts": self.model._meta,
            "form": form,
            "formats": ImportFormat.choices,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "admin/tools_registry/importrun/upload.html", context, status=status)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": str(run),
            "opts": self.model._meta,
            "run": run,
            "error": render(run.error) if run.error else "",
            "can_confirm": run.status == ImportStatus.ANALYSED and self.has_add_permission(request),
            "waiting": run.status in (ImportStatus.ANALYSING, ImportStatus.QUEUED),
            **(report_context(ImportReport.from_json(run.report)) if run.report else {}),
        }
        return TemplateResponse(request, "admin/tools_registry/importrun/report.html", context)

    def confirm_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        if request.method != "POST":
            raise Http404
        if not self.has_add_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        if run.status == ImportStatus.ANALYSED:
            imports.confirm_import(run=run)
            self.message_user(request, _("Import confirmé : il s'exécute maintenant."), messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("Cet import ne peut plus être confirmé (%(status)s).")
                % {"status": run.get_status_display()},
                messages.ERROR,
            )
        return HttpResponseRedirect(reverse("admin:tools_registry_importrun_change", args=[run.pk]))


def report_context(report: ImportReport) -> dict:
    """The report as the admin page shows it: labels translated, messages rendered."""
    counts = report.counts()

    def rows(selected: list) -> list[dict]:
        return [
            {
                "line": row.line,
                "record": row.record,
                "label": row.label,
                "outcome": _(OUTCOME_LABELS[Outcome(row.outcome)]),
                "tool_id": row.tool_id,
                "tool_name": row.tool_name,
                "messages": [render(message) for message in row.messages],
            }
            for row in selected
        ]

    return {
        "report": report,
        "counts": [(_(OUTCOME_LABELS[outcome]), counts[outcome.value]) for outcome in Outcome],
        "tiers": [(_(TIER_LABELS[Tier(tier)]), count) for tier, count in report.tiers().items()],
        "file_messages": [render(message) for message in report.file_messages],
        "needing": rows(report.needing_a_human()),
        "rows": rows(report.rows),
    }


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the imports only: the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DataSource)
class DataSourceAdmin(ReadOnlyAdmin):
    """The sources are declared by the importer's formats."""

    list_display = ["name", "publisher", "licence", "credit"]


class MissingFilter(admin.SimpleListFilter):
    title = _("dans la source")
    parameter_name = "absent"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("oui", _("Plus listés par la source"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(missing_since__isnull=False) if self.value() == "oui" else queryset


@admin.register(SourceRecord)
class SourceRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "record_id",
        "source",
        "tool_link",
        "collectivity",
        "source_date",
        "last_seen",
        "missing_since",
    ]
    list_filter = ["source", MissingFilter]
    search_fields = ["=record_id", "tool__name", "collectivity__name"]
    list_select_related = ["source", "tool", "collectivity"]
    show_full_result_count = False

    @admin.display(description=_("outil"), ordering="tool__name")
    def tool_link(self, record: SourceRecord) -> str:
        if record.tool is None:
            return "—"
        url = reverse("admin:tools_registry_tool_change", args=[record.tool_id])
        return format_html('<a href="{}">{}</a>', url, record.tool.name)
