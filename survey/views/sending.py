"""The review page, and sending the response from it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from survey import services
from survey.flow import Questionnaire, read_answers
from survey.models import Response
from survey.views.visits import _closed, _visit


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, token: str) -> HttpResponse:
    visit = _visit(request, token, sending=request.method == "POST")
    if isinstance(visit, HttpResponse):
        return visit
    if visit.response is None:
        return redirect("survey:welcome", token=token)
    questionnaire = Questionnaire(visit.edition)
    answers = read_answers(visit.response)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.submit_response(response=visit.response, contact=visit.contact)
        except services.AlreadySubmitted:
            pass
        except services.EditionClosed:
            return _closed(request, visit.contact, visit.response, sending=True)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _(
                    "Merci ! Vos réponses ont bien été envoyées. L'équipe du Baromètre les vérifie avant de "
                    "les compter dans les résultats."
                )
                if visit.response.origin == Response.Origin.OPEN_LINK
                else _("Merci ! Les réponses de votre collectivité ont bien été envoyées."),
            )
        if not errors:
            return redirect("survey:welcome", token=token)
    previous = questionnaire.route(visit.response, answers).last()
    missing = questionnaire.missing_required(visit.response, answers)
    context = {
        "edition": visit.edition,
        "contact": visit.contact,
        "summary": questionnaire.summary(visit.response, answers, token),
        "missing": [{"question": q, "url": s.url(token)} for s, q in missing],
        "errors": errors,
        "progress": questionnaire.progress(answers, None),
        "previous_url": previous.url(token) if previous else "",
    }
    return render(request, "survey/review.html", context, status=400 if errors else 200)
