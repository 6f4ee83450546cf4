"""Logging: one JSON object per log line for log collectors (LOG_FORMAT=json), and survey tokens kept
out of every log, gunicorn's access log included.

A survey token is a password to a collectivity's answers: a log line holding `/enquete/<token>/…`
(the path, or the Referer of the page's next request) would hand it to whoever reads the logs.
"""

import json
import logging
import re
from datetime import UTC, datetime

from gunicorn import glogging

# /enquete/<token>… but not /enquete/<edition>/ouvert/ (the open link, which carries no secret).
_SURVEY_PATH = re.compile(r"/enquete/([A-Za-z0-9_%-]+)(/ouvert\b)?")
REDACTED = "/enquete/[jeton]"


def redact_tokens(text: str) -> str:
    return _SURVEY_PATH.sub(lambda match: match.group(0) if match.group(2) else REDACTED, text)


class RedactTokens(logging.Filter):
    """Takes survey tokens out of a record's message (Django's "Not Found: /enquete/…", …)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class AccessLogger(glogging.Logger):
    """gunicorn's logger, with survey tokens taken out of every field of the access log."""

    def atoms(self, resp, req, environ: dict, request_time) -> dict:
        return {
            key: redact_tokens(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_tokens(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["path"] = redact_tokens(request.path)
            entry["method"] = request.method
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
