"""What the registry shows when its tools are counted together: which software where, collectivities like
a given one, the coverage of the communes by département.

Every count here is of the tools the public may see and that are still in service
(`Tool.objects.published().in_service()`); results are cached until the registry changes
(`tools_registry.cache.registry_version`).
"""

from tools_registry.cache import registry_version

# Bumped when what is cached here changes shape (2: the terms name their sources, for the `Link` header;
# 3: a peer group's counts without terms, cached per collectivity apart; 4: its examples name their
# collectivity's id), so that a release never reads an entry cached by the one before.
CACHE_SHAPE = 4


def cache_key(kind: str, *parts: object) -> str:
    """The key of a cached result of `kind`, for the registry as it is now and what else it depends on."""
    return ":".join(["insights", kind, str(CACHE_SHAPE), str(registry_version()), *map(str, parts)])
