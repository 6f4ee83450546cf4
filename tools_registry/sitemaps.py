from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from tools_registry.models import Collectivity, Tool, ToolStatus


class ToolSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return Tool.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, tool: Tool):
        return tool.updated_at


class CollectivitySitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return (
            Collectivity.objects.annotate(
                published=Count("tools", filter=Q(tools__status=ToolStatus.PUBLISHED))
            )
            .filter(published__gt=0)
            .only("slug")
            .order_by("pk")
        )


class PageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "home",
            "tools_registry:tool_list",
            "tools_registry:tool_map",
            "tools_registry:tool_submit",
            "barometre:latest",
            "opendata:index",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "outils": ToolSitemap, "collectivites": CollectivitySitemap}
