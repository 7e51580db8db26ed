"""Running a command from a request: exactly once per Idempotency-Key, read-your-writes,
the notification header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import HttpRequest

from taolun.platform.api.access import principal
from taolun.platform.api.idempotency import Accepted, Result, keyed, run_once
from taolun.platform.runtime import get_runtime


def run_command(request: HttpRequest, command: Callable[[Any], Result]) -> UUID | None:
    """Run ``command`` (it answers its notification id, or ``(created id, notification
    id)``) and wait for the projections; answer the created id.

    A retry of a request that already committed does not run ``command``: the answer is
    rebuilt from the earlier copy's effect. If the read side is late the write is answered
    202 (it committed; it must never look failed)."""
    runtime = get_runtime()
    notification_id, created = run_once(runtime, keyed(request), command)
    request.taolun_notification_id = notification_id  # type: ignore[attr-defined]
    request.taolun_created_id = created  # type: ignore[attr-defined]
    caught_up = runtime.after_command(notification_id)
    request.taolun_caught_up = caught_up  # type: ignore[attr-defined]
    if not caught_up:
        raise Accepted(notification_id, created)
    return created


def actor(request: HttpRequest):
    return principal(request).user_id
