"""Importing 实施方案 documents (.docx, .txt in UTF-8/GB18030, pasted text) into drafts."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from taolun.platform.api.access import access_node
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.errors import ApiError
from taolun.platform.api.idempotency import Accepted
from taolun.platform.api.outputs import ExtractedOut
from taolun.platform.api.schemas import UPLOAD_ERRORS as ERRORS
from taolun.platform.plan_imports import extract, import_plan
from taolun.platform.security import throttle_import_previews

router = Router(tags=["imports 导入"])


class ImportOut(Schema):
    plan_id: UUID
    kind: str
    imported: dict[str, int]
    notes: list[dict[str, Any]]
    missing: list[dict[str, Any]]
    unplaced: list[str]
    confidence: dict[str, float]
    extracted: dict[str, Any]


def _document(file: UploadedFile | None, text: str | None) -> tuple[bytes, str | None]:
    if file is not None:
        return file.read(), file.name
    if text:
        return text.encode("utf-8"), "pasted.txt"
    raise ApiError(422, "document_required", "请上传文件（file）或粘贴文本（text）", field="file")


@router.post("/plan-imports/preview", response={200: ExtractedOut, **ERRORS}, summary="预览文档的提取结果（不保存）")
def preview_import(request: HttpRequest, file: File[UploadedFile] = None, text: Form[str] = None):
    """Extract the structure of a document without saving anything (multipart: ``file`` or
    ``text``). Every field carries the span of the source it came from."""
    throttle_import_previews(request)
    data, name = _document(file, text)
    return extract(data, name)


@router.post("/tenants/{tenant_id}/plan-imports", response={201: ImportOut, **ERRORS}, summary="导入文档为本单位的草稿方案")
def create_import(
    request: HttpRequest, tenant_id: UUID, file: File[UploadedFile] = None,
    text: Form[str] = None, parent_plan_id: Form[UUID] = None,
):
    """Import a document as this unit's draft: a campaign, or a plan derived from
    ``parent_plan_id``. The answer lists what could not be placed or applied."""
    access_node(request, tenant_id, "admin")
    data, name = _document(file, text)
    results: list[dict] = []

    def command(rt):
        result = import_plan(
            rt, actor=actor(request), tenant_id=tenant_id, data=data, filename=name,
            parent_plan_id=parent_plan_id,
        )
        results.append(result)
        return result["plan_id"], result["notification_id"]

    plan_id = run_command(request, command)
    if not results:  # a retry of an import that committed: the plan stands, read it there
        raise Accepted(request.taolun_notification_id, plan_id)  # type: ignore[attr-defined]
    return Status(201, results[0])
