"""The benchmark database: a PostgreSQL database of its own (`BENCH_DATABASE_URL`), created, migrated
and seeded with the demo and one large synthetic rollout (`seed_demo --scale 1`) on first use."""

import os
import sys
import time
import warnings

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://root@127.0.0.1:5432/erpteam_bench"
DEMO_CODE = "hdpm-s4"
SCALE_CODE = "scale-1"


def configure(**environment: str) -> str:
    """Point Django at the benchmark database (before `django.setup()`); return its URL. The broker is
    left out unless given: the seed's tasks run in process."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {url!r}.")
    os.environ.pop("REDIS_URL", None)
    # In process, whitenoise looks for collected static files the pages measured never ask for.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")  # the measurements, not every login, on the screen
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="erpteam.settings", **environment)
    return url


def create(url: str, *, fresh: bool = False) -> None:
    """Create the database on its server unless it exists; with `fresh`, drop it first."""
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
        if fresh:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the database {name}.")


def prepare(url: str, *, fresh: bool = False) -> None:
    """Create, migrate and seed the benchmark database (the large rollout only once, or again with
    `fresh`), then vacuum and analyse it. Needs `django.setup()` done."""
    from django.core.management import call_command
    from django.db import connection

    from projects.models import Project

    create(url, fresh=fresh)
    call_command("migrate", verbosity=0)
    if not Project.objects.filter(code=DEMO_CODE).exists():
        call_command("seed_demo")
    if not Project.objects.filter(code=SCALE_CODE).exists():
        started = time.monotonic()
        call_command("seed_demo", scale=1)
        print(f"seed_demo --scale 1 took {time.monotonic() - started:.0f} s.")
    with connection.cursor() as cursor:
        # What autovacuum does in time: planner statistics, and the visibility map for index-only scans.
        cursor.execute("VACUUM ANALYZE")
