from django import forms as django_forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tools_registry.links import services
from tools_registry.links.models import LinkCheck, LinkOutcome, LinkToReview
from tools_registry.links.tasks import check_links
from tools_registry.models import FIRST_LAUNCH_YEAR, LAST_LAUNCH_YEAR


class EndedForm(django_forms.Form):
    """What staff know of a tool they found gone: both optional, the tool is marked ended anyway."""

    end_year = django_forms.IntegerField(
        label=_("Année d'arrêt"), required=False, min_value=FIRST_LAUNCH_YEAR, max_value=LAST_LAUNCH_YEAR
    )
    archived_url = django_forms.URLField(
        label=_("Adresse archivée"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Copie de l'outil sur web.archive.org, par exemple."),
    )


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """Every address the checker has seen, read-only; staff act through the actions."""

    list_display = [
        "tool_link",
        "collectivity",
        "failure",
        "first_failure_at",
        "consecutive_failures",
        "final_address",
        "checked_at",
        "review",
    ]
    list_filter = ["review", "outcome"]
    search_fields = ["tool__name", "url", "final_url"]
    list_select_related = ["tool__collectivity"]
    actions = ["keep", "mark_ended", "recheck"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LinkCheck | None = None) -> bool:
        # A check goes with its tool: whoever may delete the tool deletes its check with it (the admin
        # asks this of each object a deletion takes along). Never alone: see delete_view.
        return obj is not None and request.user.has_perm("tools_registry.delete_tool")

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None):
        # Deleting a check alone would reset the failures that bring its tool to staff review.
        raise PermissionDenied

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "show_delete": False}
        )

    def get_readonly_fields(self, request: HttpRequest, obj: LinkCheck | None = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    @admin.display(description=_("outil"), ordering="tool__name")
    def tool_link(self, link_check: LinkCheck) -> str:
        url = reverse("admin:tools_registry_tool_change", args=[link_check.tool_id])
        return format_html('<a href="{}">{}</a>', url, link_check.tool.name)

    @admin.display(description=_("collectivité"))
    def collectivity(self, link_check: LinkCheck) -> str:
        return str(link_check.tool.collectivity or "")

    @admin.display(description=_("résultat"), ordering="outcome")
    def failure(self, link_check: LinkCheck) -> str:
        label = link_check.get_outcome_display()
        if link_check.status_code and link_check.outcome in (LinkOutcome.HTTP_ERROR, LinkOutcome.OK):
            return f"{label} ({link_check.status_code})"
        return label

    @admin.display(description=_("adresse finale"), ordering="final_url")
    def final_address(self, link_check: LinkCheck) -> str:
        # Shown as text, not as a link: it may be anything a failing site redirected to.
        return link_check.final_url if link_check.final_url != link_check.url else "="

    @admin.action(description=_("Vérifiée à la main : conserver l'adresse"), permissions=["change"])
    def keep(self, request: HttpRequest, queryset: QuerySet) -> None:
        for link_check in queryset:
            services.keep_address(link_check=link_check, reviewer=request.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%d adresse conservée.", "%d adresses conservées.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Marquer les outils comme arrêtés"), permissions=["change"])
    def mark_ended(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """Asks, for each tool, its end year and the address of an archived copy, then marks it ended."""
        if not request.user.has_perm("tools_registry.change_tool"):
            self.message_user(request, _("Vous n'avez pas le droit de modifier les outils."), messages.ERROR)
            return None
        link_checks = list(queryset.select_related("tool"))
        confirmed = "confirm" in request.POST
        forms = [
            (link_check, EndedForm(request.POST if confirmed else None, prefix=f"tool-{link_check.pk}"))
            for link_check in link_checks
        ]
        if not confirmed or not all(form.is_valid() for _link_check, form in forms):
            context = {
                **self.admin_site.each_context(request),
                "title": _("Marquer des outils comme arrêtés"),
                "opts": self.model._meta,
                "forms": forms,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/links/mark_ended.html", context)
        count = 0
        for link_check, form in forms:
            try:
                services.mark_tool_ended(link_check=link_check, reviewer=request.user, **form.cleaned_data)
            except ValidationError as error:
                message = _("%(tool)s n'a pas été modifié : %(errors)s") % {
                    "tool": link_check.tool.name,
                    "errors": "; ".join(error.messages),
                }
                self.message_user(request, message, messages.ERROR)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%d outil marqué arrêté.", "%d outils marqués arrêtés.", count) % count,
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Vérifier de nouveau maintenant"), permissions=["view"])
    def recheck(self, request: HttpRequest, queryset: QuerySet) -> None:
        tool_ids = list(queryset.values_list("tool_id", flat=True))
        check_links.enqueue(tool_ids=tool_ids)
        self.message_user(
            request,
            ngettext(
                "Nouvelle vérification demandée pour %d adresse : le résultat s'affichera ici une fois "
                "passée la file d'attente.",
                "Nouvelle vérification demandée pour %d adresses : les résultats s'afficheront ici une fois "
                "passée la file d'attente.",
                len(tool_ids),
            )
            % len(tool_ids),
            messages.SUCCESS,
        )


@admin.register(LinkToReview)
class LinkToReviewAdmin(LinkCheckAdmin):
    """The review queue ("à vérifier"): tools whose address has failed long enough, oldest failure first."""

    list_filter = ["outcome"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).to_review()
