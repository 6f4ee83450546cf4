"""A version number of the public registry, bumped on every change, to key cached representations."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

VERSION_KEY = "registry:version"


def registry_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_registry_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 1, timeout=None)


@receiver([post_save, post_delete], sender="tools_registry.Tool")
@receiver([post_save, post_delete], sender="tools_registry.ToolObjective")
@receiver([post_save, post_delete], sender="tools_registry.Collectivity")
def _registry_changed(**kwargs) -> None:
    bump_registry_version()
