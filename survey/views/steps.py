"""The questionnaire's pages: a section's page, the list of tools and each tool's page, removing a tool,
and the pages that show again what was typed when it could not be saved."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from survey import services
from survey.flow import REVIEW, AnswerMap, Questionnaire, Route, Step, read_answers
from survey.forms import SectionForm
from survey.models import Response, ResponseTool, Section
from survey.views.visits import Visit, _back, _submitted, _unavailable, _url, _visit


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, section: str, number: int = 0) -> HttpResponse:
    visit = _visit(request, token, answering=request.method == "POST")
    if isinstance(visit, HttpResponse):
        return visit
    if not visit.edition.is_open:
        return _closed_meanwhile(request, visit, Questionnaire(visit.edition), section, number)
    if visit.response is None:
        return redirect("survey:welcome", token=token)
    response = visit.response
    questionnaire = Questionnaire(visit.edition)
    if response.is_submitted:
        return _sent_meanwhile(request, visit, questionnaire, section, number)
    answers = read_answers(response)
    route = questionnaire.route(response, answers)
    current = route.find(section, number)
    if current is None:
        gone = questionnaire.section(section)
        typed = number or request.POST.get("action") == "add_back"
        if request.method == "POST" and typed and gone is not None and gone.is_per_tool:
            # A tool's page sent after the list got shorter (a removal in another tab), or a removed tool's
            # answers sent back once the tools' part is hidden: keep what was typed.
            form = SectionForm(
                request.POST,
                questionnaire=questionnaire,
                section=gone,
                subject=number,
                answers=answers,
                partial=True,
            )
            tool_id = _number(request.POST.get("tool"))
            return _stale_tool_page(request, visit, questionnaire, Step(gone, number), form, tool_id)
        return redirect(_url(token, route.resume(response.resume_step)))
    try:
        if current.is_tool_list:
            return _tool_list(request, visit, questionnaire, route, current)
        return _section_page(request, visit, questionnaire, route, current, answers)
    except services.AlreadySubmitted:
        return _sent_meanwhile(request, visit, questionnaire, section, number)
    except services.EditionClosed:
        return _closed_meanwhile(request, visit, questionnaire, section, number)


def _sent_meanwhile(
    request: HttpRequest, visit: Visit, questionnaire: Questionnaire, section_code: str, number: int
) -> HttpResponse:
    """A page sent after the response was sent (by a colleague, or in another tab)."""
    section = questionnaire.section(section_code)
    if section is None:
        return _submitted(request, visit.contact, Response.objects.get(pk=visit.response.pk))
    return _not_saved(request, visit, questionnaire, section, number, reason="sent")


def _closed_meanwhile(
    request: HttpRequest, visit: Visit, questionnaire: Questionnaire, section_code: str, number: int
) -> HttpResponse:
    """A page sent after the edition closed (staff closed it while the page was being typed)."""
    section = questionnaire.section(section_code)
    if section is None:
        return _unavailable(request, "closed", edition=visit.edition)
    return _not_saved(request, visit, questionnaire, section, number, reason="closed")


def _not_saved(
    request: HttpRequest,
    visit: Visit,
    questionnaire: Questionnaire,
    section: Section,
    number: int,
    *,
    reason: str,
) -> HttpResponse:
    """A page that can no longer be saved (`reason`: the response "sent" or the edition "closed" meanwhile):
    nothing was written, and the page says so (409), shows again what was typed on it, to be copied, and
    how to reach the team.

    Only what was typed is shown, never the answers stored: a colleague may not see them.
    """
    # A tools list sends no answers, except a removed tool's ones sent back ("add_back").
    typed = not section.is_per_tool or number or request.POST.get("action") == "add_back"
    form = None
    if typed:
        form = SectionForm(
            request.POST,
            questionnaire=questionnaire,
            section=section,
            subject=number,
            answers={},
            partial=True,
        )
    context = {
        "reason": reason,
        "edition": visit.edition,
        "contact": visit.contact,
        "section": section,
        "form": form,
        "tool_name": _typed_tool_name(form) if form and section.is_per_tool else "",
        "welcome_url": reverse("survey:welcome", kwargs={"token": visit.contact.token}),
    }
    return render(request, "survey/not_saved.html", context, status=409)


def _typed_tool_name(form: SectionForm) -> str:
    """The tool's name as typed on a page that could not be saved, to title the page showing it again."""
    return str(form.data.get("tool_name", "")).strip()


def _section_page(
    request: HttpRequest,
    visit: Visit,
    questionnaire: Questionnaire,
    route: Route,
    current: Step,
    answers: AnswerMap,
) -> HttpResponse:
    # "previous" and "save_exit" keep what is valid without requiring anything; anything else is
    # "next": a complete page, then the page after.
    action = request.POST.get("action")
    if action not in ("previous", "save_exit"):
        action = "next"
    form = SectionForm(
        request.POST or None,
        questionnaire=questionnaire,
        section=current.section,
        subject=current.subject,
        answers=answers,
        partial=action != "next",
    )
    token = visit.contact.token
    # A tool's page carries the tool it was shown for: its number may have changed since (a removal in
    # another tab), and the answers must never land on the tool that took that number.
    tool_id = _number(request.POST.get("tool")) if current.is_tool else None
    if (
        form.is_bound
        and current.is_tool
        and tool_id != _described(visit.response, position=current.subject).pk
    ):
        # Said before any error in the answers, so that they never show under the other tool's name;
        # `services.save_page` checks again, as it writes.
        return _stale_tool_page(request, visit, questionnaire, current, form, tool_id)
    if form.is_bound and form.is_valid():
        if action == "next":
            target = route.next(current)
            resume = target.key if target else REVIEW
        else:
            resume = current.key
        try:
            response = services.save_page(
                response=visit.response,
                section=current.section,
                subject=current.subject,
                values=form.values(),
                resume_step=resume,
                tool_id=tool_id,
            )
        except services.ToolListChanged:
            return _stale_tool_page(request, visit, questionnaire, current, form, tool_id)
        if action == "save_exit":
            messages.success(
                request, _("Vos réponses sont enregistrées. Revenez quand vous voulez avec votre lien.")
            )
            return redirect("survey:welcome", token=token)
        # The answers just saved may show or hide later pages (has_tool, has_open_data…).
        route = questionnaire.route(response, read_answers(response))
        if action == "previous":
            return _back(token, route.previous(current))
        return redirect(_url(token, route.next(current)))
    if current.is_tool and not form.is_bound:
        tool_id = _described(visit.response, position=current.subject).pk
    return _render_step(request, visit, questionnaire, route, current, form, answers, tool_id=tool_id)


def _render_step(
    request: HttpRequest,
    visit: Visit,
    questionnaire: Questionnaire,
    route: Route,
    current: Step,
    form: SectionForm,
    answers: AnswerMap,
    *,
    tool_id: int | None,
    status: int | None = None,
    stale_from: int | None = None,
) -> HttpResponse:
    context = {
        "edition": visit.edition,
        "contact": visit.contact,
        "form": form,
        "step": current,
        "previous": route.previous(current),
        "progress": questionnaire.progress(answers, current),
        "tool_name": answers.get(("tool_name", current.subject), "") if current.subject else "",
        "tool_count": visit.response.tool_count,
        "tool_id": tool_id,
        "action_url": current.url(visit.contact.token),
        "stale_from": stale_from,
    }
    if status is None:
        status = 400 if form.is_bound else 200
    return render(request, "survey/step.html", context, status=status)


def _number(value: str | None) -> int | None:
    """A row id or a count sent back by a page; none when absent or not a plain number."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _described(response: Response, *, position: int) -> ResponseTool:
    return ResponseTool.objects.get(response=response, position=position)


def _stale_tool_page(
    request: HttpRequest,
    visit: Visit,
    questionnaire: Questionnaire,
    current: Step,
    form: SectionForm,
    tool_id: int | None,
) -> HttpResponse:
    """A tool's answers sent from a page older than the list of tools: nothing was written, and what was
    typed comes back.

    If the tool is still described (under another number), its page, to be sent again; if it was removed,
    a page to add it back as a new tool or to copy it.
    """
    response = Response.objects.get(pk=visit.response.pk)
    visit.response = response
    described = ResponseTool.objects.filter(response=response, pk=tool_id).first() if tool_id else None
    answers = read_answers(response)
    route = questionnaire.route(response, answers)
    moved = route.find(current.section.code, described.position) if described else None
    if moved is None:
        # Checked as adding it back will check it: nothing required yet.
        form = SectionForm(
            form.data,
            questionnaire=questionnaire,
            section=current.section,
            subject=current.subject,
            answers=answers,
            partial=True,
        )
        return _removed_tool_page(request, visit, questionnaire, route, current.section, form)
    return _render_step(
        request,
        visit,
        questionnaire,
        route,
        moved,
        form,
        answers,
        tool_id=described.pk,
        status=409,
        stale_from=current.subject,
    )


def _removed_tool_page(
    request: HttpRequest,
    visit: Visit,
    questionnaire: Questionnaire,
    route: Route,
    section: Section,
    form: SectionForm,
    *,
    error: str = "",
    status: int = 409,
) -> HttpResponse:
    """The page of a tool removed meanwhile (in another tab, by a colleague): nothing was written for it, and
    what was typed is shown again, with a button adding it back as a new tool (sent to the list of tools).
    If the tools' part is no longer shown at all, what was typed is only shown, to be copied."""
    response, token = visit.response, visit.contact.token
    answers = read_answers(response)
    tool_list = route.find(section.code)
    context = {
        "edition": visit.edition,
        "contact": visit.contact,
        "form": form,
        "section": section,
        "tool_name": _typed_tool_name(form),
        "list_url": tool_list.url(token) if tool_list else "",
        "continue_url": _url(token, route.resume(response.resume_step)),
        "progress": questionnaire.progress(answers, tool_list) if tool_list else None,
        "tool_count": response.tool_count,
        "can_add": response.tool_count < visit.edition.max_tools,
        "error": error,
    }
    return render(request, "survey/removed_tool.html", context, status=status)


def _add_tool_back(
    request: HttpRequest, visit: Visit, questionnaire: Questionnaire, route: Route, tool_list: Step
) -> HttpResponse:
    """What was typed on the page of a removed tool, added back as a new tool: that tool's page, saying so;
    or the same answers shown again, with what prevented it (the maximum of tools, an invalid answer)."""
    response = visit.response
    form = SectionForm(
        request.POST,
        questionnaire=questionnaire,
        section=tool_list.section,
        subject=response.tool_count + 1,
        answers=read_answers(response),
        partial=True,
    )
    error = ""
    if form.is_valid():
        try:
            number = services.add_tool_back(
                response=response,
                section=tool_list.section,
                values=form.values(),
                seen_count=_number(request.POST.get("tool_count")),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                _(
                    "Ce que vous aviez saisi est devenu l'outil %(number)d : vérifiez-le, complétez-le si "
                    "besoin, puis enregistrez-le."
                )
                % {"number": number},
            )
            return redirect(
                "survey:tool_step", token=visit.contact.token, section=tool_list.section.code, number=number
            )
    return _removed_tool_page(
        request, visit, questionnaire, route, tool_list.section, form, error=error, status=400
    )


def _tool_list(
    request: HttpRequest,
    visit: Visit,
    questionnaire: Questionnaire,
    route: Route,
    current: Step,
) -> HttpResponse:
    response, token = visit.response, visit.contact.token
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "add_back":
            return _add_tool_back(request, visit, questionnaire, route, current)
        if action == "add":
            try:
                seen = _number(request.POST.get("tool_count"))
                number = services.add_tool(response=response, seen_count=seen)
            except ValidationError as exc:
                error = exc.messages[0]
            else:
                return redirect("survey:tool_step", token=token, section=current.section.code, number=number)
        elif action == "previous":
            return _back(token, route.previous(current))
        elif response.tool_count == 0:
            error = _(
                "Décrivez au moins un outil, ou revenez à la première partie pour indiquer que votre "
                "collectivité n'en a pas mis en place."
            )
        else:
            target = route.next(current)
            services.set_resume_step(response=response, resume_step=target.key if target else REVIEW)
            return redirect(_url(token, target))
    answers = read_answers(response)
    tools = [
        {
            "number": described.position,
            "name": answers.get(("tool_name", described.position), ""),
            "url": Step(current.section, described.position).url(token),
            "remove_url": reverse(
                "survey:remove_tool",
                kwargs={"token": token, "section": current.section.code, "tool": described.pk},
            ),
        }
        for described in response.tools.order_by("position")
    ]
    context = {
        "edition": visit.edition,
        "contact": visit.contact,
        "step": current,
        "previous": route.previous(current),
        "tools": tools,
        "can_add": response.tool_count < visit.edition.max_tools,
        "error": error,
        "progress": questionnaire.progress(answers, current),
    }
    return render(request, "survey/tools.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def remove_tool(request: HttpRequest, token: str, section: str, tool: int) -> HttpResponse:
    """Removing a described tool, once confirmed: the page names the tool, its form names its row."""
    visit = _visit(request, token)
    if isinstance(visit, HttpResponse):
        return visit
    if visit.response is None:
        return redirect("survey:welcome", token=token)
    response = visit.response
    route = Questionnaire(visit.edition).route(response, read_answers(response))
    tool_list = route.find(section)
    if tool_list is None or not tool_list.is_tool_list:
        return redirect(_url(token, route.resume(response.resume_step)))
    described = ResponseTool.objects.filter(response=response, pk=tool).first()
    name = ""
    if described is not None:
        name = str(read_answers(response).get(("tool_name", described.position), ""))
    if request.method == "POST" and described is not None:
        try:
            services.remove_tool(response=response, tool_id=described.pk)
        except (services.AlreadySubmitted, services.EditionClosed):
            return redirect("survey:welcome", token=token)
        except services.ToolListChanged:
            described = None
        else:
            if name:
                messages.success(
                    request, _("L'outil « %(name)s » a été retiré de votre réponse.") % {"name": name}
                )
            else:
                messages.success(request, _("L'outil a été retiré de votre réponse."))
            return redirect(tool_list.url(token))
    if described is None:
        messages.warning(
            request,
            _(
                "Cet outil ne fait plus partie de votre réponse : il a déjà été retiré (par un double clic, "
                "dans un autre onglet ou par un collègue). Aucun autre outil n'a été retiré ; voici la liste "
                "à jour."
            ),
        )
        return redirect(tool_list.url(token))
    context = {
        "edition": visit.edition,
        "contact": visit.contact,
        "step": tool_list,
        "number": described.position,
        "name": name,
        "cancel_url": tool_list.url(token),
    }
    return render(request, "survey/remove_tool.html", context)
