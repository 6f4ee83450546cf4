from django import template

from tools_registry.text import from_place as from_place_text

register = template.Library()


@register.filter
def from_place(name: str) -> str:
    """« d'Agen », « de Lyon »: « de » before a place's name as the page's language writes it."""
    return from_place_text(name)
