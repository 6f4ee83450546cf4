from survey.models.contacts import Contact, ContactOrigin, ContactStatus, InvitationEmail
from survey.models.questionnaire import (
    CHOICE_TYPES,
    FREE_TEXT_TYPES,
    Choice,
    Edition,
    EditionStatus,
    Question,
    QuestionType,
    Scope,
    Section,
)
from survey.models.responses import (
    RESPONSE_SUBJECT,
    Answer,
    OpenAnswer,
    Response,
    ResponseOrigin,
    ResponseStatus,
    ResponseTool,
)

__all__ = [
    "CHOICE_TYPES",
    "FREE_TEXT_TYPES",
    "RESPONSE_SUBJECT",
    "Answer",
    "Choice",
    "Contact",
    "ContactOrigin",
    "ContactStatus",
    "Edition",
    "EditionStatus",
    "InvitationEmail",
    "OpenAnswer",
    "Question",
    "QuestionType",
    "Response",
    "ResponseOrigin",
    "ResponseStatus",
    "ResponseTool",
    "Scope",
    "Section",
]
