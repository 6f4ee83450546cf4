"""A tool's life (in service, ended, replaced) is stored apart from its moderation, with its invariants."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ToolFactory
from tests.test_models import assert_rejected
from tools_registry.models import LifeStatus

pytestmark = pytest.mark.django_db


def test_a_new_tool_is_in_service() -> None:
    assert ToolFactory().life_status == LifeStatus.ACTIVE


def test_an_ended_tool_keeps_its_end_year_replacement_and_archived_address() -> None:
    successor = ToolFactory(name="Nouvelle plateforme")
    tool = ToolFactory(
        life_status=LifeStatus.ENDED,
        launch_year=2016,
        end_year=2023,
        replaced_by=successor,
        archived_url="https://web.archive.org/web/2023/https://ancienne.example.org/",
    )
    tool.refresh_from_db()
    assert (tool.end_year, tool.replaced_by, list(successor.replaces.all())) == (2023, successor, [tool])


def test_a_known_date_gives_the_year() -> None:
    tool = ToolFactory(
        launched_on=datetime.date(2017, 3, 1),
        life_status=LifeStatus.ENDED,
        ended_on=datetime.date(2022, 12, 31),
    )
    tool.refresh_from_db()
    assert (tool.launch_year, tool.end_year) == (2017, 2022)


def test_a_tool_cannot_end_before_it_started() -> None:
    assert_rejected(lambda: ToolFactory(life_status=LifeStatus.ENDED, launch_year=2020, end_year=2018))


def test_an_end_year_belongs_to_an_ended_tool() -> None:
    assert_rejected(lambda: ToolFactory(life_status=LifeStatus.ACTIVE, end_year=2020))


def test_a_tool_cannot_replace_itself() -> None:
    tool = ToolFactory()
    tool.replaced_by = tool
    assert_rejected(tool.save)


def test_model_validation_names_the_broken_rule_before_the_database_does() -> None:
    tool = ToolFactory.build(life_status=LifeStatus.ACTIVE, end_year=2020, collectivity=None)
    with pytest.raises(ValidationError):
        tool.full_clean(exclude=["slug"])
