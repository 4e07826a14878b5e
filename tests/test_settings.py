"""Settings from the environment, and a clean `check --deploy` in production mode."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_nothing_with_production_values():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k3!9zQ-production-secret-that-is-long-and-random-2f8c1d7e6b5a4f3e2d1c0b9a",
        "DJANGO_ALLOWED_HOSTS": "erp.example.com",
        "DJANGO_HTTPS": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_about_the_development_defaults():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_the_database_pool_waits_less_than_gunicorns_request_timeout():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_REQUEST_TIMEOUT": "12",
        "DJANGO_DB_POOL": "true",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    script = (
        "import runpy; from django.conf import settings; import django; django.setup();"
        "options = settings.DATABASES['default']['OPTIONS'];"
        "print(options['pool']['timeout'], options['connect_timeout'], runpy.run_path('gunicorn.conf.py')['timeout'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "erpteam.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["4", "4", "12"]
