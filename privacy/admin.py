"""Staff handle requests of access and erasure here; every request handled is logged (without the address)."""

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from privacy import services
from privacy.forms import PersonalDataRequestForm
from privacy.models import NoticeVersion, PersonalDataRequest, RequestAction, address_digest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(NoticeVersion)
class NoticeVersionAdmin(ReadOnlyAdmin):
    list_display = ["short_digest", "first_shown_at"]
    fields = ["digest", "first_shown_at", "text_fr", "text_en"]


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(ReadOnlyAdmin):
    list_display = ["handled_at", "action", "handled_by", "via", "address_digest"]
    list_filter = ["action"]
    fields = ["action", "handled_at", "handled_by", "via", "address_digest", "rows"]
    search_fields = ["address_digest"]
    change_list_template = "admin/privacy/personaldatarequest/change_list.html"

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        # Staff search by the address itself: it is hashed as the log stores it, and never kept.
        if "@" in search_term:
            return queryset.filter(address_digest=address_digest(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self) -> list:
        handle = path(
            "traiter/",
            self.admin_site.admin_view(self.handle_view),
            name="privacy_personaldatarequest_handle",
        )
        return [handle, *super().get_urls()]

    def can_handle(self, request: HttpRequest) -> bool:
        return request.user.has_perm("privacy.add_personaldatarequest")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        return super().changelist_view(
            request, {"can_handle": self.can_handle(request), **(extra_context or {})}
        )

    def handle_view(self, request: HttpRequest) -> HttpResponse:
        if not self.can_handle(request):
            return HttpResponse(status=403)
        form = PersonalDataRequestForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form}
        if not form.is_valid():
            return TemplateResponse(request, "admin/privacy/personaldatarequest/handle.html", context)
        address, action = form.cleaned_data["email"], form.cleaned_data["action"]
        if action == RequestAction.EXPORT:
            data = services.export_personal_data(address=address, by=request.user, via="admin")
            response = HttpResponse(
                json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="donnees-personnelles-{data["exported_at"]:%Y%m%d-%H%M%S}.json"'
            )
            return response
        if not form.cleaned_data["confirmed"]:
            found = [item for item in services.find(address) if item.pks]
            context.update(
                found=[(item.entry.label, len(item.pks)) for item in found],
                jobs=services.linked_jobs(found).count(),
                confirm=True,
                address=address,
            )
            return TemplateResponse(request, "admin/privacy/personaldatarequest/handle.html", context)
        counts = services.erase_personal_data(address=address, by=request.user, via="admin")
        self.message_user(
            request,
            _("Données effacées : %(count)d ligne(s) dans %(models)d catégorie(s).")
            % {"count": sum(counts.values()), "models": len(counts)},
            messages.SUCCESS,
        )
        return redirect("admin:privacy_personaldatarequest_changelist")
