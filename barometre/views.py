from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tools_registry.models import Collectivity, Tool, ToolStatus


def home(request: HttpRequest) -> HttpResponse:
    published = Q(tools__status=ToolStatus.PUBLISHED)
    context = {
        "tool_count": Tool.objects.published().count(),
        "collectivity_count": Collectivity.objects.annotate(n=Count("tools", filter=published))
        .filter(n__gt=0)
        .count(),
        "latest_tools": Tool.objects.published().select_related("collectivity").order_by("-created_at")[:6],
    }
    return render(request, "home.html", context)
