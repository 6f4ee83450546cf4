"""The privacy notice's current version: what a person agrees to when they tick the consent box."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from privacy.models import NoticeVersion

NOTICE_TEMPLATES = {"fr": "privacy/_notice_fr.html", "en": "privacy/_notice_en.html"}


def notice_context() -> dict:
    """What the notice says that comes from the settings: who answers for the data, and for how long."""
    return {
        "publisher": settings.SITE_PUBLISHER,
        "publisher_address": settings.SITE_PUBLISHER_ADDRESS,
        "publication_director": settings.SITE_PUBLICATION_DIRECTOR,
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "host": settings.SITE_HOST,
        "host_address": settings.SITE_HOST_ADDRESS,
        "submitter_months": settings.SUBMITTER_DATA_RETENTION_MONTHS,
        "contact_months": settings.SURVEY_CONTACT_RETENTION_MONTHS,
        "login_days": settings.LOGIN_ATTEMPT_RETENTION_DAYS,
        "job_days": settings.JOB_RESULT_RETENTION_DAYS,
        "log_days": settings.LOG_RETENTION_DAYS,
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
    }


def render_notice(language: str) -> str:
    with translation.override(language):
        return render_to_string(NOTICE_TEMPLATES[language], notice_context())


def current_notice() -> NoticeVersion:
    """The notice as shown now, recorded the first time this text is shown."""
    texts = {language: render_notice(language) for language in NOTICE_TEMPLATES}
    digest = hashlib.sha256("\0".join(texts[language] for language in sorted(texts)).encode()).hexdigest()
    version = NoticeVersion.objects.filter(digest=digest).first()
    if version is not None:
        return version
    try:
        with transaction.atomic():
            return NoticeVersion.objects.create(digest=digest, text_fr=texts["fr"], text_en=texts["en"])
    except IntegrityError:  # recorded meanwhile by another request
        return NoticeVersion.objects.get(digest=digest)
