"""The production mode's pieces: structured logs from the app, gunicorn and Celery, the health check
when the database or the broker is down, and a demo that mails nobody even with a worker."""

import io
import json
import logging
import runpy
from logging.config import dictConfig
from pathlib import Path

import pytest
from celery.signals import setup_logging
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse

from erpteam import views
from erpteam.logging import JsonFormatter
from notifications.models import Notification

ROOT = Path(__file__).resolve().parent.parent


def record(name: str, message: str, args=None) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args, None)


def test_a_log_line_is_one_json_object():
    line = JsonFormatter().format(record("erpteam", "Broker unreachable; %s stays in the outbox", ("42",)))
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "erpteam"
    assert entry["message"] == "Broker unreachable; 42 stays in the outbox"
    assert entry["time"].endswith("+00:00")


def test_a_request_logged_by_gunicorn_keeps_its_figures_as_fields():
    atoms = {"h": "10.0.0.7", "m": "GET", "U": "/p/1/issues/", "q": "page=2", "s": "200", "B": 5120, "M": 41}
    atoms["r"] = 'GET /p/1/issues/?page=2 "HTTP/1.1"'
    entry = json.loads(JsonFormatter().format(record("gunicorn.access", '%(h)s "%(r)s" %(s)s', atoms)))
    assert entry["path"] == "/p/1/issues/"
    assert entry["status"] == "200"
    assert entry["ms"] == 41
    assert entry["message"].startswith('10.0.0.7 "GET /p/1/issues/')


def test_gunicorn_logs_json_when_the_app_does(monkeypatch):
    monkeypatch.setenv("DJANGO_LOG_JSON", "true")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["control_socket_disable"] is True
    logging_config = config["logconfig_dict"]
    assert logging_config["handlers"]["console"]["formatter"] == "json"
    assert not logging_config["loggers"]["gunicorn.access"]["propagate"]  # once, not again through the root
    dictConfig({"version": 1, "disable_existing_loggers": False, **logging_config})
    handler = logging.getLogger("gunicorn.error").handlers[0]
    assert isinstance(handler.formatter, JsonFormatter)


def test_gunicorn_logs_plain_lines_otherwise(monkeypatch):
    monkeypatch.delenv("DJANGO_LOG_JSON", raising=False)
    assert "logconfig_dict" not in runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_celery_logs_through_the_apps_logging_settings():
    answers = setup_logging.send(sender=None, loglevel="INFO", logfile=None, format="", colorize=False)
    assert answers, "nothing listens: Celery would install its own log format"
    (handler,) = logging.getLogger().handlers
    assert handler.formatter._fmt == settings.LOGGING["formatters"]["plain"]["format"]


@pytest.mark.django_db
def test_the_health_check_is_503_when_the_broker_is_down(client, monkeypatch):
    monkeypatch.setattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)

    def unreachable():
        raise OSError("Connection refused")

    monkeypatch.setattr(views.celery_app, "connection_for_write", unreachable)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "down"}


@pytest.mark.django_db
def test_the_health_check_is_503_when_the_database_is_down(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("could not connect to server")

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_the_demo_leaves_no_email_for_a_worker_to_send(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert Notification.objects.exists()
    assert not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists()
    assert mailoutbox == []
