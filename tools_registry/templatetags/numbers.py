from django import template

from tools_registry.text import percent_text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A percentage as the page's language writes it: « 79,9 % », "79.9%"."""
    return percent_text(value)
