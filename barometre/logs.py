"""Logging: one JSON object per log line for log collectors (LOG_FORMAT=json), and survey tokens and
email addresses kept out of every log, gunicorn's access log and tracebacks included.

A survey token is a password to a collectivity's answers: a log line holding `/enquete/<token>/…`
(the path, or the Referer of the page's next request) would hand it to whoever reads the logs. An
email address is personal data the logs have no use for: one typed in a search box (the URL of the
catalogue), or quoted by a mail server refusing a recipient (a job's error), is written `[courriel]`.
"""

import json
import logging
import re
from datetime import UTC, datetime

from gunicorn import glogging

# /enquete/<token>… but not /enquete/<edition>/ouvert/ (the open link, which carries no secret).
_SURVEY_PATH = re.compile(r"/enquete/([A-Za-z0-9_%-]+)(/ouvert\b)?")
REDACTED = "/enquete/[jeton]"


# An address as typed, or as it appears in a URL (the @ encoded as %40).
_EMAIL = re.compile(r"[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
REDACTED_EMAIL = "[courriel]"


def redact_tokens(text: str) -> str:
    return _SURVEY_PATH.sub(lambda match: match.group(0) if match.group(2) else REDACTED, text)


def redact(text: str) -> str:
    """The text without survey tokens nor email addresses."""
    return _EMAIL.sub(REDACTED_EMAIL, redact_tokens(text))


class Redact(logging.Filter):
    """Takes survey tokens and email addresses out of a record's message (Django's "Not Found:
    /enquete/…", …) and out of its traceback (an exception's message may quote an address)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set: the redacted traceback.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class AccessLogger(glogging.Logger):
    """gunicorn's logger, with survey tokens and email addresses taken out of every access log field."""

    def atoms(self, resp, req, environ: dict, request_time) -> dict:
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["path"] = redact(request.path)
            entry["method"] = request.method
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = record.exc_text or redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
