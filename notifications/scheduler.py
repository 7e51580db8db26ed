"""Periodic work, from one scheduler at a time (guarded by a singleton lock)."""

from __future__ import annotations

import logging
import time

from taolun.infra.locks import SingletonLock

log = logging.getLogger("taolun.scheduler")

# actor name -> seconds between runs
SCHEDULE = {"purge_idempotency_records": 3600, "refresh_progress_lights": 900}


def run_scheduler(runtime, tick_seconds: float = 5.0) -> None:
    lock = SingletonLock(runtime.config, "scheduler")
    while not runtime.stop_event.is_set():
        if lock.try_acquire():
            break
        runtime.stop_event.wait(30)  # another scheduler holds it; stand by
    else:
        return
    log.info("scheduler holds the lock")
    last_run: dict[str, float] = {}
    try:
        while not runtime.stop_event.is_set():
            now = time.monotonic()
            for name, every in SCHEDULE.items():
                if now - last_run.get(name, -every) >= every:
                    try:
                        runtime.actors[name].send()
                        last_run[name] = now
                    except Exception as error:  # broker down: try at the next tick
                        log.warning("could not enqueue %s: %s", name, error)
            runtime.stop_event.wait(tick_seconds)
    finally:
        lock.release()
