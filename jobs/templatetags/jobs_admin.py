from django import template
from django.urls import reverse

from jobs.admin import GIVEN_UP
from jobs.models import QueuedJob

register = template.Library()


@register.inclusion_tag("admin/jobs/given_up_notice.html", takes_context=True)
def given_up_jobs_notice(context: template.Context) -> dict:
    """On the admin index: how many jobs gave up (emails never sent), for staff who may see them."""
    request = context["request"]
    if not request.user.has_perm("jobs.view_queuedjob"):
        return {"count": 0}
    return {
        "count": QueuedJob.objects.given_up().count(),
        "url": reverse("admin:jobs_queuedjob_changelist") + f"?issue={GIVEN_UP}",
    }
