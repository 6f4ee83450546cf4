"""The demo's link health: one fictitious tool whose address has failed for weeks, in the review queue."""

from datetime import timedelta

from django.utils import timezone

from tools_registry.demo import FICTITIOUS_PREFIX
from tools_registry.links.models import LinkCheck, LinkOutcome, LinkReview
from tools_registry.models import Tool, ToolSource

UNREACHABLE_TOOL_NUMBER = 23


def load_link_review_demo() -> bool:
    """Put the fictitious tool n° 23 in the review queue, once; whether it was done now."""
    tool = Tool.objects.filter(
        source=ToolSource.DEMO, name__startswith=f"{FICTITIOUS_PREFIX} n° {UNREACHABLE_TOOL_NUMBER} "
    ).first()
    if tool is None or LinkCheck.objects.filter(tool=tool).exists():
        return False
    now = timezone.now()
    LinkCheck.objects.create(
        tool=tool,
        url=tool.url,
        checked_at=now - timedelta(days=2),
        outcome=LinkOutcome.DNS,
        final_url=tool.url,
        detail="Exemple fictif : aucune vérification réelle n'a eu lieu.",
        last_ok_at=now - timedelta(days=44),
        first_failure_at=now - timedelta(days=37),
        consecutive_failures=6,
        review=LinkReview.TO_REVIEW,
    )
    return True
