from collections.abc import Callable

from csp.decorators import csp_replace
from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Abs
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tools_registry import maps, services
from tools_registry.facets import facet_panel, selected_count
from tools_registry.filters import (
    ToolFilterSet,
    common_word_block,
    facet_counts,
    list_digest,
    located_counts,
    normalized_query,
)
from tools_registry.forms import CorrectionForm, ToolSubmissionForm
from tools_registry.history import moved_or_404, recorded_as
from tools_registry.insights import peers, tables
from tools_registry.models import Collectivity, Tool, ToolSource
from tools_registry.pagination import CachedPaginator
from tools_registry.provenance import SourceRecord, records_by_credit, with_provenance
from tools_registry.ratelimit import allow, client_ip, exceeded, retry_after, retry_message
from tools_registry.text import natural

PER_PAGE = 20
NEARBY = 5


def _filtered(request: HttpRequest) -> ToolFilterSet:
    return ToolFilterSet(request.GET or None, queryset=Tool.objects.published())


def tool_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    tools = filterset.qs.select_related("collectivity")
    # The facet statement counts the list too: the list is not matched once more for its count.
    counts = facet_counts(filterset.data or {}, Tool.objects.published())
    paginator = CachedPaginator(
        tools,
        PER_PAGE,
        key=list_digest(request.GET),
        count=counts.total,
        ordered=common_word_block(filterset.data),
    )
    base_query = request.GET.copy()
    base_query.pop("page", None)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        # Not a page of this list (past its end, zero, not a number): not found, as in the API, rather
        # than another page shown under this address; the visitor is offered the first page instead.
        query = base_query.urlencode()
        first_page = reverse("tools_registry:tool_list") + (f"?{query}" if query else "")
        return render(request, "404.html", {"first_page": first_page}, status=404)
    facets = facet_panel(filterset, counts)
    context = {
        "filterset": filterset,
        "page": page,
        "facets": facets,
        "active_filters": selected_count(facets),
        "query": base_query.urlencode(),
        "filters_active": any(key != "sort" for key in base_query),
    }
    return render(request, "tools_registry/tool_list.html", context)


# Degrees around the collectivity, the box searched first (about 25 km), then the widest (about 200 km).
NEARBY_SPANS = (0.25, 2.0)


def _nearby(tool: Tool) -> list[Tool]:
    """Published tools of the same family within about 200 km, closest first.

    A tool lies at its collectivity's point, so the closest tools belong to the closest collectivities
    that have one: those are found first, among the collectivities of a box around this one (indexed
    coordinates; their number is bounded by the territory reference, whatever the number of tools),
    then their tools. Inside the box, a flat-earth distance is enough to rank.

    The small box is searched first: where the family is common, its collectivities hold the closest
    tools already, and reading the wide one (a quarter of France: thousands of collectivities) is
    spared. Its answer is kept only if its last tool lies within its span: a place outside a box is
    farther than its span, so none could come before. Else the wide box is searched: two statements
    at the most.
    """
    collectivity = tool.collectivity
    if collectivity is None or not collectivity.is_located:
        return []
    latitude, longitude = collectivity.latitude, collectivity.longitude

    def distance(path: str = "") -> Abs:
        return Abs(F(f"{path}latitude") - latitude) + Abs(F(f"{path}longitude") - longitude)

    same_family = Tool.objects.published().filter(family=tool.family).exclude(pk=tool.pk)
    for span in NEARBY_SPANS:
        closest_places = (
            Collectivity.objects.filter(
                latitude__range=(latitude - span, latitude + span),
                longitude__range=(longitude - span, longitude + span),
            )
            .filter(Exists(same_family.filter(collectivity=OuterRef("pk"))))
            .annotate(distance=distance())
            .order_by("distance", "pk")
            .values("pk")[:NEARBY]
        )
        found = list(
            same_family.filter(collectivity__in=closest_places)
            .select_related("collectivity")
            .annotate(distance=distance("collectivity__"))
            .order_by("distance", "pk")[:NEARBY]
        )
        if len(found) == NEARBY and found[-1].distance <= span:
            break
    return found


def _page_of(model: type[Tool] | type[Collectivity]) -> Callable[[str], str]:
    return lambda slug: model(slug=slug).get_absolute_url()


def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tool = (
        Tool.objects.published()
        .with_public_replacement()
        .select_related(
            "collectivity__territory", "collectivity__departement", "collectivity__region", "link_check"
        )
        .prefetch_related("objectives", with_provenance())
        .filter(slug=slug)
        .first()
    )
    if tool is None:
        kept = Tool.objects.merged_target(slug)  # a tool merged into another: the kept one's page
        if kept is not None:
            return redirect(kept, permanent=True)
        return moved_or_404(request, Tool.objects.published(), slug, _page_of(Tool))
    collectivity = tool.collectivity
    point = None
    if collectivity is not None and collectivity.is_located:
        point = maps.point_map(
            latitude=collectivity.latitude,
            longitude=collectivity.longitude,
            label=collectivity.name,
            nonce=request.csp_nonce,
        )
    # The published tools this one replaced: their readers followed "remplacé par" here.
    replaced = Tool.objects.published().filter(replaced_by=tool).only("name", "slug", "end_year")
    context = {
        "tool": tool,
        "collectivity_records": _collectivity_records(tool),
        "map": point,
        "nearby": _nearby(tool),
        "replaced": list(replaced),
    }
    return render(request, "tools_registry/tool_detail.html", context)


def _collectivity_records(tool: Tool) -> list[SourceRecord]:
    """The records of sources that describe the tool's collectivity, which its page credits as the
    collectivity's page does (the name and point it shows may come from them), but for the tool's own
    records, credited already as its sources."""
    if tool.collectivity is None:
        return []
    records = tool.collectivity.source_records.describing_collectivities().exclude(tool=tool)
    return list(records.select_related("source").order_by(*records_by_credit()))


def _peers(request: HttpRequest, collectivity: Collectivity) -> dict | None:
    return peers.peers_of(collectivity, same_region=request.GET.get("comparables") == peers.SAME_REGION)


def collectivity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # A collectivity appears publicly only through its published tools.
    public = Collectivity.objects.with_published_tools()
    collectivity = public.select_related("territory__epci", "departement", "region").filter(slug=slug).first()
    if collectivity is None:
        return moved_or_404(request, public, slug, _page_of(Collectivity))
    tools = list(
        Tool.objects.published().filter(collectivity=collectivity).active_first(natural("name"), "pk")
    )
    records = list(collectivity.source_records.describing_collectivities().select_related("source"))
    found = _peers(request, collectivity)
    context = {
        "collectivity": collectivity,
        "tools": tools,
        "records": records,
        "peers": found,
        "peers_chart": peers.chart(found, collectivity.name) if found else None,
        "same_region": request.GET.get("comparables") == peers.SAME_REGION,
    }
    return render(request, "tools_registry/collectivity_detail.html", context)


def collectivity_peers_csv(request: HttpRequest, slug: str) -> HttpResponse:
    collectivity = get_object_or_404(Collectivity.objects.with_published_tools(), slug=slug)
    found = _peers(request, collectivity)
    if found is None:
        raise Http404(_("Pas de comparaison pour cette collectivité."))
    return tables.csv_response(
        peers.CSV_COLUMNS, peers.csv_rows(found), f"{slug}-comparables.csv", found["terms"]
    )


def _map_context(request: HttpRequest, *, embedded: bool = False) -> dict:
    filterset = _filtered(request)
    # The page says which filters it refused and leaves them out: so do its data and its links, which the
    # API would otherwise answer with an error.
    accepted = filterset.accepted()
    query = accepted.urlencode()
    data_url = reverse("api:tool-list") + "?" + ("&".join(filter(None, ["format=geojson", query])))
    located, unlocated = located_counts(filterset)
    # The filters alone (no sort, page or unknown parameter), for the embedding code and the list of the
    # tools the map cannot place.
    filters = QueryDict(normalized_query(accepted), mutable=True)
    embed_url = reverse("tools_registry:tool_map_embed") + (f"?{filters.urlencode()}" if filters else "")
    filtered = f"?{query}" if query else ""
    filters["located"] = "false"
    return {
        "filterset": filterset,
        "map": maps.tools_map(data_url=data_url, nonce=request.csp_nonce, embedded=embedded),
        "legend": maps.legend(),
        "query": query,
        "located": located,
        "unlocated": unlocated,
        "unlocated_url": f"{reverse('tools_registry:tool_list')}?{filters.urlencode()}",
        # Where the same tools are without JavaScript.
        "list_url": reverse("tools_registry:tool_list") + filtered,
        "csv_url": reverse("api:tool-list") + "?" + "&".join(filter(None, ["format=csv", query])),
        "geojson_url": reverse("opendata:tools_geojson") + filtered,
        "embed_url": request.build_absolute_uri(embed_url),
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
    }


def tool_map(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    counts = facet_counts(context["filterset"].data or {}, Tool.objects.published())
    context["facets"] = facet_panel(context["filterset"], counts)
    context["active_filters"] = selected_count(context["facets"])
    return render(request, "tools_registry/tool_map.html", context)


@csp_replace({"frame-ancestors": ["*"]})
def tool_map_embed(request: HttpRequest) -> HttpResponse:
    response = render(request, "tools_registry/tool_map_embed.html", _map_context(request, embedded=True))
    # Made to be framed by collectivities' own sites.
    response.xframe_options_exempt = True
    return response


@require_http_methods(["GET", "POST"])
def tool_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "tools_registry/tool_submit.html", {"form": ToolSubmissionForm()})

    form = ToolSubmissionForm(request.POST)
    limit = {"scope": "submission", "key": client_ip(request), "limit": settings.SUBMISSION_RATE_LIMIT}
    if exceeded(**limit):
        return _submission_limited(request, form)
    if not form.is_valid():
        return render(request, "tools_registry/tool_submit.html", {"form": form}, status=400)
    if form.cleaned_data["website"]:
        # A robot filled the hidden field: answer as if all went well, store nothing.
        return redirect("tools_registry:tool_submit_done")
    if not allow(**limit):
        return _submission_limited(request, form)

    with recorded_as(ToolSource.SUBMISSION):  # the collectivity the proposal may add, like the tool
        tool = services.propose_tool(proposal=form.proposal(), choice=form.collectivity_choice())
    duplicate = tool.public_duplicate
    request.session["submitted_tool"] = {
        "name": tool.name,
        "duplicate": duplicate.name if duplicate else "",
        "duplicate_url": duplicate.get_absolute_url() if duplicate else "",
    }
    return redirect("tools_registry:tool_submit_done")


def _submission_limited(request: HttpRequest, form: ToolSubmissionForm) -> HttpResponse:
    context = {"form": form, "rate_limited": True, "retry": retry_message()}
    response = render(request, "tools_registry/tool_submit.html", context, status=429)
    response["Retry-After"] = str(retry_after())
    return response


def tool_submit_done(request: HttpRequest) -> HttpResponse:
    submitted = request.session.pop("submitted_tool", None)
    return render(request, "tools_registry/tool_submit_done.html", {"submitted": submitted})


def _published_tool(slug: str) -> Tool:
    return get_object_or_404(Tool.objects.published().select_related("collectivity"), slug=slug)


@require_http_methods(["GET", "POST"])
def tool_correct(request: HttpRequest, slug: str) -> HttpResponse:
    """Report an error on a published tool's page: the correction is moderated like a submission."""
    tool = _published_tool(slug)
    if request.method == "GET":
        return render(request, "tools_registry/tool_correct.html", {"tool": tool, "form": CorrectionForm()})

    form = CorrectionForm(request.POST)
    limit = {"scope": "correction", "key": client_ip(request), "limit": settings.SUBMISSION_RATE_LIMIT}
    context = {"tool": tool, "form": form}
    if exceeded(**limit):
        return _correction_limited(request, context)
    if not form.is_valid():
        return render(request, "tools_registry/tool_correct.html", context, status=400)
    if not form.cleaned_data["website"]:  # the honeypot: a robot is thanked, nothing is stored
        if not allow(**limit):
            return _correction_limited(request, context)
        data = form.cleaned_data
        services.submit_correction(
            tool=tool, kind=data["kind"], proposed_value=data["proposed_value"], email=data["email"]
        )
    return redirect("tools_registry:tool_correct_done", slug=tool.slug)


def _correction_limited(request: HttpRequest, context: dict) -> HttpResponse:
    context = {**context, "rate_limited": True, "retry": retry_message()}
    response = render(request, "tools_registry/tool_correct.html", context, status=429)
    response["Retry-After"] = str(retry_after())
    return response


def tool_correct_done(request: HttpRequest, slug: str) -> HttpResponse:
    tool = _published_tool(slug)
    return render(request, "tools_registry/tool_correct_done.html", {"tool": tool})
