from django import template

from tools_registry.models import Collectivity
from tools_registry.text import from_place

register = template.Library()


@register.filter
def from_collectivity(collectivity: Collectivity) -> str:
    """« de » before a collectivity's name, which reads by its kind: « du Département du Nord »."""
    return from_place(collectivity.name, kind=collectivity.kind)
