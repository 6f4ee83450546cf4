"""Property-based fuzzing of the questionnaire's pages: any input gets a page back, never a 500, and
only valid answers are ever stored."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.models import Answer, Contact, EditionStatus
from tests.factories import ContactFactory, EditionFactory, SaintMaloFactory
from tests.survey.helpers import PROFILE, TOOL, shown_tool, step_url, welcome_url
from tools_registry.services import collectivity_for_territory

pytestmark = pytest.mark.django_db

TEXT = st.text(max_size=400)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=6), st.sampled_from(["", "oui", "non", "0", "1e400", "-1"]))


@pytest.fixture
def respondent() -> tuple[Client, Contact]:
    edition = EditionFactory(status=EditionStatus.OPEN)
    collectivity = collectivity_for_territory(SaintMaloFactory())
    contact = ContactFactory(edition=edition, collectivity=collectivity, email="camille@example.org")
    client = Client(raise_request_exception=False)
    client.post(welcome_url(contact))
    return client, contact


def valid_codes(question_code: str) -> set[str]:
    from survey.models import Choice

    return set(Choice.objects.filter(question__code=question_code).values_list("code", flat=True))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.dictionaries(st.sampled_from([*sorted(PROFILE), "action", "x"]), VALUE, max_size=8))
def test_any_profile_page_input_is_answered_without_error(respondent, data) -> None:
    client, contact = respondent
    response = client.post(step_url(contact, "profil"), data)
    assert response.status_code in {200, 302, 400}
    for code in ("collectivity_type", "population", "respondent_role", "has_tool", "has_open_data"):
        stored = set(Answer.objects.filter(question__code=code).values_list("choice", flat=True))
        assert stored <= valid_codes(code)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.dictionaries(st.sampled_from(sorted(TOOL)), VALUE, max_size=12))
def test_any_tool_page_input_is_answered_without_error(respondent, data) -> None:
    client, contact = respondent
    client.post(step_url(contact, "profil"), {**PROFILE, "has_tool": "oui"})
    page = client.post(step_url(contact, "outil"), {"action": "add"})
    if page.status_code != 302:
        return
    response = client.post(page.url, {**data, "tool": shown_tool(client, page.url)})
    assert response.status_code in {200, 302, 400}
    ranks = list(Answer.objects.filter(question__code="tool_objectives").values_list("subject", "rank"))
    assert len(ranks) == len(set(ranks)) and all(1 <= rank <= 3 for _subject, rank in ranks)
    assert set(
        Answer.objects.filter(question__code="tool_family").values_list("choice", flat=True)
    ) <= valid_codes("tool_family")
