from django.contrib import admin

from barometre.models import EditionReport


@admin.register(EditionReport)
class EditionReportAdmin(admin.ModelAdmin):
    list_display = ["edition", "fictitious", "published_on", "updated_at"]
    list_filter = ["fictitious"]
    list_select_related = ["edition"]
    fieldsets = [
        (None, {"fields": ["edition", "fictitious", "published_on"]}),
        (None, {"fields": ["introduction", "introduction_en", "takeaways", "takeaways_en"]}),
        (None, {"fields": ["invitations_sent", "collectivities_invited", "method_notes", "method_notes_en"]}),
    ]
