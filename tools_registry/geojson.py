"""The GeoJSON representation of a list of tools: compact, built from plain rows, cached."""

import json

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tools_registry.cache import registry_version
from tools_registry.choices import ToolFamily
from tools_registry.models import ToolSource

CACHE_SECONDS = 300
FIELDS = ["name", "slug", "family", "family_other", "source", "collectivity__name"]


def feature_collection(queryset: QuerySet) -> bytes:
    """Every located tool of `queryset` as a GeoJSON FeatureCollection, serialised compactly."""
    family_labels = {value: str(label) for value, label in ToolFamily.choices}
    demo_label = _("Exemple fictif")
    tool_url = reverse("tools_registry:tool_detail", kwargs={"slug": "SLUG"})
    rows = (
        queryset.filter(collectivity__latitude__isnull=False, collectivity__longitude__isnull=False)
        .order_by("pk")
        .values_list(*FIELDS, "collectivity__latitude", "collectivity__longitude")
    )
    features = []
    for name, slug, family, family_other, source, collectivity, latitude, longitude in rows.iterator(2000):
        label = family_labels.get(family, family)
        properties = {
            "name": name,
            "url": tool_url.replace("SLUG", slug),
            "collectivity": collectivity,
            "family": family,
            "family_label": f"{label} : {family_other}" if family_other else label,
        }
        if source == ToolSource.DEMO:
            properties["demo"] = demo_label
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
                "properties": properties,
            }
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    ).encode()


def cached_feature_collection(queryset: QuerySet, query: str) -> bytes:
    key = f"geojson:{registry_version()}:{get_language()}:{query}"
    body = cache.get(key)
    if body is None:
        body = feature_collection(queryset)
        cache.set(key, body, CACHE_SECONDS)
    return body
