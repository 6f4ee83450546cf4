"""Indicators against cases computed by hand: bases, percentages, Wilson intervals, mentions, ranking."""

import pytest

from barometre.results import figures
from survey.io import import_responses
from survey.models import EditionStatus, ResponseOrigin, ResponseStatus
from tests.factories import AnswerFactory, EditionFactory, ResponseFactory

pytestmark = pytest.mark.django_db

ROWS = """response_id,subject,question_code,value,rank
A,,has_tool,oui,
A,,digital_strengthens_participation,plutot_oui,
A,,digital_time,gain,
A,T1,tool_objectives,informer,1
A,T1,tool_objectives,idees,2
A,T1,tool_objective_met,oui,
A,T1,tool_hybrid,oui,
A,T1,tool_hybrid_formats,reunions_publiques,
A,T1,tool_hybrid_formats,barcamps,
A,T2,tool_objectives,idees,1
A,T2,tool_objectives,informer,2
A,T2,tool_objectives,consulter,3
A,T2,tool_objective_met,non,
A,T2,tool_hybrid,non,
B,,has_tool,oui,
B,,digital_strengthens_participation,pas_du_tout,
B,T1,tool_objectives,informer,1
B,T1,tool_objective_met,non,
B,T1,tool_hybrid,oui,
B,T1,tool_hybrid_formats,reunions_publiques,
C,,has_tool,non,
C,,digital_strengthens_participation,tout_a_fait,
C,,digital_time,perte,
D,,has_tool,non,
"""


@pytest.fixture
def computed() -> dict[str, dict]:
    edition = EditionFactory(status=EditionStatus.PUBLISHED)
    import_responses(edition=edition, data=ROWS)
    return {item["code"]: item for item in figures.compute(edition)}


@pytest.mark.parametrize(
    ("count", "base", "expected"),
    [
        (5, 10, (23.7, 76.3)),
        (0, 10, (0.0, 27.8)),
        (10, 10, (72.2, 100.0)),
        (155, 194, (73.7, 84.9)),
        (0, 0, (None, None)),
    ],
)
def test_wilson_interval_matches_hand_computed_values(count: int, base: int, expected: tuple) -> None:
    assert figures.wilson(count, base) == expected


@pytest.mark.parametrize(
    ("count", "base", "expected"), [(1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (3, 66, 4.5), (0, 0, None)]
)
def test_percent_has_one_decimal_rounded_half_up(count: int, base: int, expected: float | None) -> None:
    assert figures.percent(count, base) == expected


def test_counts_of_responses_equipped_and_tools(computed) -> None:
    assert computed["respondents"]["count"] == 4
    assert (computed["equipped_collectivities"]["count"], computed["equipped_collectivities"]["base"]) == (
        2,
        4,
    )
    assert computed["tools"]["count"] == 3


def test_non_response_is_never_in_the_base(computed) -> None:
    positive = computed["participation_positive"]
    # D did not answer the question: 2 positive answers out of 3, not 4.
    assert (positive["count"], positive["base"], positive["percent"]) == (2, 3, 66.7)
    assert (positive["ci_low"], positive["ci_high"]) == figures.wilson(2, 3)
    assert (computed["digital_time_gain"]["count"], computed["digital_time_gain"]["base"]) == (1, 2)


def test_equipped_and_not_equipped_filters(computed) -> None:
    equipped = computed["participation_positive_equipped"]
    assert (equipped["count"], equipped["base"], equipped["percent"]) == (1, 2, 50.0)
    others = computed["participation_positive_not_equipped"]
    assert (others["count"], others["base"], others["percent"]) == (1, 1, 100.0)


def test_tool_questions_count_tools(computed) -> None:
    hybrid = computed["tool_hybrid"]
    assert (hybrid["count"], hybrid["base"]) == (2, 3)


def test_multiple_choice_shares_are_shares_of_mentions(computed) -> None:
    formats = computed["tool_hybrid_formats"]
    assert formats["base"] == 2  # two tools answered
    assert formats["mentions"] == 3
    by_code = {category["code"]: category for category in formats["categories"]}
    assert by_code["reunions_publiques"]["percent"] == 66.7
    assert by_code["reunions_publiques"]["percent_of_base"] == 100.0
    assert by_code["barcamps"]["percent"] == 33.3
    assert by_code["barcamps"]["percent_of_base"] == 50.0
    assert (by_code["barcamps"]["ci_low"], by_code["barcamps"]["ci_high"]) == figures.wilson(1, 3)
    assert by_code["formations"]["count"] == 0


def test_ranking_scores_and_order(computed) -> None:
    ranking = computed["tool_objectives"]
    assert ranking["base"] == 3
    top = [(c["code"], c["score"], c["first"], c["count"]) for c in ranking["categories"][:3]]
    # informer: first twice (2 × 3) and second once (2); idees: first once (3), second once (2).
    assert top == [("informer", 8, 2, 3), ("idees", 5, 1, 2), ("consulter", 1, 0, 1)]
    assert all(c["score"] == 0 for c in ranking["categories"][3:])


def test_objective_met_among_tools_whose_first_objective_is_to_inform(computed) -> None:
    met = computed["inform_objective_met"]
    assert (met["count"], met["base"], met["percent"]) == (1, 2, 50.0)
    assert met["small_base"] is True


def test_responses_in_progress_do_not_count() -> None:
    edition = EditionFactory(status=EditionStatus.PUBLISHED)
    import_responses(edition=edition, data=ROWS)
    draft = ResponseFactory(
        edition=edition,
        origin=ResponseOrigin.INVITATION,
        status=ResponseStatus.IN_PROGRESS,
        submitted_at=None,
    )
    AnswerFactory(response=draft, code="has_tool", choice="oui")
    computed = {item["code"]: item for item in figures.compute(edition)}
    assert computed["respondents"]["count"] == 4
    assert computed["equipped_collectivities"]["count"] == 2


def test_cache_is_invalidated_when_responses_change(django_capture_on_commit_callbacks) -> None:
    edition = EditionFactory(status=EditionStatus.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        import_responses(edition=edition, data=ROWS)
    assert figures.by_code(edition)["respondents"]["count"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        ResponseFactory(edition=edition)
    assert figures.by_code(edition)["respondents"]["count"] == 5


def test_cached_results_cost_no_query(django_assert_num_queries) -> None:
    edition = EditionFactory(status=EditionStatus.PUBLISHED)
    import_responses(edition=edition, data=ROWS)
    figures.indicators(edition)
    with django_assert_num_queries(0):
        figures.indicators(edition)
