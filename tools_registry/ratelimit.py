"""Rate limits kept in the cache (shared between app servers when the cache is Redis), and the one
client address every limiter keys on.

Windows are fixed and aligned on the clock (an hourly window ends on the hour), so that a refused
client can be told exactly when to retry without storing when its window began.
"""

import functools
import ipaddress
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

HOUR = 3600

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client: the peer, unless the peer is one of `TRUSTED_PROXIES`.

    Behind trusted proxies, X-Forwarded-For is read from the right (each proxy appends the address it
    received the request from) and the first address that is not a trusted proxy is the client's:
    whatever a client writes in the header itself stays on the left and is never believed.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(peer, networks):
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [hop.strip() for hop in header.split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if not _trusted(hop, networks):
            return hop
    return forwarded[0] if forwarded else peer


def _window(window: int) -> tuple[int, int]:
    """(index of the current window, seconds until it ends)."""
    now = int(time.time())
    return now // window, window - now % window


def _key(scope: str, key: str, window: int) -> tuple[str, int]:
    index, remaining = _window(window)
    # The cache holds a keyed hash of the client's address, never the address (personal data), and
    # only until the window ends.
    hashed = salted_hmac("ratelimit", key).hexdigest()[:32]
    return f"ratelimit:{scope}:{window}:{index}:{hashed}", remaining


def exceeded(*, scope: str, key: str, limit: int, window: int = HOUR) -> bool:
    """True once `limit` hits were counted for `key` in the current window (counts nothing)."""
    cache_key, _remaining = _key(scope, key, window)
    return (cache.get(cache_key) or 0) >= limit


def allow(*, scope: str, key: str, limit: int, window: int = HOUR) -> bool:
    """Count one more hit for `key`; False once more than `limit` hits fall in the current window.

    Call it for what the limit protects against (a stored submission, an email sent), after the
    request was found valid: a refused request must not use up the allowance (one its write refuses
    gives the hit back, `give_back`).
    """
    cache_key, remaining = _key(scope, key, window)
    if cache.add(cache_key, 1, timeout=remaining + 1):
        return limit >= 1
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=remaining + 1)
        hits = 1
    return hits <= limit


def give_back(*, scope: str, key: str, limit: int, window: int = HOUR) -> None:
    """Take back the hit `allow` just counted for `key`: the request was refused after all, by a check
    only its write could make (an edition closed meanwhile), and must not use up the allowance.

    `limit` is not read: it lets the caller pass the keywords it gave `allow`.
    """
    cache_key, _remaining = _key(scope, key, window)
    try:
        cache.decr(cache_key)
    except ValueError:  # the window ended meanwhile: its hits went with it
        pass


def retry_after(window: int = HOUR) -> int:
    """Seconds until the current window ends, for the Retry-After header."""
    return _window(window)[1]


def retry_message(window: int = HOUR) -> str:
    """When to retry, in words: « Réessayez dans 12 minutes, à 15:00. »"""
    seconds = retry_after(window)
    minutes = max(1, -(-seconds // 60))
    at = formats.time_format(timezone.localtime() + timedelta(seconds=seconds), "TIME_FORMAT")
    # Translators: an English time may end with a full stop (« 6 a.m. »): end the sentence elsewhere.
    return ngettext(
        "Réessayez dans %(minutes)d minute, à %(time)s.",
        "Réessayez dans %(minutes)d minutes, à %(time)s.",
        minutes,
    ) % {"minutes": minutes, "time": at}
