"""The demo editions of the barometer: fictitious responses built from exact counts.

Each edition is described by `Targets`: how many responses give each answer (split between equipped
and other collectivities where the report compares them), how many tools give each answer, and the
patterns of ranked objectives. `build_responses` turns these counts into respondents
deterministically (a seeded shuffle decides who gets what, so that cross-tabulations look natural);
`load_demo_edition` stores them in bulk, once. See docs/demo-barometre.md.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from barometre.models import EditionReport
from barometre.results.figures import invalidate
from survey.models import (
    RESPONSE_SUBJECT,
    Answer,
    Edition,
    Question,
    Response,
    ResponseOrigin,
    ResponseStatus,
    ResponseTool,
)
from survey.questionnaire import create_edition, load_definition

Counts = dict[str, int]


@dataclass(frozen=True)
class Targets:
    code: str
    title: str
    title_en: str
    seed: int
    starts_on: datetime.date
    ends_on: datetime.date
    invitations_sent: int
    collectivities_invited: int
    # (collectivity_type, population) → responses.
    profiles: dict[tuple[str, str], int]
    roles: Counts
    # Number of tools → equipped collectivities describing that many.
    tools_per_collectivity: dict[int, int]
    open_data: int
    # Perceptions: (among equipped, among the others); a missing remainder is non-response.
    perceptions: dict[str, tuple[Counts, Counts]]
    families: Counts
    family_other: tuple[str, ...]
    # (ranked objectives, number of tools).
    objective_patterns: tuple[tuple[tuple[str, ...], int], ...]
    # tool_objective_met: (tools whose first objective is informer, the others).
    objective_met: tuple[Counts, Counts]
    involvement: Counts
    hybrid: Counts
    # Mentions of each format among the tools with tool_hybrid = oui.
    hybrid_formats: Counts
    reaches: Counts
    opendata_where: Counts
    opendata_what: Counts
    # Free texts: (question, tool answer that asks it, text, publishable).
    verbatims: tuple[tuple[str, str, str, bool], ...] = ()
    takeaways: str = ""
    takeaways_en: str = ""
    method_notes: str = ""
    method_notes_en: str = ""


@dataclass
class DemoResponse:
    answers: list[tuple[str, int, str, int | None]] = field(default_factory=list)
    texts: list[tuple[str, int, str, bool]] = field(default_factory=list)
    tools: int = 0


def column(counts: Counts, size: int, rng: random.Random) -> list[str | None]:
    """`size` values holding each choice exactly `counts[choice]` times, shuffled; None is non-response."""
    values: list[str | None] = [code for code, n in counts.items() for _ in range(n)]
    if len(values) > size:
        raise ValueError(f"{len(values)} answers for {size} subjects: {counts}")
    values += [None] * (size - len(values))
    rng.shuffle(values)
    return values


def mentions(counts: Counts, size: int, rng: random.Random) -> list[list[str]]:
    """For a multiple-choice question: each choice given to exactly `counts[choice]` distinct subjects."""
    chosen: list[list[str]] = [[] for _ in range(size)]
    for code, n in counts.items():
        for index in sorted(rng.sample(range(size), n)):
            chosen[index].append(code)
    return chosen


def build_responses(targets: Targets) -> list[DemoResponse]:
    rng = random.Random(targets.seed)  # noqa: S311 — reproducible demo data, not security
    profiles = [profile for profile, n in targets.profiles.items() for _ in range(n)]
    rng.shuffle(profiles)
    total = len(profiles)
    tool_counts = [tools for tools, n in sorted(targets.tools_per_collectivity.items()) for _ in range(n)]
    equipped = len(tool_counts)
    responses = [DemoResponse() for _ in range(total)]
    # The first `equipped` respondents are the equipped ones; profiles are already shuffled.
    for index, response in enumerate(responses):
        kind, population = profiles[index]
        response.answers += [
            ("collectivity_type", RESPONSE_SUBJECT, kind, None),
            ("population", RESPONSE_SUBJECT, population, None),
            ("has_tool", RESPONSE_SUBJECT, "oui" if index < equipped else "non", None),
        ]
    roles = column(targets.roles, total, rng)
    for response, role in zip(responses, roles, strict=True):
        if role:
            response.answers.append(("respondent_role", RESPONSE_SUBJECT, role, None))
    for code, (among_equipped, among_others) in targets.perceptions.items():
        values = column(among_equipped, equipped, rng) + column(among_others, total - equipped, rng)
        for response, value in zip(responses, values, strict=True):
            if value:
                response.answers.append((code, RESPONSE_SUBJECT, value, None))
    rng.shuffle(tool_counts)
    owners = [index for index, n in enumerate(tool_counts) for _ in range(n)]
    for index, n in enumerate(tool_counts):
        responses[index].tools = n
    _add_tools(targets, responses, owners, rng)
    _add_open_data(targets, responses, owners, rng)
    return responses


def _add_tools(
    targets: Targets, responses: list[DemoResponse], owners: list[int], rng: random.Random
) -> None:
    count = len(owners)
    objectives = [pattern for pattern, n in targets.objective_patterns for _ in range(n)]
    if len(objectives) != count:
        raise ValueError(f"{len(objectives)} objective patterns for {count} tools")
    rng.shuffle(objectives)
    inform_first = [i for i, pattern in enumerate(objectives) if pattern[0] == "informer"]
    others = [i for i, pattern in enumerate(objectives) if pattern[0] != "informer"]
    met: list[str | None] = [None] * count
    for indexes, counts in zip((inform_first, others), targets.objective_met, strict=True):
        for index, value in zip(indexes, column(counts, len(indexes), rng), strict=True):
            met[index] = value
    families = column(targets.families, count, rng)
    involvement = column(targets.involvement, count, rng)
    hybrid = column(targets.hybrid, count, rng)
    reaches = column(targets.reaches, count, rng)
    hybrid_tools = [i for i, value in enumerate(hybrid) if value == "oui"]
    formats: list[list[str]] = [[] for _ in range(count)]
    for index, chosen in zip(
        hybrid_tools, mentions(targets.hybrid_formats, len(hybrid_tools), rng), strict=True
    ):
        formats[index] = chosen
    numbers = Counter[int]()
    subjects = []
    for owner in owners:
        numbers[owner] += 1
        subjects.append(numbers[owner])
    others_named = iter(targets.family_other)
    for index, (owner, subject) in enumerate(zip(owners, subjects, strict=True)):
        answers = responses[owner].answers
        single = {
            "tool_family": families[index],
            "tool_objective_met": met[index],
            "tool_involvement": involvement[index],
            "tool_hybrid": hybrid[index],
            "tool_reaches_absent_publics": reaches[index],
        }
        answers += [(code, subject, value, None) for code, value in single.items() if value]
        answers += [
            ("tool_objectives", subject, code, rank) for rank, code in enumerate(objectives[index], 1)
        ]
        answers += [("tool_hybrid_formats", subject, code, None) for code in formats[index]]
        if families[index] == "autre":
            text = next(others_named, None)
            if text:
                responses[owner].texts.append(("tool_family_other", subject, text, True))
    _add_verbatims(targets, responses, owners, subjects, involvement, reaches)


def _add_verbatims(
    targets: Targets,
    responses: list[DemoResponse],
    owners: list[int],
    subjects: list[int],
    involvement: list[str | None],
    reaches: list[str | None],
) -> None:
    """Each verbatim goes to the next tool whose answer asks (or suits) it."""
    answer_of = {"tool_involvement_why": involvement, "tool_reach_comment": reaches}
    used: set[tuple[str, int]] = set()
    for code, when, text, publishable in targets.verbatims:
        for index, value in enumerate(answer_of[code]):
            if value == when and (code, index) not in used:
                used.add((code, index))
                responses[owners[index]].texts.append((code, subjects[index], text, publishable))
                break


def _add_open_data(
    targets: Targets, responses: list[DemoResponse], owners: list[int], rng: random.Random
) -> None:
    """has_open_data = oui first for collectivities with an open-data tool, then for the others in order."""
    with_portal = {owner for owner in owners if _answer(responses[owner], "tool_family") == "open_data"}
    ordered = sorted(range(len(responses)), key=lambda i: (i not in with_portal, i))
    opening = set(ordered[: targets.open_data])
    members = sorted(opening)
    where = mentions(targets.opendata_where, len(members), rng)
    what = mentions(targets.opendata_what, len(members), rng)
    for index, response in enumerate(responses):
        response.answers.append(
            ("has_open_data", RESPONSE_SUBJECT, "oui" if index in opening else "non", None)
        )
    for position, index in enumerate(members):
        answers = responses[index].answers
        answers += [("opendata_where", RESPONSE_SUBJECT, code, None) for code in where[position]]
        answers += [("opendata_what", RESPONSE_SUBJECT, code, None) for code in what[position]]


def _answer(response: DemoResponse, code: str) -> str | None:
    return next((value for question, _s, value, _r in response.answers if question == code), None)


@transaction.atomic
def load_demo_edition(targets: Targets) -> bool:
    """Create the edition and its fictitious responses; False if it exists (only its titles and the
    English texts of its report are set again, so that a database loaded before they said « fictitious »
    in English, or before the report had English texts, is brought up to date)."""
    existing = Edition.objects.filter(code=targets.code)
    if existing.exists():
        existing.filter(report__fictitious=True).update(title=targets.title, title_en=targets.title_en)
        EditionReport.objects.filter(edition__code=targets.code, fictitious=True).update(
            takeaways_en=targets.takeaways_en, method_notes_en=targets.method_notes_en
        )
        return False
    edition = create_edition(
        code=targets.code,
        definition=load_definition("2016"),
        title=targets.title,
        title_en=targets.title_en,
        starts_on=targets.starts_on,
        ends_on=targets.ends_on,
        publish=True,
    )
    EditionReport.objects.create(
        edition=edition,
        fictitious=True,
        takeaways=targets.takeaways,
        takeaways_en=targets.takeaways_en,
        method_notes=targets.method_notes,
        method_notes_en=targets.method_notes_en,
        invitations_sent=targets.invitations_sent,
        collectivities_invited=targets.collectivities_invited,
    )
    questions = {q.code: q for q in Question.objects.filter(edition=edition)}
    built = build_responses(targets)
    submitted_at = timezone.make_aware(datetime.datetime.combine(targets.ends_on, datetime.time(12)))
    rows = Response.objects.bulk_create(
        Response(
            edition=edition,
            origin=ResponseOrigin.IMPORT,
            status=ResponseStatus.SUBMITTED,
            submitted_at=submitted_at,
            import_id=f"DEMO-{targets.code}-{number:04d}",
            tool_count=response.tools,
        )
        for number, response in enumerate(built, 1)
    )
    ResponseTool.objects.bulk_create(
        ResponseTool(response=row, position=position)
        for row, response in zip(rows, built, strict=True)
        for position in range(1, response.tools + 1)
    )
    Answer.objects.bulk_create(
        [
            Answer(response=row, question=questions[code], subject=subject, choice=value, rank=rank)
            for row, response in zip(rows, built, strict=True)
            for code, subject, value, rank in response.answers
        ]
        + [
            Answer(
                response=row, question=questions[code], subject=subject, text=text, publishable=publishable
            )
            for row, response in zip(rows, built, strict=True)
            for code, subject, text, publishable in response.texts
        ],
        batch_size=2000,
    )
    invalidate(edition.pk)
    return True
