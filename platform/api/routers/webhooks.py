"""A unit's outgoing webhooks and their delivery log, for the unit's admins: create one
(its secret is shown once), list them, send a test, read what was delivered and how."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from taolun.notifications.models import Delivery, WebhookEndpoint
from taolun.notifications.webhooks import InvalidEndpoint, create_endpoint, queue_test
from taolun.platform.api.access import access_node, principal
from taolun.platform.api.errors import ApiError, not_found
from taolun.platform.api.schemas import ERRORS

router = Router(tags=["webhooks 推送"])


class WebhookIn(Schema):
    url: str = Field(min_length=8, max_length=500)
    # json: our signed JSON (we make the secret); wecom: 企业微信 robot (its key is in the URL);
    # dingtalk: 钉钉 robot, with its 加签 secret when it has one
    kind: Literal["json", "wecom", "dingtalk"] = "json"
    secret: str | None = Field(default=None, max_length=100)


class WebhookOut(Schema):
    id: int
    node_id: UUID
    kind: str
    url: str
    active: bool
    created_at: str
    secret: str | None = None  # only in the answer that created it


class DeliveryOut(Schema):
    id: int
    channel: str
    target: str
    endpoint_id: int | None
    rule: str
    subject: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def webhook_out(endpoint: WebhookEndpoint, secret: bool = False) -> dict:
    return {"id": endpoint.id, "node_id": endpoint.node_id, "kind": endpoint.kind, "url": endpoint.url, "active": endpoint.active,
            "created_at": endpoint.created_at.isoformat(), "secret": endpoint.secret if secret else None}


@router.post("/tenants/{tenant_id}/webhooks", response={201: WebhookOut, **ERRORS}, summary="新建推送地址")
def create_webhook(request: HttpRequest, tenant_id: UUID, payload: WebhookIn):
    node = access_node(request, tenant_id, "admin")
    try:
        endpoint = create_endpoint(node.id, payload.url, payload.kind, payload.secret, principal(request).user_id)
    except InvalidEndpoint as invalid:
        raise ApiError(422, invalid.code, invalid.message, field=invalid.field) from None
    return Status(201, webhook_out(endpoint, secret=True))


@router.get("/tenants/{tenant_id}/webhooks", response={200: list[WebhookOut], **ERRORS}, summary="列出推送地址")
def list_webhooks(request: HttpRequest, tenant_id: UUID):
    node = access_node(request, tenant_id, "admin")
    return [webhook_out(e) for e in WebhookEndpoint.objects.filter(node_id=node.id).order_by("id")]


@router.post("/webhooks/{webhook_id}/test", response={202: DeliveryOut, **ERRORS}, summary="发送测试推送")
def send_test(request: HttpRequest, webhook_id: int):
    endpoint = WebhookEndpoint.objects.filter(pk=webhook_id).first()
    try:
        if endpoint is None:
            raise not_found("推送地址")
        access_node(request, endpoint.node_id, "admin")
    except ApiError as refused:  # another unit's endpoint answers as a missing one: no oracle
        raise not_found("推送地址") if refused.status == 404 else refused from None
    return Status(202, queue_test(endpoint))


@router.get("/tenants/{tenant_id}/webhooks/deliveries", response={200: list[DeliveryOut], **ERRORS},
            summary="推送记录")
@paginate
def list_deliveries(request: HttpRequest, tenant_id: UUID):
    """The unit's webhook deliveries, newest first: status, attempts, the last error."""
    node = access_node(request, tenant_id, "admin")
    return Delivery.objects.filter(node_id=node.id, channel="webhook")
