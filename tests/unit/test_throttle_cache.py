"""Throttling counts per process while its shared cache is unreachable, and says so."""

import time

from django.core.cache.backends.locmem import LocMemCache

from taolun.platform.api.throttling import DegradingCache


class Switch:
    def __init__(self) -> None:
        self.up = True
        self.cache = LocMemCache("test-shared", {})

    def __call__(self):
        if not self.up:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return self.cache


def test_counters_fall_back_to_this_process_when_the_shared_cache_is_down():
    shared = Switch()
    cache = DegradingCache(shared)
    cache.set("k", [1], 60)
    assert cache.status() == {"ok": True, "mode": "shared"}

    shared.up = False
    assert cache.get("k", []) == []  # the shared counters are out of reach, not an error
    cache.set("k", [2], 60)
    assert cache.get("k") == [2]
    status = cache.status()
    assert status["mode"] == "per_process" and status["degraded"] and "refused" in status["error"]

    shared.up = True
    cache._retry_at = time.monotonic()  # the next retry is due
    assert cache.get("k") == [1]
    assert cache.status() == {"ok": True, "mode": "shared"}


def test_a_request_counter_keeps_counting_in_this_process_when_the_shared_cache_is_down():
    shared = Switch()
    cache = DegradingCache(shared)
    assert [cache.count("previews:127.0.0.1", 60) for _ in range(3)] == [1, 2, 3]
    shared.up = False
    assert [cache.count("previews:127.0.0.1", 60) for _ in range(2)] == [1, 2]  # no error
    assert cache.status()["mode"] == "per_process"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def window_throttle(rate: str, clock: Clock):
    from django.test import RequestFactory

    from taolun.platform.api.throttling import AnonThrottle

    throttle = AnonThrottle(rate)
    shared = Switch()
    shared.cache.clear()  # locmem caches of one name share their store
    throttle.cache = DegradingCache(shared)
    throttle.timer = clock
    return throttle, RequestFactory().get("/api/v1/tenants", REMOTE_ADDR="203.0.113.9")


def test_a_client_gets_its_rate_per_window_and_is_told_when_the_window_ends():
    clock = Clock(600.0)  # the start of a one-minute window
    throttle, request = window_throttle("3/min", clock)
    assert [throttle.allow_request(request) for _ in range(4)] == [True, True, True, False]
    clock.now = 645.0
    assert not throttle.allow_request(request)
    assert throttle.wait() == 15.0  # Retry-After: the rest of this window
    clock.now = 660.0  # the next window counts afresh
    assert throttle.allow_request(request)


def test_each_client_counts_on_its_own():
    clock = Clock(600.0)
    throttle, request = window_throttle("1/min", clock)
    from django.test import RequestFactory

    other = RequestFactory().get("/api/v1/tenants", REMOTE_ADDR="203.0.113.10")
    assert throttle.allow_request(request) and not throttle.allow_request(request)
    assert throttle.allow_request(other)
