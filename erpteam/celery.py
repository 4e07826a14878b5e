import os
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erpteam.settings")


class _BrokerChannel(kombu_redis.Channel):
    """kombu's Redis channel, whose use after its connection was closed is a connection error.

    When Redis goes away while a task with late acknowledgement runs, the worker closes the broken
    connection and, in doing so, tries to put the task's message back on the queue, or acknowledges it
    on that connection once the task ends. kombu then reads the address of a connection it has already
    forgotten: an AttributeError ("'NoneType' object has no attribute 'hostname'"), which no one catches
    and which stops the worker. Told as a connection error it is caught, the worker reconnects, and the
    message, still unacknowledged in Redis, is handed out again after the visibility timeout.
    """

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("The connection to the broker is closed.")
        return super()._connparams(asynchronous=asynchronous)


class BrokerTransport(kombu_redis.Transport):
    """The Redis transport with the channel above (CELERY_BROKER_TRANSPORT)."""

    Channel = _BrokerChannel


app = Celery("erpteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def logging_like_the_web_app(**kwargs) -> None:
    """The worker and beat log through the app's LOGGING (one JSON object per line with
    DJANGO_LOG_JSON=true) instead of Celery's own format."""
    from django.conf import settings

    dictConfig(settings.LOGGING)
