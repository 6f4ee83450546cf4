"""Responses, the tools they describe, and their answers.

A collectivity's invited contacts share one response. Whoever signs up through the open link answers
in a response of their own, which the barometer counts only once staff accepted it: the published
figures read `Response.objects.counted()` (one counted response per collectivity and edition).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.mail import language_codes, language_field
from survey.models.questionnaire import Edition, Question, QuestionType

# Answer.subject for a question asked once per response; tools are numbered from 1.
RESPONSE_SUBJECT = 0


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("En cours")
    SUBMITTED = "submitted", _("Envoyée")


class ResponseOrigin(models.TextChoices):
    INVITATION = "invitation", _("Lien personnel d'invitation")
    OPEN_LINK = "open_link", _("Lien public")
    IMPORT = "import", _("Import de fichier")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("À vérifier")
    ACCEPTED = "accepted", _("Retenue")
    REJECTED = "rejected", _("Écartée")


def counted_q(prefix: str = "") -> Q:
    """The rule of `ResponseQuerySet.counted()`, for a lookup through a relation (`responses__`)."""
    return Q(**{f"{prefix}status": ResponseStatus.SUBMITTED, f"{prefix}review": ReviewStatus.ACCEPTED})


class ResponseQuerySet(models.QuerySet):
    def counted(self) -> "ResponseQuerySet":
        """Responses the published barometer counts: sent and accepted (open-link ones once staff did;
        the others are accepted from the start)."""
        return self.filter(counted_q())

    def from_open_link(self) -> "ResponseQuerySet":
        """Responses sent through the open link: staff review each before it counts."""
        return self.filter(origin=ResponseOrigin.OPEN_LINK, status=ResponseStatus.SUBMITTED)

    def awaiting_review(self) -> "ResponseQuerySet":
        """The review queue: responses from the open link that staff have not decided on yet."""
        return self.from_open_link().filter(review=ReviewStatus.PENDING)


class Response(models.Model):
    """A collectivity's answer to an edition. The respondent's identity is private."""

    Status = ResponseStatus
    Origin = ResponseOrigin
    Review = ReviewStatus

    edition = models.ForeignKey(
        Edition, verbose_name=_("édition"), on_delete=models.PROTECT, related_name="responses"
    )
    collectivity = models.ForeignKey(
        "tools_registry.Collectivity",
        verbose_name=_("collectivité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
        help_text=_("Vide pour une réponse importée d'un fichier anonyme."),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    origin = models.CharField(_("origine"), max_length=12, choices=ResponseOrigin.choices)
    import_id = models.CharField(
        _("identifiant dans le fichier importé"), max_length=100, blank=True, editable=False
    )
    respondent_name = models.CharField(_("nom du répondant"), max_length=200, blank=True)
    respondent_role = models.CharField(_("fonction du répondant"), max_length=200, blank=True)
    respondent_email = models.EmailField(_("courriel du répondant"), blank=True)
    # The language of the pages the answers were given on: the tools they describe are proposed to the
    # registry in it, so that the emails to the respondent about them are written in it.
    language = language_field(
        _("langue des réponses"),
        _(
            "Celle des pages où les réponses ont été données : les courriels au répondant sur les outils "
            "décrits y sont écrits."
        ),
    )
    submitted_by = models.ForeignKey(
        "survey.Contact",
        verbose_name=_("envoyée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    open_link_contact = models.OneToOneField(
        "survey.Contact",
        verbose_name=_("inscrit par le lien ouvert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="open_link_response",
        help_text=_("La personne à qui appartient cette réponse ; elle seule la voit."),
    )
    review = models.CharField(
        _("vérification"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.ACCEPTED,
        help_text=_("Une réponse reçue par le lien ouvert n'est comptée qu'une fois retenue par l'équipe."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vérifiée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    tool_count = models.PositiveSmallIntegerField(_("nombre d'outils décrits"), default=0)
    resume_step = models.CharField(_("étape de reprise"), max_length=60, blank=True, editable=False)
    started_at = models.DateTimeField(_("commencée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["edition", "-submitted_at", "pk"]
        constraints = [
            # The invited contacts of a collectivity share one response.
            models.UniqueConstraint(
                fields=["edition", "collectivity"],
                condition=Q(origin=ResponseOrigin.INVITATION),
                name="survey_one_invited_response_per_collectivity",
            ),
            # The barometer counts at most one response per collectivity.
            models.UniqueConstraint(
                fields=["edition", "collectivity"],
                condition=Q(
                    status=ResponseStatus.SUBMITTED, review=ReviewStatus.ACCEPTED, collectivity__isnull=False
                ),
                name="survey_one_counted_response_per_collectivity",
            ),
            models.CheckConstraint(
                condition=Q(review__in=ReviewStatus.values), name="survey_response_valid_review"
            ),
            # Only open-link responses belong to one contact and wait for staff.
            models.CheckConstraint(
                condition=Q(origin=ResponseOrigin.OPEN_LINK)
                | Q(review=ReviewStatus.ACCEPTED, open_link_contact__isnull=True),
                name="survey_only_open_link_responses_are_reviewed",
            ),
            # Staff decide on a sent open-link response, and the decision is dated.
            models.CheckConstraint(
                condition=~Q(origin=ResponseOrigin.OPEN_LINK)
                | Q(review=ReviewStatus.PENDING)
                | Q(status=ResponseStatus.SUBMITTED, reviewed_at__isnull=False),
                name="survey_review_decision_is_dated",
            ),
            models.UniqueConstraint(
                fields=["edition", "import_id"],
                condition=~Q(import_id=""),
                name="survey_response_unique_import_id",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ResponseStatus.values), name="survey_response_valid_status"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=ResponseOrigin.values), name="survey_response_valid_origin"
            ),
            models.CheckConstraint(
                condition=~Q(status=ResponseStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="survey_submitted_response_has_date",
            ),
            models.CheckConstraint(
                condition=Q(language__in=language_codes()),
                name="survey_response_valid_language",
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"], name="survey_response_status_idx")]

    def __str__(self) -> str:
        who = self.collectivity.name if self.collectivity_id else self.import_id or f"#{self.pk}"
        return f"{self.edition.code} — {who}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED

    @property
    def is_counted(self) -> bool:
        return self.is_submitted and self.review == ReviewStatus.ACCEPTED


class OpenLinkResponse(Response):
    """Responses sent through the open link, as staff see them to accept or reject them."""

    class Meta:
        proxy = True
        verbose_name = _("réponse reçue par le lien ouvert")
        verbose_name_plural = _("réponses reçues par le lien ouvert (à vérifier)")


class ResponseTool(models.Model):
    """A tool described in part 3 of a response; once submitted, linked to the registry's tool."""

    response = models.ForeignKey(
        Response, verbose_name=_("réponse"), on_delete=models.CASCADE, related_name="tools"
    )
    position = models.PositiveSmallIntegerField(_("numéro"))
    registry_tool = models.ForeignKey(
        "tools_registry.Tool",
        verbose_name=_("outil du registre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_descriptions",
    )

    class Meta:
        verbose_name = _("outil décrit")
        verbose_name_plural = _("outils décrits")
        ordering = ["response", "position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "position"], name="survey_response_tool_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="survey_response_tool_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.response} — T{self.position}"

    @property
    def subject_key(self) -> str:
        return f"T{self.position}"


class AnswerQuerySet(models.QuerySet):
    def of_edition(self, edition: Edition) -> "AnswerQuerySet":
        return self.filter(question__edition=edition)

    def counted(self) -> "AnswerQuerySet":
        """Answers of the responses the barometer counts (`ResponseQuerySet.counted()`)."""
        return self.filter(counted_q("response__"))

    def for_code(self, code: str) -> "AnswerQuerySet":
        return self.filter(question__code=code)

    def publishable(self) -> "AnswerQuerySet":
        """Answers that may appear in a publication: every coded answer, free text once approved."""
        free_text = Q(question__type__in=[QuestionType.TEXT, QuestionType.URL])
        return self.filter(~free_text | Q(publishable=True))


class Answer(models.Model):
    """One value of a response: a choice code (one row per selected choice), or a text.

    Indicators are GROUP BY queries on (question, choice) over counted responses; the base of a
    question is the number of distinct (response, subject) that answered it.
    """

    response = models.ForeignKey(
        Response, verbose_name=_("réponse"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    subject = models.PositiveSmallIntegerField(
        _("sujet"), default=RESPONSE_SUBJECT, help_text=_("0 pour la collectivité, n pour le n-ième outil.")
    )
    choice = models.CharField(_("code du choix"), max_length=60, blank=True)
    rank = models.PositiveSmallIntegerField(_("rang"), null=True, blank=True)
    text = models.TextField(_("texte"), blank=True)
    publishable = models.BooleanField(
        _("publiable"),
        default=False,
        help_text=_("Texte libre relu par l'équipe et publiable sans identité."),
    )

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("valeur de réponse")
        verbose_name_plural = _("valeurs de réponse")
        ordering = ["response", "subject", "question__section__position", "question__position", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "subject", "choice"],
                condition=~Q(choice=""),
                name="survey_answer_choice_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "subject", "rank"],
                condition=Q(rank__isnull=False),
                name="survey_answer_rank_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "subject"],
                condition=Q(choice=""),
                name="survey_answer_text_once",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1, rank__lte=10), name="survey_answer_rank_range"
            ),
            models.CheckConstraint(condition=Q(choice="") | Q(text=""), name="survey_answer_choice_or_text"),
        ]
        indexes = [
            models.Index(fields=["question", "choice"], name="survey_answer_question_choice"),
            models.Index(fields=["question", "choice", "rank"], name="survey_answer_question_rank"),
            models.Index(fields=["response", "subject"], name="survey_answer_response_subject"),
        ]

    def __str__(self) -> str:
        value = self.choice or self.text[:60]
        return f"{self.question.code}: {value}"

    @property
    def subject_key(self) -> str:
        return f"T{self.subject}" if self.subject else ""


class OpenAnswer(Answer):
    """Free-text answers, as staff see them to decide which verbatims may be published."""

    class Meta:
        proxy = True
        verbose_name = _("réponse ouverte (verbatim)")
        verbose_name_plural = _("réponses ouvertes (verbatims)")
