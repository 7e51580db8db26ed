"""Running a write from a page form — the one home for every page's writes (bureau, school,
branch): the API's command machinery (``run_command``: the same application command, its
notification waited for, read-your-writes), and a refused command turned into errors beside
the fields (shown beside the field, the input kept, nothing appended), in the user's
language (the API's English messages by code)."""

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


def field_of(error: DomainError | ApiError, fields: Iterable[str],
             aliases: Mapping[str, str] | None = None) -> str:
    """The form field a refusal is about: ``details.field`` itself, an alias of it, its last
    or first dotted part (``phase.start`` -> ``start``, ``basis_documents.name`` ->
    ``basis_documents``), else the field its code belongs beside (a window names no field),
    else ``form`` (shown above the form)."""
    names = set(fields)
    aliases = aliases or {}
    raw = str((error.details or {}).get("field") or "")
    for candidate in (raw, raw.rsplit(".", 1)[-1], raw.split(".", 1)[0]):
        if candidate in aliases:
            return aliases[candidate]
        if candidate in names:
            return candidate
    by_code = aliases.get(error.code) or CODE_FIELDS.get(error.code, "")
    return by_code if by_code in names or error.code in aliases else "form"


def run(request: HttpRequest, command: Callable[[Any], Any], fields: Iterable[str] = (),
        aliases: Mapping[str, str] | None = None, keep_error_pages: bool = True) -> UUID | None:
    """Run a command as the API does (it answers a notification id, or ``(created id,
    notification id)``); answer the created id. A refusal raises :class:`FormErrors`; 404
    and 403 keep their error pages (the caller is outside the grants) unless
    ``keep_error_pages`` is false."""
    try:
        return run_command(request, command)
    except Accepted as accepted:  # committed; the read side is late, which a page can live with
        return accepted.created
    except (DomainError, ApiError) as error:
        if keep_error_pages and error.status in (403, 404):
            raise
        raise FormErrors({field_of(error, fields, aliases): localise(request, error.code, error.message)}) from error


def perform(request: HttpRequest, command: Callable[[Any], Any], fields: Iterable[str] = (),
            aliases: Mapping[str, str] | None = None) -> tuple[UUID | None, dict[str, str]]:
    """:func:`run` for the bureau's forms, which show every refusal beside its field: answer
    (created id, {}) or (None, {field: message})."""
    try:
        return run(request, command, fields, aliases, keep_error_pages=False), {}
    except FormErrors as refused:
        return None, refused.errors


def required(form: Mapping[str, str], *names: str, message: str) -> None:
    missing = {n: message for n in names if not form.get(n)}
    if missing:
        raise FormErrors(missing)


def lines(text: str) -> list[str]:
    """A textarea, one entry a line (blank lines dropped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def uuid_or_none(text: str | None) -> UUID | None:
    """A UUID from a form field or query argument; ``None`` for anything else."""
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
