"""Forms of the survey: a questionnaire page, the open link's identification, staff uploads."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from survey.flow import AnswerMap, Questionnaire
from survey.invitations import open_contact_file
from survey.models import Question, QuestionType, Section
from tools_registry.forms import CollectivityChoiceForm, RankedChoicesField

TEXT_MAX_LENGTH = 5000
SHORT_TEXT_MAX_LENGTH = 300


class RankedAnswerField(RankedChoicesField):
    """A ranking question: distinct choices in order of priority, at most the question's maximum."""

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        valid = {code for code, _label in self.choices}
        if any(code not in valid for code in value):
            raise ValidationError(_("Choisissez dans la liste proposée."), code="invalid_choice")
        if len(value) > self.max_choices:
            raise ValidationError(
                _("Classez %(max)d choix au plus.") % {"max": self.max_choices}, code="too_many"
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("Chaque choix ne peut être classé qu'une fois."), code="repeated")


def question_field(question: Question, *, required: bool) -> forms.Field:
    """The form field of a question, with French error messages for every invalid answer."""
    choices = [(choice.code, choice.display_label()) for choice in question.choices.all()]
    common = {
        "label": question.display_label(),
        "help_text": question.display_help_text(),
        "required": required,
        "error_messages": {"required": _("Répondez à cette question : elle est obligatoire.")},
    }
    if question.type == QuestionType.SINGLE:
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        field.error_messages["invalid_choice"] = _("« %(value)s » ne fait pas partie des choix proposés.")
        return field
    if question.type == QuestionType.MULTIPLE:
        field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        field.error_messages["invalid_choice"] = _("« %(value)s » ne fait pas partie des choix proposés.")
        return field
    if question.type == QuestionType.RANKING:
        return RankedAnswerField(choices=choices, max_choices=question.max_choices or 3, **common)
    if question.type == QuestionType.URL:
        field = forms.URLField(max_length=500, assume_scheme="https", **common)
        field.error_messages["invalid"] = _(
            "Saisissez une adresse web complète, par exemple https://participation.ma-ville.fr."
        )
        return field
    if question.type == QuestionType.NUMBER:
        field = forms.DecimalField(max_digits=15, decimal_places=2, localize=True, **common)
        field.error_messages["invalid"] = _("Saisissez un nombre, par exemple 12 ou 3,5.")
        return field
    if question.multiline:
        return forms.CharField(max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), **common)
    return forms.CharField(max_length=SHORT_TEXT_MAX_LENGTH, **common)


def _empty(question: Question) -> str | list:
    return [] if question.type in (QuestionType.MULTIPLE, QuestionType.RANKING) else ""


class SectionForm(forms.Form):
    """One page of the questionnaire: a section, for the collectivity or for one tool.

    Conditions are evaluated on the page's own values together with the answers saved earlier;
    a question hidden by its condition is neither required nor kept. `partial` (save and leave)
    keeps what is valid without requiring anything.
    """

    def __init__(
        self,
        *args,
        questionnaire: Questionnaire,
        section: Section,
        subject: int,
        answers: AnswerMap,
        partial: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire, self.section, self.subject = questionnaire, section, subject
        self.answers, self.partial = answers, partial
        self.questions = questionnaire.questions_of(section)
        for question in self.questions:
            self.fields[question.code] = question_field(question, required=False)
            self.initial.setdefault(question.code, answers.get((question.code, subject), _empty(question)))

    def clean(self) -> dict:
        data = super().clean()
        merged = dict(self.answers)
        for question in self.questions:
            merged[(question.code, self.subject)] = data.get(question.code)
        for question in self.questions:
            if not self.questionnaire.condition_met(question, merged, self.subject):
                self._errors.pop(question.code, None)
                data[question.code] = _empty(question)
            elif (
                question.required
                and not self.partial
                and question.code not in self._errors
                and data.get(question.code) in (None, "", [])
            ):
                self.add_error(question.code, _("Répondez à cette question : elle est obligatoire."))
        return data

    def values(self) -> dict:
        return {question.code: self.cleaned_data.get(question.code) for question in self.questions}

    def bound_questions(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[question.code]) for question in self.questions]


class OpenLinkForm(CollectivityChoiceForm):
    """A collectivity that was not invited identifies itself, and the person answering for it."""

    name = forms.CharField(label=_("Votre nom"), max_length=200)
    role = forms.CharField(
        label=_("Votre fonction"), max_length=200, help_text=_("Par exemple : chargée de mission numérique.")
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Nous y envoyons votre lien personnel pour reprendre vos réponses ; jamais publiée."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon nom, ma fonction et mon adresse électronique soient conservés par l'équipe du "
            "Baromètre pour cette enquête ; ils ne sont jamais publiés."
        )
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory_query"].label = _("Votre collectivité")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV (UTF-8)"))


class ContactFileForm(UploadForm):
    """A contacts file: what can be checked at once (encoding, emptiness, columns) is answered in the
    request, naming the file, since a browser does not keep the chosen file; its rows are the job's."""

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            open_contact_file(upload.read())
        except ValidationError as error:
            raise ValidationError(
                [
                    _("%(name)s : %(error)s") % {"name": upload.name, "error": message}
                    for message in error.messages
                ]
            ) from None
        upload.seek(0)
        return upload
