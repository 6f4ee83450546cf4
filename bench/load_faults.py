"""Load and fault checks against the site under gunicorn, on loopback only, bounded in time.

    .venv/bin/python bench/load_faults.py overload      # twice the measured capacity for 60 s
    .venv/bin/python bench/load_faults.py db-restart    # PostgreSQL stopped, then restarted, under load

Each run prepares its own database (`barometre_faults`), starts gunicorn on 127.0.0.1:8150, sends a
mix of catalogue, API and submission requests, and then checks two things: every answer was a 2xx, a
429 or a 503 (never a 500), and every submission the site accepted (201) is in the database. The
db-restart run stops the local PostgreSQL cluster: run it on a machine where nothing else needs it.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST, PORT = "127.0.0.1", 8150
DATABASE = "barometre_faults"
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
ENV = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": "load-and-fault-checks-only-" + "x" * 40,
    "ALLOWED_HOSTS": HOST,
    "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
    "CACHE_URL": "redis://127.0.0.1:6379/6",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SUBMISSION_RATE_LIMIT": "1000000",
    "API_ANON_RATE": "1000000/minute",
    "LOG_LEVEL": "WARNING",
}
ACCEPTABLE = {200, 201, 302, 429, 503}


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int | None, error: str = "", accepted: str = "") -> None:
        with self.lock:
            if status is None:
                self.errors[error] += 1
            else:
                self.statuses[status] += 1
            if accepted:
                self.accepted.append(accepted)


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)


def prepare_database() -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    manage("migrate", "--noinput")
    manage("load_demo")
    manage("collectstatic", "--noinput")


def start_server(workers: int = 2) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "barometre.wsgi",
            "-w",
            str(workers),
            "-b",
            f"{HOST}:{PORT}",
        ],
        cwd=ROOT,
        env={**ENV, "GUNICORN_MAX_REQUESTS": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def request(method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=15)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def one_call(number: int, tally: Tally) -> None:
    """A mix: catalogue search, API list, GeoJSON, and one submission in four calls."""
    kind = number % 4
    try:
        if kind == 0:
            status, _ = request("GET", "/outils/?q=budget&family=budget_participatif")
        elif kind == 1:
            status, _ = request("GET", "/api/v1/tools/?family=open_data&page_size=20")
        elif kind == 2:
            status, _ = request("GET", "/api/v1/tools/?format=geojson")
        else:
            name = f"Outil de charge {number}-{time.monotonic_ns()}"
            status, _ = request(
                "POST",
                "/api/v1/submissions/",
                {
                    "name": name,
                    "url": f"https://charge-{number}.example.org/",
                    "description": "Soumission envoyée par le test de charge.",
                    "family": "forum",
                    "objectives": ["idees"],
                    "territory_query": "35288",
                    "submitter_name": "Test de charge",
                    "submitter_email": "charge@example.org",
                    "consent": True,
                },
            )
            tally.record(status, accepted=name if status == 201 else "")
            return
        tally.record(status)
    except (OSError, http.client.HTTPException) as error:
        tally.record(None, error=type(error).__name__)


def closed_loop(seconds: float, clients: int) -> float:
    """Requests per second the server sustains with `clients` callers waiting for each answer."""
    tally, stop, counter = Tally(), time.monotonic() + seconds, iter(range(10**9))
    lock = threading.Lock()

    def client() -> None:
        while time.monotonic() < stop:
            with lock:
                number = next(counter)
            one_call(number, tally)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(tally.statuses.values()) / seconds


def open_loop(rate: float, seconds: float, tally: Tally, max_in_flight: int = 200) -> int:
    """Send `rate` requests per second whatever the answers' speed; returns the calls not sent."""
    semaphore = threading.BoundedSemaphore(max_in_flight)
    skipped, started, number = 0, time.monotonic(), 0
    threads: list[threading.Thread] = []
    while (elapsed := time.monotonic() - started) < seconds:
        due = int(elapsed * rate)
        while number < due:
            if semaphore.acquire(blocking=False):

                def call(n: int = number) -> None:
                    try:
                        one_call(n, tally)
                    finally:
                        semaphore.release()

                thread = threading.Thread(target=call, daemon=True)
                thread.start()
                threads.append(thread)
            else:
                skipped += 1
            number += 1
        time.sleep(0.002)
    for thread in threads:
        thread.join(timeout=20)
    return skipped


def check_accepted(tally: Tally) -> int:
    with psycopg.connect(f"{SERVER_URL}/{DATABASE}") as database:
        stored = {row[0] for row in database.execute("SELECT name FROM tools_registry_tool")}
    return len([name for name in tally.accepted if name not in stored])


def cluster_command(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            "main",
            action,
            *(["-m", "fast"] * (action == "stop")),
        ],
        check=True,
    )


def report(title: str, tally: Tally, skipped: int, lost: int) -> bool:
    bad = {status: n for status, n in tally.statuses.items() if status not in ACCEPTABLE}
    print(f"\n## {title}")
    print(f"answers by status: {dict(sorted(tally.statuses.items()))}")
    print(f"client-side errors (no answer): {dict(tally.errors)}; calls not sent (200 in flight): {skipped}")
    print(f"submissions accepted: {len(tally.accepted)}; accepted but missing from the database: {lost}")
    ok = not bad and lost == 0
    print("RESULT:", "pass" if ok else f"FAIL (unexpected statuses {bad}, lost {lost})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("check", choices=["overload", "db-restart"])
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    prepare_database()
    server = start_server()
    try:
        capacity = closed_loop(10, clients=8)
        print(f"measured capacity: {capacity:.0f} requests/s (8 waiting clients, 10 s)")
        tally = Tally()
        if args.check == "overload":
            skipped = open_loop(2 * capacity, args.seconds, tally)
            return (
                0
                if report(
                    f"overload: {2 * capacity:.0f} requests/s for {args.seconds:.0f} s",
                    tally,
                    skipped,
                    check_accepted(tally),
                )
                else 1
            )

        def outage() -> None:
            time.sleep(args.seconds / 4)
            cluster_command("stop")
            time.sleep(args.seconds / 4)
            cluster_command("start")

        fault = threading.Thread(target=outage)
        fault.start()
        skipped = open_loop(capacity, args.seconds, tally)
        fault.join()
        after = request("GET", "/healthz")[0]
        print(f"health after the restart, without restarting the app: {after}")
        ok = report("PostgreSQL stopped and restarted under load", tally, skipped, check_accepted(tally))
        return 0 if ok and after == 200 else 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
