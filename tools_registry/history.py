"""Who or what changed the registry, for the edit history of tools and collectivities.

The history itself is kept by django-simple-history: one row per saved change, with the signed-in user
when there is one (its middleware reads the request). Changes made by the site itself (an import, the
link checker, a survey answer) have no user: code making them runs inside `recorded_as("…")`, and every
record says through which channel the change came (`history_via`).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_actor: ContextVar[str] = ContextVar("history_actor", default="")


class HistoryActor(models.Model):
    """Extra column of every history record: the channel of the change."""

    history_via = models.CharField(_("par"), max_length=60, blank=True)

    class Meta:
        abstract = True


@contextmanager
def recorded_as(actor: str) -> Iterator[None]:
    """Changes saved inside this block are recorded as made by `actor` (e.g. "import:odf-observatoire")."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def _request_channel() -> str:
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return "script"
    if request.path.startswith("/admin/"):
        return "admin"
    if request.path.startswith("/api/"):
        return "api"
    return "web"


def current_actor() -> str:
    """The channel the history names for changes saved now (bulk writes pass it to simple-history)."""
    return _actor.get() or _request_channel()


@receiver(pre_create_historical_record)
def _record_channel(sender, history_instance, **kwargs) -> None:
    history_instance.history_via = current_actor()


# What staff read for each channel in the history (admin), in their language.
CHANNELS = {
    "admin": _("Équipe, dans l'administration"),
    "api": _("API (jeton de l'équipe)"),
    "web": _("Site public"),
    "script": _("Commande ou script"),
    "submission": _("Proposition publique (formulaire ou API)"),
    "survey": _("Réponse à l'enquête"),
    "link-check": _("Équipe, depuis la liste des adresses à vérifier"),
    "demo": _("Données de démonstration (load_demo)"),
}


def channel_label(via: str) -> str:
    """The readable name of a history record's channel (`history_via`)."""
    if via.startswith("import:"):
        name, _sep, run = via.removeprefix("import:").partition("#")
        return gettext("Import « %(format)s » n° %(run)s") % {"format": name, "run": run or "?"}
    if via.startswith("correction:"):
        return gettext("Correction n° %(number)s") % {"number": via.removeprefix("correction:")}
    if via.startswith("merge:"):
        dropped, _sep, kept = via.removeprefix("merge:").partition("->")
        return gettext("Fusion de n° %(dropped)s dans n° %(kept)s") % {"dropped": dropped, "kept": kept}
    return str(CHANNELS.get(via, via or "—"))


def current_slug(visible: QuerySet, slug: str) -> str | None:
    """The slug of the row of `visible` that held `slug` last, when it has another one now; else None.

    An address with an old slug must never break: the edit history knows every slug a row had. When
    several rows held it in turn, the last one wins (a row holding it now is found before this is asked).
    """
    history = visible.model.history
    row_id = (
        history.filter(slug=slug)
        .order_by("-history_date", "-history_id")
        .values_list("id", flat=True)
        .first()
    )
    if row_id is None:
        return None
    return visible.filter(pk=row_id).exclude(slug=slug).values_list("slug", flat=True).first()


def moved_or_404(
    request: HttpRequest, visible: QuerySet, slug: str, address: Callable[[str], str]
) -> HttpResponsePermanentRedirect:
    """A permanent redirect from a former slug to `address(slug now)`, its query kept, or a 404.

    The pages and the API both answer a former address this way."""
    slug_now = current_slug(visible, slug)
    if slug_now is None:
        raise Http404
    query = request.GET.urlencode()
    return HttpResponsePermanentRedirect(address(slug_now) + (f"?{query}" if query else ""))
