"""Running a write from a page form: the API's command machinery, and its errors turned into
field errors (shown beside the field, the input kept, nothing appended)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import UUID

from django.http import HttpRequest

from taolun.events.kernel import DomainError
from taolun.platform.api.commands import run_command
from taolun.platform.language import localise
from taolun.platform.api.errors import ApiError
from taolun.platform.api.idempotency import Accepted

# Codes whose details name no field but belong beside one.
CODE_FIELDS = {"outside_parent_window": "start", "phase_ends_before_start": "end",
               "task_due_outside_phase": "due", "task_due_outside_plan": "due", "plan_exists": "title",
               "already_assigned": "unit_id", "assign_to_own_unit": "unit_id"}


class FormErrors(Exception):
    """Field errors of a form (``{"field": "message"}``); ``form`` is the form-wide one."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(dict(errors))
        self.errors = dict(errors)


def field_of(error: DomainError | ApiError, fields: Iterable[str]) -> str:
    """The form field an error belongs beside (``form`` if none)."""
    named = str((error.details or {}).get("field") or CODE_FIELDS.get(error.code, ""))
    named = named.split(".")[-1] if "." in named else named  # "phase.start" → "start"
    return named if named in set(fields) else "form"


def run(request: HttpRequest, command: Callable[[Any], Any], fields: Iterable[str]) -> UUID | None:
    """Run a command as the API does; a refusal raises :class:`FormErrors` (404 and 403 keep
    their error pages: the caller is outside the grants)."""
    try:
        return run_command(request, command)
    except Accepted as accepted:  # committed; the read side is late, which a page can live with
        return accepted.created
    except (DomainError, ApiError) as error:
        if error.status in (403, 404):
            raise
        raise FormErrors({field_of(error, fields): localise(request, error.code, error.message)}) from error


def required(form: Mapping[str, str], *names: str, message: str) -> None:
    missing = {n: message for n in names if not form.get(n)}
    if missing:
        raise FormErrors(missing)


def uuid_or_none(text: str | None) -> UUID | None:
    """A UUID from a form field or query argument; ``None`` for anything else."""
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
