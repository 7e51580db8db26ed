"""A school's (or a district bureau's) pages for its own 实施方案: the campaigns published to
it, deriving its plan, and the derived plan's page (inherited items locked, local items
editable, optional topics declinable, submit, returns, the upstream change and the rebase,
task assignments).

Every write goes through the same access helpers and ``Campaigns`` commands as the API's
campaigns router; the page only turns refusals into field errors. Each form posts to one
URL with an ``action``; :data:`ACTIONS` maps each action to its command explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.events.campaigns.plan import EDITABLE
from taolun.platform.api.access import access_node, access_own_plan, access_plan
from taolun.platform.api.time_travel import plan_at
from taolun.platform.runtime import get_runtime
from taolun.platform.web import forms, labels
from taolun.platform.web.forms import FormErrors, required, uuid_or_none
from taolun.platform.web.render import not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.platform.web.views.as_of import moment_context, page_moment
from taolun.projections.mine import published_campaigns
from taolun.projections.models import OrgNode, ProgressRow



def _required(form: dict, *names: str) -> None:
    required(form, *names, message=_("此项不能为空"))


# ------------------------------------------------------------------ campaigns published to a unit


@signed_in
@pages_errors
def unit_campaigns(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    """The campaigns reaching the unit, with its own plan or a form to derive it."""
    node = access_node(request, unit_id)
    errors: dict[str, str] = {}
    form = {"campaign": "", "title": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            created = _derive(request, node, form)
            return HttpResponseRedirect(reverse("web:school_plan", args=[created]))
        except FormErrors as refused:
            errors = refused.errors
    rows = {r["campaign_id"]: r for r in ProgressRow.objects.filter(node_id=node.id).values(
        "campaign_id", "plan_id", "plan_status", "expected", "governing_plan_id", "upstream_changed")}
    campaigns = [{"id": c.id, "title": c.title, "window_start": c.window_start, "window_end": c.window_end,
                  "deadline": (c.publication or {}).get("derive_deadline"), "row": rows.get(c.id)}
                 for c in published_campaigns([node.path])]
    may_derive = request.auth.may(node.path, "admin")  # type: ignore[attr-defined]
    return render(request, "school/campaigns.html", {
        "unit": node, "campaigns": campaigns, "form": form, "errors": errors, "may_derive": may_derive,
    }, status=422 if errors else 200)


def _derive(request: HttpRequest, node: OrgNode, form: dict) -> UUID:
    required(form, "campaign", message=_("请选择活动方案"))
    row = ProgressRow.objects.filter(node_id=node.id, campaign_id=uuid_or_none(form["campaign"])).first()
    if row is None:
        raise FormErrors({"campaign": _("请选择活动方案")})
    parent = row.governing_plan_id  # the nearest released plan above: what the unit derives from
    access_plan(request, parent)  # as POST /api/v1/plans/{parent}/derive
    access_node(request, node.id, "admin")
    who = request.auth  # type: ignore[attr-defined]
    return forms.run(request, lambda rt: rt.campaigns.derive_plan(
        parent, who.user_id, node.id, form["title"] or None), ("title", "campaign"))


# ------------------------------------------------------------------ the derived plan


@signed_in
@pages_errors
def plan_page(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """The plan now, or with the picker's ``?as_of=`` as it stood then (read only)."""
    row = access_own_plan(request, plan_id)
    if row.kind != "derived":
        return not_found_page(request)
    when = page_moment(request)
    if when is not None:
        return _plan_response(request, row, then=(when, plan_at(get_runtime().campaigns, plan_id, when, False)))
    return _plan_response(request, row)


def _plan_response(request: HttpRequest, row, errors: dict | None = None, kept: dict | None = None,
                   failed: str = "", then: tuple | None = None) -> HttpResponse:
    """``then``: (moment, the plan at it) for the as-of view."""
    runtime = get_runtime()
    plan = runtime.campaigns.get_plan(row.id) if then is None else then[1]
    who = request.auth  # type: ignore[attr-defined]
    phases = sorted(plan.phases.values(), key=lambda p: (p["start"], p["end"]))
    inherited = [p for p in phases if p["origin"] == "inherited"]
    window = (min(p["parent_start"] for p in inherited), max(p["parent_end"] for p in inherited)) if inherited else None
    children = list(OrgNode.objects.filter(parent_id=row.node_id, archived=False).order_by("path")
                    .values("id", "name", "kind"))
    names = {str(c["id"]): c["name"] for c in children}
    upstream = None
    if plan.upstream is not None and then is None:
        upstream = {"parent_version": plan.upstream["parent_version"], "diff": _diff_lines(plan.upstream["diff"]),
                    "conflicts": runtime.campaigns.rebase_conflicts(plan.id)}
    return render(request, "school/plan.html", {
        "plan": plan, "row": row, "unit": OrgNode.objects.get(pk=row.node_id),
        "editable": then is None and plan.status in EDITABLE and who.may(row.path, "admin"),
        "topics": list(plan.topics.values()), "phases": phases, "phase_names": {p["id"]: p["name"] for p in phases},
        "tasks": list(plan.tasks.values()), "window": window, "children": children, "unit_names": names,
        "upstream": upstream, "missing": plan.missing_items() if plan.status in EDITABLE else [],
        "errors": errors or {}, "kept": kept or {}, "failed": failed,
        "section_names": labels.SECTIONS, "change_names": labels.CHANGES,
        **moment_context(then[0] if then else None),
    }, status=422 if errors else 200)


def _diff_lines(diff: dict) -> list[dict]:
    """The upstream diff as lines a person reads: section, what happened, the item's name."""
    out = []
    for section, parts in diff.items():
        for change, items in parts.items():
            for item in items:
                shown = item.get("new", item)
                out.append({"section": section, "change": change, "name": _item_name(shown),
                            "fields": item.get("fields", [])})
    return out


def _item_name(item: dict) -> str:
    return str(item.get("title") or item.get("name") or item.get("kind") or item.get("id", ""))


@require_POST
@signed_in
@pages_errors
def plan_edit(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """One form post on the plan page: ``action`` picks the command (see :data:`ACTIONS`)."""
    row = access_own_plan(request, plan_id)
    action = request.POST.get("action", "")
    handler = ACTIONS.get(action)
    if row.kind != "derived" or handler is None:
        return not_found_page(request)
    access_plan(request, plan_id, "admin")  # as the API's edit(): an admin of the plan's unit
    form = {k: v.strip() for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        handler(request, plan_id, form)
    except FormErrors as refused:
        return _plan_response(request, row, {action: refused.errors}, {action: form}, failed=action)
    anchor = action.split("_")[-1]
    return HttpResponseRedirect(f"{reverse('web:school_plan', args=[plan_id])}#{anchor}")


def _version(form: dict) -> int | None:
    raw = form.get("expected_version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _actor(request: HttpRequest) -> UUID:
    return request.auth.user_id  # type: ignore[attr-defined]


def _item(form: dict, name: str) -> UUID:
    found = uuid_or_none(form.get(name))
    if found is None:
        raise FormErrors({"form": _("请刷新页面后重试")})
    return found


def add_topic(request, plan_id, form):
    _required(form, "title")
    forms.run(request, lambda rt: rt.campaigns.add_topic(
        plan_id, _actor(request), group=form.get("group", ""), title=form["title"],
        description=form.get("description", ""), expected_version=_version(form)), ("group", "title", "description"))


def remove_topic(request, plan_id, form):
    forms.run(request, lambda rt: rt.campaigns.remove_topic(
        plan_id, _actor(request), _item(form, "item"), expected_version=_version(form)), ())


def decline_topic(request, plan_id, form):
    required(form, "reason", message=_("请说明不采纳的理由"))
    forms.run(request, lambda rt: rt.campaigns.decline_topic(
        plan_id, _actor(request), _item(form, "item"), form["reason"], expected_version=_version(form)), ("reason",))


def accept_topic(request, plan_id, form):
    forms.run(request, lambda rt: rt.campaigns.accept_topic(
        plan_id, _actor(request), _item(form, "item"), expected_version=_version(form)), ())


def add_phase(request, plan_id, form):
    _required(form, "name", "start", "end")
    forms.run(request, lambda rt: rt.campaigns.add_phase(
        plan_id, _actor(request), name=form["name"], start=form["start"], end=form["end"],
        expected_version=_version(form)), ("name", "start", "end"))


def revise_phase(request, plan_id, form):
    """Move or narrow a phase (an inherited one inside the parent's window: the write side
    says so beside the date), rename a local one."""
    _required(form, "start", "end")
    forms.run(request, lambda rt: rt.campaigns.revise_phase(
        plan_id, _actor(request), _item(form, "item"), name=form.get("name") or None, start=form["start"],
        end=form["end"], expected_version=_version(form)), ("name", "start", "end"))


def revise_topic(request, plan_id, form):
    _required(form, "title")
    forms.run(request, lambda rt: rt.campaigns.revise_topic(
        plan_id, _actor(request), _item(form, "item"), title=form["title"],
        description=form.get("description", ""), expected_version=_version(form)), ("title", "description"))


def revise_task(request, plan_id, form):
    _required(form, "title")
    forms.run(request, lambda rt: rt.campaigns.revise_task(
        plan_id, _actor(request), _item(form, "item"), title=form["title"], due=form.get("due") or None,
        expected_version=_version(form)), ("title", "due"))


def remove_phase(request, plan_id, form):
    forms.run(request, lambda rt: rt.campaigns.remove_phase(
        plan_id, _actor(request), _item(form, "item"), expected_version=_version(form)), ())


def add_task(request, plan_id, form):
    _required(form, "title")
    forms.run(request, lambda rt: rt.campaigns.add_task(
        plan_id, _actor(request), title=form["title"], phase_id=uuid_or_none(form.get("phase_id")),
        description=form.get("description", ""), due=form.get("due") or None,
        expected_version=_version(form)), ("title", "phase_id", "due", "description"))


def remove_task(request, plan_id, form):
    forms.run(request, lambda rt: rt.campaigns.remove_task(
        plan_id, _actor(request), _item(form, "item"), expected_version=_version(form)), ())


def assign_task(request, plan_id, form):
    _required(form, "unit_id", "owner")
    forms.run(request, lambda rt: rt.campaigns.assign_task(
        plan_id, _actor(request), _item(form, "item"), unit_id=_item(form, "unit_id"), owner=form["owner"],
        due=form.get("due") or None, expected_version=_version(form)), ("unit_id", "owner", "due"))


def unassign_task(request, plan_id, form):
    forms.run(request, lambda rt: rt.campaigns.unassign_task(
        plan_id, _actor(request), _item(form, "item"), unit_id=_item(form, "unit_id"),
        expected_version=_version(form)), ())


def submit_plan(request, plan_id, form):
    forms.run(request, lambda rt: rt.campaigns.submit(plan_id, _actor(request), expected_version=_version(form)), ())


def rebase_plan(request, plan_id, form):
    forms.run(request, lambda rt: rt.campaigns.rebase(plan_id, _actor(request), expected_version=_version(form)), ())


ACTIONS: dict[str, Callable[[HttpRequest, UUID, dict], None]] = {
    "add_topic": add_topic, "remove_topic": remove_topic, "decline_topic": decline_topic,
    "accept_topic": accept_topic, "revise_topic": revise_topic, "add_phase": add_phase,
    "revise_phase": revise_phase, "remove_phase": remove_phase, "add_task": add_task,
    "revise_task": revise_task, "remove_task": remove_task, "assign_task": assign_task,
    "unassign_task": unassign_task, "submit_plan": submit_plan, "rebase_plan": rebase_plan,
}
