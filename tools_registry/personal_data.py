"""The registry's personal data: the name and address of whoever proposed a tool, the address of whoever
proposed a correction (privacy/registry.py)."""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.registry import months_before, register
from tools_registry.corrections import CorrectionStatus
from tools_registry.models import Tool, ToolStatus
from tools_registry.tasks import (
    acknowledge_correction,
    acknowledge_submission,
    notify_moderation,
    notify_moderators,
    notify_moderators_of_correction,
)

SUBMITTER = ["submitter_name", "submitter_email"]

register(
    "tools_registry.Tool",
    label=_("Outils proposés : coordonnées du contributeur"),
    fields=SUBMITTER,
    email="submitter_email",
    # The language of their emails is nobody's data, but it goes with the address: reset with it, so that
    # an erased proposal keeps nothing of its submitter.
    replacements=lambda: {"submitter_language": settings.LANGUAGE_CODE},
    # Kept while the proposal is examined, then SUBMITTER_DATA_RETENTION_MONTHS after the decision.
    due=lambda now: (
        ~Q(status=ToolStatus.PENDING)
        & Q(moderated_at__lt=months_before(now, settings.SUBMITTER_DATA_RETENTION_MONTHS))
    ),
    jobs={
        job.module_path: "tool_id" for job in (acknowledge_submission, notify_moderation, notify_moderators)
    },
)

register(
    "tools_registry.HistoricalTool",
    label=_("Historique des outils : coordonnées du contributeur"),
    fields=SUBMITTER,
    email="submitter_email",
    # The edit history follows the tool: once the tool no longer holds them (erased, or the tool deleted).
    due=lambda now: ~Q(id__in=Tool.objects.exclude(submitter_name="", submitter_email="").values("pk")),
)

register(
    "tools_registry.Correction",
    label=_("Corrections proposées : adresse de l'expéditeur"),
    fields=["email"],
    email="email",
    # Like a contributor's: kept while the correction waits, then the same time after the decision.
    due=lambda now: (
        ~Q(status=CorrectionStatus.PENDING)
        & Q(moderated_at__lt=months_before(now, settings.SUBMITTER_DATA_RETENTION_MONTHS))
    ),
    jobs={
        job.module_path: "correction_id" for job in (acknowledge_correction, notify_moderators_of_correction)
    },
)
