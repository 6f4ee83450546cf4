"""The open link: someone whose collectivity was not invited signs up for a personal link."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from survey import invitations, services
from survey.forms import OpenLinkForm
from survey.models import Edition
from survey.views.visits import _unavailable
from tools_registry.ratelimit import allow, client_ip, exceeded, give_back, retry_after, retry_message


@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, edition: str) -> HttpResponse:
    """Someone whose collectivity was not invited signs up; their personal link is emailed to them.

    The page that follows says the same whatever the address and the collectivity: it reveals
    neither who is already known nor whether a collectivity has answered.
    """
    edition_obj = get_object_or_404(Edition, code=edition)
    if not edition_obj.is_open:
        if request.method == "POST":
            return _open_link_closed(request, edition_obj, OpenLinkForm(request.POST))
        return _unavailable(request, "closed", edition=edition_obj)
    form = OpenLinkForm(request.POST or None)
    limit = {"scope": "survey-open-link", "key": client_ip(request), "limit": settings.SUBMISSION_RATE_LIMIT}
    if form.is_bound and exceeded(**limit):
        return _open_link_limited(request, edition_obj, form)
    if form.is_bound and form.is_valid():
        if not allow(**limit):
            return _open_link_limited(request, edition_obj, form)
        data = form.cleaned_data
        try:
            invitations.sign_up_through_open_link(
                edition=edition_obj,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                collectivity=form.collectivity,
            )
        except services.EditionClosed:
            give_back(**limit)
            return _open_link_closed(request, edition_obj, form)
        return redirect("survey:open_link_sent", edition=edition_obj.code)
    context = {"edition": edition_obj, "form": form}
    return render(request, "survey/open_link.html", context, status=400 if form.is_bound else 200)


def _open_link_closed(request: HttpRequest, edition: Edition, form: OpenLinkForm) -> HttpResponse:
    """A sign-up sent once the edition is closed (staff closed it while the form was being filled in): no
    link is sent, and what was typed is shown again, to be copied."""
    typed = [
        (form[name].label, form[name].value())
        for name in ("territory_query", "name", "role", "email")
        if form[name].value()
    ]
    return _unavailable(request, "closed", status=409, edition=edition, not_signed_up=True, typed=typed)


def _open_link_limited(request: HttpRequest, edition: Edition, form: OpenLinkForm) -> HttpResponse:
    context = {"edition": edition, "form": form, "rate_limited": True, "retry": retry_message()}
    response = render(request, "survey/open_link.html", context, status=429)
    response["Retry-After"] = str(retry_after())
    return response


def open_link_sent(request: HttpRequest, edition: str) -> HttpResponse:
    edition_obj = get_object_or_404(Edition, code=edition)
    return render(request, "survey/open_link_sent.html", {"edition": edition_obj})
