"""A fixed-window rate limit kept in the cache (shared between app servers when the cache is Redis)."""

from django.core.cache import cache
from django.http import HttpRequest

HOUR = 3600


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def allow(*, scope: str, key: str, limit: int, window: int = HOUR) -> bool:
    """Count one more hit for `key`; False once more than `limit` hits fall in the current window."""
    cache_key = f"ratelimit:{scope}:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        hits = 1
    return hits <= limit
