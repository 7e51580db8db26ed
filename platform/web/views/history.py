"""The event history on a page, for auditors: a unit's (and its subtree's) events with the
API's filters, a cursor to the next page, and export links. The same access helper, read
(recorded) and export as the API (``platform/api/routers/history.py``); a unit outside the
auditor's grants is the 404 page."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

import pydantic
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from taolun.events.kernel import DomainError
from taolun.platform.api.access import access_history
from taolun.platform.api.routers.history import HistoryIn, PageIn, export_response, read_page
from taolun.platform.language import localise
from taolun.platform.web.forms import field_of
from taolun.platform.web.history_labels import AGGREGATE_LABELS, EVENT_LABELS
from taolun.platform.web.render import not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections.models import OrgNode, UserAccount

PAGE_SIZE = 50
FIELDS = ("descendants", "event_type", "actor_id", "aggregate_id", "from", "to", "order")
QUERY = (*FIELDS, "limit")
MAX_ACTORS = 500  # the actor picker lists the subtree's people up to this many


@signed_in
@pages_errors
def index(request: HttpRequest) -> HttpResponse:
    """The history of the auditor's first unit (the top of each auditor grant, by path)."""
    who = request.auth  # type: ignore[attr-defined]
    tops = sorted(path for path, role in who.grants if role == "auditor")
    node = OrgNode.objects.filter(path__in=tops).order_by("path").first() if tops else None
    if node is None and who.is_operator:
        node = OrgNode.objects.filter(parent__isnull=True, archived=False).order_by("path").first()
    if node is None:
        return not_found_page(request)
    return HttpResponseRedirect(reverse("web:unit_history", args=[node.id]))


def _filters(form: dict[str, str]) -> HistoryIn:
    given = {k: v for k, v in form.items() if v and k not in ("descendants", "limit")}
    given["descendants"] = form["descendants"] != "0"
    given["event_type"] = [form["event_type"]] if form["event_type"] else []
    return HistoryIn.model_validate(given)


def _invalid(error: pydantic.ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem.get("loc") else "form"
        field = {"since": "from", "until": "to"}.get(name, name)
        if field in ("from", "to"):
            errors[field] = _("时间格式不正确")
        elif field in ("actor_id", "aggregate_id"):
            errors[field] = _("编号格式不正确")
        else:
            errors["form"] = _("请求参数有误")
    return errors


@signed_in
@pages_errors
def unit_history(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    node = access_history(request, unit_id)
    form = {k: request.GET.get(k, "").strip() for k in QUERY}
    form["descendants"] = form["descendants"] or "1"
    form["order"] = form["order"] or "newest"
    errors: dict[str, str] = {}
    result = {"items": [], "next_cursor": None}
    try:
        result = read_page(request, node.id, _filters(form),
                           PageIn(cursor=request.GET.get("cursor") or None, limit=form["limit"] or PAGE_SIZE))
    except pydantic.ValidationError as error:
        errors = _invalid(error)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        errors = {field_of(error, (*FIELDS, "cursor")): localise(request, error.code, error.message)}
    query = {k: v for k, v in form.items() if v}
    return render(request, "history.html", {
        "unit": node, "form": form, "errors": errors, "items": result["items"],
        "next_query": urlencode({**query, "cursor": result["next_cursor"]}) if result["next_cursor"] else "",
        "first_query": urlencode(query), "paged": bool(request.GET.get("cursor")),
        "export_query": {fmt: urlencode({**query, "format": fmt}) for fmt in ("jsonl", "csv")},
        "event_groups": _event_groups(), "actors": _actors(node),
    }, status=422 if errors else 200)


@signed_in
@pages_errors
def export(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    form = {k: request.GET.get(k, "").strip() for k in FIELDS}
    try:
        filters = _filters(form)
    except pydantic.ValidationError:
        raise DomainError("invalid_input", _("请求参数有误")) from None
    return export_response(request, unit_id, filters, request.GET.get("format", "csv"))


def _event_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The event types for the picker, grouped by the kind of object."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for event_type, label in EVENT_LABELS.items():
        groups.setdefault(event_type.split(".")[0], []).append((event_type, label))
    return [(AGGREGATE_LABELS[kind], types) for kind, types in groups.items()]


def _actors(node: OrgNode) -> list[dict]:
    return list(UserAccount.objects.filter(home_path__under=node.path)
                .order_by("name", "id").values("id", "name")[:MAX_ACTORS])
