"""A personal link: whose it is, what it may still show (the edition closed, the response sent), the
addresses of its pages, the language it opens in, and its welcome page."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from survey import invitations, services
from survey.flow import Questionnaire, Step, read_answers
from survey.models import Contact, Edition, Response
from survey.models.contacts import LANGUAGE_PARAMETER


@dataclass
class Visit:
    contact: Contact
    edition: Edition
    response: Response | None


def _unavailable(request: HttpRequest, reason: str, *, status: int = 200, **context) -> HttpResponse:
    return render(request, "survey/unavailable.html", {"reason": reason, **context}, status=status)


def _visit(
    request: HttpRequest, token: str, *, answering: bool = False, sending: bool = False
) -> Visit | HttpResponse:
    """The contact behind a token, or the polite page saying why the link cannot be used.

    Once the edition is closed, a link shows at most the answers its own contact sent, read-only; `sending`
    (the review's send) is told its answers were not sent (409). Once the response is sent, the page saying
    so. `answering` (a page's answers sent) returns the visit instead, the edition closed or the response
    sent, so that the view shows again what was typed: it must write nothing then.
    """
    contact = (
        Contact.objects.select_related("edition", "collectivity")
        .filter(token=token, erased_at__isnull=True)
        .first()
    )
    if contact is None:
        return _unavailable(request, "unknown", status=404)
    response = services.response_for(contact=contact)
    if not contact.edition.is_open:
        if answering:
            return Visit(contact=contact, edition=contact.edition, response=response)
        return _closed(request, contact, response, sending=sending)
    # Opening the link proves the address: it was sent there and nowhere else.
    invitations.mark_opened(contact)
    if response is not None and response.is_submitted and not answering:
        return _submitted(request, contact, response)
    return Visit(contact=contact, edition=contact.edition, response=response)


def _closed(
    request: HttpRequest, contact: Contact, response: Response | None, *, sending: bool = False
) -> HttpResponse:
    """A link once the edition is closed: the answers its own contact sent, read-only, or the page saying
    the edition is closed; to a send (`sending`), that its answers were not sent (409)."""
    if response is not None and response.is_submitted and _sent_by(response, contact):
        return _submitted(request, contact, response)
    if sending:
        return _unavailable(request, "closed", status=409, edition=contact.edition, not_sent=True)
    return _unavailable(request, "closed", edition=contact.edition)


def _sent_by(response: Response, contact: Contact) -> bool:
    return response.submitted_by_id == contact.pk or response.open_link_contact_id == contact.pk


def _submitted(request: HttpRequest, contact: Contact, response: Response) -> HttpResponse:
    """Read-only once sent: the sender sees the answers, a colleague is told the response was sent."""
    context = {"contact": contact, "edition": contact.edition, "response": response}
    if _sent_by(response, contact) or (response.submitted_by_id is None and contact.edition.is_open):
        questionnaire = Questionnaire(contact.edition)
        context["summary"] = questionnaire.summary(response, read_answers(response), contact.token)
        context["own"] = True
    return render(request, "survey/submitted.html", context)


def _url(token: str, step: Step | None) -> str:
    """A page's address; None stands for the review page, after the last step."""
    return step.url(token) if step else reverse("survey:review", kwargs={"token": token})


def _back(token: str, step: Step | None) -> HttpResponse:
    """To the page before; before the first page is the welcome page, never the review."""
    return redirect(step.url(token) if step else reverse("survey:welcome", kwargs={"token": token}))


def _in_named_language(request: HttpRequest) -> HttpResponse | None:
    """A link naming its language (`?lang=en`, as the emails give it): to the same page without it, the
    language kept as the site's language switcher keeps a choice (its cookie, which the browser's language
    gives way to), so the questionnaire's pages follow in it and the switcher can still change it. A
    language the site does not have is dropped: the browser's, as for a link naming none."""
    language = request.GET.get(LANGUAGE_PARAMETER)
    if request.method != "GET" or language is None:
        return None
    response = redirect(request.path)
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    named = _in_named_language(request)
    if named is not None:
        return named
    visit = _visit(request, token)
    if isinstance(visit, HttpResponse):
        return visit
    if request.method == "POST":
        try:
            response = services.start_response(contact=visit.contact)
        except services.EditionClosed:
            return _closed(request, visit.contact, visit.response)
        route = Questionnaire(visit.edition).route(response, read_answers(response))
        return redirect(_url(token, route.resume(response.resume_step)))
    resume_url = None
    if visit.response is not None:
        route = Questionnaire(visit.edition).route(visit.response, read_answers(visit.response))
        resume_url = _url(token, route.resume(visit.response.resume_step))
    context = {
        "contact": visit.contact,
        "edition": visit.edition,
        "response": visit.response,
        "resume_url": resume_url,
    }
    return render(request, "survey/welcome.html", context)
