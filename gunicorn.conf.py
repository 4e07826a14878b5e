"""gunicorn settings for the production mode (`make serve`), from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The same limit Django's settings give the database pool a third of (DJANGO_REQUEST_TIMEOUT there).
timeout = int(os.environ.get("DJANGO_REQUEST_TIMEOUT", "30"))
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: its default path is one per account, which two servers on one host would share.
control_socket_disable = True

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'
if os.environ.get("DJANGO_LOG_JSON", "").lower() in ("1", "true", "yes", "on"):
    # gunicorn's own lines and the access log as JSON objects, like the app's (erpteam/logging.py).
    logconfig_dict = {
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        "formatters": {"json": {"()": "erpteam.logging.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
    }
