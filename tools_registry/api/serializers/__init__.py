"""The public API's serializers, by resource: tools (and their documents written from rows),
collectivities, territories, reference lists, and what the public sends."""

from tools_registry.api.serializers.collectivities import (
    CollectivityDetailSerializer,
    CollectivitySerializer,
    CollectivitySummarySerializer,
    PublishedToolLinkSerializer,
)
from tools_registry.api.serializers.contributions import (
    CorrectionReceiptSerializer,
    CorrectionSerializer,
    RefusesNulCharacters,
    SubmissionReceiptSerializer,
    SubmissionSerializer,
)
from tools_registry.api.serializers.documents import ToolDocuments, tool_documents
from tools_registry.api.serializers.references import ReferenceSerializer
from tools_registry.api.serializers.territories import TerritorySerializer
from tools_registry.api.serializers.tools import ProvenanceSerializer, ToolSerializer

__all__ = [
    "CollectivityDetailSerializer",
    "CollectivitySerializer",
    "CollectivitySummarySerializer",
    "CorrectionReceiptSerializer",
    "CorrectionSerializer",
    "ProvenanceSerializer",
    "PublishedToolLinkSerializer",
    "ReferenceSerializer",
    "RefusesNulCharacters",
    "SubmissionReceiptSerializer",
    "SubmissionSerializer",
    "TerritorySerializer",
    "ToolDocuments",
    "ToolSerializer",
    "tool_documents",
]
