from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from tools_registry.ratelimit import client_ip


class ClientAddressMixin:
    """Key on the same client address as every other limit of the site (TRUSTED_PROXIES), not on
    DRF's own reading of X-Forwarded-For."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class AnonymousRateThrottle(ClientAddressMixin, AnonRateThrottle):
    """The `anon` rate, per client address."""


class SignedInRateThrottle(ClientAddressMixin, UserRateThrottle):
    """The `user` rate, for signed-in clients only: anonymous ones have their own (`anon`) rate."""

    def get_cache_key(self, request: Request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
