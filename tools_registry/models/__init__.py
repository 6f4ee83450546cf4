"""The registry's models, by area: territories, collectivities, tools (with their objectives), what a
tool stores of other rows for the lists, the read rules, and, beside them, the provenance of imported
data and the public's corrections."""

from tools_registry.models.collectivities import Collectivity
from tools_registry.models.querysets import (
    SIMILAR_NAME,
    CollectivityQuerySet,
    LifeStatus,
    ToolQuerySet,
    ToolStatus,
    published_q,
)
from tools_registry.models.slugs import save_claiming_slug, unique_slug
from tools_registry.models.stored import (
    collectivity_values,
    deferred_refresh,
    objective_values,
    refresh_stored_fields,
    stored_objectives,
)
from tools_registry.models.territories import FormerCode, Territory, TerritoryKind
from tools_registry.models.tools import (
    FIRST_LAUNCH_YEAR,
    LAST_LAUNCH_YEAR,
    MAX_OBJECTIVES,
    STORED_FROM,
    STORED_FROM_COLLECTIVITY,
    STORED_OBJECTIVES,
    Tool,
    ToolObjective,
    ToolSource,
)

# isort: split
# The provenance models (tools_registry/provenance.py) and the public's corrections
# (tools_registry/corrections.py), which use the models above: imported after them, so that Django loads
# them with these.
from tools_registry.corrections import Correction
from tools_registry.provenance import DataSource, ImportRun, SourceRecord

__all__ = [
    "FIRST_LAUNCH_YEAR",
    "LAST_LAUNCH_YEAR",
    "MAX_OBJECTIVES",
    "SIMILAR_NAME",
    "STORED_FROM",
    "STORED_FROM_COLLECTIVITY",
    "STORED_OBJECTIVES",
    "Collectivity",
    "CollectivityQuerySet",
    "Correction",
    "DataSource",
    "FormerCode",
    "ImportRun",
    "LifeStatus",
    "SourceRecord",
    "Territory",
    "TerritoryKind",
    "Tool",
    "ToolObjective",
    "ToolQuerySet",
    "ToolSource",
    "ToolStatus",
    "collectivity_values",
    "deferred_refresh",
    "objective_values",
    "published_q",
    "refresh_stored_fields",
    "save_claiming_slug",
    "stored_objectives",
    "unique_slug",
]
