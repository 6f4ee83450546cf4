from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from tools_registry.sitemaps import CollectivitySitemap, ToolSitemap


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
