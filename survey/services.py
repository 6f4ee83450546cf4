"""The survey's writes on a response: starting it, saving a page, adding, adding back or removing a tool,
submitting it, staff accepting or rejecting an open-link response, and staff uploading a responses or a
contacts file. The respondent's writes record the language of the page they answered on
(`Response.language`)."""

import logging
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from jobs.mail import current_language
from jobs.queue import Job
from survey import tasks
from survey.flow import AnswerMap, Questionnaire, read_answers, step_key
from survey.models import (
    Answer,
    Contact,
    ContactImport,
    ContactStatus,
    Edition,
    Question,
    QuestionType,
    Response,
    ResponseImport,
    ResponseOrigin,
    ResponseStatus,
    ResponseTool,
    ReviewStatus,
    Section,
    UploadedFile,
)
from tools_registry.choices import HybridFormat, Objective, ToolFamily
from tools_registry.models import Collectivity, Tool, ToolSource
from tools_registry.services import ToolProposal, submit_tool

logger = logging.getLogger(__name__)


class AlreadySubmitted(Exception):
    """The collectivity's response was sent already (perhaps by a colleague)."""


class EditionClosed(Exception):
    """Staff closed the edition (perhaps while the page was being typed): the respondent writes nothing."""


def answer_rows(question: Question, value, *, response: Response, subject: int) -> list[Answer]:
    """The rows storing one question's value (none when it was left unanswered)."""
    if value in (None, "", []):
        return []
    if question.type == QuestionType.SINGLE:
        return [Answer(response=response, question=question, subject=subject, choice=value)]
    if question.type == QuestionType.MULTIPLE:
        return [Answer(response=response, question=question, subject=subject, choice=code) for code in value]
    if question.type == QuestionType.RANKING:
        return [
            Answer(response=response, question=question, subject=subject, choice=code, rank=rank)
            for rank, code in enumerate(value, 1)
        ]
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return [Answer(response=response, question=question, subject=subject, text=str(value).strip())]


def _owned_by(contact: Contact) -> dict:
    """Whose response a contact answers: its own (open link) or its collectivity's (invitation)."""
    if contact.origin == Contact.Origin.OPEN_LINK:
        return {"open_link_contact": contact}
    return {
        "edition": contact.edition,
        "collectivity": contact.collectivity,
        "origin": ResponseOrigin.INVITATION,
    }


def response_for(*, contact: Contact) -> Response | None:
    return Response.objects.filter(**_owned_by(contact)).first()


class ToolListChanged(Exception):
    """The tool a request names is no longer where the page showed it (removed or moved since, in
    another tab or by a colleague): nothing is written."""


class EmailNotProven(Exception):
    """An open-link contact whose personal link was never opened: its address is not proven."""


@transaction.atomic
def start_response(*, contact: Contact) -> Response:
    """The contact's response, created on first use: shared by a collectivity's invited contacts; for
    one who signed up through the open link, a response of their own that waits for staff review."""
    held_open(contact.edition_id)
    if contact.origin == Contact.Origin.OPEN_LINK:
        if contact.opened_at is None:
            raise EmailNotProven
        defaults = {
            "edition": contact.edition,
            "collectivity": contact.collectivity,
            "origin": ResponseOrigin.OPEN_LINK,
            "review": ReviewStatus.PENDING,
        }
    else:
        defaults = {}
    response, _created = Response.objects.get_or_create(
        **_owned_by(contact),
        defaults={
            **defaults,
            "respondent_name": contact.name,
            "respondent_role": contact.role,
            "respondent_email": contact.email,
            "language": current_language(),
        },
    )
    if contact.advance(ContactStatus.IN_PROGRESS):
        contact.save(update_fields=["status"])
    return response


def _take_turns_for(collectivity_id: int | None) -> None:
    """Sending an answer and accepting an open-link one for the same collectivity take turns (a lock on
    the collectivity's row): each then sees what the other did, so that the barometer never counts two
    answers for one collectivity, and neither fails on the database's constraint."""
    if collectivity_id is not None:
        list(Collectivity.objects.select_for_update().filter(pk=collectivity_id).values_list("pk"))


def _locked(response: Response) -> Response:
    """The response, locked for a write of its respondent: none once it is sent or its edition closed."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.is_submitted:
        raise AlreadySubmitted
    locked.edition = held_open(locked.edition_id)
    return locked


def held_open(edition_id: int) -> Edition:
    """The edition, kept as it is until the transaction ends, or `EditionClosed`: staff closing it wait for
    the respondent's write under way, and a write after the close sees it closed. A share lock (PostgreSQL),
    so that respondents do not wait for one another; SQLite's transactions take the one write lock as they
    begin."""
    held = "SELECT * FROM survey_edition WHERE id = %s"
    if connection.vendor == "postgresql":
        held += " FOR SHARE"
    edition = Edition.objects.raw(held, [edition_id])[0]
    if not edition.is_open:
        raise EditionClosed
    return edition


@transaction.atomic
def save_page(
    *,
    response: Response,
    section: Section,
    subject: int,
    values: dict,
    resume_step: str = "",
    tool_id: int | None = None,
) -> Response:
    """Replace the answers of one page; answers to questions its conditions now hide are dropped.

    A tool's page (subject n) names the tool it was shown for (`tool_id`): if the n-th tool is another
    one now, `ToolListChanged` and nothing is written.
    """
    response = _locked(response)
    if subject and not ResponseTool.objects.filter(response=response, position=subject, pk=tool_id).exists():
        raise ToolListChanged
    questions, rows = _page_rows(response, section, subject, values)
    Answer.objects.filter(response=response, subject=subject, question__in=questions).delete()
    Answer.objects.bulk_create(rows)
    response.resume_step = resume_step or response.resume_step
    response.language = current_language()
    response.save(update_fields=["resume_step", "language", "updated_at"])
    return response


def _page_rows(
    response: Response, section: Section, subject: int, values: dict
) -> tuple[list[Question], list[Answer]]:
    """The questions of one page and the rows its values are stored in, unsaved; answers to questions its
    conditions now hide are dropped."""
    questionnaire = Questionnaire(response.edition)
    answers = read_answers(response)
    questions = questionnaire.questions_of(section)
    for question in questions:
        answers.pop((question.code, subject), None)
        if values.get(question.code) not in (None, "", []):
            answers[(question.code, subject)] = values[question.code]
    shown = {q.pk for q in questionnaire.shown_questions(section, answers, subject)}
    rows = [
        row
        for question in questions
        if question.pk in shown
        for row in answer_rows(question, values.get(question.code), response=response, subject=subject)
    ]
    return questions, rows


def _holds(response: Response, subject: int, questions: list[Question], rows: list[Answer]) -> bool:
    """Whether a page's saved answers are these very rows."""
    fields = ("question_id", "choice", "text", "rank")
    saved = Answer.objects.filter(response=response, subject=subject, question__in=questions)
    wanted = [tuple(getattr(row, field) for field in fields) for row in rows]
    return sorted(saved.values_list(*fields), key=repr) == sorted(wanted, key=repr)


@transaction.atomic
def set_resume_step(*, response: Response, resume_step: str) -> Response:
    """Where the respondent's link will lead back to: a page's key, or the review."""
    response = _locked(response)
    response.resume_step = resume_step
    response.save(update_fields=["resume_step", "updated_at"])
    return response


@transaction.atomic
def add_tool(*, response: Response, seen_count: int | None = None) -> int:
    """Number of the new tool, or a ValidationError once the edition's maximum is reached.

    `seen_count`: how many tools the page that asked showed. More than that now means the request repeats
    one already served (a double click): the newest tool's number, and no second empty tool.
    """
    response = _locked(response)
    if seen_count is not None and response.tool_count > seen_count:
        return response.tool_count
    if response.tool_count >= response.edition.max_tools:
        raise ValidationError(
            _("Vous pouvez décrire %(max)d outils au plus.") % {"max": response.edition.max_tools}
        )
    response.tool_count += 1
    response.save(update_fields=["tool_count", "updated_at"])
    ResponseTool.objects.create(response=response, position=response.tool_count)
    return response.tool_count


@transaction.atomic
def add_tool_back(
    *, response: Response, section: Section, values: dict, seen_count: int | None = None
) -> int:
    """Number of a new tool described at once with `values`: what was typed on the page of a tool removed
    meanwhile (in another tab, by a colleague), added back at the end of the list; a ValidationError once
    the edition's maximum is reached.

    `seen_count`: how many tools the page that asked showed. If there are more now and the newest one holds
    these very answers, the request repeats one already served (a double click): its number, and no copy.
    """
    response = _locked(response)
    newest = response.tool_count
    if seen_count is not None and newest > seen_count:
        questions, rows = _page_rows(response, section, newest, values)
        if _holds(response, newest, questions, rows):
            return newest
    number = add_tool(response=response)
    save_page(
        response=response,
        section=section,
        subject=number,
        values=values,
        resume_step=step_key(section.code, number),
        tool_id=ResponseTool.objects.get(response=response, position=number).pk,
    )
    return number


@transaction.atomic
def remove_tool(*, response: Response, tool_id: int) -> None:
    """Forget a described tool; the following ones move up one place.

    The tool is named by its row, not its number, so that a repeated or stale request (a double click, an
    older tab) cannot remove the tool that took its number: `ToolListChanged` then, and nothing removed.
    """
    response = _locked(response)
    described = ResponseTool.objects.filter(response=response, pk=tool_id).first()
    if described is None:
        raise ToolListChanged
    number = described.position
    Answer.objects.filter(response=response, subject=number).delete()
    ResponseTool.objects.filter(response=response, position=number).delete()
    # One position at a time, in order, so that no uniqueness constraint is crossed on the way.
    for position in range(number + 1, response.tool_count + 1):
        Answer.objects.filter(response=response, subject=position).update(subject=F("subject") - 1)
        ResponseTool.objects.filter(response=response, position=position).update(position=F("position") - 1)
    response.tool_count -= 1
    response.save(update_fields=["tool_count", "updated_at"])


def _drop_hidden_answers(response: Response, questionnaire: Questionnaire, answers: AnswerMap) -> None:
    """Answers the respondent no longer sees (a section or question whose condition is not met)."""
    kept: set[tuple[int, int]] = set()
    for step in questionnaire.steps(response, answers):
        if step.is_tool_list:
            continue
        kept |= {
            (q.pk, step.subject) for q in questionnaire.shown_questions(step.section, answers, step.subject)
        }
    stale = [
        answer.pk
        for answer in Answer.objects.filter(response=response).only("pk", "question_id", "subject")
        if (answer.question_id, answer.subject) not in kept
    ]
    Answer.objects.filter(pk__in=stale).delete()
    if not questionnaire.tool_sections_shown(answers):
        ResponseTool.objects.filter(response=response).delete()
        response.tool_count = 0


@transaction.atomic
def submit_response(*, response: Response, contact: Contact | None = None) -> Response:
    """Send the response once: complete, then read-only; each tool described goes to the registry."""
    response = _locked(response)
    questionnaire = Questionnaire(response.edition)
    answers = read_answers(response)
    missing = questionnaire.missing_required(response, answers)
    if missing:
        raise ValidationError(
            [
                _("Question obligatoire sans réponse : %(label)s") % {"label": q.display_label()}
                for _s, q in missing
            ]
        )
    _drop_hidden_answers(response, questionnaire, answers)
    _take_turns_for(response.collectivity_id)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = contact
    response.language = current_language()
    if contact is not None:
        response.respondent_name = contact.name or response.respondent_name
        response.respondent_role = contact.role or response.respondent_role
        response.respondent_email = contact.email
    if response.is_counted and response.collectivity_id is not None:
        _send_back_to_review(response)
    response.save()
    if response.is_counted:
        _feed_registry(response, read_answers(response))
    if contact is not None and contact.advance(ContactStatus.SUBMITTED):
        contact.save(update_fields=["status"])
    return response


def _send_back_to_review(response: Response) -> None:
    """The invited response prevails: an open-link response of the same collectivity that staff had
    accepted goes back to their queue, so that the barometer still counts one response per collectivity."""
    demoted = (
        Response.objects.counted()
        .filter(edition=response.edition, collectivity=response.collectivity, origin=ResponseOrigin.OPEN_LINK)
        .update(review=ReviewStatus.PENDING, reviewed_by=None, reviewed_at=timezone.now())
    )
    if demoted:
        logger.warning(
            "Open-link response of %s sent back to review: the invited response was submitted (response %s)",
            response.collectivity,
            response.pk,
        )


def _feed_registry(response: Response, answers: AnswerMap) -> None:
    """Each tool described in a counted response becomes a pending tool of the registry."""
    if response.collectivity is None:
        return
    for described in response.tools.filter(registry_tool__isnull=True):
        described.registry_tool = propose_tool(answers, described.position, response.collectivity, response)
        described.save(update_fields=["registry_tool"])


@transaction.atomic
def accept_response(*, response: Response, by: AbstractBaseUser) -> Response:
    """Count a sent open-link response in the barometer, unless its collectivity already has a counted
    response (the barometer counts one per collectivity: reject one of them first)."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.origin != ResponseOrigin.OPEN_LINK or not response.is_submitted:
        raise ValidationError(_("Seule une réponse envoyée par le lien ouvert peut être retenue ou écartée."))
    if response.is_counted:
        return response
    _take_turns_for(response.collectivity_id)
    counted = (
        Response.objects.counted()
        .select_for_update()
        .filter(edition=response.edition, collectivity=response.collectivity)
        .first()
    )
    if counted is not None:
        raise ValidationError(
            _(
                "%(collectivity)s a déjà une réponse comptée dans le baromètre (%(origin)s, envoyée le "
                "%(date)s) : une seule réponse est comptée par collectivité. Écartez l'une des deux."
            )
            % {
                "collectivity": response.collectivity,
                "origin": counted.get_origin_display(),
                "date": formats.date_format(timezone.localtime(counted.submitted_at), "SHORT_DATE_FORMAT"),
            }
        )
    _decide(response, ReviewStatus.ACCEPTED, by)
    _feed_registry(response, read_answers(response))
    return response


@transaction.atomic
def reject_response(*, response: Response, by: AbstractBaseUser) -> Response:
    """Leave a sent open-link response out of the barometer (it is kept, and can be accepted later)."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.origin != ResponseOrigin.OPEN_LINK or not response.is_submitted:
        raise ValidationError(_("Seule une réponse envoyée par le lien ouvert peut être retenue ou écartée."))
    _decide(response, ReviewStatus.REJECTED, by)
    return response


def _decide(response: Response, review: str, by: AbstractBaseUser) -> None:
    response.review, response.reviewed_by, response.reviewed_at = review, by, timezone.now()
    response.full_clean()
    response.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])


def _codes(value, valid: list[str]) -> list[str]:
    return [code for code in (value or []) if code in valid]


def propose_tool(
    answers: AnswerMap, number: int, collectivity: Collectivity, response: Response
) -> Tool | None:
    """A pending tool of the registry from a tool described in part 3, moderated like any submission."""
    name = str(answers.get(("tool_name", number), "")).strip()
    if not name:
        return None
    family = answers.get(("tool_family", number), "")
    hybrid = {"oui": True, "non": False}.get(answers.get(("tool_hybrid", number), ""))
    proposal = ToolProposal(
        name=name[:200],
        family=family if family in ToolFamily.values else ToolFamily.AUTRE,
        url=str(answers.get(("tool_url", number), "")),
        description=str(answers.get(("tool_description", number), ""))[:5000],
        family_other=str(answers.get(("tool_family_other", number), ""))[:200],
        objectives=_codes(answers.get(("tool_objectives", number)), Objective.values)[:3],
        hybrid=hybrid,
        hybrid_formats=_codes(answers.get(("tool_hybrid_formats", number)), HybridFormat.values),
        submitter_name=response.respondent_name,
        submitter_email=response.respondent_email,
        submitter_language=response.language,
    )
    try:
        # A savepoint: a proposal the registry refuses must not undo the submitted response.
        with transaction.atomic():
            return submit_tool(proposal=proposal, collectivity=collectivity, source=ToolSource.SURVEY)
    except ValidationError:
        logger.exception("Survey tool not proposed to the registry: %r (response %s)", name, response.pk)
        return None


def _queue_import(upload: UploadedFile, job: Job) -> UploadedFile:
    upload.full_clean()
    upload.save()
    job.enqueue(import_id=upload.pk)
    return upload


@transaction.atomic
def queue_response_import(
    *, edition: Edition, file_name: str, data: bytes, by: AbstractBaseUser
) -> ResponseImport:
    """Keep a responses file staff uploaded and queue its import (`tasks.import_response_file`): a file
    of thousands of rows is checked and imported in the worker, never in the request."""
    upload = ResponseImport(edition=edition, file_name=file_name[:255], data=data, uploaded_by=by)
    return _queue_import(upload, tasks.import_response_file)


@transaction.atomic
def queue_contact_import(
    *, edition: Edition, file_name: str, data: bytes, by: AbstractBaseUser
) -> ContactImport:
    """Keep a contacts file staff uploaded and queue its import (`tasks.import_contact_file`): finding each
    row's collectivity is done in the worker, never in the request."""
    upload = ContactImport(edition=edition, file_name=file_name[:255], data=data, uploaded_by=by)
    return _queue_import(upload, tasks.import_contact_file)
