"""The registry's read rules: what the public sees (`published`), the moderation queue, the order of
every public list, and the two statuses they read (a tool's moderation and its life)."""

from typing import TYPE_CHECKING

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, models
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.utils.translation import gettext_lazy as _

from tools_registry.areas import in_an_area
from tools_registry.text import NORMALIZE_FUNCTION, normalize, url_key

if TYPE_CHECKING:
    from tools_registry.models.tools import Tool

# How alike two names of tools of one collectivity must be (pg_trgm similarity, 0 to 1) to be shown to
# moderators as the same tool: « Budget participatif » and « Le budget participatif 2024 » are; two
# different tools of one town sharing its name (« Rennes open data », « Rennes budget ») are not.
SIMILAR_NAME = 0.5


class ToolStatus(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    PUBLISHED = "published", _("Publié")
    REJECTED = "rejected", _("Refusé")
    ARCHIVED = "archived", _("Archivé")


class LifeStatus(models.TextChoices):
    """Whether a tool is still in service: independent of moderation (a published tool may have ended)."""

    ACTIVE = "active", _("En service")
    ENDED = "ended", _("Arrêté")
    UNKNOWN = "unknown", _("Inconnu")


def published_q(prefix: str = "") -> Q:
    """The rule of `ToolQuerySet.published()`, for a lookup through a relation (`tools__`)."""
    return Q(**{f"{prefix}status": ToolStatus.PUBLISHED})


class CollectivityQuerySet(models.QuerySet):
    def with_published_tools(self) -> "CollectivityQuerySet":
        """The collectivities the public sees: those with a published tool, each with `tool_count`, the
        number of its published tools."""
        return self.annotate(tool_count=models.Count("tools", filter=published_q("tools__"))).filter(
            tool_count__gt=0
        )


class ToolQuerySet(models.QuerySet):
    # Maps place a tool at its collectivity's point, when it lies in France (`tools_registry.areas`):
    # without one, or with one elsewhere, the tool is listed but not placed.
    LOCATED = in_an_area("collectivity__")
    # Tools in service first, then those of unknown state, ended ones last.
    LIFE_ORDER = Case(
        When(life_status=LifeStatus.ACTIVE, then=Value(0)),
        When(life_status=LifeStatus.UNKNOWN, then=Value(1)),
        default=Value(2),
    )

    def published(self) -> "ToolQuerySet":
        # Public reads never need the stored search vector, only the database does.
        return self.filter(published_q()).defer("search_vector")

    def pending(self) -> "ToolQuerySet":
        """The moderation queue: proposals no one has published, refused or archived yet."""
        return self.filter(status=ToolStatus.PENDING)

    def merged_target(self, slug: str) -> "Tool | None":
        """The published tool that the tool of `slug` was merged into: where its old addresses lead."""
        return self.published().filter(merged_tools__slug=slug).only("slug").first()

    def in_service(self) -> "ToolQuerySet":
        """Tools not marked ended: an unknown life status counts as in service (most sources do not say)."""
        return self.exclude(life_status=LifeStatus.ENDED)

    def located(self, located: bool = True) -> "ToolQuerySet":
        """The tools a map places (or, `located=False`, those it cannot): the one rule of the map's
        caption, its GeoJSON, the open-data GeoJSON's points and the catalogue's filter."""
        return self.filter(self.LOCATED) if located else self.exclude(self.LOCATED)

    def duplicates_of(self, *, url: str, name: str, collectivity_id: int | None) -> "ToolQuerySet":
        """The tools a proposal may repeat, published ones first: the same address (`url_key`), or a
        similar name in the same collectivity (trigram similarity on PostgreSQL, the same normalised name
        elsewhere). Rejected tools and tools merged into another are not candidates.

        The one rule behind the submission form, the API and the moderators' side-by-side page.
        """
        same = Q(pk__in=[])
        key = url_key(url)
        if key:
            same |= Q(url_key=key)
        queryset = self
        if collectivity_id is not None and name.strip():
            if connections[self.db].vendor == "postgresql":
                queryset = queryset.alias(name_similarity=TrigramSimilarity("name", name.strip()))
                similar = Q(name_similarity__gte=SIMILAR_NAME)
            else:
                queryset = queryset.alias(
                    normalized_name=Func(F("name"), function=NORMALIZE_FUNCTION, output_field=TextField())
                )
                similar = Q(normalized_name=normalize(name))
            same |= Q(collectivity_id=collectivity_id) & similar
        published_first = Case(When(status=ToolStatus.PUBLISHED, then=Value(0)), default=Value(1))
        return (
            queryset.filter(same, merged_into__isnull=True)
            .exclude(status=ToolStatus.REJECTED)
            .order_by(published_first, "pk")
        )

    def active_first(self, *ordering: str | models.Expression) -> "ToolQuerySet":
        """Ordered by `ordering` within each life status: tools in service first, ended ones last.

        Every public list of tools takes this order, so that a reader meets what still runs first.
        """
        return self.order_by(self.LIFE_ORDER, *ordering)

    def with_public_replacement(self) -> "ToolQuerySet":
        """Annotate `replacement_slug` and `replacement_name`: the tool replacing each one, when published.

        A replacement not (or no longer) published stays unnamed, like a duplicate (`public_duplicate`).
        """
        published = Q(replaced_by__status=ToolStatus.PUBLISHED)
        return self.annotate(
            replacement_slug=Case(When(published, then=F("replaced_by__slug")), default=Value("")),
            replacement_name=Case(When(published, then=F("replaced_by__name")), default=Value("")),
        )

    def count_located(self) -> tuple[int, int]:
        """How many of these tools a map places, and how many it cannot place, in one query."""
        counts = self.order_by().aggregate(
            all=models.Count("pk"), located=models.Count("pk", filter=self.LOCATED)
        )
        return counts["located"], counts["all"] - counts["located"]
