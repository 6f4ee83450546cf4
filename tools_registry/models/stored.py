"""What a tool stores of other rows for the lists (its collectivity's values, its objectives, its search
vector): the expressions that compute it and the refresh that keeps it up to date."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tools_registry.choices import PopulationBand, in_population_band
from tools_registry.models.collectivities import Collectivity
from tools_registry.models.tools import STORED_OBJECTIVES, Tool, ToolObjective
from tools_registry.search import refresh_search_vectors


def collectivity_values(collectivity_model: type[models.Model]) -> dict[str, models.Expression]:
    """What a tool stores of its collectivity (STORED_FROM_COLLECTIVITY), as expressions of an update of
    tools. `collectivity_model`: Collectivity, or its historical model in a migration."""
    collectivity = collectivity_model.objects.filter(pk=OuterRef("collectivity_id"))
    bands = (When(in_population_band(band), then=Value(band)) for band in PopulationBand.values)
    band = Case(*bands, default=Value(""))

    def of(value: models.Expression) -> models.Expression:
        return Coalesce(Subquery(collectivity.values(value=Coalesce(value, Value("")))[:1]), Value(""))

    return {
        "collectivity_kind": of(F("kind")),
        "population_band": of(band),
        "region_code": of(F("region__code")),
        "departement_code": of(F("departement__code")),
    }


def objective_values(objective_model: type[models.Model]) -> dict[str, models.Expression]:
    """What a tool stores of its objectives (STORED_OBJECTIVES), as expressions of an update of tools.
    `objective_model`: ToolObjective, or its historical model in a migration."""
    ranked = objective_model.objects.filter(tool_id=OuterRef("pk")).order_by("rank").values("objective")
    return {
        field: Coalesce(Subquery(ranked[number : number + 1]), Value(""))
        for number, field in enumerate(STORED_OBJECTIVES)
    }


def stored_objectives(row: dict) -> list[str]:
    """A tool's objective codes in their order, from a row holding its STORED_OBJECTIVES."""
    return [row[field] for field in STORED_OBJECTIVES if row[field]]


# The tools whose refresh waits for the end of `deferred_refresh` (None outside it).
_waiting: ContextVar[set[int] | None] = ContextVar("waiting_refresh", default=None)


def refresh_stored_fields(
    *, tool_ids: Iterable[int] | None = None, collectivity_id: int | None = None
) -> None:
    """Recompute what tools store of other rows: their search vector, their collectivity's values and
    their objectives.

    For the tools of `tool_ids`, or of the collectivity `collectivity_id`; all of them without argument.
    Called wherever these rows change: the saves of a tool, of a collectivity and of an objective
    (`_objective_changed`), and after every write in bulk (imports, `services.set_objectives`). Within
    `deferred_refresh`, the refresh of given tools waits for its end.
    """
    waiting = _waiting.get()
    if waiting is not None and tool_ids is not None and collectivity_id is None:
        waiting.update(tool_ids)
        return
    tools = Tool.objects.all()
    if tool_ids is not None:
        tool_ids = list(tool_ids)
        tools = tools.filter(pk__in=tool_ids)
    if collectivity_id is not None:
        tools = tools.filter(collectivity_id=collectivity_id)
    tools.update(**collectivity_values(Collectivity), **objective_values(ToolObjective))
    refresh_search_vectors(tool_ids=tool_ids, collectivity_id=collectivity_id)


@contextmanager
def deferred_refresh() -> Iterator[None]:
    """For a writer in bulk that changes tools one at a time through the usual writes (an import of
    corrections): the refreshes of given tools wait, and one refresh is made for all of them at the end,
    instead of several for each row (its save, each objective deleted, `services.set_objectives`). What
    the tools store is stale until then: nothing within reads it."""
    waiting: set[int] = set()
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    if waiting:
        refresh_stored_fields(tool_ids=waiting)


@receiver([post_save, post_delete], sender=ToolObjective)
def _objective_changed(instance: ToolObjective, **kwargs) -> None:
    # One objective saved or deleted (the admin, a queryset's delete): its tool's stored objectives follow.
    # Writes in bulk send no signal: their writers refresh (services.set_objectives).
    refresh_stored_fields(tool_ids=[instance.tool_id])
