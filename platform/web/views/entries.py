"""Activity records on the pages: a unit's list (its own and its subtree's, newest first,
paginated), one record with its evidence and history, and what may be done to it —
correct or retract one's own entry, return a thin one from above (an inspector's 驳回) —
each with a reason and through the same access helper and service as the API
(``access_activity`` + ``Campaigns.correct_activity`` / ``retract_activity`` /
``return_activity``). Evidence files open in a browser tab for whoever may see a record
citing them, and are the 404 page for anyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.events.campaigns.tree_rules import SUPERVISORS
from taolun.platform.api.access import LOGGERS, access_activity, access_node
from taolun.platform.evidence import cited_file
from taolun.platform.web import forms
from taolun.platform.web.forms import FormErrors, required
from taolun.platform.web.render import not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.platform.web.views.as_of import moment_context, page_moment, rows_then
from taolun.projections.models import ActivityRow, OrgNode

PAGE_SIZE = 20
CORRECTABLE = ("title", "start", "end", "participants", "hours", "summary")


def page_of(request: HttpRequest, rows, size: int = PAGE_SIZE):
    """One page of ``rows`` (``?page=``; out of range: the last page)."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def from_above(who, path: str) -> bool:
    """The user supervises (admin, inspector) a unit above ``path``: the write side's
    ``check_supervisor`` for returning, verifying or reopening a unit's record."""
    return any(role in SUPERVISORS and path.startswith(p) and p != path for p, role in who.grants)


def unit_names(ids) -> dict[str, str]:
    return {str(n["id"]): n["name"] for n in OrgNode.objects.filter(pk__in=set(ids)).values("id", "name")}


@signed_in
@pages_errors
def unit_activities(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    """The unit's and its subtree's activity records, for whoever sees the unit (an
    inspector or viewer reads them; loggers also reach their form)."""
    node = access_node(request, unit_id)
    status = request.GET.get("status", "")
    order = ("-start", "-logged_at", "id")
    when, position = page_moment(request), None
    if when is None:
        rows = ActivityRow.objects.filter(path__under=node.path).order_by(*order)
        if status in ("logged", "returned", "retracted"):
            rows = rows.filter(status=status)
    else:  # the picker's moment: the rows replayed up to it
        position, rows = rows_then(when, ActivityRow, unit_id, order)
        if status in ("logged", "returned", "retracted"):
            rows = [r for r in rows if r.status == status]
    listed = page_of(request, rows)
    who = request.auth  # type: ignore[attr-defined]
    return render(request, "entries/activities.html", {
        "unit": node, "page": listed, "names": unit_names(r.node_id for r in listed), "status": status,
        "may_log": when is None and who.may(node.path, *LOGGERS), **moment_context(when, position),
    })


@signed_in
@pages_errors
def activity_page(request: HttpRequest, activity_id: UUID) -> HttpResponse:
    return _activity_response(request, access_activity(request, activity_id))


def _activity_response(request: HttpRequest, row: ActivityRow, errors: dict | None = None,
                       kept: dict | None = None, failed: str = "") -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    form = {k: getattr(row, k) if k != "summary" else row.data.get("summary") or "" for k in CORRECTABLE}
    return render(request, "entries/activity.html", {
        "a": row, "unit": OrgNode.objects.get(pk=row.node_id), "evidence": row.data.get("evidence") or [],
        "history": row.data.get("history") or [],
        "own": row.logged_by == who.user_id and row.status != "retracted",
        "may_return": from_above(who, row.path) and row.status == "logged",
        "form": {**form, **((kept or {}).get("correct") or {})}, "kept": kept or {},
        "errors": errors or {}, "failed": failed,
    }, status=422 if errors else 200)


@require_POST
@signed_in
@pages_errors
def activity_action(request: HttpRequest, activity_id: UUID, action: str) -> HttpResponse:
    row = access_activity(request, activity_id)
    handler = ACTIONS.get(action)
    if handler is None:
        return not_found_page(request)
    form = {k: v.strip() for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        handler(request, row, form)
    except FormErrors as refused:
        return _activity_response(request, row, {action: refused.errors}, {action: form}, failed=action)
    return HttpResponseRedirect(reverse("web:activity", args=[activity_id]))


def _reason(form: dict) -> None:
    required(form, "reason", message=_("请填写理由"))


def correct(request: HttpRequest, row: ActivityRow, form: dict) -> None:
    _reason(form)
    current = {k: getattr(row, k) if k != "summary" else row.data.get("summary") or "" for k in CORRECTABLE}
    changes: dict = {k: form[k] for k in CORRECTABLE if k in form and str(form[k]) != str(current[k] or "")}
    if "participants" in changes:
        if not changes["participants"].isdigit():
            raise FormErrors({"participants": _("请输入整数")})
        changes["participants"] = int(changes["participants"])
    if not changes:
        raise FormErrors({"form": _("没有需要更正的内容")})
    who = request.auth  # type: ignore[attr-defined]
    forms.run(request, lambda rt: rt.campaigns.correct_activity(row.id, who.user_id, form["reason"], **changes),
              (*CORRECTABLE, "reason"))


def retract(request: HttpRequest, row: ActivityRow, form: dict) -> None:
    _reason(form)
    who = request.auth  # type: ignore[attr-defined]
    forms.run(request, lambda rt: rt.campaigns.retract_activity(row.id, who.user_id, form["reason"]), ("reason",))


def return_entry(request: HttpRequest, row: ActivityRow, form: dict) -> None:
    _reason(form)
    who = request.auth  # type: ignore[attr-defined]
    forms.run(request, lambda rt: rt.campaigns.return_activity(row.id, who.user_id, form["reason"]), ("reason",))


ACTIONS: dict[str, Callable[[HttpRequest, ActivityRow, dict], None]] = {
    "correct": correct, "retract": retract, "return": return_entry,
}


@signed_in
def evidence_file(request: HttpRequest, sha256: str) -> HttpResponse:
    """An evidence file in a browser tab (a photo shown, not downloaded) for whoever sees a
    record citing it, as ``GET /api/v1/evidence/{sha256}`` decides; the 404 page otherwise."""
    response = cited_file(request.auth, sha256, show_media=True)  # type: ignore[attr-defined]
    return response if response is not None else not_found_page(request)
