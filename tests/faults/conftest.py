"""Fault tests: a Redis of the test's own, killed and restarted; a real Celery worker; PostgreSQL
connections terminated. They need PostgreSQL (DATABASE_URL=postgres://…) and a `redis-server` program;
elsewhere they are skipped. `make faults` runs them with more kill moments (FAULTS_DEEP=1)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from erpteam.celery import BrokerTransport
from erpteam.celery import app as celery_app

DEEP = os.environ.get("FAULTS_DEEP", "") == "1"


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis_server():
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL: run with DATABASE_URL=postgres://…")
    if shutil.which("redis-server") is None:
        pytest.skip("fault tests start Redis servers of their own: no redis-server program here")


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.05):
    """Poll until `condition()` is true; fail saying `what` was awaited after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server on a free port, with its queue kept on disk (appendonly, as a broker's should be)
    so that it comes back after `kill()` and `start()` with the messages it had."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 (the server writes it while it runs)
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(self.answers, timeout=10, what=f"redis-server on port {self.port} to answer")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        """kill -9: no shutdown, no goodbye to its clients."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path) -> RedisServer:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def on_redis(redis_server, settings):
    """This process's cache and Celery (publishing for real, not eager) on the test's Redis."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis_server.url}}
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport, conf.task_always_eager
    conf.broker_url, conf.broker_transport, conf.task_always_eager = (
        redis_server.url,
        BrokerTransport,
        False,
    )
    forget_broker_connections()
    yield redis_server
    conf.broker_url, conf.broker_transport, conf.task_always_eager = saved
    forget_broker_connections()


def forget_broker_connections() -> None:
    """Drop the connection pools Celery made for the broker address in use (made on first publish)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def database_url() -> str:
    """The test database, as the worker's DATABASE_URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


class Worker:
    """`celery -A erpteam worker` in a process group of its own, on the test's Redis and database.
    Messages not acknowledged are handed out again VISIBILITY_TIMEOUT seconds after their delivery."""

    VISIBILITY_TIMEOUT = 5

    def __init__(self, broker_url: str, log_path: Path):
        self.log_path = log_path
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "DJANGO_DB_POOL": "false",
            "DJANGO_LOG_JSON": "false",
            "CELERY_VISIBILITY_TIMEOUT": str(self.VISIBILITY_TIMEOUT),
        }
        log = open(log_path, "wb")  # noqa: SIM115 (the worker writes it while it runs)
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "erpteam", "worker", "--concurrency=1"),
                *("--without-gossip", "--without-mingle", "--loglevel=INFO"),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> None:
        def ready():
            if not self.alive():
                pytest.fail(f"the worker exited at start-up:\n{self.log[-3000:]}")
            return " ready." in self.log

        wait_until(ready, timeout=60, what="the Celery worker to be ready", every=0.2)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def worker(redis_server, tmp_path) -> Worker:
    worker = Worker(redis_server.url, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
