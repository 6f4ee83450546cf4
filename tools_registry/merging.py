"""Merging two entries of the registry that describe the same tool.

The kept tool takes what the other one knew and it did not (empty fields, objectives up to three), its
sources, link check, corrections and the references other tools made to it. The dropped tool is not
deleted: archived, it keeps its own history and says which tool it was merged into, so that its page
redirects there (tools_registry.views.tool_detail).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tools_registry.corrections import Correction
from tools_registry.history import recorded_as
from tools_registry.links.models import LinkCheck
from tools_registry.models import MAX_OBJECTIVES, Tool, ToolObjective, ToolStatus, refresh_stored_fields
from tools_registry.provenance import SourceRecord
from tools_registry.tasks import notify_moderation

# What the kept tool takes from the dropped one when it has no value of its own.
FILLED_FROM_DROPPED = [
    "url",
    "description",
    "collectivity",
    "software",
    "is_open_source",
    "launch_year",
    "launched_on",
    "archived_url",
    "hybrid",
    "hybrid_formats",
]


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


@transaction.atomic
def merge_tools(*, keep: Tool, drop: Tool, moderator: AbstractBaseUser) -> Tool:
    """Merge `drop` into `keep`, both recorded in their history as the moderator's change."""
    if keep.pk == drop.pk:
        raise ValidationError(_("Un outil ne peut pas être fusionné avec lui-même."))
    # Both rows locked, in a fixed order so that two merges never wait on each other.
    locked = {tool.pk: tool for tool in Tool.objects.select_for_update().filter(pk__in=[keep.pk, drop.pk])}
    keep, drop = locked[keep.pk], locked[drop.pk]
    if keep.merged_into_id or drop.merged_into_id:
        raise ValidationError(_("L'un de ces outils a déjà été fusionné dans un autre."))

    for field in FILLED_FROM_DROPPED:
        if _empty(getattr(keep, field)) and not _empty(getattr(drop, field)):
            setattr(keep, field, getattr(drop, field))
    if keep.family_other == "" and keep.family == drop.family:
        keep.family_other = drop.family_other
    if keep.possible_duplicate_id == drop.pk:
        keep.possible_duplicate = None
    _merge_objectives(keep=keep, drop=drop)

    SourceRecord.objects.filter(tool=drop).update(tool=keep)
    Correction.objects.filter(tool=drop).update(tool=keep)
    if not LinkCheck.objects.filter(tool=keep).exists():
        LinkCheck.objects.filter(tool=drop).update(tool=keep)
    Tool.objects.filter(possible_duplicate=drop).exclude(pk=keep.pk).update(possible_duplicate=keep)
    Tool.objects.filter(replaced_by=drop).exclude(pk=keep.pk).update(replaced_by=keep)
    Tool.objects.filter(merged_into=drop).update(merged_into=keep)

    reason = _("Fusionné avec « %(name)s » (n° %(pk)d).")
    # A proposal still waiting for its decision: this is it, and its submitter is told (notify_moderation).
    decided = drop.status == ToolStatus.PENDING and bool(drop.submitter_email)
    drop.status, drop.merged_into = ToolStatus.ARCHIVED, keep
    drop.moderated_by, drop.moderated_at = moderator, timezone.now()
    drop.moderation_reason = reason % {"name": keep.name, "pk": keep.pk}
    if drop.replaced_by_id == keep.pk:
        drop.replaced_by = None
    with recorded_as(f"merge:{drop.pk}->{keep.pk}"):
        for tool, change in ((keep, "merge: kept"), (drop, "merge: dropped")):
            tool.full_clean(exclude=["slug"])
            tool._history_user = moderator
            tool._change_reason = f"{change} ({drop.pk} -> {keep.pk})"
            tool.save()
    if decided:
        notify_moderation.enqueue(drop.pk, drop.status)
    return keep


def _merge_objectives(*, keep: Tool, drop: Tool) -> None:
    """The kept tool's objectives in their order, then the dropped one's it lacks, up to three."""
    kept = list(keep.objectives.order_by("rank").values_list("objective", flat=True))
    extra = [
        code
        for code in drop.objectives.order_by("rank").values_list("objective", flat=True)
        if code not in kept
    ][: MAX_OBJECTIVES - len(kept)]
    ToolObjective.objects.bulk_create(
        ToolObjective(tool=keep, objective=code, rank=rank) for rank, code in enumerate(extra, len(kept) + 1)
    )
    refresh_stored_fields(tool_ids=[keep.pk])
