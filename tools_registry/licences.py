"""The licences under which the site publishes what it holds, and the one rule that picks a file's licence.

The site's own data is under Licence Ouverte 2.0. Records derived from a share-alike source (the
Observatoire open data des territoires, under ODbL 1.0) keep that source's licence: a file, a page of the
API or a dataset that holds at least one of them is a database derived from the source, published under
ODbL 1.0 with the attribution the source asks for.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar
from urllib.parse import quote

from django.db.models import QuerySet

if TYPE_CHECKING:
    from tools_registry.provenance import DataSource


@dataclass(frozen=True)
class Licence:
    code: str  # SPDX identifier
    name: str
    short: str
    url: str
    share_alike: bool


LICENCE_OUVERTE = Licence(
    code="etalab-2.0",
    name="Licence Ouverte / Open Licence version 2.0",
    short="Licence Ouverte 2.0",
    url="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    share_alike=False,
)
ODBL = Licence(
    code="ODbL-1.0",
    name="Open Database License (ODbL) 1.0",
    short="ODbL 1.0",
    url="https://opendatacommons.org/licenses/odbl/1-0/",
    share_alike=True,
)
LICENCES = {licence.code: licence for licence in (LICENCE_OUVERTE, ODBL)}
SITE_LICENCE = LICENCE_OUVERTE
# Not a licence of the registry's sources (LICENCES), but of reference data the site shows beside them:
# the points of GeoNames in the territory reference, the département shapes of the maps.
CC_BY = Licence(
    code="CC-BY-4.0",
    name="Creative Commons Attribution 4.0 International",
    short="CC-BY 4.0",
    url="https://creativecommons.org/licenses/by/4.0/",
    share_alike=False,
)


class Credited(Protocol):
    """What a `Link` header names of a source: its address and the credit it asks for."""

    url: str
    credit: str


@dataclass(frozen=True)
class Credit:
    url: str
    credit: str


@dataclass(frozen=True)
class SourceCredit(Credit):
    """A public source as a `Link` header names it, with its code: what orders sources of one credit."""

    code: str


class Ordered(Protocol):
    """What the order of sources reads of a source: the credit it asks for, then its code."""

    credit: str
    code: str


OrderedSource = TypeVar("OrderedSource", bound=Ordered)


def by_credit(sources: Iterable[OrderedSource]) -> list[OrderedSource]:
    """`sources` in the one order in which a file's credits, its rows and its `Link` header name them: by
    credit, two sources asking for the same credit by code."""
    return sorted(sources, key=lambda source: (source.credit, source.code))


# The territory reference (tools_registry/data/ATTRIBUTION.md): codes, names and populations from Etalab,
# points from GeoNames or the DILA's directory. Licence Ouverte 2.0 allows republishing under CC-BY, so an
# answer holding the reference is under CC-BY 4.0, crediting all three.
TERRITORY_LICENCE = CC_BY
TERRITORY_SOURCES = [
    Credit("https://github.com/etalab/decoupage-administratif", "Etalab, découpage administratif"),
    Credit("https://www.geonames.org/", "GeoNames"),
    Credit(
        "https://www.data.gouv.fr/fr/datasets/service-public-fr-annuaire-de-l-administration-base-de-donnees-locales/",
        "DILA, annuaire de l'administration",
    ),
]


def licence_of(codes: set[str]) -> Licence:
    """The licence of a set of records whose sources have these licences: share-alike wins."""
    share_alike = sorted(code for code in codes if LICENCES[code].share_alike)
    return LICENCES[share_alike[0]] if share_alike else SITE_LICENCE


def tools_terms(
    tools: QuerySet, collectivities: QuerySet | None = None
) -> tuple[Licence, list["DataSource"]]:
    """The licence of a file holding every tool of `tools` (and what a source said of each collectivity of
    `collectivities`, when it shows them too), and the public sources it holds records from, whose credits
    it must state, in the order of `credits_of` (one query)."""
    from tools_registry.provenance import sources_of

    sources = sources_of(tools, collectivities)
    return licence_of({source.licence for source in sources}), sources


def listed_tools_terms(tools: QuerySet) -> tuple[Licence, list["DataSource"]]:
    """`tools_terms` of a file listing `tools` with their collectivities' columns (name, kind, point…),
    which may come from a source that described the collectivity, even once that source's tool is gone."""
    from tools_registry.models import Collectivity

    shown = Collectivity.objects.filter(pk__in=tools.order_by().values("collectivity_id"))
    return tools_terms(tools, shown)


def collectivities_terms(collectivities: QuerySet) -> tuple[Licence, list["DataSource"]]:
    """The licence of an answer holding `collectivities` and their published tools, and the public sources
    it holds records from: their tools' and the collectivities' own, which their pages credit (one query)."""
    from tools_registry.models import Tool

    tools = Tool.objects.published().filter(collectivity__in=collectivities.order_by().values("pk"))
    return tools_terms(tools, collectivities)


def credits_of(sources: Iterable["DataSource"]) -> list[str]:
    """The credits a file must state for records taken from `sources`, in the one order of sources (by
    credit, as `sources_of` gives them and the `Link` header names them)."""
    return [source.credit for source in by_credit(sources)]


def terms_of(tools: QuerySet, collectivities: QuerySet | None = None) -> dict:
    """What a page, file or answer built from `tools` (and showing `collectivities`, when it names some)
    says of its data: licence, credits (and the sources credited, in the same order, for its `Link` header:
    `terms_link`), fictitious tools.

    Two queries; for figures computed from these tools (an aggregate is derived from every record it counts).
    """
    from tools_registry.models import ToolSource

    licence, sources = tools_terms(tools, collectivities)
    return {
        "licence": licence.code,
        "licence_name": licence.short,
        "licence_url": licence.url,
        "attribution": credits_of(sources),
        "sources": [Credit(url=source.url, credit=source.credit) for source in sources],
        "demo_tools": tools.filter(source=ToolSource.DEMO).count(),
    }


def terms_link(terms: dict) -> str:
    """The `Link` header of an answer or file whose data has these `terms_of`: its licence and sources."""
    return link_header(LICENCES[terms["licence"]], terms["sources"])


def link_header(licence: Licence, sources: Iterable[Credited] = ()) -> str:
    """An HTTP `Link` header value naming the licence of a response (RFC 8288, relation "license") and,
    for a file holding records of public sources, each source with its credit (relation "via")."""
    links = [f'<{licence.url}>; rel="license"; title="{licence.code}"']
    links += [f'<{source.url}>; rel="via"; {_title(source.credit)}' for source in sources]
    return ", ".join(links)


def _title(text: str) -> str:
    """A link's `title` parameter: quoted when plain ASCII, else `title*` in UTF-8 (RFC 8288, RFC 8187),
    since a header only carries ASCII safely."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'title="{text}"'
    return f"title*=UTF-8''{quote(text, safe='')}"
