"""The public API's views, by resource: published tools, collectivities, territories, reference lists,
and the public's submissions and corrections; what they share is in `common`."""

from tools_registry.api.views.collectivities import CollectivityViewSet
from tools_registry.api.views.common import PUBLIC_CACHE, SLUG_PATTERN, KnownMethodsFirst, PublicReadMixin
from tools_registry.api.views.contributions import correct, submit
from tools_registry.api.views.references import collectivity_kinds, families, objectives
from tools_registry.api.views.territories import AUTOCOMPLETE_LIMIT, TerritoryViewSet
from tools_registry.api.views.tools import FORMAT_PARAMETER, TOOL_EXAMPLE, ToolViewSet

__all__ = [
    "AUTOCOMPLETE_LIMIT",
    "FORMAT_PARAMETER",
    "PUBLIC_CACHE",
    "SLUG_PATTERN",
    "TOOL_EXAMPLE",
    "CollectivityViewSet",
    "KnownMethodsFirst",
    "PublicReadMixin",
    "TerritoryViewSet",
    "ToolViewSet",
    "collectivity_kinds",
    "correct",
    "families",
    "objectives",
    "submit",
]
