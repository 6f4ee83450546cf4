from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tools_registry.models import Collectivity, Tool


def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tool = get_object_or_404(
        Tool.objects.published()
        .select_related("collectivity__territory", "collectivity__departement", "collectivity__region")
        .prefetch_related("objectives"),
        slug=slug,
    )
    return render(request, "tools_registry/tool_detail.html", {"tool": tool})


def collectivity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collectivity = get_object_or_404(
        Collectivity.objects.select_related("territory__epci", "departement", "region"), slug=slug
    )
    tools = Tool.objects.published().filter(collectivity=collectivity).order_by("name")
    return render(
        request, "tools_registry/collectivity_detail.html", {"collectivity": collectivity, "tools": tools}
    )
