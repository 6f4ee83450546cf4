from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.http import HttpRequest
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tools_registry.choices import CollectivityKind, HybridFormat, Objective, ToolFamily
from tools_registry.corrections import CorrectionKind, CorrectionStatus
from tools_registry.licences import LICENCES, credits_of, licence_of
from tools_registry.links.models import LinkCheck, current_link_check
from tools_registry.models import (
    FIRST_LAUNCH_YEAR,
    LAST_LAUNCH_YEAR,
    MAX_OBJECTIVES,
    STORED_OBJECTIVES,
    Collectivity,
    Territory,
    Tool,
    ToolSource,
    ToolStatus,
    stored_objectives,
)
from tools_registry.provenance import SourceRecord, records_by_credit
from tools_registry.representation import iso_datetime, tool_page_address


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


class RefusesNulCharacters:
    """For serializers that write: any text of the input holding a NUL character is refused, under its
    field's name, whatever the field does with it (a slug looked up, codes in a list, free text).

    PostgreSQL cannot store or even compare such text: let through, it is a server error.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = data.lists() if hasattr(data, "lists") else data.items()
            errors = {
                str(name): [ProhibitNullCharactersValidator.message]
                for name, value in fields
                if _holds_nul(value)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class CollectivitySummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        source="territory.code",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="Code officiel INSEE ou SIREN.",
    )

    class Meta:
        model = Collectivity
        fields = ["slug", "name", "kind", "code", "population", "latitude", "longitude"]


class ProvenanceSerializer(serializers.ModelSerializer):
    """A public source the tool comes from, and the licence of what is taken from it."""

    source = serializers.CharField(source="source.code", help_text="Code de la source.")
    name = serializers.CharField(source="source.name")
    publisher = serializers.CharField(source="source.publisher")
    credit = serializers.CharField(source="source.credit", help_text="Mention à reprendre avec les données.")
    url = serializers.URLField(source="source.url")
    licence = serializers.ChoiceField(list(LICENCES), source="source.licence")
    licence_url = serializers.URLField(source="source.licence_info.url")

    class Meta:
        model = SourceRecord
        fields = [
            "source",
            "name",
            "publisher",
            "credit",
            "url",
            "licence",
            "licence_url",
            "record_id",
            "source_date",
            "missing_since",
        ]


class ToolSerializer(serializers.ModelSerializer):
    objectives = serializers.SerializerMethodField(help_text="Codes des objectifs, par ordre de priorité.")
    collectivity = CollectivitySummarySerializer(read_only=True, allow_null=True)
    is_demo = serializers.BooleanField(read_only=True, help_text="Exemple fictif de démonstration.")
    web_url = serializers.SerializerMethodField(help_text="Fiche de l'outil sur le site.")
    hybrid_formats = serializers.ListField(
        child=serializers.ChoiceField(HybridFormat.choices), read_only=True
    )
    link_checked_at = serializers.SerializerMethodField(
        help_text="Dernière vérification de l'adresse par le site (null : pas encore vérifiée)."
    )
    link_ok = serializers.SerializerMethodField(
        help_text="L'adresse répond, selon le site ou, à défaut, l'équipe (null : pas encore vérifiée)."
    )
    unreachable_since = serializers.SerializerMethodField(
        help_text="Date du premier échec de la série en cours (null si l'adresse répond)."
    )
    provenance = ProvenanceSerializer(
        source="source_records", many=True, read_only=True, help_text="Sources publiques dont vient l'outil."
    )
    licence = serializers.SerializerMethodField(
        help_text="Licence de cette fiche : ODbL-1.0 si elle vient d'une source sous ODbL, sinon etalab-2.0."
    )
    replaced_by = serializers.SerializerMethodField(
        help_text="Identifiant (slug) de l'outil publié qui remplace celui-ci (null : aucun)."
    )

    class Meta:
        model = Tool
        fields = [
            "slug",
            "name",
            "description",
            "url",
            "family",
            "family_other",
            "objectives",
            "collectivity",
            "software",
            "is_open_source",
            "launch_year",
            "launched_on",
            "life_status",
            "end_year",
            "ended_on",
            "replaced_by",
            "archived_url",
            "hybrid",
            "hybrid_formats",
            "source",
            "provenance",
            "licence",
            "is_demo",
            "last_verified",
            "link_checked_at",
            "link_ok",
            "unreachable_since",
            "created_at",
            "updated_at",
            "web_url",
        ]

    def get_replaced_by(self, tool: Tool) -> str | None:
        # Annotated by ToolQuerySet.with_public_replacement: only a published replacement is named.
        return getattr(tool, "replacement_slug", "") or None

    def to_representation(self, tool: Tool) -> dict:
        # The same document as the lists give, from plain rows (see `tool_documents`).
        request = self.context.get("request")
        return tool_documents([tool.pk], request)[0]

    def get_link_checked_at(self, tool: Tool) -> datetime | None:
        link_check = current_link_check(tool)
        return link_check.checked_at if link_check else None

    def get_link_ok(self, tool: Tool) -> bool | None:
        link_check = current_link_check(tool)
        return link_check.link_ok if link_check else None

    def get_unreachable_since(self, tool: Tool) -> datetime | None:
        link_check = current_link_check(tool)
        return link_check.unreachable_since if link_check else None

    def get_objectives(self, tool: Tool) -> list[str]:
        return [objective.objective for objective in tool.ranked_objectives()]

    @extend_schema_field(serializers.ChoiceField(list(LICENCES)))
    def get_licence(self, tool: Tool) -> str:
        return licence_of({record.source.licence for record in tool.source_records.all()}).code

    def get_web_url(self, tool: Tool) -> str:
        return tool_page_address()(tool.slug)


_DATE = serializers.DateField()


# What a tool's document is read from, beside its objectives and sources: values() paths.
_TOOL_ROW = [
    "pk",
    "slug",
    "name",
    "description",
    "url",
    "family",
    "family_other",
    "software",
    "is_open_source",
    "launch_year",
    "launched_on",
    "life_status",
    "end_year",
    "ended_on",
    "replacement_slug",
    "archived_url",
    "hybrid",
    "hybrid_formats",
    "source",
    "last_verified",
    "created_at",
    "updated_at",
    *STORED_OBJECTIVES,
    "collectivity_id",
    "collectivity__slug",
    "collectivity__name",
    "collectivity__kind",
    "collectivity__territory__code",
    "collectivity__population",
    "collectivity__latitude",
    "collectivity__longitude",
    "link_check__url",
    "link_check__checked_at",
    "link_check__outcome",
    "link_check__review",
    "link_check__first_failure_at",
]
_SOURCE_ROW = [
    "tool_id",
    "source__code",
    "source__name",
    "source__publisher",
    "source__credit",
    "source__url",
    "source__licence",
    "record_id",
    "source_date",
    "missing_since",
]


def tool_documents(ids: list[int], request: HttpRequest | None) -> list[dict]:
    """The API's document of each published tool whose id is in `ids`, in the order of `ids`: what
    ToolSerializer's declared fields describe, written out from plain rows in two queries.

    A page of fifty tools walked field by field by DRF cost ~20 ms (a nested serializer per tool), and
    built from model instances with their prefetched relations still ~5 ms; from rows, ~1 ms. The two
    queries are built once (`_document_queries`): resolving their forty-odd field paths cost more than
    running them at 10k tools. The tests compare this document with the declared fields'
    (tests/test_api_representation.py).
    """
    tools, sources = _document_queries()
    rows = {row["pk"]: row for row in tools.filter(pk__in=ids)}
    records = defaultdict(list)
    for record in sources.filter(tool_id__in=ids):
        records[record["tool_id"]].append(record)
    web_url = tool_page_address()
    return [_document(rows[pk], records[pk], web_url) for pk in ids if pk in rows]


@cache
def _document_queries() -> tuple[QuerySet, QuerySet]:
    """The rows of published tools and their sources, to be filtered by id: each filter clones a query
    whose fields are already resolved."""
    tools = Tool.objects.published().with_public_replacement().order_by().values(*_TOOL_ROW)
    sources = SourceRecord.objects.order_by(*records_by_credit()).values(*_SOURCE_ROW)
    return tools, sources


def _document(row: dict, records: list[dict], web_url: Callable[[str], str]) -> dict:
    link_check = None
    if row["link_check__url"] is not None:
        link_check = LinkCheck(
            tool=Tool(url=row["url"]),
            url=row["link_check__url"],
            checked_at=row["link_check__checked_at"],
            outcome=row["link_check__outcome"],
            review=row["link_check__review"],
            first_failure_at=row["link_check__first_failure_at"],
        )
        link_check = link_check if link_check.is_current else None
    return {
        "slug": row["slug"],
        "name": row["name"],
        "description": row["description"],
        "url": row["url"],
        "family": row["family"],
        "family_other": row["family_other"],
        "objectives": stored_objectives(row),
        "collectivity": None
        if row["collectivity_id"] is None
        else {
            "slug": row["collectivity__slug"],
            "name": row["collectivity__name"],
            "kind": row["collectivity__kind"],
            "code": row["collectivity__territory__code"],
            "population": row["collectivity__population"],
            "latitude": row["collectivity__latitude"],
            "longitude": row["collectivity__longitude"],
        },
        "software": row["software"],
        "is_open_source": row["is_open_source"],
        "launch_year": row["launch_year"],
        "launched_on": _DATE.to_representation(row["launched_on"]),
        "life_status": row["life_status"],
        "end_year": row["end_year"],
        "ended_on": _DATE.to_representation(row["ended_on"]),
        "replaced_by": row["replacement_slug"] or None,
        "archived_url": row["archived_url"],
        "hybrid": row["hybrid"],
        "hybrid_formats": list(row["hybrid_formats"]),
        "source": row["source"],
        "provenance": [_provenance(record) for record in records],
        "licence": licence_of({record["source__licence"] for record in records}).code,
        "is_demo": row["source"] == ToolSource.DEMO,
        "last_verified": _DATE.to_representation(row["last_verified"]),
        "link_checked_at": link_check.checked_at if link_check else None,
        "link_ok": link_check.link_ok if link_check else None,
        "unreachable_since": link_check.unreachable_since if link_check else None,
        "created_at": iso_datetime(row["created_at"]),
        "updated_at": iso_datetime(row["updated_at"]),
        "web_url": web_url(row["slug"]),
    }


def _provenance(record: dict) -> dict:
    """What ProvenanceSerializer gives, written out (see `tool_documents`)."""
    return {
        "source": record["source__code"],
        "name": record["source__name"],
        "publisher": record["source__publisher"],
        "credit": record["source__credit"],
        "url": record["source__url"],
        "licence": record["source__licence"],
        "licence_url": LICENCES[record["source__licence"]].url,
        "record_id": record["record_id"],
        "source_date": _DATE.to_representation(record["source_date"]),
        "missing_since": iso_datetime(record["missing_since"]),
    }


class CollectivitySerializer(CollectivitySummarySerializer):
    departement = serializers.CharField(
        source="departement.code", default=None, allow_null=True, read_only=True
    )
    region = serializers.CharField(source="region.code", default=None, allow_null=True, read_only=True)
    tool_count = serializers.IntegerField(read_only=True, help_text="Nombre d'outils publiés.")

    class Meta(CollectivitySummarySerializer.Meta):
        fields = [
            "slug",
            "name",
            "kind",
            "code",
            "population",
            "departement",
            "region",
            "latitude",
            "longitude",
            "tool_count",
        ]


class PublishedToolLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tool
        fields = ["slug", "name", "family", "url"]


class CollectivityDetailSerializer(CollectivitySerializer):
    """A collectivity with its published tools, and what their sources and the collectivity's own ask: the
    licence of the answer and their credits (`terms`, set by the view: also the answer's `Link` header)."""

    tools = PublishedToolLinkSerializer(source="published_tools", many=True, read_only=True)
    licence = serializers.SerializerMethodField(
        help_text="Licence de cette réponse : ODbL-1.0 si la collectivité ou l'un de ses outils vient d'une "
        "source sous ODbL, sinon etalab-2.0."
    )
    licence_url = serializers.SerializerMethodField()
    attribution = serializers.SerializerMethodField(
        help_text="Mentions des sources publiques dont viennent la collectivité et ses outils, à reprendre "
        "avec les données."
    )

    class Meta(CollectivitySerializer.Meta):
        fields = [*CollectivitySerializer.Meta.fields, "tools", "licence", "licence_url", "attribution"]

    @extend_schema_field(serializers.ChoiceField(list(LICENCES)))
    def get_licence(self, collectivity: Collectivity) -> str:
        return collectivity.terms[0].code

    @extend_schema_field(serializers.URLField())
    def get_licence_url(self, collectivity: Collectivity) -> str:
        return collectivity.terms[0].url

    def get_attribution(self, collectivity: Collectivity) -> list[str]:
        return credits_of(collectivity.terms[1])


class TerritorySerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="Libellé à afficher : nom, type et code.")

    class Meta:
        model = Territory
        fields = ["id", "kind", "code", "name", "label", "population", "postcodes", "latitude", "longitude"]

    def get_label(self, territory: Territory) -> str:
        return str(territory)


class ReferenceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class SubmissionSerializer(RefusesNulCharacters, serializers.Serializer):
    """A proposed tool; validated by the same rules as the form of /outils/proposer/."""

    name = serializers.CharField(max_length=200)
    url = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=5000)
    family = serializers.ChoiceField(ToolFamily.choices)
    family_other = serializers.CharField(max_length=200, required=False, allow_blank=True)
    objectives = serializers.ListField(
        child=serializers.ChoiceField(Objective.choices),
        allow_empty=False,  # a plainer message than min_length's, which the schema needs (minItems)
        min_length=1,
        max_length=MAX_OBJECTIVES,
        help_text="Un à trois codes, par priorité.",
    )
    territory = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Identifiant (/territories/).",
    )
    territory_query = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Ou un code officiel INSEE / SIREN."
    )
    not_listed = serializers.BooleanField(required=False, default=False)
    other_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    other_kind = serializers.ChoiceField(
        [CollectivityKind.PNR, CollectivityKind.METROPOLE, CollectivityKind.AUTRE],
        required=False,
        allow_blank=True,
    )
    software = serializers.CharField(max_length=120, required=False, allow_blank=True)
    is_open_source = serializers.BooleanField(required=False, allow_null=True, default=None)
    launch_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=FIRST_LAUNCH_YEAR, max_value=LAST_LAUNCH_YEAR
    )
    hybrid = serializers.BooleanField(required=False, allow_null=True, default=None)
    hybrid_formats = serializers.ListField(
        child=serializers.ChoiceField(HybridFormat.choices), required=False, max_length=10
    )
    submitter_name = serializers.CharField(max_length=200)
    submitter_email = serializers.CharField(max_length=254)
    consent = serializers.BooleanField(
        help_text=(
            "Accord avec la notice « Données personnelles » (/donnees-personnelles/) : la date et la version "
            "de la notice acceptée sont enregistrées."
        )
    )
    confirm_distinct = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Un outil publié a la même adresse ou un nom semblable dans la même collectivité : la "
            "proposition est refusée (erreur sur ce champ, avec l'adresse du formulaire de correction) sauf "
            "si ce champ vaut true, pour dire qu'il s'agit bien d'un autre outil."
        ),
    )
    website = serializers.CharField(required=False, allow_blank=True, help_text="Laisser vide.")


class SubmissionReceiptSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField([ToolStatus.PENDING])
    duplicate_flagged = serializers.BooleanField(
        help_text=(
            "Un outil semblable est déjà publié. L'équipe vérifie de toute façon les doublons avant de "
            "publier ; un outil non publié n'est jamais signalé ici."
        )
    )


class CorrectionSerializer(RefusesNulCharacters, serializers.Serializer):
    """A correction of a published tool; validated by the same rules as the form of its page."""

    tool = serializers.CharField(max_length=220, help_text="Identifiant d'URL (slug) de l'outil publié.")
    kind = serializers.ChoiceField(CorrectionKind.choices)
    proposed_value = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    consent = serializers.BooleanField(
        required=False, default=False, help_text="Obligatoire si une adresse électronique est donnée."
    )
    website = serializers.CharField(required=False, allow_blank=True, help_text="Laisser vide.")


class CorrectionReceiptSerializer(serializers.Serializer):
    status = serializers.ChoiceField([CorrectionStatus.PENDING])
