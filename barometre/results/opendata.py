"""Open data: the registry and each published edition's anonymised responses, codebook and indicators,
described in DCAT-AP (JSON-LD) for national portals to harvest.

The barometer's files are under Licence Ouverte 2.0. The registry is too, unless it holds records derived
from a share-alike source (the Observatoire open data des territoires, under ODbL 1.0): then the registry is
a database derived from that source, published under ODbL 1.0 with its credit (tools_registry.licences)."""

import json

from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from barometre.models import visible_editions
from barometre.results import exports, figures
from survey.io import export_responses
from survey.models import Edition, counted_q
from tools_registry.api.errors import invalid_parameters
from tools_registry.api.views import PUBLIC_CACHE
from tools_registry.filters import ToolFilterSet
from tools_registry.geojson import stream_tool_features
from tools_registry.licences import SITE_LICENCE, Licence, link_header, listed_tools_terms
from tools_registry.models import Tool

LICENCE_URL = SITE_LICENCE.url
LICENCE_NAME = SITE_LICENCE.name
PUBLISHER = {"name": "Décider ensemble", "url": "https://www.deciderensemble.com/"}
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "geojson": ("GEOJSON", "application/geo+json"),
    "txt": ("TXT", "text/plain"),
}


def _editions(request: HttpRequest) -> list[Edition]:
    counted = counted_q("responses__")
    return list(
        visible_editions(request.user)
        .annotate(n=Count("responses", filter=counted), last=Max("responses__submitted_at", filter=counted))
        .order_by("-code")
    )


def edition_files(edition: Edition) -> list[dict]:
    """The downloads of one edition: (title, url, format) for the page and the catalogue."""
    code = edition.code
    return [
        {
            "dataset": "responses",
            "title": _("Réponses anonymisées (format long)"),
            "url": reverse("opendata:responses_csv", kwargs={"edition": code}),
            "format": "csv",
        },
        {
            "dataset": "responses",
            "title": _("Notes de l'export anonymisé (secret statistique)"),
            "url": reverse("opendata:responses_notes", kwargs={"edition": code}),
            "format": "txt",
        },
        {
            "dataset": "responses",
            "title": _("Dictionnaire des codes : questions, choix, libellés, conditions (JSON)"),
            "url": reverse("opendata:codebook_json", kwargs={"edition": code}),
            "format": "json",
        },
        {
            "dataset": "responses",
            "title": _("Dictionnaire des codes (CSV)"),
            "url": reverse("opendata:codebook_csv", kwargs={"edition": code}),
            "format": "csv",
        },
        {
            "dataset": "indicators",
            "title": _("Indicateurs (CSV)"),
            "url": reverse("opendata:indicators_csv", kwargs={"edition": code}),
            "format": "csv",
        },
        {
            "dataset": "indicators",
            "title": _("Indicateurs (JSON)"),
            "url": reverse("opendata:indicators_json", kwargs={"edition": code}),
            "format": "json",
        },
    ]


def registry_files() -> list[dict]:
    tools = reverse("api:tool-list")
    return [
        {
            "dataset": "registry",
            "title": _("Outils publiés (CSV)"),
            "url": f"{tools}?format=csv",
            "format": "csv",
        },
        {
            "dataset": "registry",
            "title": _("Outils publiés (GeoJSON : un point par outil, avec son adresse et sa page)"),
            "url": reverse("opendata:tools_geojson"),
            "format": "geojson",
        },
    ]


def registry_terms() -> tuple[Licence, list]:
    """The licence of the published registry, and the public sources it holds records from: its tools' and
    those that described their collectivities (one query)."""
    return listed_tools_terms(Tool.objects.published())


def index(request: HttpRequest) -> HttpResponse:
    editions = [
        {
            "edition": edition,
            "responses": edition.n,
            "fictitious": edition.is_fictitious,
            "files": edition_files(edition),
        }
        for edition in _editions(request)
    ]
    registry_licence, sources = registry_terms()
    context = {
        "registry_files": registry_files(),
        "registry_licence": registry_licence,
        "sources": sources,
        "editions": editions,
        "licence_url": LICENCE_URL,
        "licence_name": LICENCE_NAME,
    }
    return render(request, "barometre/opendata.html", context)


def tools_geojson(request: HttpRequest) -> StreamingHttpResponse | JsonResponse:
    """The published tools, one Feature each; the catalogue's parameters filter them."""
    filterset = ToolFilterSet(request.GET or None, queryset=Tool.objects.published())
    if filterset.is_bound and not filterset.is_valid():
        return invalid_parameters(filterset.errors)
    tools = filterset.qs
    terms = listed_tools_terms(tools)
    response = StreamingHttpResponse(
        stream_tool_features(tools, terms=terms),
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = 'attachment; filename="outils.geojson"'
    response["Link"] = link_header(*terms)
    response["Cache-Control"] = PUBLIC_CACHE  # the same caching as the API's lists
    return response


def responses_csv(request: HttpRequest, edition: str) -> HttpResponse:
    """The anonymised long-format export: opaque ids, publishable free text only, small cells suppressed."""
    found = get_object_or_404(visible_editions(request.user), code=edition)
    export = export_responses(edition=found, full=False)
    response = HttpResponse(export.csv_text(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="barometre-{found.code}-reponses.csv"'
    return exports.barometer_file(response)


def responses_notes(request: HttpRequest, edition: str) -> HttpResponse:
    found = get_object_or_404(visible_editions(request.user), code=edition)
    notes = export_responses(edition=found, full=False).notes
    notes.append(_("Licence : %(licence)s (%(url)s).") % {"licence": LICENCE_NAME, "url": LICENCE_URL})
    response = HttpResponse("\n".join(notes) + "\n", content_type="text/plain; charset=utf-8")
    return exports.barometer_file(response)


def codebook_json(request: HttpRequest, edition: str) -> JsonResponse:
    found = get_object_or_404(visible_editions(request.user), code=edition)
    book = {**exports.codebook(found), "fictitious": found.is_fictitious, "license": LICENCE_URL}
    response = JsonResponse(book, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="barometre-{found.code}-questionnaire.json"'
    return exports.barometer_file(response)


def codebook_csv(request: HttpRequest, edition: str) -> HttpResponse:
    found = get_object_or_404(visible_editions(request.user), code=edition)
    rows = exports.codebook_rows(exports.codebook(found))
    return exports.csv_response(exports.CODEBOOK_COLUMNS, rows, f"barometre-{found.code}-questionnaire.csv")


def indicators_csv(request: HttpRequest, edition: str) -> HttpResponse:
    found = get_object_or_404(visible_editions(request.user), code=edition)
    rows = exports.indicator_rows(found, figures.indicators(found), fictitious=found.is_fictitious)
    return exports.csv_response(exports.INDICATOR_COLUMNS, rows, f"barometre-{found.code}-indicateurs.csv")


def indicators_json(request: HttpRequest, edition: str) -> HttpResponse:
    found = get_object_or_404(visible_editions(request.user), code=edition)
    body = {
        "edition": found.code,
        "title": found.title,
        "fictitious": found.is_fictitious,
        "license": LICENCE_URL,
        "results": figures.indicators(found),
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="barometre-{found.code}-indicateurs.json"'
    return exports.barometer_file(response)


def _licence(licence: Licence) -> dict:
    return {"@id": licence.url, "@type": "dct:LicenseDocument", "dct:title": licence.name}


def _document(url: str) -> dict:
    return {"@id": url, "@type": "foaf:Document"}


def _distribution(request: HttpRequest, file: dict, licence: Licence = SITE_LICENCE) -> dict:
    file_type, media_type = FORMATS[file["format"]]
    url = request.build_absolute_uri(file["url"])
    return {
        "@type": "dcat:Distribution",
        "dct:title": str(file["title"]),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dct:format": {"@id": FILE_TYPES + file_type, "@type": "dct:MediaTypeOrExtent"},
        "dcat:mediaType": {"@id": MEDIA_TYPES + media_type, "@type": "dct:MediaType"},
        "dct:license": _licence(licence),
    }


def _date(value: object) -> dict | None:
    if value is None:
        return None
    text = value.date().isoformat() if hasattr(value, "date") else value.isoformat()
    return {"@value": text, "@type": "xsd:date"}


LANGUAGE = {
    "@id": "http://publications.europa.eu/resource/authority/language/FRA",
    "@type": "dct:LinguisticSystem",
}


def _publisher(**extra: object) -> dict:
    return {"@type": ["foaf:Agent", "foaf:Organization"], "foaf:name": PUBLISHER["name"], **extra}


def _dataset(
    request: HttpRequest,
    identifier: str,
    title: str,
    description: str,
    licence: Licence = SITE_LICENCE,
    **extra: object,
) -> dict:
    dataset = {
        "@id": request.build_absolute_uri(reverse("opendata:index")) + f"#{identifier}",
        "@type": "dcat:Dataset",
        "dct:identifier": identifier,
        "dct:title": title,
        "dct:description": description,
        "dct:publisher": _publisher(**{"foaf:homepage": _document(PUBLISHER["url"])}),
        "dct:license": _licence(licence),
        "dct:language": LANGUAGE,
        "dcat:landingPage": _document(request.build_absolute_uri(reverse("opendata:index"))),
    }
    dataset.update({key: value for key, value in extra.items() if value is not None})
    return dataset


def catalog(request: HttpRequest) -> JsonResponse:
    """DCAT-AP description of the published datasets (JSON-LD)."""
    tools = Tool.objects.published().aggregate(first=Min("created_at"), last=Max("updated_at"))
    registry_licence, sources = registry_terms()
    credits = "".join(
        f" Contient des données de la source « {source.credit} » ({source.licence_info.short})."
        for source in sources
    )
    if registry_licence.share_alike:
        credits += (
            f" Base de données dérivée d'une source sous {registry_licence.short} (partage à l'identique) : "
            f"le registre est publié sous {registry_licence.short} ; chaque ligne du CSV indique sa source "
            "et sa licence."
        )
    datasets = [
        _dataset(
            request,
            "registre-outils",
            "Registre des outils numériques de démocratie locale",
            "Outils numériques de démocratie locale des collectivités françaises publiés par le registre "
            "(CSV, GeoJSON). Référentiel des territoires : Etalab découpage administratif (Licence Ouverte "
            "2.0), GeoNames (CC-BY 4.0), annuaire de l'administration de la DILA (Licence Ouverte 2.0)."
            + credits,
            registry_licence,
            **{
                "dct:issued": _date(tools["first"]),
                "dct:modified": _date(tools["last"]),
                "dcat:keyword": [
                    "démocratie locale",
                    "participation citoyenne",
                    "collectivités",
                    "open data",
                ],
                "dcat:distribution": [
                    _distribution(request, file, registry_licence) for file in registry_files()
                ],
            },
        )
    ]
    for edition in _editions(request):
        files = edition_files(edition)
        report = getattr(edition, "report", None)
        caveat = " Données fictives de démonstration." if edition.is_fictitious else ""
        dates = {
            "dct:issued": _date((report.published_on if report else None) or edition.ends_on),
            "dct:modified": _date(edition.last or edition.ends_on),
            "dct:temporal": {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": _date(edition.starts_on),
                "dcat:endDate": _date(edition.ends_on),
            },
            "dcat:keyword": ["baromètre", "démocratie locale numérique", "enquête", edition.code],
        }
        for dataset, title, description in (
            (
                "responses",
                f"{edition.title} — réponses anonymisées",
                f"Réponses au questionnaire ({edition.n} collectivités), format long "
                f"response_id,subject,question_code,value,rank,{exports.FICTITIOUS}, avec le dictionnaire "
                "des codes." + caveat,
            ),
            (
                "indicators",
                f"{edition.title} — indicateurs",
                "Indicateurs du baromètre avec base, part et intervalle de confiance à 95 % (Wilson)."
                + caveat,
            ),
        ):
            distributions = [_distribution(request, f) for f in files if f["dataset"] == dataset]
            datasets.append(
                _dataset(
                    request,
                    f"barometre-{edition.code}-{dataset}",
                    title,
                    description,
                    **dates,
                    **{"dcat:distribution": distributions},
                )
            )
    body = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": request.build_absolute_uri(reverse("opendata:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": "Baromètre de la démocratie locale numérique — données ouvertes",
        "dct:description": "Registre des outils numériques de démocratie locale et résultats du baromètre.",
        "dct:publisher": _publisher(),
        "dct:license": _licence(SITE_LICENCE),
        "dct:language": LANGUAGE,
        "foaf:homepage": _document(request.build_absolute_uri(reverse("opendata:index"))),
        "dcat:dataset": datasets,
    }
    return JsonResponse(
        body, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
