"""Request throttling that survives an outage of its cache.

The counters live in the Django cache — Redis beside the broker in production, so every
web process shares one limit. When that cache is unreachable the API must keep answering:
the counters fall back to this process's memory (the limit then holds per process), the
change is logged once each way and reported by /readyz, and the shared cache is tried
again every few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

log = logging.getLogger("taolun.throttle")

RETRY_SHARED_SECONDS = 5.0
T = TypeVar("T")


class DegradingCache:
    """The subset of the cache API the throttles use (get, set, count), shared when it can
    be. Every request counter (ninja's throttles, failed sign-ins, import previews) goes
    through it, so none of them can fail a request when the cache is down."""

    def __init__(self, shared: Callable[[], Any] = lambda: caches["default"]) -> None:
        self._shared = shared
        self._local = LocMemCache("taolun-throttle-local", {})
        self._lock = threading.Lock()
        self.degraded_since: float | None = None  # time.time() of the outage's first error
        self.last_error = ""
        self._retry_at = 0.0

    def get(self, key: str, default: Any = None) -> Any:
        return self._use(lambda cache: cache.get(key, default))

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self._use(lambda cache: cache.set(key, value, timeout))

    def count(self, key: str, timeout: float) -> int:
        """Add one to the counter ``key`` (kept ``timeout`` seconds); answer its new value."""

        def bump(cache: Any) -> int:
            try:
                return cache.incr(key)  # the common case: the counter is there
            except ValueError:  # not yet, or just expired
                if cache.add(key, 1, timeout):
                    return 1
                return cache.incr(key)  # another request added it meanwhile

        return self._use(bump)

    def status(self) -> dict[str, Any]:
        """For /readyz: probes the shared cache first, so an outage (or its end) shows even
        when no request has touched the cache since."""
        self.get("taolun-throttle-probe")
        if self.degraded_since is None:
            return {"ok": True, "mode": "shared"}
        return {
            "ok": True, "mode": "per_process", "degraded": True,
            "since": self.degraded_since, "error": self.last_error,
        }

    def _use(self, operation: Callable[[Any], T]) -> T:
        if self.degraded_since is not None and time.monotonic() < self._retry_at:
            return operation(self._local)
        try:
            result = operation(self._shared())
        except Exception as error:  # any cache failure: throttling must not fail the request
            self._degrade(error)
            return operation(self._local)
        if self.degraded_since is not None:
            with self._lock:
                if self.degraded_since is not None:
                    log.warning("throttle cache reachable again: limits are shared again")
                    self.degraded_since = None
                    self.last_error = ""
        return result

    def _degrade(self, error: Exception) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + RETRY_SHARED_SECONDS
            self.last_error = f"{type(error).__name__}: {error}"[:200]
            if self.degraded_since is None:
                self.degraded_since = time.time()
                log.warning(
                    "throttle cache unreachable (%s): limits now hold per process", self.last_error
                )


THROTTLE_CACHE = DegradingCache()


class WindowCounter:
    """One counter per client and fixed window, bumped atomically.

    ninja's throttles keep the time of every request in one cached list: at the default
    6000/min that is thousands of floats unpickled, grown and sent back whole on every
    request, and two threads reading it at once lose a count. A counter is one increment.
    At a window's edge a client may get up to twice the rate through in a moment: the limit
    is there to stop runaway clients, not to meter them exactly.
    """

    cache = THROTTLE_CACHE

    def allow_request(self, request) -> bool:
        key = self.get_cache_key(request)  # type: ignore[attr-defined]
        if key is None:
            return True
        window = int(self.timer() // self.duration)  # type: ignore[attr-defined]
        return self.cache.count(f"{key}:{window}", self.duration) <= self.num_requests  # type: ignore[attr-defined]

    def wait(self) -> float:
        """Seconds until the current window ends (Retry-After). Nothing is kept on the
        instance between the two calls: one throttle object serves every thread."""
        return self.duration - self.timer() % self.duration  # type: ignore[attr-defined]


class AnonThrottle(WindowCounter, AnonRateThrottle):
    pass


class AuthThrottle(WindowCounter, AuthRateThrottle):
    pass
