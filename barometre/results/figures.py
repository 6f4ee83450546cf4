"""The indicators of an edition, computed by database aggregation and cached.

A handful of GROUP BY queries per edition, whatever its number of responses: the questionnaire
(2), the totals (1), then per group of populations (everyone; the equipped and the others; the
tools whose first objective is X…) one count of answers by (question, choice, rank[, the marker's
choice]) and, when the group has multiple-choice or ranking questions, one count of distinct
answering subjects.
Non-response is never in a base: the base of a question is the number of responses (or tools) that
answered it. Results are cached per edition and language; `invalidate` (called by the signals in
barometre/results/signals.py) moves the edition to a new cache version.
"""

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from barometre.results.indicators import INDICATORS, SMALL_BASE, Indicator, Kind
from survey.models import RESPONSE_SUBJECT, Answer, Edition, Question, QuestionType, Response, counted_q

Z_95 = 1.959963984540054
CACHE_SECONDS = 24 * 3600
# (response, subject) pairs are counted as response_id * SUBJECT_SPAN + subject; subjects stay
# below the edition's max_tools (20 at most, a database constraint).
SUBJECT_SPAN = 100


def _one_decimal(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(count: int, base: int) -> float | None:
    """count / base in percent, one decimal (half up); None for an empty base."""
    if base <= 0:
        return None
    return float((Decimal(100 * count) / Decimal(base)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def wilson(count: int, base: int, z: float = Z_95) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval of count / base, in percent, one decimal; (None, None) for an empty base."""
    if base <= 0:
        return None, None
    p = count / base
    denominator = 1 + z * z / base
    centre = (p + z * z / (2 * base)) / denominator
    half = z * math.sqrt(p * (1 - p) / base + z * z / (4 * base * base)) / denominator
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    return _one_decimal(100 * low), _one_decimal(100 * high)


def share_fields(count: int, base: int) -> dict:
    low, high = wilson(count, base)
    return {"count": count, "percent": percent(count, base), "ci_low": low, "ci_high": high}


@dataclass
class Tally:
    counts: dict[tuple[int, str, int | None], int] = field(default_factory=dict)
    bases: dict[int, int] = field(default_factory=dict)

    def choice_count(self, question: Question, choice: str) -> int:
        return sum(n for (pk, code, _rank), n in self.counts.items() if pk == question.pk and code == choice)

    def rank_count(self, question: Question, choice: str, rank: int) -> int:
        return self.counts.get((question.pk, choice, rank), 0)

    def base(self, question: Question) -> int:
        if question.type == QuestionType.SINGLE:
            # A single-choice question has one row per answering subject.
            return sum(n for (pk, _c, _r), n in self.counts.items() if pk == question.pk)
        return self.bases.get(question.pk, 0)


def _answers(questions: list[Question]) -> QuerySet:
    return Answer.objects.filter(question__in=[q.pk for q in questions]).exclude(choice="")


def _with_marker(rows: QuerySet, marker: Question, rank: int | None) -> QuerySet:
    """Each answer with the choice its response (or its tool) gave to the marker question.

    One join on the same response (and the same tool for a per-tool marker); the marker has at most
    one row per subject: a single-choice question, or a ranking at a given rank.
    """
    condition = Q(response__answers__question=marker)
    if marker.is_per_tool:
        condition &= Q(response__answers__subject=F("subject"))
    else:
        condition &= Q(response__answers__subject=RESPONSE_SUBJECT)
    if rank is not None:
        condition &= Q(response__answers__rank=rank)
    return rows.annotate(marker=FilteredRelation("response__answers", condition=condition)).filter(
        marker__choice__isnull=False
    )


def _count(rows: QuerySet, questions: list[Question], marker: bool, sign: int, into: dict) -> None:
    """Add (sign = 1) or take away (sign = -1) the counts and bases of `rows` to the tallies `into`."""
    group = ["question_id", "choice", "rank", *(["marker__choice"] if marker else [])]
    for row in rows.values(*group).annotate(n=Count("pk")).order_by():
        counts = into[row.get("marker__choice")].counts
        key = (row["question_id"], row["choice"], row["rank"])
        counts[key] = counts.get(key, 0) + sign * row["n"]
    several = [q.pk for q in questions if q.type != QuestionType.SINGLE]
    if several:
        subjects = Count(F("response_id") * SUBJECT_SPAN + F("subject"), distinct=True)
        keys = ["question_id", *(["marker__choice"] if marker else [])]
        for row in rows.filter(question_id__in=several).values(*keys).annotate(n=subjects).order_by():
            bases = into[row.get("marker__choice")].bases
            bases[row["question_id"]] = bases.get(row["question_id"], 0) + sign * row["n"]


def tally(questions: list[Question], marker: Question | None = None, rank: int | None = None) -> dict:
    """Counts by (question, choice, rank) and bases of submitted answers, for everyone (key None) or
    for each choice given to the marker question."""
    result: dict[str | None, Tally] = defaultdict(Tally)
    if marker is None:
        # The largest count reads the answers alone (an index-only scan on question, choice, rank)
        # and takes away those of responses not yet submitted, usually few: cheaper than joining
        # every answer to its response. Subjects of different responses never overlap, so bases
        # subtract exactly too.
        _count(_answers(questions), questions, False, 1, result)
        uncounted = _answers(questions).exclude(counted_q("response__"))
        _count(uncounted, questions, False, -1, result)
        return result
    if rank is None and marker.type != QuestionType.SINGLE:
        raise ValueError(f"a population on {marker.code} needs a rank")
    rows = _with_marker(_answers(questions).counted(), marker, rank)
    _count(rows, questions, True, 1, result)
    return result


def compute(edition: Edition) -> list[dict]:
    """Every indicator the edition's questionnaire allows, as the API publishes them."""
    codes = {i.question for i in INDICATORS if i.question} | {
        i.population.question for i in INDICATORS if i.population.is_filtered
    }
    questions = {
        q.code: q
        for q in Question.objects.filter(edition=edition, code__in=codes).prefetch_related("choices")
    }
    totals = (
        Response.objects.counted()
        .filter(edition=edition)
        .aggregate(responses=Count("pk"), tools=Coalesce(Sum("tool_count"), 0))
    )
    # Populations sharing a marker (has_tool = oui / non…) are counted together: one group each.
    members: dict[tuple[str, int | None], list[Question]] = defaultdict(list)
    for indicator in INDICATORS:
        question, population = questions.get(indicator.question), indicator.population
        key = (population.question, population.rank)
        if question is None or (population.is_filtered and population.question not in questions):
            continue
        if question not in members[key]:
            members[key].append(question)
    groups = {
        (code, rank): tally(group, questions.get(code), rank) if code else tally(group)
        for (code, rank), group in members.items()
    }
    results = []
    for indicator in INDICATORS:
        if indicator.question and indicator.question not in questions:
            continue
        population = indicator.population
        group = groups.get((population.question, population.rank), {})
        counts = group.get(population.choice if population.is_filtered else None, Tally())
        results.append(_indicator(indicator, questions.get(indicator.question), counts, totals))
    return results


def _indicator(indicator: Indicator, question: Question | None, counts: Tally, totals: dict) -> dict:
    data = {
        "code": indicator.code,
        "label": str(indicator.label),
        "kind": indicator.kind,
        "part": indicator.part,
        "question": indicator.question,
        "question_label": question.display_label() if question else "",
        "population": indicator.population.code,
        "population_label": str(indicator.population.label),
        "note": str(indicator.note),
    }
    if question is None:
        count = totals["tools"] if indicator.population.code == "tools" else totals["responses"]
        return {**data, "base": count, "count": count, "small_base": False}
    base = counts.base(question)
    data["base"] = base
    data["small_base"] = base < SMALL_BASE
    if indicator.kind == Kind.COUNT:
        return {**data, "count": sum(counts.choice_count(question, c) for c in indicator.choices)}
    if indicator.kind == Kind.SHARE:
        count = sum(counts.choice_count(question, c) for c in indicator.choices)
        return {**data, "choices": list(indicator.choices), **share_fields(count, base)}
    choices = list(question.choices.all())
    if indicator.kind == Kind.RANKING:
        return {**data, "categories": _ranking(question, choices, counts)}
    by_choice = [(choice, counts.choice_count(question, choice.code)) for choice in choices]
    if question.type == QuestionType.MULTIPLE:
        mentions = sum(n for _choice, n in by_choice)
        data["mentions"] = mentions
        categories = [
            {
                "code": choice.code,
                "label": choice.display_label(),
                **share_fields(n, mentions),
                "percent_of_base": percent(n, base),
            }
            for choice, n in by_choice
        ]
    else:
        categories = [
            {"code": choice.code, "label": choice.display_label(), **share_fields(n, base)}
            for choice, n in by_choice
        ]
    return {**data, "categories": categories}


def _ranking(question: Question, choices: list, counts: Tally) -> list[dict]:
    depth = question.max_choices or 3
    categories = []
    for position, choice in enumerate(choices):
        ranks = {rank: counts.rank_count(question, choice.code, rank) for rank in range(1, depth + 1)}
        categories.append(
            {
                "code": choice.code,
                "label": choice.display_label(),
                "count": sum(ranks.values()),
                "first": ranks[1],
                "score": sum((depth + 1 - rank) * n for rank, n in ranks.items()),
                "ranks": {str(rank): n for rank, n in ranks.items()},
                "_position": position,
            }
        )
    categories.sort(key=lambda c: (-c["score"], -c["first"], -c["count"], c["_position"]))
    for category in categories:
        del category["_position"]
    return categories


def _version_key(edition_id: int) -> str:
    return f"barometre:version:{edition_id}"


def invalidate(edition_id: int) -> None:
    """Move the edition's cached results to a new version, once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(_version_key(edition_id), uuid.uuid4().hex, None))


def indicators(edition: Edition) -> list[dict]:
    """The edition's indicators, from the cache when its answers have not changed."""
    version = cache.get_or_set(_version_key(edition.pk), uuid.uuid4().hex, None)
    key = f"barometre:indicators:{edition.pk}:{version}:{get_language() or 'fr'}"
    cached = cache.get(key)
    if cached is None:
        cached = compute(edition)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def by_code(edition: Edition) -> dict[str, dict]:
    return {item["code"]: item for item in indicators(edition)}
