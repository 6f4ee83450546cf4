"""Which page comes before and after each, and « Étape n sur N », on the 2016 questionnaire."""

import pytest

from survey.flow import REVIEW, AnswerMap, Questionnaire, Route
from survey.models import Edition, Response

pytestmark = pytest.mark.django_db

BOTH_PARTS: AnswerMap = {("has_tool", 0): "oui", ("has_open_data", 0): "oui"}


def route(edition: Edition, answers: AnswerMap, *, tools: int = 0) -> Route:
    return Questionnaire(edition).route(Response(edition=edition, tool_count=tools), answers)


def keys(steps: list) -> list[str | None]:
    return [step.key if step else None for step in steps]


def test_each_page_leads_to_the_next_part_and_back(edition) -> None:
    pages = route(edition, BOTH_PARTS)
    profile, perceptions, tools, open_data = (
        pages.find(code) for code in ("profil", "perceptions", "outil", "donnees-ouvertes")
    )
    assert keys([pages.next(profile), pages.next(perceptions), pages.next(tools), pages.next(open_data)]) == [
        "perceptions",
        "outil",
        "donnees-ouvertes",
        None,
    ]
    assert keys([pages.previous(open_data), pages.previous(tools), pages.previous(perceptions)]) == [
        "outil",
        "perceptions",
        "profil",
    ]


def test_the_first_page_has_nothing_before_it(edition) -> None:
    pages = route(edition, {})
    assert pages.previous(pages.find("profil")) is None


def test_tools_are_reached_from_their_list(edition) -> None:
    pages = route(edition, BOTH_PARTS, tools=2)
    second = pages.find("outil", 2)
    assert second is not None and second.is_tool
    assert keys([pages.previous(second), pages.next(second)]) == ["outil", "outil"]
    # The list leads past every tool to the next part, and the next part back to the list.
    assert pages.next(pages.find("outil")).key == "donnees-ouvertes"
    assert pages.previous(pages.find("donnees-ouvertes")).key == "outil"


def test_the_review_follows_the_last_part_shown(edition) -> None:
    assert route(edition, BOTH_PARTS, tools=1).last().key == "donnees-ouvertes"
    # Tools last: the review leads back to their list, not to the last tool described.
    tools_last = {("has_tool", 0): "oui", ("has_open_data", 0): "non"}
    assert route(edition, tools_last, tools=2).last().key == "outil"
    no_tools = {("has_tool", 0): "non", ("has_open_data", 0): "non"}
    pages = route(edition, no_tools)
    assert pages.next(pages.find("perceptions")) is None
    assert pages.find("outil") is None


def test_a_respondent_resumes_where_they_left_off(edition) -> None:
    pages = route(edition, BOTH_PARTS, tools=1)
    assert pages.resume("outil/1").key == "outil/1"
    assert pages.resume(REVIEW) is None
    # Not started, or a page no longer shown: the first page.
    assert pages.resume("").key == "profil"
    assert route(edition, {}).resume("donnees-ouvertes").key == "profil"


def test_progress_counts_a_conditional_part_until_it_is_answered_away(edition) -> None:
    questionnaire = Questionnaire(edition)
    pages = route(edition, {})
    progress = questionnaire.progress({}, pages.find("profil"))
    assert (progress.position, progress.total) == (1, 5)
    no_tools = {("has_tool", 0): "non", ("has_open_data", 0): "oui"}
    pages = route(edition, no_tools)
    progress = questionnaire.progress(no_tools, pages.find("donnees-ouvertes"))
    assert (progress.position, progress.total) == (3, 4)
    review = questionnaire.progress(no_tools, None)
    assert (review.position, review.total, review.current) == (4, 4, None)
