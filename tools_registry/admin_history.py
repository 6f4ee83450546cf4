"""The edit history of tools and collectivities in the admin: who or what changed which fields, and how.

django-simple-history's admin lists each record with its date, its user and its changes (field:
before → after); this adds the channel (import, link review, API…), shows codes by their labels, and
keeps the history read-only: reverting from it would bypass the moderation services.
"""

import datetime
from typing import Any

from django.contrib.admin.utils import display_for_value
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from tools_registry.history import channel_label


class ReadableChanges(HistoricalRecordContextHelper):
    """Values as staff know them: choice labels rather than codes, yes and no, a dash for nothing, dates
    in the site's time zone and the reader's language, as elsewhere in the admin."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            # simple-history gives an empty foreign key as a "deleted" object without a pk.
            if value.pk is None:
                return "—"
            return gettext("(supprimé, n° %(pk)s)") % {"pk": value.pk}
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, datetime.date | datetime.time):
            return display_for_value(value, "—")
        if field.choices and not isinstance(value, list):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("Oui") if value else _("Non"))
        return super().prepare_delta_change_value(change, value)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/tools_registry/object_history_list.html"
    # Sets `record.channel` on each listed record, for the template.
    history_list_display = ["channel"]

    @staticmethod
    def channel(record: Any) -> str:
        return channel_label(record.history_via)

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        return ReadableChanges(self.model, historical_record)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True
