"""The versions of the privacy notice people agreed to, and the requests staff handled."""

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class NoticeVersion(models.Model):
    """One text of the privacy notice, as it was shown: what a consent refers to.

    Its `digest` is a hash of the notice as rendered in French and in English with the settings of the
    day (responsible body, retention periods): any change of the text, a translation or a period makes
    a new version, without anyone having to remember to number it. The rendered text is stored, so that
    what a person agreed to can be shown years later, whatever the templates became.
    """

    digest = models.CharField(_("empreinte"), max_length=64, unique=True)
    text_fr = models.TextField(_("texte (français)"))
    text_en = models.TextField(_("texte (anglais)"))
    first_shown_at = models.DateTimeField(_("en vigueur depuis"), auto_now_add=True)

    class Meta:
        verbose_name = _("version de la notice")
        verbose_name_plural = _("versions de la notice")
        ordering = ["-first_shown_at"]

    def __str__(self) -> str:
        return self.short_digest

    @property
    def short_digest(self) -> str:
        return self.digest[:12]


def consent_fields() -> tuple[models.DateTimeField, models.ForeignKey]:
    """The two fields of a row given with consent to the privacy notice: when, and to which version of
    its text (`consent_at, consent_notice = consent_fields()` in the model)."""
    return (
        models.DateTimeField(_("accord donné le"), null=True, blank=True, editable=False),
        models.ForeignKey(
            NoticeVersion,
            verbose_name=_("version de la notice acceptée"),
            null=True,
            blank=True,
            editable=False,
            on_delete=models.PROTECT,
            related_name="+",
        ),
    )


class RequestAction(models.TextChoices):
    EXPORT = "export", _("Accès (export)")
    ERASE = "erase", _("Effacement")


def address_digest(address: str) -> str:
    """A keyed hash of an address: the log of requests must not keep the address it erased, yet staff
    can tell whether a given address was handled by hashing it again (the key is the site's secret, so
    a list of common addresses cannot be hashed by whoever reads a database dump)."""
    return salted_hmac("privacy.request", address.strip().lower()).hexdigest()


class PersonalDataRequest(models.Model):
    """A request of access or erasure handled by staff (admin) or on the command line."""

    Action = RequestAction

    action = models.CharField(_("demande"), max_length=10, choices=RequestAction.choices)
    address_digest = models.CharField(_("empreinte de l'adresse"), max_length=64, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    via = models.CharField(_("par"), max_length=20)
    handled_at = models.DateTimeField(_("traitée le"), auto_now_add=True)
    rows = models.JSONField(
        _("lignes concernées"), default=dict, help_text=_("Nombre de lignes par catégorie.")
    )

    class Meta:
        verbose_name = _("demande sur des données personnelles")
        verbose_name_plural = _("demandes sur des données personnelles")
        ordering = ["-handled_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=RequestAction.values), name="privacy_request_valid_action"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.handled_at:%Y-%m-%d %H:%M}"
