"""What the public sees of a tool's link health: on its page, in both languages, and in the API."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ToolFactory
from tests.helpers import page_text
from tests.links.conftest import FAILURE, SUCCESS, check, put_in_review
from tools_registry.links.models import LinkCheck
from tools_registry.links.services import keep_address
from tools_registry.models import ToolSource

pytestmark = pytest.mark.django_db


def test_a_reachable_address_says_when_it_was_checked(client) -> None:
    tool = ToolFactory()
    check(tool, SUCCESS, 3)
    assert "Adresse vérifiée le 4 mars 2027" in page_text(client.get(tool.get_absolute_url()))


def test_a_failing_address_says_since_when_it_is_unreachable(client) -> None:
    tool = ToolFactory()
    check(tool, SUCCESS, 0)
    check(tool, FAILURE, 5)
    check(tool, FAILURE, 12)
    text = page_text(client.get(tool.get_absolute_url()))
    assert "Injoignable depuis le 6 mars 2027" in text
    assert "Adresse vérifiée" not in text


def test_an_address_staff_kept_is_shown_as_checked(client, admin_user) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    keep_address(link_check=LinkCheck.objects.get(tool=tool), reviewer=admin_user)
    text = page_text(client.get(tool.get_absolute_url()))
    assert "Adresse vérifiée le" in text
    assert "Injoignable" not in text


def test_nothing_is_said_of_an_address_not_checked_yet(client) -> None:
    tool = ToolFactory(url="https://ancienne-adresse.example.org/")
    check(tool, FAILURE, 0)
    tool.url = "https://nouvelle-adresse.example.org/"
    tool.save()
    text = page_text(client.get(tool.get_absolute_url()))
    assert "Injoignable" not in text and "Adresse vérifiée" not in text


def test_the_link_health_speaks_english_too(client) -> None:
    checked, failing = ToolFactory(), ToolFactory()
    check(checked, SUCCESS, 3)
    check(failing, FAILURE, 5)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Address checked on March 4, 2027" in page_text(client.get(checked.get_absolute_url()))
    assert "Unreachable since March 6, 2027" in page_text(client.get(failing.get_absolute_url()))


def test_the_api_carries_the_link_health(client) -> None:
    checked, failing, unchecked = ToolFactory(), ToolFactory(), ToolFactory()
    check(checked, SUCCESS, 3)
    check(failing, FAILURE, 5)
    check(failing, FAILURE, 6)

    def health(tool) -> tuple:
        data = client.get(reverse("api:tool-detail", args=[tool.slug])).json()
        return data["link_checked_at"], data["link_ok"], data["unreachable_since"]

    assert health(checked) == ("2027-03-04T09:00:00Z", True, None)
    assert health(failing) == ("2027-03-07T09:00:00Z", False, "2027-03-06T09:00:00Z")
    assert health(unchecked) == (None, None, None)


def test_the_api_list_costs_the_same_queries_with_link_health(queries) -> None:
    for tool in ToolFactory.create_batch(3):
        check(tool, FAILURE, 0)
    few = queries(reverse("api:tool-list"))
    for tool in ToolFactory.create_batch(30):
        check(tool, SUCCESS, 0)
    assert queries(reverse("api:tool-list")) == few


def test_the_demo_has_a_fictitious_tool_in_the_review_queue(client) -> None:
    call_command("load_demo", "--fictitious-tools")
    [link_check] = LinkCheck.objects.to_review()
    tool = link_check.tool
    assert tool.source == ToolSource.DEMO and tool.name.startswith("Exemple fictif")
    text = page_text(client.get(tool.get_absolute_url()))
    assert "Exemple fictif." in text
    since = link_check.first_failure_at
    assert since < link_check.checked_at - timedelta(days=7)
    assert "Injoignable depuis le" in text
    call_command("load_demo", "--fictitious-tools")
    assert LinkCheck.objects.count() == 1
