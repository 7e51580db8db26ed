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
