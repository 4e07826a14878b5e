"""`make loadtest`: requests per second and latency of the readiness dashboard, the issue list and an
issue page of the large rollout (`seed_demo --scale 1`), side by side with trivial pages, on gunicorn
set up as `make serve` sets it up (the psycopg pool, Redis, whitenoise, JSON logs), on loopback.

The server is started on a free loopback port against the benchmark database (or given with `--url`,
e.g. a running `make serve`). A pool of client threads, each with its own connection (kept alive when
the server allows it), requests one page at a time for `--seconds` or `--requests`, whichever ends
first, logged in as the rollout's lead consultant.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import django

from bench import database

ROOT = Path(__file__).resolve().parent.parent
SERVE_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_LOG_JSON": "true",
    "DJANGO_DB_POOL": "true",
    "DJANGO_STATICFILES_STORAGE": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, redis_url: str, log: Path) -> subprocess.Popen:
    """gunicorn with `gunicorn.conf.py`, as `make serve` runs it; its log goes to `log`."""
    env = {**os.environ, **SERVE_ENV, "REDIS_URL": redis_url, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    command = [sys.executable, "-m", "gunicorn", "erpteam.wsgi:application", "--config", "gunicorn.conf.py"]
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_until_healthy(base: str, server: subprocess.Popen | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            sys.exit("gunicorn stopped before it answered; see its log.")
        try:
            status, _body, _headers = Session(base).get("/health/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"{base}/health/ did not answer 200 within {timeout:.0f} s.")


class Session:
    """One keep-alive connection with cookies, like one browser tab."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None):
        url = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, http.client.HTTPMessage]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return response.status, content, response.headers

    def get(self, path: str):
        return self.request("GET", path)


def log_in(base: str, username: str, password: str) -> dict[str, str]:
    """The cookies of a signed-in session."""
    session = Session(base)
    session.get("/accounts/login/")
    form = {"csrfmiddlewaretoken": session.cookies["csrftoken"], "username": username, "password": password}
    status, _body, headers = session.request("POST", "/accounts/login/", urllib.parse.urlencode(form))
    if status != 302 or "sessionid" not in session.cookies:
        sys.exit(f"Could not log in as {username} (HTTP {status}, {headers.get('Location')}).")
    return session.cookies


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def hammer(base: str, path: str, cookies: dict, *, clients: int, seconds: float, requests: int) -> Result:
    """`clients` threads request `path` until `seconds` pass or `requests` were sent."""
    result, lock = Result(), threading.Lock()
    remaining = iter(range(requests))
    deadline = time.monotonic() + seconds

    def client() -> None:
        session = Session(base, cookies)
        while time.monotonic() < deadline:
            with lock:
                if next(remaining, None) is None:
                    return
            started = time.perf_counter()
            try:
                status, _body, _headers = session.get(path)
            except (OSError, http.client.HTTPException):
                status = 0
                session = Session(base, cookies)
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    result.seconds = time.monotonic() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server to test instead of starting gunicorn (loopback only)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seconds", type=float, default=20, help="at most this long per page (default 20)")
    parser.add_argument("--requests", type=int, default=2000, help="at most this many requests per page (default 2000)")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database and seed it again")
    args = parser.parse_args()
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("The load test only runs against a server on this machine (loopback).")

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    url = database.configure(**SERVE_ENV)
    django.setup()
    database.prepare(url, fresh=args.fresh)

    from django.core.management import call_command
    from django.urls import reverse

    from bench.pages import Subject
    from demo.base import DEMO_PASSWORD

    subject = Subject.of(database.SCALE_CODE)
    # (name, path, signed in): the trivial pages are what the server costs before any page's own work.
    pages = [
        ("health check (trivial)", reverse("health"), False),
        ("login page (trivial)", reverse("login"), False),
        ("readiness dashboard", reverse("readiness:dashboard", args=[subject.project.pk]), True),
        ("issue list", reverse("issues:list", args=[subject.project.pk]), True),
        ("issue page", reverse("issues:detail", args=[subject.project.pk, subject.issue.pk]), True),
    ]

    server = None
    base = args.url
    if base is None:
        call_command("collectstatic", interactive=False, verbosity=0)
        log = Path(tempfile.gettempdir()) / "erpteam-loadtest-gunicorn.log"
        port = free_port()
        server = start_server(port, redis_url, log)
        base = f"http://127.0.0.1:{port}"
        print(f"gunicorn (gunicorn.conf.py, make serve's settings) on {base}; its log: {log}")
    try:
        wait_until_healthy(base, server)
        cookies = log_in(base, subject.user.username, DEMO_PASSWORD)
        print(
            f"{subject.describe()}; {args.clients} clients, at most {args.seconds:g} s or {args.requests:,} "
            f"requests per page, logged in as {subject.user.username}; load average before: "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, clients and server included.\n"
        )
        print(f"{'page':<24}{'requests':>9}{'errors':>8}{'req/s':>9}{'median ms':>11}{'p95 ms':>9}")
        failed = False
        for name, path, signed_in in pages:
            session = cookies if signed_in else {}
            hammer(base, path, session, clients=args.clients, seconds=2, requests=args.clients * 2)  # warm-up
            result = hammer(base, path, session, clients=args.clients, seconds=args.seconds, requests=args.requests)
            failed |= result.errors > 0 or not result.latencies
            print(
                f"{name:<24}{len(result.latencies):>9,}{result.errors:>8}{result.per_second:>9.1f}"
                f"{1000 * statistics.median(result.latencies or [0]):>11.1f}{result.percentile_ms(0.95):>9.1f}"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
