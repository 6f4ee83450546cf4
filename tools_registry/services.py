"""Writes on the registry: proposing a tool, and moderating it (with the emails that follow); proposing a
correction of a tool, and moderating it.

Emails are jobs, enqueued in the same transaction as the write that causes them (tools_registry/tasks.py).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.mail import current_language
from privacy.notice import current_notice
from tools_registry.cache import registry_changed
from tools_registry.choices import CollectivityKind
from tools_registry.corrections import Correction, CorrectionKind, CorrectionStatus
from tools_registry.history import recorded_as
from tools_registry.models import (
    FIRST_LAUNCH_YEAR,
    LAST_LAUNCH_YEAR,
    Collectivity,
    LifeStatus,
    Territory,
    TerritoryKind,
    Tool,
    ToolObjective,
    ToolSource,
    ToolStatus,
    refresh_stored_fields,
)
from tools_registry.tasks import (
    acknowledge_correction,
    acknowledge_submission,
    notify_moderation,
    notify_moderators,
    notify_moderators_of_correction,
)

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
    # The language the submitter wrote in, if not the current request's (a survey response accepted by
    # staff: the respondent's, not the staff member's).
    submitter_language: str = ""
    # The submitter ticked the consent box: the version of the privacy notice they agreed to is kept.
    consented: bool = False


def collectivity_for_territory(territory: Territory) -> Collectivity:
    """The registry's collectivity for an official territory, created on first use."""
    collectivity, _created = Collectivity.objects.get_or_create(
        territory=territory, defaults={"name": territory.name, "kind": KIND_OF_TERRITORY[territory.kind]}
    )
    return collectivity


def _unlisted(*, name: str, kind: str) -> dict:
    # A body outside the reference is known by its name (case ignored) and kind.
    return {"territory__isnull": True, "kind": kind, "name__iexact": name.strip()}


def create_unlisted_collectivity(*, name: str, kind: str) -> Collectivity:
    """A body outside the territory reference (a PNR, another body), created on first use; staff will
    locate it. A database constraint keeps one per name and kind, even when two requests create it."""
    collectivity, _created = Collectivity.objects.get_or_create(
        **_unlisted(name=name, kind=kind), defaults={"name": name.strip()}
    )
    return collectivity


def known_collectivity(
    *, territory: Territory | None = None, name: str = "", kind: str = ""
) -> Collectivity | None:
    """The collectivity `collectivity_for_territory` or `create_unlisted_collectivity` would return, if
    the registry already has it (nothing is created)."""
    if territory is not None:
        return Collectivity.objects.filter(territory=territory).first()
    return Collectivity.objects.filter(**_unlisted(name=name, kind=kind)).first()


@dataclass(frozen=True)
class CollectivityChoice:
    """The collectivity a person picked: a territory of the reference, or a body outside it by name and
    kind (a PNR, another body)."""

    territory: Territory | None = None
    name: str = ""
    kind: str = ""


def collectivity_of(choice: CollectivityChoice) -> Collectivity:
    """The registry's collectivity for `choice`, created on first use in the caller's transaction."""
    if choice.territory is not None:
        return collectivity_for_territory(choice.territory)
    return create_unlisted_collectivity(name=choice.name, kind=choice.kind)


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
    same = Tool.objects.pending().filter(**{name: getattr(tool, name) for name in SAME_PROPOSAL_FIELDS})
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
    duplicate = Tool.objects.duplicates_of(
        url=proposal.url, name=proposal.name, collectivity_id=collectivity.pk
    ).first()
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
        submitter_language=proposal.submitter_language or current_language(),
        status=ToolStatus.PENDING,
        source=source,
        possible_duplicate=duplicate,
    )
    tool.full_clean(exclude=["slug"])
    same = find_same_proposal(tool=tool, objectives=proposal.objectives)
    if same is not None:
        return same
    if proposal.consented:
        tool.consent_at, tool.consent_notice = timezone.now(), current_notice()
    with recorded_as(source):  # "submission" or "survey" in the edit history
        tool.save()
    set_objectives(tool=tool, objectives=proposal.objectives)
    notify_moderators.enqueue(tool.pk)
    if tool.submitter_email:
        acknowledge_submission.enqueue(tool.pk, tool.submitter_language)
    return tool


@transaction.atomic
def propose_tool(*, proposal: ToolProposal, choice: CollectivityChoice) -> Tool:
    """A proposal from the public form or the API: a collectivity new to the registry is stored with the
    tool, or not at all (the proposal refused, the database unavailable)."""
    return submit_tool(proposal=proposal, collectivity=collectivity_of(choice))


@transaction.atomic
def add_tool(*, values: dict, objectives: list[str], moderator: AbstractBaseUser) -> Tool:
    """A tool staff enter themselves: stored and published at once, under their name."""
    tool = Tool(**values, source=ToolSource.STAFF, status=ToolStatus.PENDING)
    tool.full_clean(exclude=["slug"])
    tool.save()
    set_objectives(tool=tool, objectives=objectives)
    return approve_tool(tool=tool, moderator=moderator)


@transaction.atomic
def edit_tool(*, tool: Tool, values: dict, objectives: list[str] | None = None) -> Tool:
    """Staff's edit of a tool's fields, and of its ranked objectives when given."""
    for name, value in values.items():
        setattr(tool, name, value)
    tool.full_clean()
    tool.save()
    if objectives is not None:
        set_objectives(tool=tool, objectives=objectives)
    return tool


def set_objectives(*, tool: Tool, objectives: list[str]) -> None:
    """Replace the tool's objectives by `objectives`, ranked in the given order."""
    tool.objectives.all().delete()
    ToolObjective.objects.bulk_create(
        ToolObjective(tool=tool, objective=objective, rank=rank)
        for rank, objective in enumerate(objectives, 1)
    )
    refresh_stored_fields(tool_ids=[tool.pk])
    registry_changed()  # the objectives created in bulk sent no signal


def _decide(tool: Tool, *, status: str, moderator: AbstractBaseUser, reason: str = "") -> bool:
    """Give `tool` the moderation `status`; False when it has it already: nothing is written and nobody
    is told twice. A tool merged into another keeps its status (its address leads to the kept one)."""
    if tool.merged_into_id is not None:
        raise ValidationError(
            _("« %(name)s » a été fusionné dans un autre outil : sa décision ne peut plus changer.")
            % {"name": tool.name}
        )
    if tool.status == status:
        return False
    tool.moderate(status=status, moderator=moderator, reason=reason)
    return True


@transaction.atomic
def approve_tool(*, tool: Tool, moderator: AbstractBaseUser) -> Tool:
    if _decide(tool, status=ToolStatus.PUBLISHED, moderator=moderator) and tool.submitter_email:
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
    if _decide(tool, status=ToolStatus.REJECTED, moderator=moderator, reason=reason) and tool.submitter_email:
        notify_moderation.enqueue(tool.pk, tool.status)
    return tool


@transaction.atomic
def archive_tool(*, tool: Tool, moderator: AbstractBaseUser, reason: str = "") -> Tool:
    _decide(tool, status=ToolStatus.ARCHIVED, moderator=moderator, reason=reason.strip())
    return tool


@transaction.atomic
def submit_correction(*, tool: Tool, kind: str, proposed_value: str, email: str = "") -> Correction:
    """Store a correction of a published tool as pending, tell the moderators, and its sender if they
    gave an address (given only with consent to the privacy notice, whose version is kept)."""
    correction = Correction(tool=tool, kind=kind, proposed_value=proposed_value.strip(), email=email.strip())
    if correction.email:
        correction.consent_at, correction.consent_notice = timezone.now(), current_notice()
    correction.full_clean()
    correction.save()
    notify_moderators_of_correction.enqueue(correction.pk)
    if correction.email:
        acknowledge_correction.enqueue(correction.pk, current_language())
    return correction


def _end_year(value: str) -> int | None:
    """The year a correction « no longer in service » gives, if its value is one."""
    text = value.strip()
    if text.isdigit() and FIRST_LAUNCH_YEAR <= int(text) <= LAST_LAUNCH_YEAR:
        return int(text)
    return None


@transaction.atomic
def accept_correction(*, correction: Correction, moderator: AbstractBaseUser) -> Correction:
    """Apply the proposed value to the tool where the kind maps to a field (or mark the tool ended), in
    the tool's history as the moderator's change naming the correction; other kinds were applied by hand
    by the moderator, and are only marked handled. Raises ValidationError if the value does not fit."""
    correction = _pending_locked(correction)
    tool = correction.tool
    changed = []
    if correction.field is not None:
        setattr(tool, correction.field, correction.proposed_value)
        changed = [correction.field]
    elif correction.kind == CorrectionKind.ENDED and tool.life_status != LifeStatus.ENDED:
        tool.life_status = LifeStatus.ENDED
        tool.end_year = tool.end_year or _end_year(correction.proposed_value)
        changed = ["life_status", "end_year"]
    if changed:
        tool.full_clean()
        tool._history_user = moderator
        tool._change_reason = f"correction {correction.pk}"
        with recorded_as(f"correction:{correction.pk}"):
            tool.save(update_fields=[*changed, "updated_at"])
    return _moderate_correction(correction, status=CorrectionStatus.ACCEPTED, moderator=moderator)


@transaction.atomic
def reject_correction(*, correction: Correction, moderator: AbstractBaseUser, note: str = "") -> Correction:
    correction = _pending_locked(correction)
    return _moderate_correction(
        correction, status=CorrectionStatus.REJECTED, moderator=moderator, note=note.strip()
    )


def _pending_locked(correction: Correction) -> Correction:
    """The correction, locked until the transaction ends, so that two moderators never both handle it."""
    correction = Correction.objects.select_for_update().select_related("tool").get(pk=correction.pk)
    if correction.status != CorrectionStatus.PENDING:
        raise ValidationError(_("Cette correction a déjà été traitée."))
    return correction


def _moderate_correction(
    correction: Correction, *, status: str, moderator: AbstractBaseUser, note: str | None = None
) -> Correction:
    correction.status, correction.moderated_by, correction.moderated_at = status, moderator, timezone.now()
    fields = ["status", "moderated_by", "moderated_at"]
    if note is not None:
        correction.moderation_note = note
        fields.append("moderation_note")
    correction.save(update_fields=fields)
    return correction
