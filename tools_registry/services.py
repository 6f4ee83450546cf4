"""Writes on the registry: proposing a tool, and moderating it (with the emails that follow).

Emails are jobs, enqueued in the same transaction as the write that causes them (tools_registry/tasks.py).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from tools_registry.choices import CollectivityKind
from tools_registry.models import (
    Collectivity,
    Territory,
    TerritoryKind,
    Tool,
    ToolObjective,
    ToolSource,
    ToolStatus,
)
from tools_registry.tasks import acknowledge_submission, notify_moderation, notify_moderators

KIND_OF_TERRITORY = {
    TerritoryKind.COMMUNE: CollectivityKind.COMMUNE,
    TerritoryKind.EPCI: CollectivityKind.INTERCOMMUNALITE,
    TerritoryKind.DEPARTEMENT: CollectivityKind.DEPARTEMENT,
    TerritoryKind.REGION: CollectivityKind.REGION,
}


@dataclass
class ToolProposal:
    """What a submitter (form, API or survey answer) says about a tool; already validated."""

    name: str
    family: str
    url: str = ""
    description: str = ""
    family_other: str = ""
    objectives: list[str] = field(default_factory=list)
    software: str = ""
    is_open_source: bool | None = None
    launch_year: int | None = None
    hybrid: bool | None = None
    hybrid_formats: list[str] = field(default_factory=list)
    submitter_name: str = ""
    submitter_email: str = ""


def collectivity_for_territory(territory: Territory) -> Collectivity:
    """The registry's collectivity for an official territory, created on first use."""
    collectivity, _created = Collectivity.objects.get_or_create(
        territory=territory, defaults={"name": territory.name, "kind": KIND_OF_TERRITORY[territory.kind]}
    )
    return collectivity


def create_unlisted_collectivity(*, name: str, kind: str) -> Collectivity:
    """A body outside the territory reference (a PNR, another body), created on first use; staff will
    locate it. A database constraint keeps one per name and kind, even when two requests create it."""
    collectivity, _created = Collectivity.objects.get_or_create(
        territory__isnull=True, kind=kind, name__iexact=name.strip(), defaults={"name": name.strip()}
    )
    return collectivity


def find_duplicate(*, url: str, name: str, collectivity: Collectivity | None) -> Tool | None:
    """A listed (not rejected) tool with the same address, or with the same name in the same collectivity."""
    same = Q(pk__in=[])
    bare = url.strip().rstrip("/").removeprefix("https://").removeprefix("http://")
    if bare:
        for scheme in ("http", "https"):
            same |= Q(url__iexact=f"{scheme}://{bare}") | Q(url__iexact=f"{scheme}://{bare}/")
    if collectivity is not None and collectivity.pk:
        same |= Q(collectivity=collectivity, name__iexact=name.strip())
    return Tool.objects.exclude(status=ToolStatus.REJECTED).filter(same).order_by("pk").first()


SAME_PROPOSAL_FIELDS = [
    "name",
    "url",
    "description",
    "family",
    "family_other",
    "collectivity",
    "software",
    "is_open_source",
    "launch_year",
    "hybrid",
    "hybrid_formats",
    "submitter_name",
    "submitter_email",
    "source",
]


def find_same_proposal(*, tool: Tool, objectives: list[str]) -> Tool | None:
    """A pending tool holding exactly what `tool` (not saved yet) holds, from the same source and the
    same submitter: the same proposal sent twice (a double click, a retried request)."""
    same = Tool.objects.filter(
        status=ToolStatus.PENDING, **{name: getattr(tool, name) for name in SAME_PROPOSAL_FIELDS}
    )
    for candidate in same.prefetch_related("objectives").order_by("pk"):
        if [objective.objective for objective in candidate.ranked_objectives()] == objectives:
            return candidate
    return None


@transaction.atomic
def submit_tool(
    *, proposal: ToolProposal, collectivity: Collectivity, source: str = ToolSource.SUBMISSION
) -> Tool:
    """Store a proposed tool as pending (nothing half-saved) and tell the moderators and the submitter.

    The same proposal sent again while the first is pending is not stored twice: the first is returned,
    and its sender answered as the first time. Submissions for one collectivity are taken one at a
    time (a lock on its row), so that this holds for copies arriving at the same moment.
    """
    Collectivity.objects.select_for_update().only("pk").get(pk=collectivity.pk)
    duplicate = find_duplicate(url=proposal.url, name=proposal.name, collectivity=collectivity)
    tool = Tool(
        name=proposal.name.strip(),
        url=proposal.url.strip(),
        description=proposal.description.strip(),
        family=proposal.family,
        family_other=proposal.family_other.strip(),
        collectivity=collectivity,
        software=proposal.software.strip(),
        is_open_source=proposal.is_open_source,
        launch_year=proposal.launch_year,
        hybrid=proposal.hybrid,
        hybrid_formats=list(proposal.hybrid_formats) if proposal.hybrid else [],
        submitter_name=proposal.submitter_name.strip(),
        submitter_email=proposal.submitter_email.strip(),
        status=ToolStatus.PENDING,
        source=source,
        possible_duplicate=duplicate,
    )
    tool.full_clean(exclude=["slug"])
    same = find_same_proposal(tool=tool, objectives=proposal.objectives)
    if same is not None:
        return same
    tool.save()
    set_objectives(tool=tool, objectives=proposal.objectives)
    notify_moderators.enqueue(tool.pk)
    if tool.submitter_email:
        acknowledge_submission.enqueue(tool.pk, translation.get_language() or settings.LANGUAGE_CODE)
    return tool


def set_objectives(*, tool: Tool, objectives: list[str]) -> None:
    """Replace the tool's objectives by `objectives`, ranked in the given order."""
    tool.objectives.all().delete()
    ToolObjective.objects.bulk_create(
        ToolObjective(tool=tool, objective=objective, rank=rank)
        for rank, objective in enumerate(objectives, 1)
    )


@transaction.atomic
def approve_tool(*, tool: Tool, moderator: AbstractBaseUser) -> Tool:
    tool.moderate(status=ToolStatus.PUBLISHED, moderator=moderator)
    if tool.submitter_email:
        notify_moderation.enqueue(tool.pk, tool.status)
    return tool


def clean_rejection_reason(reason: str) -> str:
    """A rejection's reason, required: it is sent to the contributor."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Un refus doit être motivé."))
    return reason


@transaction.atomic
def reject_tool(*, tool: Tool, moderator: AbstractBaseUser, reason: str) -> Tool:
    reason = clean_rejection_reason(reason)
    tool.moderate(status=ToolStatus.REJECTED, moderator=moderator, reason=reason)
    if tool.submitter_email:
        notify_moderation.enqueue(tool.pk, tool.status)
    return tool


@transaction.atomic
def archive_tool(*, tool: Tool, moderator: AbstractBaseUser, reason: str = "") -> Tool:
    tool.moderate(status=ToolStatus.ARCHIVED, moderator=moderator, reason=reason.strip())
    return tool
