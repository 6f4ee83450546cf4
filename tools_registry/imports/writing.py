"""The importer's last stage: the records the file no longer lists flagged, the new collectivities and
tools created in bulk with their history, the source's records kept, and the run's coverage."""

from django.db import models
from django.db.models import Count, Q
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from tools_registry.cache import bump_registry_version
from tools_registry.history import current_actor
from tools_registry.imports.report import Missing
from tools_registry.models import Collectivity, Tool, refresh_stored_fields
from tools_registry.provenance import SourceRecord

SLUG_QUERY_CHUNK = 200


def assign_slugs(model: type[models.Model], instances: list[models.Model]) -> None:
    """Give each new instance a slug from its name, unused by the table and by the others (few queries)."""
    # « participez.clairoix.fr » gives « participez-clairoix-fr », not « participezclairoixfr ».
    bases = [(slugify(instance.name.replace(".", " ")) or "element")[:200] for instance in instances]
    taken: set[str] = set()
    distinct = sorted(set(bases))
    for start in range(0, len(distinct), SLUG_QUERY_CHUNK):
        prefixes = Q()
        for base in distinct[start : start + SLUG_QUERY_CHUNK]:
            prefixes |= Q(slug__startswith=base)
        taken.update(model.objects.filter(prefixes).values_list("slug", flat=True))
    for instance, base in zip(instances, bases, strict=True):
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        instance.slug = slug


class Writing:
    """The end of a run, for `SourceImport` (tools_registry.imports.pipeline)."""

    def _flag_missing(self) -> None:
        seen = {row.record for row in self.report.rows}
        for record in self.records.values():
            if record.record_id in seen:
                continue
            if record.missing_since is None:
                record.missing_since = self.now
                self.records_to_update.append(record)
            tool = self.tools.get(record.tool_id)
            since = record.missing_since.date().isoformat()
            self.report.no_longer_listed.append(
                Missing(record.record_id, record.tool_id, tool.name if tool else "", since)
            )

    def _write(self) -> None:
        """Create the new collectivities and tools in bulk with their history, then the source's records."""
        history = {"custom_historical_attrs": {"history_via": current_actor()}}
        collectivities = list(self.new_collectivities.values())
        assign_slugs(Collectivity, collectivities)
        bulk_create_with_history(collectivities, Collectivity, batch_size=500, **history)
        self.report.collectivities_created = len(collectivities)
        tools = [tool for tool, _outcome in self.new_tools]
        assign_slugs(Tool, tools)
        for tool in tools:
            tool.fill_url_key()  # bulk_create does not call save()
        bulk_create_with_history(tools, Tool, batch_size=500, **history)
        for tool, outcome in self.new_tools:
            outcome.tool_id, outcome.tool_name = tool.pk, tool.name
        refresh_stored_fields(tool_ids=[tool.pk for tool in tools])
        SourceRecord.objects.bulk_create(self.records_to_create, batch_size=500)
        SourceRecord.objects.bulk_update(
            self.records_to_update,
            ["tool", "collectivity", "values", "source_date", "last_seen", "missing_since", "last_run"],
            batch_size=500,
        )
        if collectivities or tools:
            bump_registry_version()

    def _coverage(self) -> None:
        tools = Tool.objects.filter(source_records__source=self.source)
        for field, counts in (("family", self.report.families), ("software", self.report.software)):
            rows = tools.values(field).annotate(n=Count("pk")).order_by("-n", field).values_list(field, "n")
            counts.update(rows)
