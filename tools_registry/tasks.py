"""The registry's jobs (see jobs/queue.py): the emails that tell of a submission and of its moderation, of
a proposed correction; the cached views slow to build (map source, facet counts, count of unplaced
tools) rebuilt after a change."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.mail import send_email
from jobs.queue import job
from tools_registry.filters import (
    refresh_common_words,
    refresh_facet_counts,
    refresh_facet_index,
    refresh_located_counts,
)
from tools_registry.geojson import refresh_feature_collection
from tools_registry.models import Correction, Tool


def _tool(tool_id: int) -> Tool | None:
    # None when the tool was deleted meanwhile: there is nothing left to tell.
    return Tool.objects.select_related("collectivity", "possible_duplicate").filter(pk=tool_id).first()


def _context(tool: Tool) -> dict:
    return {"tool": tool, "site_url": settings.SITE_URL}


@job(label=gettext_lazy("Courriel aux modérateurs : nouvelle proposition"))
def notify_moderators(tool_id: int) -> None:
    tool = _tool(tool_id)
    if tool is None:
        return
    send_email(
        subject=_("Nouvel outil à modérer : %(name)s") % {"name": tool.name},
        template="tools_registry/email/moderators_new_tool.txt",
        context=_context(tool),
        recipients=settings.MODERATOR_EMAILS,
    )


@job(label=gettext_lazy("Courriel au contributeur : proposition reçue"))
def acknowledge_submission(tool_id: int, language: str) -> None:
    tool = _tool(tool_id)
    if tool is None or not tool.submitter_email:
        return
    with translation.override(language):
        send_email(
            subject=_("Votre proposition « %(name)s » a bien été reçue") % {"name": tool.name},
            template="tools_registry/email/submitter_received.txt",
            context=_context(tool),
            recipients=[tool.submitter_email],
        )


@job(label=gettext_lazy("Courriel au contributeur : décision de modération"))
def notify_moderation(tool_id: int, status: str) -> None:
    tool = _tool(tool_id)
    if tool is None or not tool.submitter_email or tool.status != status:
        # A later decision replaced this one: its own email tells the submitter.
        return
    with translation.override(tool.submitter_language):
        send_email(
            subject=_("Votre proposition « %(name)s » a été examinée") % {"name": tool.name},
            template="tools_registry/email/submitter_moderated.txt",
            context=_context(tool),
            recipients=[tool.submitter_email],
        )


def _correction(correction_id: int) -> Correction | None:
    return Correction.objects.select_related("tool").filter(pk=correction_id).first()


@job(label=gettext_lazy("Courriel aux modérateurs : correction proposée"))
def notify_moderators_of_correction(correction_id: int) -> None:
    correction = _correction(correction_id)
    if correction is None:
        return
    send_email(
        subject=_("Correction proposée pour « %(name)s »") % {"name": correction.tool.name},
        template="tools_registry/email/moderators_new_correction.txt",
        context={"correction": correction, "site_url": settings.SITE_URL},
        recipients=settings.MODERATOR_EMAILS,
    )


@job(label=gettext_lazy("Courriel au contributeur : correction reçue"))
def acknowledge_correction(correction_id: int, language: str) -> None:
    correction = _correction(correction_id)
    if correction is None or not correction.email:
        return
    with translation.override(language):
        send_email(
            subject=_("Votre correction de « %(name)s » a bien été reçue") % {"name": correction.tool.name},
            template="tools_registry/email/correction_received.txt",
            context={"correction": correction, "site_url": settings.SITE_URL},
            recipients=[correction.email],
        )


# What `refresh_cached` rebuilds, by kind (see filters.refreshed_by_job).
REFRESHERS = {
    "map": refresh_feature_collection,
    "facets": refresh_facet_counts,
    "facet-index": refresh_facet_index,
    "common-words": refresh_common_words,
    "located": refresh_located_counts,
}


# One after each change of the registry that a view slow to build follows: a busy day makes hundreds.
@job(
    label=gettext_lazy("Carte et catalogue : données reconstruites après un changement du registre"),
    kept_days=1,
)
def refresh_cached(kind: str, query: str) -> None:
    """Rebuild a cached view (`kind`) of the published tools filtered by `query`, filters chosen from
    lists: the map source, the facet counts of the catalogue and the map, or how many the map places; or
    the facet index of every published tool (`filters.facet_index`), or the lists of their common words
    (`filters.common_words`)."""
    REFRESHERS[kind](query)
