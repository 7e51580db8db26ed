"""POST /api/v1/tenants (validate + insert) and GET/PUT /api/v1/doc (a static document)."""

import uuid
from typing import Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import Field, NinjaAPI, Schema

from plain_orm.models import PlainNode

api = NinjaAPI(urls_namespace="plain")

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


urlpatterns = [path("healthz", healthz), path("api/v1/", api.urls)]
