"""Identical or clashing submissions arriving at the same moment (PostgreSQL, one connection per request):
each stored once, each sender answered clearly, never a server error, never a submission lost."""

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import SaintMaloFactory, TerritoryFactory
from tests.helpers import api_submission, at_once, page_text
from tools_registry.models import Collectivity, Tool, ToolStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SUBMIT = reverse("tools_registry:tool_submit")
AT_ONCE = 8


@pytest.fixture(autouse=True)
def no_rate_limit(settings) -> None:
    settings.SUBMISSION_RATE_LIMIT = 1000


def form(territory, **changes) -> dict:
    data = {
        "name": "Budget participatif",
        "url": "https://budget.example.org/",
        "description": "Les habitants votent.",
        "family": "budget_participatif",
        "objectives": ["idees"],
        "territory": territory.pk if territory else "",
        "submitter_name": "Camille",
        "submitter_email": "camille@example.org",
        "consent": "on",
    }
    return data | changes


def test_identical_submissions_at_once_store_one_tool_and_thank_every_sender() -> None:
    territory = SaintMaloFactory()

    def send(client: Client, number: int) -> tuple[int, str]:
        response = client.post(SUBMIT, form(territory), follow=True)
        return response.status_code, page_text(response)

    results = at_once(send)
    assert [status for status, _text in results] == [200] * AT_ONCE
    assert all("L'outil « Budget participatif » a bien été enregistré." in text for _status, text in results)
    tool = Tool.objects.get()
    assert tool.status == ToolStatus.PENDING and tool.collectivity.territory == territory
    told = DBTaskResult.objects.filter(task_path="tools_registry.tasks.notify_moderators")
    assert told.count() == 1


def test_identical_api_submissions_at_once_get_the_same_receipt() -> None:
    SaintMaloFactory()
    body = api_submission()

    def send(client: Client, number: int) -> tuple[int, dict]:
        response = client.post(reverse("api:submission"), body, content_type="application/json")
        return response.status_code, response.json()

    results = at_once(send)
    assert [status for status, _body in results] == [201] * AT_ONCE
    tool = Tool.objects.get()
    assert all(
        receipt["slug"] == tool.slug and receipt["status"] == "pending" for _status, receipt in results
    )


def test_identical_submissions_for_a_body_outside_the_reference_store_one_body_and_one_tool() -> None:
    data = form(None, not_listed="on", other_name="Parc naturel régional du Morvan", other_kind="pnr")
    results = at_once(lambda client, number: client.post(SUBMIT, data).status_code)
    assert results == [302] * AT_ONCE
    assert Collectivity.objects.get().name == "Parc naturel régional du Morvan"
    assert Tool.objects.count() == 1


def test_tools_of_the_same_name_proposed_at_once_by_different_places_each_get_their_own_address() -> None:
    territories = [TerritoryFactory(name=f"Commune {number}") for number in range(AT_ONCE)]
    results = at_once(lambda client, number: client.post(SUBMIT, form(territories[number])).status_code)
    assert results == [302] * AT_ONCE
    slugs = sorted(Tool.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == AT_ONCE
    assert slugs[0] == "budget-participatif"


def test_different_people_proposing_the_same_tool_are_each_kept_for_moderators() -> None:
    territory = SaintMaloFactory()
    results = at_once(
        lambda client, number: (
            client.post(SUBMIT, form(territory, submitter_email=f"personne{number}@example.org")).status_code
        ),
        count=3,
    )
    assert results == [302] * 3
    others = list(Tool.objects.order_by("pk"))[1:]
    assert all(other.possible_duplicate_id is not None for other in others)
