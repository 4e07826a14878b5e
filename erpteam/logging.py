"""Structured logs: one JSON object per line, for the production mode's log collectors. The web app,
gunicorn (`gunicorn.conf.py`) and Celery (`erpteam/celery.py`) all write through this formatter when
`DJANGO_LOG_JSON=true`."""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

# gunicorn logs each request with its "atoms" as the record's arguments: these become fields.
ACCESS_FIELDS = {"h": "remote", "m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes", "M": "ms"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update({name: record.args.get(atom) for atom, name in ACCESS_FIELDS.items()})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
