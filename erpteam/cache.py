"""The cache is optional at run time: with Redis unreachable, reads miss and writes are dropped (a
progress bar shows "queued", nothing waits), while `add` and `incr`, what throttles count with, raise
`CacheUnavailable`, so that a throttle fails closed."""

import contextlib
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class CacheUnavailable(Exception):
    """The cache could not be reached; a throttle cannot tell whether the action is allowed."""


@contextlib.contextmanager
def _tolerated(operation: str):
    try:
        yield
    except UNREACHABLE as error:
        logger.warning("Cache unreachable, %s skipped: %s", operation, error)


@contextlib.contextmanager
def _refused(operation: str):
    try:
        yield
    except UNREACHABLE as error:
        logger.warning("Cache unreachable, %s refused: %s", operation, error)
        raise CacheUnavailable from error


class RedisCache(DjangoRedisCache):
    def get(self, key, default=None, version=None):
        with _tolerated("get"):
            return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        with _tolerated("get_many"):
            return super().get_many(keys, version)
        return {}

    def has_key(self, key, version=None):
        with _tolerated("has_key"):
            return super().has_key(key, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _tolerated("set"):
            super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with _tolerated("set_many"):
            return super().set_many(data, timeout, version)
        return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with _tolerated("touch"):
            return super().touch(key, timeout, version)
        return False

    def delete(self, key, version=None):
        with _tolerated("delete"):
            return super().delete(key, version)
        return False

    def delete_many(self, keys, version=None):
        with _tolerated("delete_many"):
            super().delete_many(keys, version)

    def clear(self):
        with _tolerated("clear"):
            super().clear()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _refused("add"):
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with _refused("incr"):
            return super().incr(key, delta, version)
