import os
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erpteam.settings")

app = Celery("erpteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def logging_like_the_web_app(**kwargs) -> None:
    """The worker and beat log through the app's LOGGING (one JSON object per line with
    DJANGO_LOG_JSON=true) instead of Celery's own format."""
    from django.conf import settings

    dictConfig(settings.LOGGING)
