"""Fetching tool addresses the way a polite robot does.

Each address is fetched with GET and at most MAX_BYTES of its body are read before the connection is
closed. HEAD would save little: too many servers answer it wrongly (405, 404, 403), so a HEAD-first
checker needs a GET fallback anyway. Redirects are followed by hand, each hop resolved and checked
against the address policy (`addresses`), and the connection is made to the checked address while the
Host header, SNI and certificate verification use the host name.

urllib3 does the HTTP: it is already installed with the site's dependencies, maintained, and its
connection pools take an IP address to connect to and a separate `server_hostname` for TLS, which is
exactly the pinning needed here (httpx would need a custom transport for it).
"""

import logging
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin

import urllib3
from django.conf import settings
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationValueError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import parse_url

from tools_registry.links.addresses import BlockedAddress, IPAddress, fetchable_addresses
from tools_registry.links.models import LinkOutcome

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 8
MAX_BYTES = 4096
REDIRECTS = {301, 302, 303, 307, 308}
# Besides success and redirection: the server answers but keeps the page for signed-in users (401),
# turns robots away (403) or asks them to slow down (429). The address exists; it is not a dead link.
ANSWERING_ERRORS = {401, 403, 429}


def user_agent() -> str:
    return f"BarometreLinkChecker/1.0 (+{settings.SITE_URL})"


@dataclass(frozen=True)
class CheckResult:
    outcome: str
    final_url: str
    status_code: int | None = None
    detail: str = ""
    bytes_read: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome == LinkOutcome.OK


class CheckFailed(Exception):
    def __init__(self, outcome: str, detail: object = "") -> None:
        super().__init__(outcome)
        self.outcome, self.detail = outcome, str(detail)

    @classmethod
    def of(cls, error: Exception) -> "CheckFailed":
        """The failure kind of a network error."""
        if isinstance(error, SSLError | ssl.SSLError):
            return cls(LinkOutcome.TLS, error)
        if isinstance(error, NewConnectionError):
            refused = isinstance(error.__cause__, ConnectionRefusedError)
            return cls(LinkOutcome.REFUSED if refused else LinkOutcome.CONNECTION, error)
        if isinstance(error, ConnectTimeoutError | ReadTimeoutError | TimeoutError):
            return cls(LinkOutcome.TIMEOUT, error)
        if isinstance(error, LocationValueError):
            return cls(LinkOutcome.INVALID_ADDRESS, error)
        return cls(LinkOutcome.CONNECTION, error)


@dataclass(frozen=True)
class Target:
    """One address to fetch: host in lower-case ASCII (IDNA), without brackets."""

    scheme: str
    host: str
    port: int
    request_uri: str

    @classmethod
    def parse(cls, url: str) -> "Target":
        try:
            parts = parse_url(url.strip())
        except LocationValueError as error:
            raise CheckFailed(LinkOutcome.INVALID_ADDRESS, error) from None
        scheme = (parts.scheme or "").lower()
        host = (parts.host or "").strip("[]").rstrip(".").lower()
        if scheme not in ("http", "https") or not host:
            raise CheckFailed(LinkOutcome.INVALID_ADDRESS, "only http and https addresses are checked")
        return cls(scheme, host, parts.port or (443 if scheme == "https" else 80), parts.request_uri)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == (443 if self.scheme == "https" else 80) else f"{host}:{self.port}"


class HostGate:
    """One request at a time per host, and `delay` seconds between the end of one and the next."""

    def __init__(
        self,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay, self._clock, self._sleep = delay, clock, sleep
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_done: dict[str, float] = {}

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        with self._lock:
            host_lock = self._host_locks.setdefault(host, threading.Lock())
        with host_lock:
            last = self._last_done.get(host)
            if last is not None and (wait := last + self.delay - self._clock()) > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                self._last_done[host] = self._clock()


class Checker:
    def __init__(
        self,
        *,
        connect_timeout: float,
        read_timeout: float,
        host_delay: float = 0,
        allow_private: bool = False,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self.read_timeout = read_timeout
        self.allow_private = allow_private
        self.gate = HostGate(host_delay)
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.headers = {
            "User-Agent": user_agent(),
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Encoding": "identity",
            "Connection": "close",
        }

    @classmethod
    def from_settings(cls, *, ssl_context: ssl.SSLContext | None = None) -> "Checker":
        return cls(
            connect_timeout=settings.LINK_CHECK_CONNECT_TIMEOUT,
            read_timeout=settings.LINK_CHECK_READ_TIMEOUT,
            host_delay=settings.LINK_CHECK_HOST_DELAY,
            allow_private=settings.LINK_CHECK_ALLOW_PRIVATE,
            ssl_context=ssl_context,
        )

    def check(self, url: str) -> CheckResult:
        """Follow `url` through its redirects: what the last address answered, or why it could not."""
        current, seen = url, set()
        for _hop in range(MAX_REDIRECTS + 1):
            seen.add(current)
            try:
                status, location, bytes_read = self._fetch(Target.parse(current))
            except CheckFailed as failure:
                return CheckResult(failure.outcome, final_url=current, detail=failure.detail)
            if location is None:
                answers = status < 400 or status in ANSWERING_ERRORS
                outcome = LinkOutcome.OK if answers else LinkOutcome.HTTP_ERROR
                return CheckResult(outcome, final_url=current, status_code=status, bytes_read=bytes_read)
            following = urljoin(current, location)
            if following in seen:
                return CheckResult(
                    LinkOutcome.TOO_MANY_REDIRECTS, final_url=following, status_code=status, detail="loop"
                )
            current = following
        return CheckResult(
            LinkOutcome.TOO_MANY_REDIRECTS, final_url=current, detail=f"more than {MAX_REDIRECTS} redirects"
        )

    def _fetch(self, target: Target) -> tuple[int, str | None, int]:
        """Status, redirect location and number of body bytes read for one request, without following."""
        try:
            addresses = fetchable_addresses(target.host, target.port, allow_private=self.allow_private)
        except socket.gaierror as error:
            raise CheckFailed(LinkOutcome.DNS, error) from None
        except UnicodeError as error:
            raise CheckFailed(LinkOutcome.INVALID_ADDRESS, error) from None
        except BlockedAddress as error:
            raise CheckFailed(LinkOutcome.BLOCKED_ADDRESS, error) from None
        with self.gate.turn(target.host):
            could_not_connect: Exception | None = None
            for address in _first_of_each_family(addresses):
                try:
                    return self._fetch_from(target, address)
                except ConnectTimeoutError as error:  # NewConnectionError too: the other family may answer
                    could_not_connect = error
                except (HTTPError, OSError) as error:
                    raise CheckFailed.of(error) from None
            raise CheckFailed.of(could_not_connect)

    def _fetch_from(self, target: Target, address: IPAddress) -> tuple[int, str | None, int]:
        options = {"timeout": self.timeout, "retries": False, "maxsize": 1}
        if target.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                str(address),
                target.port,
                server_hostname=target.host,
                ssl_context=self.ssl_context,
                **options,
            )
        else:
            pool = urllib3.HTTPConnectionPool(str(address), target.port, **options)
        with pool:
            response = pool.urlopen(
                "GET",
                target.request_uri,
                headers={**self.headers, "Host": target.host_header},
                redirect=False,
                retries=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                release_conn=False,
            )
            try:
                location = response.headers.get("Location") if response.status in REDIRECTS else None
                return response.status, location, 0 if location else self._read_some(response)
            finally:
                response.close()

    def _read_some(self, response: urllib3.BaseHTTPResponse) -> int:
        """Read up to MAX_BYTES of the body, for at most the read time-out in all: a server trickling its
        body byte by byte would otherwise hold the check for MAX_BYTES read time-outs."""
        deadline = time.monotonic() + self.read_timeout
        read = 0
        while read < MAX_BYTES and time.monotonic() < deadline:
            chunk = response.read1(MAX_BYTES - read, decode_content=False)
            if not chunk:
                break
            read += len(chunk)
        return read


def _first_of_each_family(addresses: list[IPAddress]) -> list[IPAddress]:
    firsts: dict[int, IPAddress] = {}
    for address in addresses:
        firsts.setdefault(address.version, address)
    return list(firsts.values())


def host_of(url: str) -> str:
    try:
        return Target.parse(url).host
    except CheckFailed:
        return ""


def check_all(urls: Iterable[str], *, checker: Checker, workers: int) -> Iterator[tuple[str, CheckResult]]:
    """Check each address once: those of one host one after the other, up to `workers` hosts at a time."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        by_host[host_of(url)].append(url)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="link-check") as pool:
        futures = [pool.submit(_check_each, checker, urls) for urls in by_host.values()]
        for future in as_completed(futures):
            yield from future.result()


def _check_each(checker: Checker, urls: list[str]) -> list[tuple[str, CheckResult]]:
    results = []
    for url in urls:
        try:
            results.append((url, checker.check(url)))
        except Exception:
            # A bug of the checker must neither stop the pass nor count against the tool.
            logger.exception("Link check of %s failed", url)
    return results
