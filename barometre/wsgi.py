"""
WSGI config for barometre project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barometre.settings")

application = get_wsgi_application()

# The URLs and every view they import (folium among them), loaded now rather than by a worker's first
# request: gunicorn loads this module once before forking its workers (`preload_app`), so a worker
# started or recycled (`max_requests`) answers at once instead of spending ~1 s importing them while
# its first requests wait. No database connection is opened here.
get_resolver().url_patterns  # noqa: B018
