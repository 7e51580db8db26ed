"""Time travel at the API's edge: reading ``?as_of=`` / ``?from=&to=``, running a read in
the views of a past moment (projections/as_of), and refusing ``as_of`` where it means
nothing (docs/audit.md, "Time travel").

Entry points only: the moments, the replay and the diffs live in ``projections/as_of``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from django.http import HttpRequest

from taolun.events.kernel import DomainError
from taolun.platform.api.access import principal
from taolun.platform.api.errors import error_response, not_found
from taolun.platform.api.listing import subtree_rows
from taolun.projections.as_of import aggregates, moments
from taolun.projections.models import OrgNode, UserAccount

T = TypeVar("T")
AS_OF = ("过去的某一时刻（ISO 8601；不带时区按北京时间；只写日期指当天结束时）："
         "按当时的事件回放作答")
FROM, TO = "比较的起始时刻（同 as_of）", "比较的结束时刻（同 as_of）"


def moment(as_of: str | None) -> datetime | None:
    """The moment ``as_of`` names (``None``: now, the live views); bad ones raise."""
    return None if as_of is None else moments.parse(as_of)


def in_view(when: datetime, read: Callable[[], T]) -> tuple[int, T]:
    """``read()`` over the views as they stood at ``when``: (log position, answer)."""
    from taolun.platform.runtime import get_runtime

    machine = get_runtime().time_machine
    position = machine.position_at(when)
    return position, machine.at_position(position, read, when)


def stamped(body: dict, when: datetime, position: int) -> dict:
    return {**body, "as_of": moments.shown(when), "as_of_position": position}


def history(application: Any, aggregate_id: UUID, what: str) -> list[aggregates.Change]:
    changes = aggregates.history(application, aggregate_id)
    if not changes:
        raise not_found(what)
    return changes


def version_at(changes: list[aggregates.Change], when: datetime, what: str) -> int:
    """The aggregate's version at ``when``; 404 when it did not exist yet."""
    version = aggregates.version_at(changes, when)
    if version is None:
        raise not_found(what)
    return version


def one_moment(version: int | None, when: datetime | None) -> None:
    """``version`` and ``as_of`` both name a past state: one at a time."""
    if version is not None and when is not None:
        raise DomainError("as_of_with_version", "version 与 as_of 只能选用一个", field="as_of")


def plan_at(campaigns: Any, plan_id: UUID, when: datetime, released_only: bool) -> Any:
    """The plan as it stood at ``when``; for a reader of releases only, its latest release
    then (404 when there was none)."""
    version = version_at(history(campaigns, plan_id, "方案"), when, "方案")
    if not released_only:
        return campaigns.get_plan(plan_id, version)
    released = [v for v in campaigns.released_states(plan_id) if v <= version]
    if not released:
        raise not_found("方案")
    return campaigns.get_released_plan(plan_id, released[-1])


def user_names(ids: Iterable[UUID]) -> dict[str, str]:
    return {str(i): n for i, n in UserAccount.objects.filter(pk__in=list(ids)).values_list("id", "name")}


def entry_then(request: HttpRequest, model: type, pk: UUID, what: str, out: Callable[[Any], dict],
               when: datetime) -> dict:
    """One row of a read model (an activity, a problem …) shown by ``out`` as it stood at
    ``when``; 404 when it was not there then or not in the caller's grants."""
    who = principal(request)

    def read() -> dict | None:
        row = model.objects.filter(pk=pk).first()
        return out(row) if row is not None and who.sees(row.path) else None

    position, body = in_view(when, read)
    if body is None:
        raise not_found(what)
    return stamped(body, when, position)


def entries_then(request: HttpRequest, model: type, node_id: UUID, order: tuple[str, ...],
                 out: Callable[[Any], dict], when: datetime, **filters: Any) -> list[dict]:
    """Every row of ``model`` in the subtree of ``node_id`` (as it stood at ``when``),
    filtered and ordered like the live list, each shown by ``out`` and stamped."""
    who = principal(request)

    def read() -> list[dict] | None:
        node = OrgNode.objects.filter(pk=node_id).first()
        if node is None or not who.sees(node.path):
            return None
        return [out(r) for r in subtree_rows(model, node.path, **filters).order_by(*order)]

    position, items = in_view(when, read)
    if items is None:
        raise not_found("单位")
    return [stamped(item, when, position) for item in items]


# -- ``as_of`` where it is not understood ----------------------------------------------

_routes: list[re.Pattern] | None = None


def _travelling_routes() -> list[re.Pattern]:
    """The GET paths whose operation declares ``as_of`` (read from the OpenAPI document,
    once per process)."""
    global _routes
    if _routes is None:
        from taolun.platform.urls import api

        schema = api.get_openapi_schema()
        _routes = [
            re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
            for path, methods in schema["paths"].items()
            if any(p.get("name") == "as_of" for p in (methods.get("get") or {}).get("parameters", []))
        ]
    return _routes


class AsOfMiddleware:
    """``?as_of=`` on an API read that cannot travel in time answers 422
    ``as_of_not_supported`` instead of a silent answer for now."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if (request.method == "GET" and "as_of" in request.GET and request.path.startswith("/api/")
                and not any(r.match(request.path) for r in _travelling_routes())):
            return error_response(422, "as_of_not_supported", "此接口不支持按历史时刻查询（as_of）",
                                  {"field": "as_of"}, request=request)
        return self.get_response(request)
