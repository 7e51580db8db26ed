"""Campaigns and derived plans: author, publish, amend, derive, review, follow upstream.

Plan edits take the version they were made against as ``If-Match: <version>`` or as
``expected_version`` in the body (the header wins); a stale one answers 409
``version_conflict``. Plans are read from their aggregate (always current); lists come from
the ``PlanRow`` read model.

About 420 lines: one endpoint per step of a plan's lifecycle, each only access resolution and
a command (the rules are the write side's, docs/architecture.md); split by step it would
scatter one resource's routes over several modules.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from taolun.events.campaigns.plan_status import display_status
from taolun.events.values import MAX_INT
from taolun.platform.api.access import access_node, access_own_plan, access_plan, principal
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.errors import ApiError
from taolun.platform.api.listing import Rows, subtree_rows
from taolun.platform.api.time_travel import AS_OF, moment, one_moment, plan_at
from taolun.projections.as_of.moments import shown
from taolun.platform.api.outputs import (
    ChildrenOut, DiffOut, PhaseAddedOut, PlanOut, PlanRowOut, RequirementAddedOut, TaskAddedOut,
    TopicAddedOut, UpstreamOut,
)
from taolun.platform.api.schemas import (
    AmendIn,
    AssignIn,
    CampaignIn,
    CommentIn,
    ERRORS,
    DeriveIn,
    HeaderIn,
    LeadingGroupIn,
    PhaseIn,
    PhasePatch,
    PublishIn,
    ReasonIn,
    RequirementIn,
    ReturnIn,
    TaskIn,
    TaskPatch,
    TopicIn,
    TopicPatch,
    Versioned,
)
from taolun.projections.campaigns.details import upstream_rows
from taolun.projections.jsonable import jsonable
from taolun.projections.models import OrgNode, PlanRow

router = Router(tags=["campaigns 活动方案"])


# ------------------------------------------------------------------ helpers


def expected_version(request: HttpRequest, payload: Any = None) -> int | None:
    raw = request.headers.get("If-Match")
    if raw:
        value = raw.strip().removeprefix("W/").strip('"')
        # ASCII digits only ("²".isdigit() is true) and no longer than a version can be.
        if not (value.isascii() and value.isdigit() and len(value) <= 10 and int(value) <= MAX_INT):
            raise ApiError(422, "invalid_if_match", "If-Match 必须是方案版本号", field="If-Match")
        return int(value)
    return getattr(payload, "expected_version", None)


def fields(payload: Any, *exclude: str) -> dict:
    data = payload.dict(exclude_none=True)
    for key in ("expected_version", *exclude):
        data.pop(key, None)
    return data


def plan_out(plan) -> dict:
    def items(section: str) -> list:
        return list(plan.sections[section].values())

    return jsonable({
        "id": plan.id, "kind": plan.kind, "tenant_id": plan.tenant_id,
        "campaign_id": plan.root_id, "parent_id": plan.parent_id,
        "parent_version": plan.parent_version, "status": plan.status,
        "display_status": display_status(plan.status, plan.upstream is not None),
        "version": plan.version, "released_version": plan.released_version,
        "header": plan.header, "leading_group": plan.leading_group,
        "topics": items("topics"), "phases": sorted(items("phases"), key=lambda p: (p["start"], p["end"])),
        "tasks": items("tasks"), "requirements": items("requirements"),
        "window": plan.window(), "publication": plan.publication,
        "upstream": None if plan.upstream is None else {
            "parent_version": plan.upstream["parent_version"], "diff": plan.upstream["diff"],
            "conflicts": plan.conflicts(),
        },
        "return_reasons": plan.return_reasons, "submissions": plan.submissions,
        "versions": [{"number": v["number"], "summary": v["summary"]} for v in plan.versions],
    })


def edit(request: HttpRequest, plan_id: UUID, command: Callable[[Any], Any], *roles: str) -> dict:
    """Run a plan command as an admin of the plan's unit; answer the plan."""
    access_plan(request, plan_id, *(roles or ("admin",)))

    def run(rt):
        result = command(rt)
        return result[1] if isinstance(result, tuple) else result

    run_command(request, run)
    from taolun.platform.runtime import get_runtime

    return plan_out(get_runtime().campaigns.get_plan(plan_id))


def add_item(request: HttpRequest, plan_id: UUID, section: str,
             command: Callable[[Any], Any]) -> Status:
    """Run an add command as an admin of the plan's unit; answer 201 with the new item, its
    id, and the plan's version after it (for the next ``If-Match``)."""
    access_plan(request, plan_id, "admin")
    item_id = run_command(request, command)
    plan = _camp(request).get_plan(plan_id)
    item = plan.sections[section].get(str(item_id), {"id": item_id})  # a retry: since removed
    return Status(201, jsonable({**item, "plan_id": plan.id, "plan_version": plan.version}))


def _camp(request):
    from taolun.platform.runtime import get_runtime

    return get_runtime().campaigns


# ------------------------------------------------------------------ authoring


@router.post("/campaigns", response={201: PlanOut, **ERRORS}, summary="发起活动方案（草稿）")
def author_campaign(request: HttpRequest, payload: CampaignIn):
    """A bureau admin authors a campaign (a draft). Every later edit is an event."""
    access_node(request, payload.tenant_id, "admin")
    plan_id = run_command(request, lambda rt: rt.campaigns.author_campaign(
        actor(request), payload.tenant_id, payload.title, **fields(payload, "tenant_id", "title")
    ))
    return Status(201, plan_out(_camp(request).get_plan(plan_id)))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="读取方案（当前或指定版本）")
def read_plan(request: HttpRequest, plan_id: UUID, version: int | None = Query(None, ge=1, le=MAX_INT),
              as_of: str | None = Query(None, description=AS_OF)):
    """The plan now, or as it stood at aggregate ``version`` or at the moment ``as_of``.
    Units below the plan's own read only its releases (the latest, or ``version`` if it is
    a release, or the latest release at ``as_of``)."""
    row = access_plan(request, plan_id)
    when = moment(as_of)
    one_moment(version, when)
    if when is not None:
        then = plan_at(_camp(request), plan_id, when, not principal(request).sees(row.path))
        return {**plan_out(then), "as_of": shown(when)}
    if principal(request).sees(row.path):
        return plan_out(_camp(request).get_plan(plan_id, version))
    return plan_out(_camp(request).get_released_plan(plan_id, version))


@router.get("/tenants/{tenant_id}/plans", response={200: list[PlanRowOut], **ERRORS}, summary="列出本单位及下级单位的方案")
@paginate
def list_plans(request: HttpRequest, tenant_id: UUID, campaign_id: UUID | None = None,
               status: str | None = None):
    """Plans of this unit and every unit below it."""
    node = access_node(request, tenant_id)
    rows = subtree_rows(PlanRow, node.path, campaign_id=campaign_id, status=status)
    return Rows(rows.order_by("path", "id"), plan_row_out)


def plan_row_out(r: PlanRow) -> dict:
    return jsonable({
        "id": r.id, "campaign_id": r.campaign_id, "parent_id": r.parent_id, "tenant_id": r.node_id,
        "kind": r.kind, "title": r.title, "status": r.status,
        "display_status": display_status(r.status, bool(r.upstream_version)),
        "version": r.version, "released_version": r.released_version,
        "parent_version": r.parent_version, "upstream_version": r.upstream_version,
        "conflicts": len(r.conflicts), "submissions": r.submissions,
        "return_reasons": r.return_reasons, "updated_at": r.updated_at.isoformat(),
    })


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="修改方案标题与总体内容", operation_id="revise_plan_header")
def revise_header(request: HttpRequest, plan_id: UUID, payload: HeaderIn):
    """Title, slogan, theme, basis documents, guiding ideology, goals, principles …"""
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.revise_header(
        plan_id, actor(request), expected_version=ev, **fields(payload)))


@router.put("/plans/{plan_id}/leading-group", response={200: PlanOut, **ERRORS}, summary="设置领导小组")
def set_leading_group(request: HttpRequest, plan_id: UUID, payload: LeadingGroupIn):
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.set_leading_group(
        plan_id, actor(request), payload.leading_group, expected_version=ev))


@router.post("/plans/{plan_id}/topics", response={201: TopicAddedOut, **ERRORS}, summary="添加讨论题目")
def add_topic(request: HttpRequest, plan_id: UUID, payload: TopicIn):
    ev = expected_version(request, payload)
    return add_item(request, plan_id, "topics", lambda rt: rt.campaigns.add_topic(
        plan_id, actor(request), expected_version=ev, **fields(payload)))


@router.patch("/plans/{plan_id}/topics/{topic_id}", response={200: PlanOut, **ERRORS}, summary="修改讨论题目")
def revise_topic(request: HttpRequest, plan_id: UUID, topic_id: UUID, payload: TopicPatch):
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.revise_topic(
        plan_id, actor(request), topic_id, expected_version=ev, **fields(payload)))


@router.delete("/plans/{plan_id}/topics/{topic_id}", response={200: PlanOut, **ERRORS}, summary="删除讨论题目")
def remove_topic(request: HttpRequest, plan_id: UUID, topic_id: UUID):
    ev = expected_version(request)
    return edit(request, plan_id, lambda rt: rt.campaigns.remove_topic(
        plan_id, actor(request), topic_id, expected_version=ev))


@router.post("/plans/{plan_id}/topics/{topic_id}/decline", response={200: PlanOut, **ERRORS}, summary="不采纳继承的可选题目（说明理由）")
def decline_topic(request: HttpRequest, plan_id: UUID, topic_id: UUID, payload: ReasonIn):
    """Decline an inherited optional topic, with a reason (mandatory ones cannot be)."""
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.decline_topic(
        plan_id, actor(request), topic_id, payload.reason, expected_version=ev))


@router.post("/plans/{plan_id}/topics/{topic_id}/accept", response={200: PlanOut, **ERRORS}, summary="重新采纳已不采纳的题目")
def accept_topic(request: HttpRequest, plan_id: UUID, topic_id: UUID, payload: Versioned):
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.accept_topic(
        plan_id, actor(request), topic_id, expected_version=ev))


@router.post("/plans/{plan_id}/phases", response={201: PhaseAddedOut, **ERRORS}, summary="添加阶段")
def add_phase(request: HttpRequest, plan_id: UUID, payload: PhaseIn):
    ev = expected_version(request, payload)
    return add_item(request, plan_id, "phases", lambda rt: rt.campaigns.add_phase(
        plan_id, actor(request), expected_version=ev, **fields(payload)))


@router.patch("/plans/{plan_id}/phases/{phase_id}", response={200: PlanOut, **ERRORS}, summary="修改阶段")
def revise_phase(request: HttpRequest, plan_id: UUID, phase_id: UUID, payload: PhasePatch):
    """Rename a local phase, or move/narrow a phase (inherited ones inside the parent's window)."""
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.revise_phase(
        plan_id, actor(request), phase_id, expected_version=ev, **fields(payload)))


@router.delete("/plans/{plan_id}/phases/{phase_id}", response={200: PlanOut, **ERRORS}, summary="删除阶段")
def remove_phase(request: HttpRequest, plan_id: UUID, phase_id: UUID):
    ev = expected_version(request)
    return edit(request, plan_id, lambda rt: rt.campaigns.remove_phase(
        plan_id, actor(request), phase_id, expected_version=ev))


@router.post("/plans/{plan_id}/tasks", response={201: TaskAddedOut, **ERRORS}, summary="添加任务")
def add_task(request: HttpRequest, plan_id: UUID, payload: TaskIn):
    ev = expected_version(request, payload)
    return add_item(request, plan_id, "tasks", lambda rt: rt.campaigns.add_task(
        plan_id, actor(request), expected_version=ev, **fields(payload)))


@router.patch("/plans/{plan_id}/tasks/{task_id}", response={200: PlanOut, **ERRORS}, summary="修改任务")
def revise_task(request: HttpRequest, plan_id: UUID, task_id: UUID, payload: TaskPatch):
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.revise_task(
        plan_id, actor(request), task_id, expected_version=ev, **fields(payload)))


@router.delete("/plans/{plan_id}/tasks/{task_id}", response={200: PlanOut, **ERRORS}, summary="删除任务")
def remove_task(request: HttpRequest, plan_id: UUID, task_id: UUID):
    ev = expected_version(request)
    return edit(request, plan_id, lambda rt: rt.campaigns.remove_task(
        plan_id, actor(request), task_id, expected_version=ev))


@router.post("/plans/{plan_id}/tasks/{task_id}/assignments", response={201: PlanOut, **ERRORS}, summary="把任务分配给下属支部或科室")
def assign_task(request: HttpRequest, plan_id: UUID, task_id: UUID, payload: AssignIn):
    """Give a task to one of the unit's own branches or offices (inside its subtree)."""
    ev = expected_version(request, payload)
    return Status(201, edit(request, plan_id, lambda rt: rt.campaigns.assign_task(
        plan_id, actor(request), task_id, expected_version=ev, **fields(payload))))


@router.delete("/plans/{plan_id}/tasks/{task_id}/assignments/{unit_id}", response={200: PlanOut, **ERRORS}, summary="取消任务分配")
def unassign_task(request: HttpRequest, plan_id: UUID, task_id: UUID, unit_id: UUID):
    ev = expected_version(request)
    return edit(request, plan_id, lambda rt: rt.campaigns.unassign_task(
        plan_id, actor(request), task_id, unit_id=unit_id, expected_version=ev))


@router.post("/plans/{plan_id}/requirements", response={201: RequirementAddedOut, **ERRORS}, summary="添加可检查的要求")
def add_requirement(request: HttpRequest, plan_id: UUID, payload: RequirementIn):
    """A machine-checkable rule, e.g. 集中学习不少于3天 = kind 专题学习, metric days, minimum 3."""
    ev = expected_version(request, payload)
    return add_item(request, plan_id, "requirements", lambda rt: rt.campaigns.add_requirement(
        plan_id, actor(request), expected_version=ev, **fields(payload)))


@router.delete("/plans/{plan_id}/requirements/{requirement_id}", response={200: PlanOut, **ERRORS}, summary="删除要求")
def remove_requirement(request: HttpRequest, plan_id: UUID, requirement_id: UUID):
    ev = expected_version(request)
    return edit(request, plan_id, lambda rt: rt.campaigns.remove_requirement(
        plan_id, actor(request), requirement_id, expected_version=ev))


# ------------------------------------------------------------------ lifecycle


@router.post("/plans/{plan_id}/publish", response={200: PlanOut, **ERRORS}, summary="下发方案", operation_id="publish_plan")
def publish(request: HttpRequest, plan_id: UUID, payload: PublishIn):
    """To the whole subtree (no ``unit_ids``) or to chosen units below, with a deadline to derive."""
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.publish(
        plan_id, actor(request), unit_ids=payload.unit_ids, derive_deadline=payload.derive_deadline,
        expected_version=ev))


@router.post("/plans/{plan_id}/reopen", response={200: PlanOut, **ERRORS}, summary="重新打开方案以修订", operation_id="reopen_plan")
def reopen(request: HttpRequest, plan_id: UUID, payload: ReasonIn):
    """Open a published campaign for amendment (or an approved plan for revision)."""
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.reopen(
        plan_id, actor(request), payload.reason, expected_version=ev))


@router.post("/plans/{plan_id}/amend", response={200: PlanOut, **ERRORS}, summary="发布修订版本")
def publish_amendment(request: HttpRequest, plan_id: UUID, payload: AmendIn):
    """Release the amended campaign as the next version, with a change summary. Every
    derived plan is marked "upstream changed" by the outbox policy before the answer."""
    ev = expected_version(request, payload)
    out = edit(request, plan_id, lambda rt: rt.campaigns.publish_amendment(
        plan_id, actor(request), payload.summary, expected_version=ev))
    return tell_children(plan_id, out["released_version"])


def tell_children(plan_id: UUID, version: int) -> dict:
    """The outbox policy's rows for this release, performed before answering (the workers
    would perform them a moment later); the plan as it stands then."""
    from taolun.platform.runtime import get_runtime

    get_runtime().run_outbox_now(upstream_rows(plan_id, version))
    return _camp_out(plan_id)


def _camp_out(plan_id: UUID) -> dict:
    from taolun.platform.runtime import get_runtime

    return plan_out(get_runtime().campaigns.get_plan(plan_id))


@router.post("/plans/{plan_id}/derive", response={201: PlanOut, **ERRORS}, summary="制定本单位的实施方案（派生）", operation_id="derive_plan")
def derive(request: HttpRequest, plan_id: UUID, payload: DeriveIn):
    """A district bureau or school admin derives its own plan from a released parent plan."""
    access_plan(request, plan_id)
    access_node(request, payload.tenant_id, "admin")
    derived_id = run_command(request, lambda rt: rt.campaigns.derive_plan(
        plan_id, actor(request), payload.tenant_id, payload.title))
    return Status(201, _camp_out(derived_id))


@router.post("/plans/{plan_id}/submit", response={200: PlanOut, **ERRORS}, summary="报送实施方案", operation_id="submit_plan")
def submit(request: HttpRequest, plan_id: UUID, payload: Versioned):
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.submit(plan_id, actor(request), expected_version=ev))


@router.post("/plans/{plan_id}/approve", response={200: PlanOut, **ERRORS}, summary="审核通过实施方案", operation_id="approve_plan")
def approve(request: HttpRequest, plan_id: UUID, payload: CommentIn):
    """The parent unit's admin approves a submitted plan (releasing a version)."""
    ev = expected_version(request, payload)
    out = edit(request, plan_id, lambda rt: rt.campaigns.approve(
        plan_id, actor(request), payload.comment, expected_version=ev), "admin", "viewer",
        "auditor", "inspector", "secretary")
    return tell_children(plan_id, out["released_version"]) if out["released_version"] > 1 else out


@router.post("/plans/{plan_id}/return", response={200: PlanOut, **ERRORS}, summary="退回实施方案（说明理由）")
def return_plan(request: HttpRequest, plan_id: UUID, payload: ReturnIn):
    """The parent unit's admin returns a submitted plan with reasons."""
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.return_plan(
        plan_id, actor(request), payload.reasons, expected_version=ev), "admin", "viewer",
        "auditor", "inspector", "secretary")


@router.get("/plans/{plan_id}/upstream", response={200: UpstreamOut, **ERRORS}, summary="查看待同步的上级修订", operation_id="read_upstream_change")
def upstream(request: HttpRequest, plan_id: UUID):
    """The pending upstream change: the structured diff and what blocks the rebase."""
    access_own_plan(request, plan_id)
    plan = _camp(request).get_plan(plan_id)
    if plan.upstream is None:
        return {"pending": False, "parent_version": plan.parent_version, "diff": None, "conflicts": []}
    return jsonable({"pending": True, "parent_version": plan.upstream["parent_version"],
                      "based_on": plan.parent_version, "diff": plan.upstream["diff"],
                      "conflicts": plan.conflicts()})


@router.post("/plans/{plan_id}/rebase", response={200: PlanOut, **ERRORS}, summary="同步上级修订", operation_id="rebase_plan")
def rebase(request: HttpRequest, plan_id: UUID, payload: Versioned):
    """Take the pending upstream change; 422 ``rebase_conflicts`` while conflicts remain."""
    ev = expected_version(request, payload)
    return edit(request, plan_id, lambda rt: rt.campaigns.rebase(plan_id, actor(request), expected_version=ev))


@router.get("/plans/{plan_id}/children", response={200: ChildrenOut, **ERRORS}, summary="下级实施方案及其同步情况", operation_id="list_child_plans")
def children(request: HttpRequest, plan_id: UUID):
    """Who derived from this plan, and who has (not) taken its latest release."""
    row = access_own_plan(request, plan_id)
    names = {}
    kids = list(PlanRow.objects.filter(parent_id=plan_id).order_by("path"))
    for n in OrgNode.objects.filter(pk__in=[k.node_id for k in kids]).values("id", "name"):
        names[n["id"]] = n["name"]
    items = []
    for k in kids:
        items.append({**plan_row_out(k), "tenant_name": names.get(k.node_id, ""),
                      "taken_latest": k.parent_version == row.released_version and not k.upstream_version})
    return {"released_version": row.released_version, "count": len(items),
            "taken": sum(1 for i in items if i["taken_latest"]),
            "not_taken": [i["tenant_name"] for i in items if not i["taken_latest"]], "items": items}


@router.get("/plans/{plan_id}/diff", response={200: DiffOut, **ERRORS}, summary="两个发布版本之间的差异")
def version_diff(request: HttpRequest, plan_id: UUID, old: int = Query(..., ge=0, le=MAX_INT),
                 new: int = Query(..., ge=0, le=MAX_INT)):
    """The structured diff between two released versions."""
    access_plan(request, plan_id)
    return jsonable(_camp(request).version_diff(plan_id, old, new))
