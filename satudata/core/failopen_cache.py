"""The rate-limit cache in Redis, failing open: while Redis cannot be reached, every call is
logged and answered as though the key were new, so rate limits, the public forms' one-time
challenges and similar counts let requests through instead of answering 500.

django-ratelimit's ``RATELIMIT_FAIL_OPEN`` covers only the errors it expects from a cache
(``socket.gaierror``); Django's Redis backend raises the client's ``ConnectionError`` or
``TimeoutError`` instead, which would reach the middleware and fail every page it guards.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    def _down(self, operation: str, error: Exception) -> None:
        logger.warning(
            "rate-limit cache unreachable (%s): %s; letting the request through", operation, error
        )

    def add(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> bool:
        try:
            return bool(super().add(key, value, timeout, version))
        except RedisError as error:
            self._down("add", error)
            return True

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._down("get", error)
            return default

    def set(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._down("set", error)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._down("incr", error)
            return None

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return bool(super().delete(key, version))
        except RedisError as error:
            self._down("delete", error)
            return False
