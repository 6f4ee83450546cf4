import io
import zipfile

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from survey import invitations, services
from survey.admin_pages import EditionStaffPages
from survey.flow import Questionnaire, display_value, read_answers
from survey.io import export_responses
from survey.models import (
    Choice,
    Contact,
    Edition,
    InvitationEmail,
    OpenAnswer,
    OpenLinkResponse,
    Question,
    QuestionType,
    Response,
    ResponseTool,
    ReviewStatus,
    Section,
)
from survey.questionnaire import copy_edition


class CodeReadOnlyOnChange:
    """Codes are stable once created: indicators and files depend on them; labels may be reworded."""

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "code", "title", "scope", "shown_if_question", "shown_if_choices"]
    readonly_fields = ["code", "scope", "shown_if_question", "shown_if_choices"]
    show_change_link = True
    extra = 0


@admin.register(Edition)
class EditionAdmin(CodeReadOnlyOnChange, EditionStaffPages, admin.ModelAdmin):
    list_display = ["code", "title", "status", "starts_on", "ends_on", "links"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    inlines = [SectionInline]
    actions = ["copy"]
    # The edition's own pages: (URL name, query, link text), in the list and on the edition's page.
    EDITION_PAGES = [
        ("dashboard", "", _("tableau de bord")),
        ("import_contacts", "", _("importer des contacts")),
        ("send_invitations", "", _("envoyer les invitations")),
        ("send_reminders", "", _("envoyer une relance")),
        ("import_responses", "", _("importer des réponses")),
        ("export", "", _("export anonymisé")),
        ("export", "?full=1", _("export complet")),
    ]

    def get_urls(self) -> list:
        own = [
            path(
                "<int:pk>/tableau-de-bord/",
                self.admin_site.admin_view(self.dashboard),
                name="survey_edition_dashboard",
            ),
            path("<int:pk>/exporter/", self.admin_site.admin_view(self.export), name="survey_edition_export"),
            *self.staff_page_urls(),
        ]
        return own + super().get_urls()

    @admin.display(description=_("suivi"))
    def links(self, edition: Edition) -> str:
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse(f"admin:survey_edition_{name}", args=[edition.pk]) + query, label)
                for name, query, label in self.EDITION_PAGES
            ),
        )

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        pages = [
            (reverse(f"admin:survey_edition_{name}", args=[object_id]) + query, label)
            for name, query, label in self.EDITION_PAGES
        ]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "pages": pages})

    def save_model(self, request: HttpRequest, obj: Edition, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "title" in form.changed_data and "title_en" not in form.changed_data and obj.title_en:
            self.message_user(
                request,
                _(
                    "Le titre français a changé, mais pas le titre anglais : « %(title_en)s » est peut-être "
                    "à mettre à jour (il figure dans les pages en anglais)."
                )
                % {"title_en": obj.title_en},
                messages.WARNING,
            )

    @admin.action(description=_("Copier l'édition (mêmes codes, libellés à reformuler)"))
    def copy(self, request: HttpRequest, queryset: QuerySet) -> None:
        for edition in queryset:
            code, suffix = f"{edition.code}-copie", 2
            while Edition.objects.filter(code=code).exists():
                code, suffix = f"{edition.code}-copie-{suffix}", suffix + 1
            copy = copy_edition(edition=edition, code=code)
            self.message_user(
                request, _("Édition %(code)s créée, en préparation.") % {"code": copy.code}, messages.SUCCESS
            )

    @staticmethod
    def _require(request: HttpRequest, *permissions: str) -> None:
        """The edition's own pages show responses or add contacts: being staff is not enough."""
        if not request.user.has_perms(permissions):
            raise PermissionDenied

    def dashboard(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request, "survey.view_edition", "survey.view_response")
        edition = get_object_or_404(Edition, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Réponses à l'édition %(code)s") % {"code": edition.code},
            "edition": edition,
            "opts": self.model._meta,
            "rows": invitations.response_rates(edition),
            "imported": Response.objects.counted().filter(edition=edition, collectivity__isnull=True).count(),
            "to_review": Response.objects.awaiting_review().filter(edition=edition).count(),
        }
        return TemplateResponse(request, "survey/admin/dashboard.html", context)

    def export(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A zip of the long-format CSV and its notes (anonymised unless ?full=1)."""
        self._require(request, "survey.view_edition", "survey.view_response")
        edition = get_object_or_404(Edition, pk=pk)
        full = request.GET.get("full") == "1"
        result = export_responses(edition=edition, full=full)
        name = f"barometre-{edition.code}-{'complet' if full else 'anonymise'}"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}.csv", result.csv_text())
            archive.writestr(f"{name}.csv.notes.txt", result.notes_text())
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return response


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "code", "type", "required", "label", "label_en"]
    readonly_fields = ["code", "type"]
    show_change_link = True
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Section)
class SectionAdmin(CodeReadOnlyOnChange, admin.ModelAdmin):
    list_display = ["__str__", "edition", "code", "scope"]
    list_filter = ["edition"]
    fields = [
        "edition",
        "code",
        "position",
        "title",
        "title_en",
        "intro",
        "intro_en",
        "scope",
        "shown_if_question",
        "shown_if_choices",
    ]
    autocomplete_fields = ["shown_if_question"]
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "code", "label", "label_en"]
    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["code"] if obj is not None else []


@admin.register(Question)
class QuestionAdmin(CodeReadOnlyOnChange, admin.ModelAdmin):
    list_display = ["code", "edition", "section", "type", "scope", "required"]
    list_filter = ["edition", "type", "scope"]
    search_fields = ["code", "label"]
    autocomplete_fields = ["shown_if_question"]
    list_select_related = ["edition", "section"]
    inlines = [ChoiceInline]


class InvitationEmailInline(admin.TabularInline):
    model = InvitationEmail
    fields = ["round", "sent_at"]
    readonly_fields = ["round", "sent_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "collectivity", "edition", "status", "origin", "language", "opened_at"]
    list_filter = ["edition", "status", "origin", "language", "collectivity__kind"]
    search_fields = ["email", "name", "collectivity__name", "=collectivity__territory__code"]
    autocomplete_fields = ["collectivity"]
    list_select_related = ["collectivity", "edition"]
    readonly_fields = [
        "token",
        "opened_at",
        "created_at",
        "link",
        "consent_at",
        "consent_notice",
        "erased_at",
    ]
    inlines = [InvitationEmailInline]
    show_full_result_count = False

    @admin.display(description=_("lien personnel"))
    def link(self, contact: Contact) -> str:
        return contact.get_absolute_url() if contact.pk else ""


class ResponseToolInline(admin.TabularInline):
    model = ResponseTool
    fields = ["position", "registry_tool"]
    readonly_fields = ["position", "registry_tool"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "collectivity", "status", "origin", "review", "tool_count", "submitted_at"]
    list_filter = ["edition", "status", "origin", "review", "collectivity__kind"]
    search_fields = ["collectivity__name", "=collectivity__territory__code", "import_id"]
    autocomplete_fields = ["collectivity"]
    list_select_related = ["edition", "collectivity"]
    readonly_fields = [
        "edition",
        "status",
        "origin",
        "import_id",
        "submitted_by",
        "tool_count",
        "started_at",
        "updated_at",
        "submitted_at",
        "open_link_contact",
        "language",
        "review",
        "reviewed_by",
        "reviewed_at",
        "answers_table",
    ]
    fieldsets = [
        (None, {"fields": ["edition", "collectivity", "status", "origin", "import_id", "tool_count"]}),
        (_("Vérification"), {"fields": ["review", "reviewed_by", "reviewed_at"]}),
        (
            _("Répondant (privé)"),
            {
                "fields": [
                    "respondent_name",
                    "respondent_role",
                    "respondent_email",
                    "language",
                    "submitted_by",
                    "open_link_contact",
                ]
            },
        ),
        (_("Dates"), {"fields": ["started_at", "updated_at", "submitted_at"]}),
        (_("Réponses"), {"fields": ["answers_table"]}),
    ]
    inlines = [ResponseToolInline]

    @admin.display(description=_("réponses"))
    def answers_table(self, response: Response) -> str:
        questionnaire = Questionnaire(response.edition)
        answers = read_answers(response)
        rows = []
        for (code, subject), value in sorted(answers.items(), key=lambda item: item[0][1]):
            question = questionnaire.questions.get(code)
            if question is None:
                continue
            rows.append(
                (
                    f"T{subject}" if subject else "",
                    question.display_label(),
                    code,
                    " · ".join(display_value(question, value)),
                )
            )
        if not rows:
            return _("Aucune réponse.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("outil"),
            _("question"),
            _("réponse"),
            format_html_join("", "<tr><td>{}</td><td>{}<br><code>{}</code></td><td>{}</td></tr>", rows),
        )


class ReviewFilter(admin.SimpleListFilter):
    """The queue opens on what waits for a decision."""

    title = _("vérification")
    parameter_name = "verification"
    ALL = "toutes"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [*ReviewStatus.choices, (self.ALL, _("Toutes"))]

    def value(self) -> str:
        return super().value() or ReviewStatus.PENDING

    def choices(self, changelist) -> list[dict]:
        return [
            {
                "selected": self.value() == code,
                "query_string": changelist.get_query_string({self.parameter_name: code}),
                "display": label,
            }
            for code, label in self.lookup_choices
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset if self.value() == self.ALL else queryset.filter(review=self.value())


@admin.register(OpenLinkResponse)
class OpenLinkResponseAdmin(ResponseAdmin):
    """The responses sent through the open link: staff accept those the barometer may count."""

    list_display = [
        "collectivity",
        "respondent_email",
        "respondent_name",
        "edition",
        "submitted_at",
        "review",
        "already_counted",
        "reviewed_by",
        "reviewed_at",
    ]
    list_display_links = ["collectivity"]
    list_filter = [ReviewFilter, "edition", "collectivity__kind"]
    search_fields = ["collectivity__name", "=collectivity__territory__code", "respondent_email"]
    list_select_related = ["edition", "collectivity", "reviewed_by"]
    ordering = ["-submitted_at"]
    actions = ["accept", "reject"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        counted = Response.objects.counted().filter(
            edition=OuterRef("edition"), collectivity=OuterRef("collectivity")
        )
        return (
            super()
            .get_queryset(request)
            .from_open_link()
            .annotate(already_counted=Exists(counted.exclude(pk=OuterRef("pk"))))
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in Response._meta.fields] + ["answers_table"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("autre réponse déjà comptée"), boolean=True)
    def already_counted(self, response: Response) -> bool:
        return response.already_counted

    @admin.action(description=_("Retenir : compter dans le baromètre"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, services.accept_response, _("Retenue"))

    @admin.action(description=_("Écarter : ne pas compter dans le baromètre"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, services.reject_response, _("Écartée"))

    def _decide(self, request: HttpRequest, queryset: QuerySet, decide, message: str) -> None:
        done = 0
        for response in queryset.select_related("collectivity"):
            try:
                decide(response=response, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.log_change(request, response, str(message))
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d réponse : %(decision)s.", "%(count)d réponses : %(decision)s.", done)
                % {"count": done, "decision": str(message).lower()},
                messages.SUCCESS,
            )


@admin.register(OpenAnswer)
class OpenAnswerAdmin(admin.ModelAdmin):
    """Moderation of verbatims: only those marked publishable can be published, never with an identity."""

    list_display = ["text_excerpt", "question", "edition", "publishable"]
    list_editable = ["publishable"]
    list_filter = ["publishable", "question__edition", "question__code"]
    search_fields = ["text"]
    fields = ["question", "response", "subject", "text", "publishable"]
    readonly_fields = ["question", "response", "subject", "text"]
    actions = ["mark_publishable", "mark_private"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .counted()
            .filter(question__type__in=[QuestionType.TEXT, QuestionType.URL])
            .select_related("question__edition")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("texte"))
    def text_excerpt(self, answer: OpenAnswer) -> str:
        return answer.text if len(answer.text) <= 120 else f"{answer.text[:117]}…"

    @admin.display(description=_("édition"))
    def edition(self, answer: OpenAnswer) -> str:
        return answer.question.edition.code

    @admin.action(description=_("Marquer publiables"))
    def mark_publishable(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(publishable=True)
        self.message_user(
            request, ngettext("%d verbatim publiable.", "%d verbatims publiables.", count) % count
        )

    @admin.action(description=_("Marquer non publiables"))
    def mark_private(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(publishable=False)
        self.message_user(request, ngettext("%d verbatim privé.", "%d verbatims privés.", count) % count)
