from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tools_registry.models import LifeStatus, Tool, published_q

if TYPE_CHECKING:
    from tools_registry.links.checker import CheckResult


class LinkOutcome(models.TextChoices):
    OK = "ok", _("Joignable")
    HTTP_ERROR = "http_error", _("Erreur HTTP")
    DNS = "dns", _("Nom de domaine introuvable")
    TLS = "tls", _("Erreur TLS ou de certificat")
    TIMEOUT = "timeout", _("Délai dépassé")
    REFUSED = "refused", _("Connexion refusée")
    CONNECTION = "connection", _("Connexion interrompue")
    TOO_MANY_REDIRECTS = "redirects", _("Trop de redirections ou boucle")
    BLOCKED_ADDRESS = "blocked", _("Adresse non publique refusée")
    INVALID_ADDRESS = "invalid", _("Adresse invalide")


class LinkReview(models.TextChoices):
    NONE = "none", _("Rien à vérifier")
    TO_REVIEW = "to_review", _("À vérifier")
    KEPT = "kept", _("Vérifiée par l'équipe, conservée")
    ENDED = "ended", _("Outil marqué arrêté")


class LinkCheckQuerySet(models.QuerySet):
    def to_review(self) -> "LinkCheckQuerySet":
        """The staff review queue: published, not ended tools whose current address has failed long enough."""
        return self.filter(published_q("tool__"), review=LinkReview.TO_REVIEW, url=F("tool__url")).exclude(
            tool__life_status=LifeStatus.ENDED
        )


class LinkCheck(models.Model):
    """What the link checker last found at a tool's address.

    Kept apart from the tool so that frequent checks never touch the tool's row nor its edit history.
    """

    tool = models.OneToOneField(
        Tool,
        verbose_name=_("outil"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="link_check",
    )
    url = models.URLField(_("adresse vérifiée"), max_length=500)
    checked_at = models.DateTimeField(_("vérifiée le"))
    outcome = models.CharField(_("résultat"), max_length=12, choices=LinkOutcome.choices)
    status_code = models.PositiveSmallIntegerField(_("code HTTP"), null=True, blank=True)
    final_url = models.CharField(_("adresse finale"), max_length=2000, blank=True)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    last_ok_at = models.DateTimeField(_("dernier succès"), null=True, blank=True)
    first_failure_at = models.DateTimeField(_("en échec depuis"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    review = models.CharField(_("examen"), max_length=10, choices=LinkReview.choices, default=LinkReview.NONE)
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examinée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("vérification d'adresse")
        verbose_name_plural = _("vérifications d'adresses")
        ordering = ["first_failure_at", "tool"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=LinkOutcome.values), name="link_check_valid_outcome"
            ),
            models.CheckConstraint(condition=Q(review__in=LinkReview.values), name="link_check_valid_review"),
            models.CheckConstraint(
                # A failure streak has a start; a success ends it.
                condition=Q(outcome=LinkOutcome.OK, consecutive_failures=0, first_failure_at__isnull=True)
                | (
                    ~Q(outcome=LinkOutcome.OK) & Q(consecutive_failures__gt=0, first_failure_at__isnull=False)
                ),
                name="link_check_failures_have_a_start",
            ),
        ]
        indexes = [models.Index(fields=["review", "first_failure_at"], name="link_check_review_idx")]

    def __str__(self) -> str:
        return f"{self.url} ({self.get_outcome_display()})"

    def record(self, result: "CheckResult", *, url: str, at: datetime) -> None:
        """Take in one check of `url` made at `at`; a failure streak long enough puts the tool in review."""
        if url != self.url:
            # Another address: what was found at the old one says nothing of it.
            self.url, self.last_ok_at, self.first_failure_at = url, None, None
            self.consecutive_failures, self.review = 0, LinkReview.NONE
        self.checked_at, self.outcome, self.status_code = at, result.outcome, result.status_code
        self.final_url, self.detail = result.final_url[:2000], result.detail[:300]
        if result.ok:
            self.last_ok_at, self.first_failure_at, self.consecutive_failures = at, None, 0
            self.review = LinkReview.NONE
            return
        self.consecutive_failures += 1
        self.first_failure_at = self.first_failure_at or at
        failing_long_enough = (
            self.consecutive_failures >= settings.LINK_CHECK_FAILURES_BEFORE_REVIEW
            and at - self.first_failure_at >= timedelta(days=settings.LINK_CHECK_DAYS_BEFORE_REVIEW)
        )
        # Staff who checked and kept an address are not asked again until it has answered once.
        if failing_long_enough and self.review != LinkReview.KEPT:
            self.review = LinkReview.TO_REVIEW

    @property
    def is_current(self) -> bool:
        """Whether this check is about the tool's address as it is now."""
        return self.url == self.tool.url

    @property
    def link_ok(self) -> bool:
        """The address answered its last check, or staff found it working."""
        return self.outcome == LinkOutcome.OK or self.review == LinkReview.KEPT

    @property
    def verified_at(self) -> datetime | None:
        if self.outcome == LinkOutcome.OK:
            return self.checked_at
        return self.reviewed_at if self.review == LinkReview.KEPT else None

    @property
    def unreachable_since(self) -> datetime | None:
        return None if self.link_ok else self.first_failure_at


class LinkToReview(LinkCheck):
    """The staff review queue ("à vérifier"), as its own admin list."""

    class Meta:
        proxy = True
        verbose_name = _("adresse à vérifier")
        verbose_name_plural = _("adresses à vérifier")


def current_link_check(tool: Tool) -> LinkCheck | None:
    """What the checker knows of the tool's address as it is now; None if it has not been checked yet.

    Reads `tool.link_check` as loaded with the tool: list queries select_related("link_check").
    """
    link_check = getattr(tool, "link_check", None)
    return link_check if link_check is not None and link_check.is_current else None
