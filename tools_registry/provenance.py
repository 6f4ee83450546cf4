"""Where the registry's facts come from: the public sources, each record taken from them, and the import runs.

A `SourceRecord` is one record of a source (a row of its file) with what that source said of the tool and
of the collectivity derived from it, field by field. A later import of the same source compares with
these values to know which fields staff changed since (see tools_registry.imports.pipeline).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _

from tools_registry.licences import LICENCES, Licence, by_credit
from tools_registry.text import CODE_POINT_COLLATION


class DataSource(models.Model):
    """A public list the registry imports, with its publisher and the licence of the records taken from it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    publisher = models.CharField(_("éditeur"), max_length=200)
    url = models.URLField(_("adresse"), max_length=500)
    licence = models.CharField(
        _("licence des données reprises"),
        max_length=20,
        choices=[(licence.code, licence.name) for licence in LICENCES.values()],
    )
    credit = models.CharField(_("mention à afficher"), max_length=300)
    origin = models.TextField(_("origine du fichier"), blank=True)

    class Meta:
        verbose_name = _("source de données")
        verbose_name_plural = _("sources de données")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(licence__in=list(LICENCES)), name="data_source_known_licence")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def licence_info(self) -> Licence:
        return LICENCES[self.licence]

    @property
    def share_alike(self) -> bool:
        return self.licence_info.share_alike


class ImportFormat(models.TextChoices):
    ODF_OBSERVATOIRE = "odf-observatoire", _("Observatoire open data des territoires (OpenDataFrance)")
    DECIDIM_INSTALLATIONS = "decidim-installations", _("Installations Decidim (decidim.org)")
    REGISTRY_CSV = "registry-csv", _("Export CSV du registre, corrigé")


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("Analyse en cours")
    ANALYSED = "analysed", _("Analysé, à confirmer")
    QUEUED = "queued", _("Import en cours")
    DONE = "done", _("Importé")
    FAILED = "failed", _("Échec")


class ImportRun(models.Model):
    """One import of a file: its content, its report, and where it stands (staff upload it from the admin)."""

    Status = ImportStatus

    format = models.CharField(_("format"), max_length=30, choices=ImportFormat.choices)
    file_name = models.CharField(_("fichier"), max_length=255)
    content = models.BinaryField(_("contenu du fichier"))
    file_date = models.DateField(
        _("date du fichier"),
        null=True,
        blank=True,
        help_text=_("Date de publication ou d'extraction du fichier, pour les lignes qui n'ont pas la leur."),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.ANALYSING
    )
    report = models.JSONField(_("rapport"), null=True, blank=True)
    error = models.JSONField(
        _("erreur"),
        null=True,
        blank=True,
        help_text=_("Pourquoi le fichier n'a pas pu être lu : [texte, paramètres]."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=ImportFormat.values), name="import_run_known_format"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_run_known_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} — {self.file_name}"

    @property
    def history_actor(self) -> str:
        """How the edit history names the changes of this run."""
        return f"import:{self.format}#{self.pk}"


class SourceRecordQuerySet(models.QuerySet):
    def describing_collectivities(self) -> "SourceRecordQuerySet":
        """The records that say something of their collectivity itself, not only of its tool: a body outside
        the territory reference, or its SIREN (a collectivity's page and API answer credit their sources)."""
        return self.filter(values__collectivity__isnull=False).exclude(values__collectivity={})


class SourceRecord(models.Model):
    """One record of a source, the tool and collectivity derived from it, and what the source said of them."""

    source = models.ForeignKey(
        DataSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="records"
    )
    record_id = models.CharField(_("identifiant dans la source"), max_length=200)
    tool = models.ForeignKey(
        "tools_registry.Tool",
        verbose_name=_("outil"),
        null=True,
        blank=True,
        # A tool staff delete stays deleted: the record remains, and later imports do not recreate it.
        on_delete=models.SET_NULL,
        related_name="source_records",
    )
    collectivity = models.ForeignKey(
        "tools_registry.Collectivity",
        verbose_name=_("collectivité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_records",
    )
    values = models.JSONField(
        _("valeurs données par la source"),
        default=dict,
        blank=True,
        help_text=_("Par objet (« tool », « collectivity ») : champ → valeur, au dernier import."),
    )
    source_date = models.DateField(_("date de la donnée dans la source"), null=True, blank=True)
    first_seen = models.DateTimeField(_("vu la première fois le"))
    last_seen = models.DateTimeField(_("vu la dernière fois le"))
    missing_since = models.DateTimeField(_("absent de la source depuis le"), null=True, blank=True)
    last_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("dernier import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SourceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("enregistrement source")
        verbose_name_plural = _("enregistrements sources")
        ordering = ["source", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="source_record_unique_id"),
        ]
        indexes = [models.Index(fields=["source", "missing_since"], name="source_record_missing_idx")]

    def __str__(self) -> str:
        return f"{self.source.code}:{self.record_id}"


def records_by_credit(*first: str) -> list:
    """The order of a tool's source records wherever they are listed (after `first`): by their source's
    credit, the order of `sources_of` and `licences.credits_of`. Compared byte by byte (collation "C"), as
    Python compares the credits: the database's collation may order letters otherwise."""
    return [
        *first,
        Collate(F("source__credit"), CODE_POINT_COLLATION),
        Collate(F("source__code"), CODE_POINT_COLLATION),
        "record_id",
    ]


def with_provenance(lookup: str = "source_records") -> Prefetch:
    """Prefetch the source records of a list of tools or collectivities, with their source (one query)."""
    records = SourceRecord.objects.select_related("source").order_by(*records_by_credit())
    return Prefetch(lookup, queryset=records)


def sources_of(tools: models.QuerySet, collectivities: models.QuerySet | None = None) -> list[DataSource]:
    """The public sources that some tool of `tools` comes from, or that say something of some collectivity
    of `collectivities` itself, by credit: the order in which a file's credits and its `Link` header name
    them (`licences.credits_of`) (one query)."""
    condition = Q(records__tool__in=tools.order_by().values("pk"))
    if collectivities is not None:
        described = SourceRecord.objects.describing_collectivities().filter(
            collectivity__in=collectivities.order_by().values("pk")
        )
        condition |= Q(records__in=described)
    # Sorted here rather than by the database, whose collation may order letters otherwise than Python.
    return by_credit(DataSource.objects.filter(condition).distinct())
