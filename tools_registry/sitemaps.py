from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from tools_registry.models import Collectivity, Tool


class ToolSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return Tool.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, tool: Tool):
        return tool.updated_at


class CollectivitySitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return Collectivity.objects.with_published_tools().only("slug").order_by("pk")
