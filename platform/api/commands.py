"""Running a command from a request: actor, read-your-writes, the notification header."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest

from taolun.platform.api.access import principal
from taolun.platform.runtime import Runtime, get_runtime

T = TypeVar("T")


def run_command(request: HttpRequest, command: Callable[[Runtime], int]) -> int:
    """Run ``command`` (which answers its notification id) and wait for the projections."""
    runtime = get_runtime()
    notification_id = command(runtime)
    caught_up = runtime.after_command(notification_id)
    request.taolun_notification_id = notification_id  # type: ignore[attr-defined]
    request.taolun_caught_up = caught_up  # type: ignore[attr-defined]
    return notification_id


def actor(request: HttpRequest):
    return principal(request).user_id
