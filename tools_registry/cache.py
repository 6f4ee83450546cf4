"""A version number of the public registry, bumped on every change, to key cached representations."""

import time

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

VERSION_KEY = "registry:version"


def _fresh_version() -> int:
    # When the counter is lost (evicted, or the cache restarted without the entries keyed by it), a new
    # one must never meet an old version again: it starts from the clock, in microseconds, past any
    # version counted before.
    return time.time_ns() // 1000


def registry_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY) or _fresh_version()
    return version


def bump_registry_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)


@receiver([post_save, post_delete], sender="tools_registry.Tool")
@receiver([post_save, post_delete], sender="tools_registry.ToolObjective")
@receiver([post_save, post_delete], sender="tools_registry.Collectivity")
def _registry_changed(**kwargs) -> None:
    bump_registry_version()
