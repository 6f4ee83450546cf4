from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from privacy.notice import current_notice, notice_context


def _language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice, with the version a person agrees to when they tick a consent box."""
    context = {**notice_context(), "version": current_notice(), "body": f"privacy/_notice_{_language()}.html"}
    return render(request, "privacy/notice.html", context)


def legal(request: HttpRequest) -> HttpResponse:
    context = {**notice_context(), "body": f"privacy/_legal_{_language()}.html"}
    return render(request, "privacy/legal.html", context)
