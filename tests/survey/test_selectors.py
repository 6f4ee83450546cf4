import pytest

from survey import selectors
from survey.io import import_responses
from survey.models import Answer, Contact, OpenAnswer
from tests.survey.helpers import answer_everything

pytestmark = pytest.mark.django_db

ROWS = """response_id,subject,question_code,value,rank
A,,has_tool,oui,
A,,digital_strengthens_participation,plutot_oui,
A,T1,tool_objectives,informer,1
A,T1,tool_objectives,idees,2
A,T1,tool_hybrid_formats,reunions_publiques,
A,T1,tool_hybrid_formats,barcamps,
A,T2,tool_objectives,idees,1
A,T2,tool_involvement_why,Communication inexistante,
B,,has_tool,non,
B,,digital_strengthens_participation,pas_du_tout,
C,,has_tool,non,
"""


@pytest.fixture
def imported(edition):
    import_responses(edition=edition, data=ROWS)
    return edition


def test_bases_count_the_responses_or_tools_that_answered(imported) -> None:
    assert selectors.counted_responses(imported).count() == 3
    assert selectors.answered_base(imported, "has_tool") == 3
    assert selectors.answered_base(imported, "digital_strengthens_participation") == 2
    assert selectors.answered_base(imported, "tool_objectives") == 2
    assert selectors.answered_base(imported, "tool_hybrid_formats") == 1


def test_choice_counts_group_by_choice_and_can_be_restricted(imported) -> None:
    assert selectors.choice_counts(imported, "has_tool") == {"oui": 1, "non": 2}
    assert selectors.choice_counts(imported, "tool_hybrid_formats") == {
        "reunions_publiques": 1,
        "barcamps": 1,
    }
    equipped = selectors.responses_with(imported, "has_tool", "oui")
    assert selectors.choice_counts(imported, "digital_strengthens_participation", among=equipped) == {
        "plutot_oui": 1
    }
    assert selectors.answered_base(imported, "digital_strengthens_participation", among=equipped) == 1


def test_rank_counts_give_each_choice_by_rank(imported) -> None:
    assert selectors.rank_counts(imported, "tool_objectives") == {"informer": {1: 1}, "idees": {2: 1, 1: 1}}
    assert selectors.subjects_with(imported, "tool_objectives", "idees", rank=1).count() == 1


def test_only_submitted_responses_and_publishable_verbatims_count(client, imported, collectivity) -> None:
    contact = Contact.objects.create(edition=imported, collectivity=collectivity, email="a@example.org")
    answer_everything(client, contact)
    assert Answer.objects.filter(response__import_id="").exists()
    assert selectors.choice_counts(imported, "has_tool") == {"oui": 1, "non": 2}
    assert list(selectors.publishable_verbatims(imported, "tool_involvement_why")) == []
    OpenAnswer.objects.filter(text="Communication inexistante").update(publishable=True)
    assert list(selectors.publishable_verbatims(imported, "tool_involvement_why")) == [
        "Communication inexistante"
    ]
