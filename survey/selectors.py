"""Reads on counted answers for the barometer's indicators, all done by database aggregation.

The base of a question is the number of responses (R questions) or of tools (T questions) that
answered it, never the number that were asked.
"""

from django.db.models import Count, Q, QuerySet

from survey.models import Answer, Edition, Response


def counted_responses(edition: Edition) -> QuerySet:
    return Response.objects.counted().filter(edition=edition)


def answers(edition: Edition, code: str) -> QuerySet:
    """Counted answer rows of one question (by its stable code) in an edition."""
    return Answer.objects.counted().of_edition(edition).for_code(code)


def answered_base(edition: Edition, code: str, *, among: QuerySet | None = None) -> int:
    """Number of responses or tools (distinct response, subject) that answered the question.

    `among` restricts to a queryset of responses (e.g. those with has_tool = oui).
    """
    rows = answers(edition, code)
    if among is not None:
        rows = rows.filter(response__in=among)
    return rows.values("response_id", "subject").distinct().count()


def choice_counts(edition: Edition, code: str, *, among: QuerySet | None = None) -> dict[str, int]:
    """For each choice code, the number of responses or tools that selected it (one GROUP BY)."""
    rows = answers(edition, code).exclude(choice="")
    if among is not None:
        rows = rows.filter(response__in=among)
    return {
        row["choice"]: row["count"] for row in rows.values("choice").annotate(count=Count("pk")).order_by()
    }


def rank_counts(edition: Edition, code: str) -> dict[str, dict[int, int]]:
    """For a ranking question: for each choice, how many tools ranked it 1st, 2nd, 3rd…"""
    counts: dict[str, dict[int, int]] = {}
    rows = (
        answers(edition, code)
        .exclude(choice="")
        .values("choice", "rank")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["choice"], {})[row["rank"]] = row["count"]
    return counts


def responses_with(edition: Edition, code: str, choice: str) -> QuerySet:
    """Counted responses that gave `choice` to an R question (e.g. has_tool = oui)."""
    return (
        counted_responses(edition)
        .filter(Q(answers__question__code=code, answers__choice=choice, answers__subject=0))
        .distinct()
    )


def subjects_with(edition: Edition, code: str, choice: str, *, rank: int | None = None) -> QuerySet:
    """(response_id, subject) pairs of tools that gave `choice` (at `rank`, for a ranking question)."""
    rows = answers(edition, code).filter(choice=choice)
    if rank is not None:
        rows = rows.filter(rank=rank)
    return rows.values("response_id", "subject")


def publishable_verbatims(edition: Edition, code: str) -> QuerySet:
    """Free-text answers staff marked publishable: the text only, never who wrote it."""
    return answers(edition, code).filter(publishable=True).exclude(text="").values_list("text", flat=True)
