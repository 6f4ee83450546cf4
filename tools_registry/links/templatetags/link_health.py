from django import template

from tools_registry.links.models import current_link_check
from tools_registry.models import Tool

register = template.Library()


@register.inclusion_tag("tools_registry/_link_health.html")
def link_health(tool: Tool) -> dict:
    """ "Adresse vérifiée le …" or "injoignable depuis le …" for the tool's address."""
    return {"health": current_link_check(tool)}
