"""How a respondent moves through a questionnaire: its pages (steps), what each shows, and which page
comes before and after each.

A response's answers are read into an `AnswerMap` keyed by (question code, subject): subject 0 is
the collectivity, n the n-th tool described. A value is a choice code (single), a list of codes
(multiple; ranking in order of priority) or a text.
"""

from dataclasses import dataclass

from django.urls import reverse

from survey.models import RESPONSE_SUBJECT, Answer, Edition, Question, QuestionType, Response, Section

AnswerMap = dict[tuple[str, int], str | list[str]]

# A response's `resume_step` once the respondent has reached the review page, after the last step.
REVIEW = "relecture"


def step_key(section_code: str, number: int) -> str:
    """How a page is named in its address and in `Response.resume_step`."""
    return section_code if not number else f"{section_code}/{number}"


@dataclass(frozen=True)
class Step:
    """A page: a section for the collectivity (subject 0), the list of tools (subject None) or one tool."""

    section: Section
    subject: int | None

    @property
    def key(self) -> str:
        return step_key(self.section.code, self.subject or 0)

    @property
    def is_tool_list(self) -> bool:
        return self.subject is None

    @property
    def is_tool(self) -> bool:
        return bool(self.subject)

    def url(self, token: str) -> str:
        if self.subject:
            return reverse(
                "survey:tool_step",
                kwargs={"token": token, "section": self.section.code, "number": self.subject},
            )
        return reverse("survey:step", kwargs={"token": token, "section": self.section.code})


@dataclass(frozen=True)
class Route:
    """The pages a response is shown, in order, and the page before and after each.

    Tools are reached from their list: a tool's page leads back to the list (both ways), and the list
    leads on to the part after the tools. The welcome page comes before the first page, the review
    after the last.
    """

    steps: list[Step]

    def find(self, section_code: str, number: int = 0) -> Step | None:
        key = step_key(section_code, number)
        return next((step for step in self.steps if step.key == key), None)

    def previous(self, current: Step) -> Step | None:
        """The page before `current`; None on the first page."""
        if current.is_tool:
            return self._tool_list(current.section)
        index = self.steps.index(current) - 1
        return self._landing(self.steps[index]) if index >= 0 else None

    def next(self, current: Step) -> Step | None:
        """The page after `current`; None on the last page, which the review follows."""
        if current.is_tool:
            return self._tool_list(current.section)
        index = self.steps.index(current) + 1
        if current.is_tool_list:
            index = max(i for i, step in enumerate(self.steps) if step.section == current.section) + 1
        return self._landing(self.steps[index]) if index < len(self.steps) else None

    def last(self) -> Step | None:
        """The page before the review."""
        return self._landing(self.steps[-1]) if self.steps else None

    def resume(self, resume_step: str) -> Step | None:
        """Where a respondent left off (`Response.resume_step`): a page, or None for the review."""
        if resume_step == REVIEW:
            return None
        return next((step for step in self.steps if step.key == resume_step), self.steps[0])

    def _landing(self, step: Step) -> Step:
        return self._tool_list(step.section) if step.is_tool else step

    def _tool_list(self, section: Section) -> Step:
        return next(step for step in self.steps if step.section == section and step.is_tool_list)


@dataclass(frozen=True)
class Progress:
    """« Étape n sur N »: `current` is None on the review page, the last of the N."""

    position: int
    total: int
    current: Step | None


class Questionnaire:
    """An edition's sections, questions and choices, read once per request."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.sections: list[Section] = list(
            edition.sections.prefetch_related("questions__choices").select_related("shown_if_question")
        )
        self.questions: dict[str, Question] = {
            question.code: question for section in self.sections for question in section.questions.all()
        }
        self._by_id = {question.pk: question for question in self.questions.values()}

    def section(self, code: str) -> Section | None:
        return next((section for section in self.sections if section.code == code), None)

    def questions_of(self, section: Section) -> list[Question]:
        return list(section.questions.all())

    def condition_met(self, item: Section | Question, answers: AnswerMap, subject: int) -> bool:
        if item.shown_if_question_id is None:
            return True
        target = self._by_id.get(item.shown_if_question_id)
        if target is None:
            return True
        value = answers.get((target.code, subject if target.is_per_tool else RESPONSE_SUBJECT))
        selected = {value} if isinstance(value, str) else set(value or [])
        return bool(selected & set(item.shown_if_choices))

    def section_shown(self, section: Section, answers: AnswerMap) -> bool:
        return self.condition_met(section, answers, RESPONSE_SUBJECT)

    def shown_questions(self, section: Section, answers: AnswerMap, subject: int) -> list[Question]:
        return [q for q in self.questions_of(section) if self.condition_met(q, answers, subject)]

    def steps(self, response: Response, answers: AnswerMap) -> list[Step]:
        steps: list[Step] = []
        for section in self.sections:
            if not self.section_shown(section, answers):
                continue
            if section.is_per_tool:
                steps.append(Step(section, None))
                steps.extend(Step(section, number) for number in range(1, response.tool_count + 1))
            else:
                steps.append(Step(section, RESPONSE_SUBJECT))
        return steps

    def route(self, response: Response, answers: AnswerMap) -> Route:
        return Route(self.steps(response, answers))

    def progress(self, answers: AnswerMap, current: Step | None) -> Progress:
        """The parts shown, counting a conditional part while its condition is unanswered, then the
        review (`current` None)."""
        sections = [
            section
            for section in self.sections
            if self.section_shown(section, answers)
            or (
                section.shown_if_question is not None
                and (section.shown_if_question.code, RESPONSE_SUBJECT) not in answers
            )
        ]
        position = sections.index(current.section) + 1 if current else len(sections) + 1
        return Progress(position=position, total=len(sections) + 1, current=current)

    def summary(self, response: Response, answers: AnswerMap, token: str) -> list[dict]:
        """Every page the respondent is shown, with each question's answer in words."""
        return [
            {
                "step": step,
                "url": step.url(token),
                "tool_name": answers.get(("tool_name", step.subject), "") if step.subject else "",
                "items": [
                    {
                        "question": question,
                        "values": display_value(question, answers.get((question.code, step.subject))),
                    }
                    for question in self.shown_questions(step.section, answers, step.subject)
                ],
            }
            for step in self.steps(response, answers)
            if not step.is_tool_list
        ]

    def missing_required(self, response: Response, answers: AnswerMap) -> list[tuple[Step, Question]]:
        """Required questions left unanswered on the pages the respondent is shown."""
        missing = []
        for step in self.steps(response, answers):
            if step.is_tool_list:
                continue
            for question in self.shown_questions(step.section, answers, step.subject):
                if question.required and not answers.get((question.code, step.subject)):
                    missing.append((step, question))
        return missing

    def tool_sections_shown(self, answers: AnswerMap) -> bool:
        return any(s.is_per_tool and self.section_shown(s, answers) for s in self.sections)


def read_answers(response: Response) -> AnswerMap:
    answers: AnswerMap = {}
    rows = Answer.objects.filter(response=response).select_related("question").order_by("rank", "pk")
    for row in rows:
        key = (row.question.code, row.subject)
        if row.question.type in (QuestionType.MULTIPLE, QuestionType.RANKING):
            answers.setdefault(key, [])
            answers[key].append(row.choice)
        else:
            answers[key] = row.choice or row.text
    return answers


def display_value(question: Question, value: str | list[str] | None) -> list[str]:
    """What a respondent reads for an answer: choice labels (in order), or the text."""
    if not value:
        return []
    if not question.has_choices:
        return [str(value)]
    labels = {choice.code: choice.display_label() for choice in question.choices.all()}
    codes = [value] if isinstance(value, str) else value
    return [labels.get(code, code) for code in codes]
