"""Running a write from one of the bureau's page forms: the same application command the
API runs, its notification waited for (read-your-writes), and a refused command turned into
errors beside the fields (the domain's ``details.field`` names the field; ``form`` when none
matches), in the user's language (the API's English messages by code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import UUID

from django.http import HttpRequest

from taolun.events.kernel import DomainError
from taolun.platform.language import localise
from taolun.platform.api.errors import ApiError
from taolun.platform.runtime import get_runtime


def field_of(error: DomainError | ApiError, fields: Iterable[str],
             aliases: Mapping[str, str] | None = None) -> str:
    """The form field a refusal is about: ``details.field`` itself, an alias of it, its last
    or first dotted part (``phase.start`` -> ``start``, ``basis_documents.name`` ->
    ``basis_documents``), else ``form`` (shown above the form)."""
    names = set(fields)
    raw = str((error.details or {}).get("field") or "")
    candidates = [raw, raw.rsplit(".", 1)[-1], raw.split(".", 1)[0]]
    for candidate in candidates:
        if aliases and candidate in aliases:
            return aliases[candidate]
        if candidate in names:
            return candidate
    if aliases and error.code in aliases:  # some refusals name no field (e.g. a window)
        return aliases[error.code]
    return "form"


def perform(request: HttpRequest, command: Callable[[Any], Any], fields: Iterable[str] = (),
            aliases: Mapping[str, str] | None = None) -> tuple[UUID | None, dict[str, str]]:
    """Run ``command(runtime)`` (answering a notification id, or ``(created id, notification
    id)``); answer (created id, {}) or (None, {field: message in the user's language})."""
    runtime = get_runtime()
    try:
        result = command(runtime)
    except (DomainError, ApiError) as error:
        return None, {field_of(error, fields, aliases): localise(request, error.code, error.message)}
    created, notification_id = result if isinstance(result, tuple) else (None, result)
    runtime.after_command(notification_id)
    return created, {}


def lines(text: str) -> list[str]:
    """A textarea, one entry a line (blank lines dropped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
