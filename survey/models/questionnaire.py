"""Editions and their questionnaire: sections, questions and choices, identified by stable codes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Part 3 of the questionnaire is repeated for each tool, up to this many tools.
DEFAULT_MAX_TOOLS = 5

# The names the questionnaire's pages give their own fields, beside the questions' (named by their codes):
# Django's CSRF token, the buttons' `action`, the `tool` a tool's page describes (templates/survey/step.html)
# and the `tool_count` the list of tools showed (templates/survey/tools.html). No question may take one.
RESERVED_QUESTION_CODES = ("action", "csrfmiddlewaretoken", "tool", "tool_count")


def validate_question_code(code: str) -> None:
    """Refuse a question code that a page of the questionnaire already uses as the name of a field of its own:
    its answer would be mixed with that field."""
    if code in RESERVED_QUESTION_CODES:
        raise ValidationError(
            _(
                "Le code « %(code)s » est réservé : les pages du questionnaire nomment ainsi un de leurs "
                "propres champs (%(reserved)s). Choisissez-en un autre."
            ),
            code="reserved",
            params={"code": code, "reserved": ", ".join(RESERVED_QUESTION_CODES)},
        )


def translated(obj: models.Model, field: str) -> str:
    """The English wording when the page is in English and one exists; the French source otherwise."""
    if (get_language() or "fr").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    OPEN = "open", _("Ouverte aux réponses")
    CLOSED = "closed", _("Fermée")
    PUBLISHED = "published", _("Résultats publiés")


class Scope(models.TextChoices):
    RESPONSE = "response", _("Une réponse par collectivité")
    TOOL = "tool", _("Une réponse par outil décrit")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiple")
    RANKING = "ranking", _("Classement")
    TEXT = "text", _("Texte libre")
    URL = "url", _("Adresse web")
    NUMBER = "number", _("Nombre")


CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING}
# Answers of these types are free text: published only once staff marked them publishable.
FREE_TEXT_TYPES = {QuestionType.TEXT, QuestionType.URL}


class EditionQuerySet(models.QuerySet):
    def published(self) -> "EditionQuerySet":
        return self.filter(status=EditionStatus.PUBLISHED)

    def visible_to(self, user) -> "EditionQuerySet":
        """Published editions for the public; every edition for staff, who check one before publishing."""
        if user is not None and user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()


class Edition(models.Model):
    """One fieldwork campaign of the questionnaire (2016, 2018…); it owns its questionnaire."""

    Status = EditionStatus

    code = models.SlugField(_("code"), max_length=30, unique=True, help_text=_("Par exemple 2016."))
    title = models.CharField(_("titre"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    questionnaire = models.CharField(
        _("questionnaire d'origine"),
        max_length=100,
        blank=True,
        help_text=_("Définition dont le questionnaire est issu."),
    )
    starts_on = models.DateField(_("début du terrain"), null=True, blank=True)
    ends_on = models.DateField(_("fin du terrain"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    max_tools = models.PositiveSmallIntegerField(
        _("nombre maximal d'outils décrits"), default=DEFAULT_MAX_TOOLS
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    results_published_at = models.DateTimeField(
        _("résultats publiés le"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Les coordonnées des contacts sont effacées un temps donné après cette date."),
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        ordering = ["-code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EditionStatus.values), name="survey_edition_valid_status"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="survey_edition_dates_in_order",
                violation_error_message=_("La fin du terrain ne peut pas précéder son début."),
            ),
            models.CheckConstraint(
                condition=Q(max_tools__gte=1, max_tools__lte=20), name="survey_edition_max_tools_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def save(self, *args, **kwargs) -> None:
        # The first publication of the results starts the retention period of the contacts' details.
        if self.status == EditionStatus.PUBLISHED and self.results_published_at is None:
            self.results_published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "results_published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("survey:open_link", kwargs={"edition": self.code})

    @property
    def is_open(self) -> bool:
        return self.status == EditionStatus.OPEN

    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def is_fictitious(self) -> bool:
        """Responses invented for the demonstration: staff say so on the edition's report (the
        barometre app's EditionReport, built on this app, hence read through its reverse accessor)."""
        report = getattr(self, "report", None)
        return bool(report and report.fictitious)


class Section(models.Model):
    """A page of the questionnaire; a tool-scoped section is repeated for each tool described."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("titre"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction (anglais)"), blank=True)
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices, default=Scope.RESPONSE)
    shown_if_question = models.ForeignKey(
        "Question",
        verbose_name=_("affichée si la question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    shown_if_choices = models.JSONField(
        _("a l'un de ces choix"), default=list, blank=True, help_text=_("Codes de choix.")
    )

    class Meta:
        verbose_name = _("partie")
        verbose_name_plural = _("parties")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="survey_section_unique_code"),
            models.UniqueConstraint(fields=["edition", "position"], name="survey_section_unique_position"),
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="survey_section_valid_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def is_fictitious(self) -> bool:
        """Responses invented for the demonstration: staff say so on the edition's report (the
        barometre app's EditionReport, built on this app, hence read through its reverse accessor)."""
        report = getattr(self, "report", None)
        return bool(report and report.fictitious)

    def display_intro(self) -> str:
        return translated(self, "intro")

    @property
    def is_per_tool(self) -> bool:
        return self.scope == Scope.TOOL


class Question(models.Model):
    Type = QuestionType

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("partie"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(_("code"), max_length=60, validators=[validate_question_code])
    position = models.PositiveSmallIntegerField(_("position"))
    type = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices, default=Scope.RESPONSE)
    required = models.BooleanField(_("obligatoire"), default=False)
    max_choices = models.PositiveSmallIntegerField(
        _("nombre maximal de choix classés"), null=True, blank=True, help_text=_("Pour un classement.")
    )
    multiline = models.BooleanField(_("texte sur plusieurs lignes"), default=False)
    label = models.TextField(_("libellé"))
    label_en = models.TextField(_("libellé (anglais)"), blank=True)
    help_text = models.TextField(_("aide"), blank=True)
    help_text_en = models.TextField(_("aide (anglais)"), blank=True)
    shown_if_question = models.ForeignKey(
        "self",
        verbose_name=_("affichée si la question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependent_questions",
    )
    shown_if_choices = models.JSONField(
        _("a l'un de ces choix"), default=list, blank=True, help_text=_("Codes de choix.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["edition", "section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="survey_question_unique_code"),
            models.UniqueConstraint(fields=["section", "position"], name="survey_question_unique_position"),
            models.CheckConstraint(
                condition=Q(type__in=QuestionType.values), name="survey_question_valid_type"
            ),
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="survey_question_valid_scope"),
            models.CheckConstraint(
                condition=~Q(type=QuestionType.RANKING) | Q(max_choices__gte=1, max_choices__lte=10),
                name="survey_question_ranking_has_max",
            ),
        ]
        indexes = [models.Index(fields=["code"], name="survey_question_code_idx")]

    def __str__(self) -> str:
        return self.code

    def display_label(self) -> str:
        return translated(self, "label")

    def display_help_text(self) -> str:
        return translated(self, "help_text")

    def shown_if_labels(self) -> str:
        """The choices that show this question, in words (for the page without JavaScript)."""
        if self.shown_if_question is None:
            return ""
        choices = self.shown_if_question.choices.filter(code__in=self.shown_if_choices)
        return ", ".join(_("« %(label)s »") % {"label": choice.display_label()} for choice in choices)

    @property
    def has_choices(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def is_free_text(self) -> bool:
        return self.type in FREE_TEXT_TYPES

    @property
    def is_per_tool(self) -> bool:
        return self.scope == Scope.TOOL


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("libellé"), max_length=300)
    label_en = models.CharField(_("libellé (anglais)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="survey_choice_unique_code"),
            models.UniqueConstraint(fields=["question", "position"], name="survey_choice_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.code} : {self.label}"

    def display_label(self) -> str:
        return translated(self, "label")
