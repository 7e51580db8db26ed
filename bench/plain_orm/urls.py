"""POST /api/v1/tenants (validate + insert), GET/PUT /api/v1/doc (a static document), and
the campaign feature built without event sourcing: POST /api/v1/activities and the progress
reads computed on read (plain_orm/progress.py), behind the same bearer-token authentication
and subtree access check as Taolun's."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import orjson
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.security import HttpBearer

from plain_orm import progress
from plain_orm.models import (
    PlainActivity, PlainCampaign, PlainNode, PlainPhase, PlainPlan, PlainTask, PlainTopic, PlainUser,
)
from taolun.events.campaigns.activity import Activity
from taolun.events.campaigns.rules import LOGGERS
from taolun.events.kernel import DomainError

api = NinjaAPI(urls_namespace="plain")
ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    is_operator: bool
    grants: tuple[tuple[str, str], ...]

    def sees(self, node_path: str) -> bool:
        return self.is_operator or any(node_path.startswith(p) for p, _ in self.grants)

    def may(self, node_path: str, *roles: str) -> bool:
        return self.is_operator or any(node_path.startswith(p) and r in roles for p, r in self.grants)


class Bearer(HttpBearer):
    """Taolun's lookup: the SHA-256 of the token, the live token's user with its grants in
    one LEFT JOIN, on every request (nothing cached, like Taolun)."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        rows = list(PlainUser.objects.filter(
            tokens__token_hash=digest, tokens__revoked_at__isnull=True,
            tokens__expires_at__gt=timezone.now(),
        ).values_list("id", "is_operator", "grants__path", "grants__role"))
        if not rows:
            return None
        return Principal(rows[0][0], rows[0][1], tuple((p, r) for *_, p, r in rows if p is not None))


bearer = Bearer()

KindName = Literal["bureau", "school", "branch", "office"]


class TenantIn(Schema):  # the same shape as taolun.platform.api.schemas.TenantIn
    kind: KindName
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    parent_id: uuid.UUID | None = None


class NodeOut(Schema):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    code: str
    name: str
    path: str
    depth: int


class Error(Schema):
    code: str
    message: str
    details: dict = {}


@api.post("/tenants", response={201: NodeOut, 404: Error, 409: Error})
def create_node(request: HttpRequest, payload: TenantIn):
    parent = None
    if payload.parent_id is not None:
        parent = PlainNode.objects.filter(pk=payload.parent_id).first()
        if parent is None:
            return 404, {"code": "not_found", "message": "parent not found"}
    node_id = uuid.uuid4()
    path_ = (parent.path if parent else "") + node_id.hex + "/"
    try:
        with transaction.atomic():
            node = PlainNode.objects.create(
                id=node_id, parent_id=payload.parent_id, kind=payload.kind,
                code=payload.code.strip(), name=payload.name.strip(), path=path_,
                depth=path_.count("/") - 1,
            )
    except IntegrityError:
        return 409, {"code": "duplicate_code", "message": "duplicate code"}
    return 201, node


_document = {"body": b"{}"}


@api.put("/doc")
def set_document(request: HttpRequest):
    """Store the bytes that GET /doc answers (the benchmark sizes it like the tree view)."""
    _document["body"] = request.body
    return {"length": len(request.body)}


@api.get("/doc")
def get_document(request: HttpRequest):
    return HttpResponse(_document["body"], content_type="application/json")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


class ActivityIn(Schema):  # the fields of taolun.platform.api.schemas.ActivityIn the bench sends
    tenant_id: uuid.UUID
    plan_id: uuid.UUID
    kind: str
    title: str = Field(max_length=500)
    start: str
    end: str
    participants: int | None = Field(default=None, ge=0)
    hours: Decimal | None = None
    location: str | None = None
    phase_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    topic_ids: list[uuid.UUID] | None = None


class ActivityOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    campaign_id: uuid.UUID
    plan_id: uuid.UUID
    phase_id: uuid.UUID | None
    task_id: uuid.UUID | None
    topic_ids: list[uuid.UUID]
    logged_by: uuid.UUID
    kind: str
    title: str
    start: date
    end: date
    participants: int
    hours: Decimal | None
    status: str
    logged_at: datetime


def _error(status: int, code: str, message: str, **details):
    return status, {"code": code, "message": message, "details": details}


@api.post("/activities", auth=bearer, response={201: ActivityOut, 403: Error, 404: Error, 422: Error})
def log_activity(request: HttpRequest, payload: ActivityIn):
    who: Principal = request.auth
    node = PlainNode.objects.filter(pk=payload.tenant_id).first()
    if node is None or not who.sees(node.path):
        return _error(404, "not_found", "单位不存在")
    if not who.may(node.path, *LOGGERS):
        return _error(403, "forbidden", "无权操作")
    plan = PlainPlan.objects.select_related("campaign").filter(pk=payload.plan_id).first()
    if plan is None or not node.path.startswith(plan.path):
        return _error(404, "not_found", "方案不存在")
    campaign = plan.campaign
    fields = payload.dict(exclude_none=True, exclude={"tenant_id", "plan_id"})
    try:  # Taolun's own pure rules: the same checks of the same fields
        valid = Activity.validate(fields, plan=None)
        Activity.check_dates(valid["start"], valid["end"],
                             (campaign.window_start.isoformat(), campaign.window_end.isoformat()))
    except DomainError as error:
        return _error(422, error.code, error.message, **error.details)
    # The links must belong to the campaign: one query per kind of link.
    if payload.phase_id and not PlainPhase.objects.filter(pk=payload.phase_id, campaign=campaign).exists():
        return _error(404, "phases_not_found", "阶段不存在")
    if payload.task_id and not PlainTask.objects.filter(pk=payload.task_id, campaign=campaign).exists():
        return _error(404, "tasks_not_found", "任务不存在")
    topic_ids = sorted(set(payload.topic_ids or []))
    if topic_ids and PlainTopic.objects.filter(pk__in=topic_ids, campaign=campaign).count() != len(topic_ids):
        return _error(404, "topics_not_found", "专题不存在")
    with transaction.atomic():
        activity = PlainActivity.objects.create(
            node=node, campaign=campaign, plan=plan, phase_id=payload.phase_id, task_id=payload.task_id,
            logged_by_id=who.user_id, kind=valid["kind"], title=valid["title"],
            start=valid["start"][:10], end=valid["end"][:10], participants=valid.get("participants", 0),
            hours=valid.get("hours"))
        if topic_ids:
            activity.topics.set(topic_ids)
    activity.refresh_from_db(fields=["start", "end", "logged_at"])  # dates as the database holds them
    return 201, {
        "id": activity.id, "tenant_id": node.id, "campaign_id": campaign.id, "plan_id": plan.id,
        "phase_id": activity.phase_id, "task_id": activity.task_id, "topic_ids": topic_ids,
        "logged_by": who.user_id, "kind": activity.kind, "title": activity.title,
        "start": activity.start, "end": activity.end, "participants": activity.participants,
        "hours": activity.hours, "status": activity.status, "logged_at": activity.logged_at}


def _visible_root(request: HttpRequest, campaign_id: uuid.UUID, node_id: uuid.UUID):
    campaign = PlainCampaign.objects.filter(pk=campaign_id).first()
    root = PlainNode.objects.filter(pk=node_id).first()
    if campaign is None or root is None or not request.auth.sees(root.path):
        return None, None
    return campaign, root


def _json(body: dict) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), content_type="application/json")


@api.get("/campaigns/{campaign_id}/progress/{node_id}", auth=bearer, response={404: Error})
def node_progress(request: HttpRequest, campaign_id: uuid.UUID, node_id: uuid.UUID):
    campaign, root = _visible_root(request, campaign_id, node_id)
    if root is None:
        return _error(404, "not_found", "进度不存在")
    return _json(progress.node_progress(campaign, root, datetime.now(ZONE).date()))


@api.get("/campaigns/{campaign_id}/progress/{node_id}/units", auth=bearer, response={404: Error})
def list_units(request: HttpRequest, campaign_id: uuid.UUID, node_id: uuid.UUID,
               kind: str = "branch", light: str = "red", limit: int = 50, offset: int = 0):
    campaign, root = _visible_root(request, campaign_id, node_id)
    if root is None:
        return _error(404, "not_found", "进度不存在")
    return _json(progress.red_units(campaign, root, datetime.now(ZONE).date(), kind, light,
                                    min(limit, 200), offset))


urlpatterns = [path("healthz", healthz), path("api/v1/", api.urls)]
