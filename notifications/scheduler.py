"""Periodic work, from one scheduler at a time (guarded by a singleton lock).

The lock is checked before every tick of work: after a PostgreSQL restart the advisory
lock is gone with its session and another scheduler may hold it now, so a scheduler that
lost it does nothing more until it has acquired it again.
"""

from __future__ import annotations

import logging
import time

from taolun.infra.locks import SingletonLock

log = logging.getLogger("taolun.scheduler")

# actor name -> seconds between runs (the reminder scan's and the sending's: the installation's)
SCHEDULE = {"purge_idempotency_records": 3600, "refresh_progress_lights": 900, "scan_reminders": 900,
            "send_deliveries": 30, "send_digests": 900}


def schedule(config) -> dict[str, float]:
    return {**SCHEDULE, "scan_reminders": config.reminder_scan_seconds,
            "send_deliveries": config.delivery_seconds}


def run_scheduler(runtime, tick_seconds: float = 5.0) -> None:
    lock = SingletonLock(runtime.config, "scheduler")
    standby = runtime.config.scheduler_standby_seconds
    last_run: dict[str, float] = {}
    held = False
    try:
        while not runtime.stop_event.is_set():
            if not lock.holds():
                if held:
                    log.warning("scheduler lost the lock; no more work until it is acquired again")
                    held = False
                if not lock.try_acquire():
                    runtime.stop_event.wait(standby)  # another scheduler holds it; stand by
                    continue
                log.info("scheduler holds the lock")
                held = True
            enqueue_due(runtime, last_run)
            runtime.stop_event.wait(tick_seconds)
    finally:
        lock.release()


def enqueue_due(runtime, last_run: dict[str, float]) -> None:
    now = time.monotonic()
    for name, every in schedule(runtime.config).items():
        if now - last_run.get(name, -every) >= every:
            try:
                runtime.actors[name].send()
                last_run[name] = now
            except Exception as error:  # broker down: try at the next tick
                log.warning("could not enqueue %s: %s", name, error)
