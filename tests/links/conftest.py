"""A test network for the link checker: local servers only, nothing leaves the machine.

Host names are answered by a fake resolver (`network.names`). `PUBLIC_IP` is a public address standing
for "a site on the internet": every connection to it goes to the local server of the same port instead.
A connection to any other address than the loopback fails the test before it is made.
"""

import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme
import urllib3.util.connection

from tools_registry.links import addresses
from tools_registry.links.checker import Checker, CheckResult
from tools_registry.links.models import LinkOutcome
from tools_registry.links.services import record_result
from tools_registry.models import Tool

PUBLIC_IP = "93.184.215.14"
HUGE_BODY = 64 * 1024 * 1024
TRICKLE_BYTES = 10_000
DAY0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
FAILURE = CheckResult(LinkOutcome.DNS, final_url="https://outil.example.org/", detail="Name not known")
SUCCESS = CheckResult(LinkOutcome.OK, final_url="https://outil.example.org/", status_code=200)


def check(tool: Tool, result: CheckResult, day: int) -> bool:
    """Record `result` for the tool's address as if checked `day` days after DAY0."""
    return record_result(tool_id=tool.pk, url=tool.url, result=result, at=DAY0 + timedelta(days=day))


def put_in_review(tool: Tool) -> None:
    """Failures on days 0, 4 and 8: enough for the review queue with 3 failures over 7 days."""
    for day in (0, 4, 8):
        check(tool, FAILURE, day)


@pytest.fixture(autouse=True)
def review_thresholds(settings) -> None:
    settings.LINK_CHECK_FAILURES_BEFORE_REVIEW = 3
    settings.LINK_CHECK_DAYS_BEFORE_REVIEW = 7


@pytest.fixture(autouse=True)
def no_host_delay(settings) -> None:
    # Politeness between requests to one host is tested on its own (HostGate), without sleeping.
    settings.LINK_CHECK_HOST_DELAY = 0


@dataclass
class Network:
    names: dict[str, list[str]] = field(default_factory=dict)
    connections: list[str] = field(default_factory=list)


@pytest.fixture
def network(monkeypatch) -> Network:
    network = Network()

    def resolve(host: str, port: int) -> list:
        try:
            return [ip_address(host)]
        except ValueError:
            pass
        if host not in network.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ip_address(address) for address in network.names[host]]

    real_create_connection = urllib3.util.connection.create_connection

    def create_connection(address: tuple[str, int], *args, **kwargs) -> socket.socket:
        host, port = address
        local = "127.0.0.1" if host == PUBLIC_IP else host.strip("[]")
        if not ip_address(local).is_loopback:
            raise AssertionError(f"the checker tried to connect to {host}")
        network.connections.append(host)
        return real_create_connection((local, port), *args, **kwargs)

    monkeypatch.setattr(addresses, "resolve", resolve)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return network


@dataclass
class Seen:
    path: str
    host: str
    user_agent: str


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "LocalServer"

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        server = self.server
        with server.lock:
            server.seen.append(Seen(self.path, self.headers["Host"], self.headers["User-Agent"]))
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            self.route(urlsplit(self.path))
        finally:
            with server.lock:
                server.in_flight -= 1

    def route(self, url) -> None:
        parts = url.path.strip("/").split("/")
        if url.path == "/ok":
            self.answer(200)
        elif parts[0] == "status":
            self.answer(int(parts[1]))
        elif parts[0] == "chain":
            remaining = int(parts[1])
            self.answer(301, location=f"/chain/{remaining - 1}" if remaining else "/ok")
        elif url.path == "/loop":
            self.answer(302, location="/loop-back")
        elif url.path == "/loop-back":
            self.answer(302, location="/loop")
        elif url.path == "/redirect":
            self.answer(302, location=parse_qs(url.query)["to"][0])
        elif url.path == "/slow":
            self.server.release.wait(0.05)
            self.answer(200)
        elif url.path == "/huge":
            self.send_huge_body()
        elif url.path == "/trickle":
            self.trickle()
        else:
            self.answer(404)

    def answer(self, status: int, location: str = "") -> None:
        body = f"<html><body>{status}</body></html>".encode()
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def send_huge_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(HUGE_BODY))
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while self.server.huge_sent < HUGE_BODY:
                self.wfile.write(chunk)
                self.server.huge_sent += len(chunk)
        except OSError:
            pass
        finally:
            self.server.huge_done.set()

    def trickle(self) -> None:
        """A body of TRICKLE_BYTES sent one byte at a time, until the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Length", str(TRICKLE_BYTES))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(TRICKLE_BYTES):
                self.wfile.write(b"x")
                self.wfile.flush()
                if self.server.release.wait(0.02):
                    return
        except OSError:
            pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        self.in_flight = self.most_in_flight = 0
        self.huge_sent = 0
        self.huge_done = threading.Event()
        self.release = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str, host: str = "site.test", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]


def _serve(server: LocalServer) -> Iterator[LocalServer]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def site(network: Network) -> Iterator[LocalServer]:
    """An HTTP site on the internet, as far as the checker can tell: `site.test`, at a public address."""
    network.names["site.test"] = [PUBLIC_IP]
    yield from _serve(LocalServer())


@pytest.fixture(scope="session")
def test_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def secure_site(network: Network, test_ca: trustme.CA) -> Iterator[LocalServer]:
    """An HTTPS site `secure.test` whose certificate, for that name, is signed by `test_ca`."""
    network.names["secure.test"] = [PUBLIC_IP]
    network.names["other.test"] = [PUBLIC_IP]
    server = LocalServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    test_ca.issue_cert("secure.test").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from _serve(server)


@pytest.fixture
def stalled_port(network: Network) -> Iterator[int]:
    """A server that accepts connections (the kernel does) and never answers."""
    network.names["stalled.test"] = [PUBLIC_IP]
    listener = socket.create_server(("127.0.0.1", 0), backlog=8)
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture
def closed_port(network: Network) -> int:
    network.names["closed.test"] = [PUBLIC_IP]
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return listener.getsockname()[1]


def make_checker(**options) -> Checker:
    return Checker(**{"connect_timeout": 2, "read_timeout": 0.5, **options})


@pytest.fixture
def checker(network: Network) -> Checker:
    return make_checker()
