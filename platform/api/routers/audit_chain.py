"""The audit chain over HTTP: its public key (anyone), its status and "verify now"
(auditors, admins), and the bundle an auditor verifies offline (docs/audit.md)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Path, Router, Schema, Status

from taolun.events.values import MAX_BIGINT
from taolun.platform.api.access import access_chain, access_chain_export
from taolun.platform.api.errors import not_found
from taolun.platform.api.schemas import Error
from taolun.platform.chain_jobs import start_verification
from taolun.platform.runtime import get_runtime
from taolun.projections.chain.export import BundleWriter
from taolun.projections.chain.models import ChainVerification
from taolun.projections.chain.status import chain_status, verification_out

router = Router(tags=["audit 审计"])
ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}


class PublicKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key: str


@router.get("/audit/public-key", auth=None, response={200: PublicKeyOut}, summary="审计链签名公钥（无需登录）",
            operation_id="read_audit_public_key")
def read_audit_public_key(request: HttpRequest):
    """The Ed25519 public key that verifies the chain's signed checkpoints (PEM)."""
    signer = get_runtime().signer
    return {"algorithm": "Ed25519", "key_id": signer.key_id, "public_key": signer.public_key_pem}


@router.get("/audit/chain", response={200: dict, **ERRORS}, summary="审计链状态：最近的校验与签名检查点",
            operation_id="read_audit_chain")
def read_audit_chain(request: HttpRequest):
    access_chain(request)
    return chain_status(get_runtime().apps.recorder.max_notification_id() or 0, get_runtime().signer.key_id)


@router.post("/audit/chain/verifications", response={202: dict, **ERRORS}, summary="立即校验审计链（后台运行）",
             operation_id="start_chain_verification")
def start_chain_verification(request: HttpRequest):
    who = access_chain(request)
    return Status(202, verification_out(start_verification(get_runtime(), who.user_id)))


@router.get("/audit/chain/verifications/{verification_id}", response={200: dict, **ERRORS},
            summary="查看审计链校验的进度与结果", operation_id="read_chain_verification")
def read_chain_verification(request: HttpRequest, verification_id: int = Path(..., ge=1, le=MAX_BIGINT)):
    access_chain(request)
    run = ChainVerification.objects.filter(pk=verification_id).first()
    if run is None:
        raise not_found("校验")
    return verification_out(run)


@router.get("/audit/chain/export", response={200: None, **ERRORS}, summary="导出审计包（可离线校验）",
            operation_id="export_audit_bundle")
def export_audit_bundle(request: HttpRequest, node_id: UUID | None = None):
    """JSON Lines, streamed: the events of the unit's subtree in full, the others' as
    digests, the chain's links and signed checkpoints, and the public key. Verify it with
    ``python verify_bundle.py bundle.jsonl`` (projections/chain/verify_bundle.py)."""
    return bundle_response(request, node_id)


def bundle_response(request: HttpRequest, node_id: UUID | None) -> StreamingHttpResponse:
    """The bundle the caller may see (the API's and the page's download)."""
    scope, tenants = access_chain_export(request, node_id)
    runtime = get_runtime()
    writer = BundleWriter(runtime.apps.recorder, runtime.apps.mapper, runtime.signer.public_key_pem,
                          runtime.signer.key_id, tenants=tenants, scope=scope)
    response = StreamingHttpResponse(writer.lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="taolun-audit-{scope}.jsonl"'
    return response
