"""The demo: reference data, registry examples and a staff account, loaded idempotently."""

import secrets

from django.contrib.auth import get_user_model

DEMO_STAFF_USERNAME = "demo-staff"


def ensure_demo_staff() -> str | None:
    """Create the demo staff account; return its new password, or None if it already existed."""
    user_model = get_user_model()
    if user_model.objects.filter(username=DEMO_STAFF_USERNAME).exists():
        return None
    password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=DEMO_STAFF_USERNAME, email="", password=password)
    return password
