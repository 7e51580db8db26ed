"""What units do: activities (with evidence files), suggestions (献一策), problems and
rectifications (问题清单/整改清单)."""

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from taolun.events.campaigns.lights import problem_light
from taolun.infra.blobs import blob_store
from taolun.platform.api.access import (
    LOGGERS,
    access_activity,
    access_node,
    access_plan,
    access_problem,
    access_suggestion,
    principal,
)
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.errors import not_found
from taolun.platform.api.listing import Rows, subtree_rows
from taolun.platform.api.outputs import ActivityOut, EvidenceOut, ProblemOut, SuggestionOut
from taolun.platform.api.time_travel import AS_OF, entries_then, entry_then, moment
from taolun.platform.evidence import cited_file
from taolun.platform.api.schemas import (
    ActivityCorrectIn,
    ActivityIn,
    ERRORS,
    UPLOAD_ERRORS,
    ActivityKind,
    CompleteIn,
    ProblemIn,
    ReasonIn,
    RectificationIn,
    RectProgressIn,
    SuggestionIn,
    TextIn,
)
from taolun.projections import progress as figures
from taolun.projections.as_of import moments
from taolun.projections.campaigns import time_zone
from taolun.projections.jsonable import jsonable
from taolun.projections.models import (
    ActivityRow,
    ProblemRow,
    SuggestionRow,
)

router = Router(tags=["activities 活动记录"])
EVIDENCE, ACTIVITIES = ["evidence 佐证材料"], ["activities 活动记录"]
SUGGESTIONS, PROBLEMS = ["suggestions 献一策"], ["problems 问题与整改"]


# ------------------------------------------------------------------ evidence


@router.post("/evidence", response={201: EvidenceOut, **UPLOAD_ERRORS}, summary="上传佐证材料", tags=EVIDENCE)
def upload_evidence(request: HttpRequest, tenant_id: Form[UUID], file: File[UploadedFile]):
    """Upload one evidence file for a unit (multipart: ``tenant_id`` and ``file``): ≤ 20 MB,
    JPEG/PNG/HEIC/PDF/DOCX/XLSX by content (413 ``evidence_too_large``, 415
    ``unsupported_evidence_type``). Answers the reference to put in an activity's or
    rectification's ``evidence``."""
    access_node(request, tenant_id, *LOGGERS)
    blob = blob_store().put(file.chunks(), file.name or "", uploader=principal(request).user_id)
    return Status(201, blob.ref())


@router.get("/evidence/{sha256}", response={200: None, **ERRORS}, summary="下载佐证材料", tags=EVIDENCE)
def download_evidence(request: HttpRequest, sha256: str):
    """Download an evidence file, streamed with its content type (by its magic bytes).
    Only to callers who can see an activity or a problem that references it (now or in its
    history); anything else answers 404, like a missing file."""
    response = cited_file(principal(request), sha256)
    if response is None:
        raise not_found("佐证材料")
    return response


# ------------------------------------------------------------------ activities


def activity_out(r: ActivityRow) -> dict:
    return jsonable({
        "id": r.id, "campaign_id": r.campaign_id, "plan_id": r.plan_id, "tenant_id": r.node_id,
        "logged_by": r.logged_by, "kind": r.kind, "title": r.title, "start": r.start, "end": r.end,
        "participants": r.participants, "hours": r.hours, "phase_id": r.phase_id,
        "task_id": r.task_id, "status": r.status, **r.data,
        "logged_at": r.logged_at.isoformat(), "updated_at": r.updated_at.isoformat(),
    })


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="登记活动", tags=ACTIVITIES)
def log_activity(request: HttpRequest, payload: ActivityIn):
    """A branch secretary / office head (or a school admin) logs an activity, linked to the
    plan's phase, task and topics, with evidence references from ``POST /evidence``."""
    node = access_node(request, payload.tenant_id, *LOGGERS, check_only=True)
    access_plan(request, payload.plan_id, check_only=True)
    body = payload.dict(exclude_none=True)
    for key in ("tenant_id", "plan_id"):
        body.pop(key)
    activity_id = run_command(
        request, lambda rt: rt.campaigns.log_activity(actor(request), node.id, payload.plan_id, **body))
    return Status(201, activity_out(ActivityRow.objects.get(pk=activity_id)))


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="读取活动记录", tags=ACTIVITIES)
def read_activity(request: HttpRequest, activity_id: UUID, as_of: str | None = Query(None, description=AS_OF)):
    row, when = access_activity(request, activity_id), moment(as_of)
    if when is not None:
        return entry_then(request, ActivityRow, activity_id, "活动记录", activity_out, when)
    return activity_out(row)


@router.get("/tenants/{tenant_id}/activities", response={200: list[ActivityOut], **ERRORS}, summary="列出本单位及下级单位的活动记录", tags=ACTIVITIES)
@paginate
def list_activities(request: HttpRequest, tenant_id: UUID, campaign_id: UUID | None = None,
                    status: str | None = None, kind: ActivityKind | None = None,
                    as_of: str | None = Query(None, description=AS_OF)):
    node, when = access_node(request, tenant_id), moment(as_of)
    if when is not None:
        return entries_then(request, ActivityRow, tenant_id, ("-start", "id"), activity_out, when,
                            campaign_id=campaign_id, status=status, kind=kind)
    rows = subtree_rows(ActivityRow, node.path, campaign_id=campaign_id, status=status, kind=kind)
    return Rows(rows.order_by("-start", "id"), activity_out)


@router.post("/activities/{activity_id}/correct", response={200: ActivityOut, **ERRORS}, summary="更正活动记录（说明理由）", tags=ACTIVITIES)
def correct_activity(request: HttpRequest, activity_id: UUID, payload: ActivityCorrectIn):
    """Fix one's own entry (also the answer to a return), with a reason."""
    access_activity(request, activity_id)
    changes = payload.dict(exclude_none=True)
    reason = changes.pop("reason")
    run_command(request, lambda rt: rt.campaigns.correct_activity(activity_id, actor(request), reason, **changes))
    return activity_out(ActivityRow.objects.get(pk=activity_id))


@router.post("/activities/{activity_id}/retract", response={200: ActivityOut, **ERRORS}, summary="撤回活动记录（说明理由）", tags=ACTIVITIES)
def retract_activity(request: HttpRequest, activity_id: UUID, payload: ReasonIn):
    """Withdraw one's own entry, with a reason (it is kept, and stops counting)."""
    access_activity(request, activity_id)
    run_command(request, lambda rt: rt.campaigns.retract_activity(activity_id, actor(request), payload.reason))
    return activity_out(ActivityRow.objects.get(pk=activity_id))


@router.post("/activities/{activity_id}/return", response={200: ActivityOut, **ERRORS}, summary="驳回活动记录（上级单位）", tags=ACTIVITIES)
def return_activity(request: HttpRequest, activity_id: UUID, payload: ReasonIn):
    """驳回: the parent sends a thin entry back with a reason."""
    access_activity(request, activity_id)
    run_command(request, lambda rt: rt.campaigns.return_activity(activity_id, actor(request), payload.reason))
    return activity_out(ActivityRow.objects.get(pk=activity_id))


# ------------------------------------------------------------------ suggestions


def suggestion_out(request: HttpRequest, r: SuggestionRow) -> dict:
    """The author of an anonymous suggestion is shown to its author and to readers at the
    unit itself (or below); readers above the unit see "匿名" (an auditor may unmask it, and
    that read is recorded: ``POST /suggestions/{id}/unmask``)."""
    who = principal(request)
    shown = not r.anonymous or any(
        r.path.startswith(p) and len(p) >= len(r.path) for p, _ in who.grants
    ) or r.author == who.user_id
    return jsonable({
        "id": r.id, "campaign_id": r.campaign_id, "plan_id": r.plan_id, "tenant_id": r.node_id,
        "author": r.author if shown else None, "anonymous": r.anonymous, "title": r.title,
        "content": r.content, "category": r.category, "status": r.status,
        "adoption_note": r.adoption_note, "answer": r.answer, "topic_ids": r.topic_ids,
        "submitted_at": r.submitted_at.isoformat(),
    })


@router.post("/suggestions", response={201: SuggestionOut, **ERRORS}, summary="提交建议（献一策）", tags=SUGGESTIONS)
def submit_suggestion(request: HttpRequest, payload: SuggestionIn):
    node = access_node(request, payload.tenant_id, "admin", "secretary", "viewer", check_only=True)
    access_plan(request, payload.plan_id, check_only=True)
    suggestion_id = run_command(request, lambda rt: rt.campaigns.submit_suggestion(
        actor(request), node.id, payload.plan_id, title=payload.title, content=payload.content,
        anonymous=payload.anonymous, topic_ids=payload.topic_ids))
    return Status(201, suggestion_out(request, SuggestionRow.objects.get(pk=suggestion_id)))


@router.get("/suggestions/{suggestion_id}", response={200: SuggestionOut, **ERRORS}, summary="读取建议", tags=SUGGESTIONS)
def read_suggestion(request: HttpRequest, suggestion_id: UUID, as_of: str | None = Query(None, description=AS_OF)):
    row, when = access_suggestion(request, suggestion_id), moment(as_of)
    if when is not None:
        return entry_then(request, SuggestionRow, suggestion_id, "建议",
                          lambda r: suggestion_out(request, r), when)
    return suggestion_out(request, row)


@router.get("/tenants/{tenant_id}/suggestions", response={200: list[SuggestionOut], **ERRORS}, summary="列出本单位及下级单位的建议", tags=SUGGESTIONS)
@paginate
def list_suggestions(request: HttpRequest, tenant_id: UUID, campaign_id: UUID | None = None,
                     as_of: str | None = Query(None, description=AS_OF)):
    node, when = access_node(request, tenant_id), moment(as_of)
    if when is not None:
        return entries_then(request, SuggestionRow, tenant_id, ("-submitted_at", "id"),
                            lambda r: suggestion_out(request, r), when, campaign_id=campaign_id)
    rows = subtree_rows(SuggestionRow, node.path, campaign_id=campaign_id)
    return Rows(rows.order_by("-submitted_at", "id"), lambda r: suggestion_out(request, r))


@router.post("/suggestions/{suggestion_id}/unmask", response={200: SuggestionOut, **ERRORS}, summary="查看匿名建议的作者（留痕）", operation_id="unmask_suggestion_author", tags=SUGGESTIONS)
def unmask_author(request: HttpRequest, suggestion_id: UUID):
    """An auditor reads who wrote an anonymous suggestion. The read is itself an event in
    the suggestion's history (``AuthorUnmasked``: who unmasked it, when)."""
    access_suggestion(request, suggestion_id, "auditor")
    authors: list[UUID] = []

    def command(rt):
        author, nid = rt.campaigns.unmask_suggestion_author(suggestion_id, actor(request))
        authors.append(author)
        return nid

    run_command(request, command)
    return {**suggestion_out(request, SuggestionRow.objects.get(pk=suggestion_id)), "author": authors[0]}


def _suggestion_command(request, suggestion_id, call) -> dict:
    access_suggestion(request, suggestion_id, "admin")
    run_command(request, call)
    return suggestion_out(request, SuggestionRow.objects.get(pk=suggestion_id))


@router.post("/suggestions/{suggestion_id}/categorise", response={200: SuggestionOut, **ERRORS}, summary="为建议分类", operation_id="categorise_suggestion", tags=SUGGESTIONS)
def categorise(request: HttpRequest, suggestion_id: UUID, payload: TextIn):
    return _suggestion_command(request, suggestion_id, lambda rt: rt.campaigns.categorise_suggestion(
        suggestion_id, actor(request), payload.text))


@router.post("/suggestions/{suggestion_id}/adopt", response={200: SuggestionOut, **ERRORS}, summary="采纳建议", operation_id="adopt_suggestion", tags=SUGGESTIONS)
def adopt(request: HttpRequest, suggestion_id: UUID, payload: TextIn):
    return _suggestion_command(request, suggestion_id, lambda rt: rt.campaigns.adopt_suggestion(
        suggestion_id, actor(request), payload.text))


@router.post("/suggestions/{suggestion_id}/answer", response={200: SuggestionOut, **ERRORS}, summary="答复建议", operation_id="answer_suggestion", tags=SUGGESTIONS)
def answer(request: HttpRequest, suggestion_id: UUID, payload: TextIn):
    return _suggestion_command(request, suggestion_id, lambda rt: rt.campaigns.answer_suggestion(
        suggestion_id, actor(request), payload.text))


# ------------------------------------------------------------------ problems


def problem_out(r: ProblemRow, on: date | None = None) -> dict:
    on = on or figures.today(time_zone())
    return jsonable({
        "id": r.id, "campaign_id": r.campaign_id, "plan_id": r.plan_id, "tenant_id": r.node_id,
        "description": r.description, "category": r.category, "source": r.source,
        "status": r.status, "rectification": r.rectification, "deadline": r.deadline,
        "percent": r.percent, "reopened": r.reopened, "history": r.history,
        "light": problem_light(r.status, r.deadline, r.reopened, on),
        "days_left": None if not r.deadline else (date.fromisoformat(r.deadline) - on).days,
        "recorded_at": r.recorded_at.isoformat(),
    })


@router.post("/problems", response={201: ProblemOut, **ERRORS}, summary="登记问题", tags=PROBLEMS)
def record_problem(request: HttpRequest, payload: ProblemIn):
    node = access_node(request, payload.tenant_id, *LOGGERS, check_only=True)
    access_plan(request, payload.plan_id, check_only=True)
    problem_id = run_command(request, lambda rt: rt.campaigns.record_problem(
        actor(request), node.id, payload.plan_id, description=payload.description,
        category=payload.category, source=payload.source))
    return Status(201, problem_out(ProblemRow.objects.get(pk=problem_id)))


@router.get("/problems/{problem_id}", response={200: ProblemOut, **ERRORS}, summary="读取问题", tags=PROBLEMS)
def read_problem(request: HttpRequest, problem_id: UUID, as_of: str | None = Query(None, description=AS_OF)):
    row, when = access_problem(request, problem_id), moment(as_of)
    if when is not None:
        day = moments.day_of(when)
        return entry_then(request, ProblemRow, problem_id, "问题", lambda r: problem_out(r, day), when)
    return problem_out(row)


@router.get("/tenants/{tenant_id}/problems", response={200: list[ProblemOut], **ERRORS}, summary="列出本单位及下级单位的问题", tags=PROBLEMS)
@paginate
def list_problems(request: HttpRequest, tenant_id: UUID, campaign_id: UUID | None = None,
                  status: str | None = None, as_of: str | None = Query(None, description=AS_OF)):
    node, when = access_node(request, tenant_id), moment(as_of)
    if when is not None:
        day = moments.day_of(when)
        return entries_then(request, ProblemRow, tenant_id, ("deadline", "id"),
                            lambda r: problem_out(r, day), when, campaign_id=campaign_id, status=status)
    rows = subtree_rows(ProblemRow, node.path, campaign_id=campaign_id, status=status)
    on = figures.today(time_zone())
    return Rows(rows.order_by("deadline", "id"), lambda r: problem_out(r, on))


def _problem_command(request, problem_id, call, *roles: str) -> dict:
    """Record-keeping on a problem needs a logger's role at its unit; the checks made from
    above (verify, reopen) are the write side's: the caller need only see the problem."""
    access_problem(request, problem_id, *roles)
    run_command(request, call)
    return problem_out(ProblemRow.objects.get(pk=problem_id))


@router.post("/problems/{problem_id}/rectification", response={200: ProblemOut, **ERRORS}, summary="制定整改措施", tags=PROBLEMS)
def plan_rectification(request: HttpRequest, problem_id: UUID, payload: RectificationIn):
    """Measures, 牵头领导 (lead leader), 责任单位 (responsible units), 整改时限 (deadline)."""
    return _problem_command(request, problem_id, lambda rt: rt.campaigns.plan_rectification(
        problem_id, actor(request), **payload.dict()), *LOGGERS)


@router.post("/problems/{problem_id}/progress", response={200: ProblemOut, **ERRORS}, summary="报告整改进展", operation_id="report_rectification_progress", tags=PROBLEMS)
def report_progress(request: HttpRequest, problem_id: UUID, payload: RectProgressIn):
    return _problem_command(request, problem_id, lambda rt: rt.campaigns.report_rectification_progress(
        problem_id, actor(request), note=payload.note, percent=payload.percent,
        evidence=payload.evidence), *LOGGERS)


@router.post("/problems/{problem_id}/complete", response={200: ProblemOut, **ERRORS}, summary="整改完成（附佐证材料）", operation_id="complete_rectification", tags=PROBLEMS)
def complete(request: HttpRequest, problem_id: UUID, payload: CompleteIn):
    """Completion requires evidence (uploaded first)."""
    return _problem_command(request, problem_id, lambda rt: rt.campaigns.complete_rectification(
        problem_id, actor(request), summary=payload.summary, evidence=payload.evidence), *LOGGERS)


@router.post("/problems/{problem_id}/verify", response={200: ProblemOut, **ERRORS}, summary="验收整改（销号，上级单位）", operation_id="verify_rectification", tags=PROBLEMS)
def verify(request: HttpRequest, problem_id: UUID, payload: TextIn):
    """The parent verifies a completed rectification (销号)."""
    return _problem_command(request, problem_id, lambda rt: rt.campaigns.verify_rectification(
        problem_id, actor(request), payload.text))


@router.post("/problems/{problem_id}/reopen", response={200: ProblemOut, **ERRORS}, summary="重新打开整改（上级单位）", tags=PROBLEMS)
def reopen_problem(request: HttpRequest, problem_id: UUID, payload: ReasonIn):
    return _problem_command(request, problem_id, lambda rt: rt.campaigns.reopen_problem(
        problem_id, actor(request), payload.reason))
