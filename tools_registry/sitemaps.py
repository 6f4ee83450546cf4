from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Q, QuerySet

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
