"""Writes that change a tool's publication state (moderation)."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tools_registry.models import Tool


@transaction.atomic
def approve_tool(*, tool: Tool, moderator: AbstractBaseUser) -> Tool:
    tool.moderate(status=Tool.Status.PUBLISHED, moderator=moderator)
    return tool


@transaction.atomic
def reject_tool(*, tool: Tool, moderator: AbstractBaseUser, reason: str) -> Tool:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Un refus doit être motivé."))
    tool.moderate(status=Tool.Status.REJECTED, moderator=moderator, reason=reason)
    return tool


@transaction.atomic
def archive_tool(*, tool: Tool, moderator: AbstractBaseUser, reason: str = "") -> Tool:
    tool.moderate(status=Tool.Status.ARCHIVED, moderator=moderator, reason=reason.strip())
    return tool
