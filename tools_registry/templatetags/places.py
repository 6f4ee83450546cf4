from django import template

from tools_registry.models import Collectivity
from tools_registry.text import from_place as from_place_text

register = template.Library()


@register.filter
def from_place(name: str) -> str:
    """« d'Agen », « du Havre »: « de » before a place's name as the page's language writes it."""
    return from_place_text(name)


@register.filter
def from_collectivity(collectivity: Collectivity) -> str:
    """« de » before a collectivity's name, which reads by its kind: « du Département du Nord »."""
    return from_place_text(collectivity.name, kind=collectivity.kind)
