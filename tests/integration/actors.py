"""Who acts in the integration tests: the write side checks who may do what, so commands
are issued by a registered user."""

from __future__ import annotations

from uuid import UUID, uuid4


def operator(runtime) -> UUID:
    """A registered platform operator (it may act on every unit)."""
    user_id, _ = runtime.tenancy.register_user(
        None, f"ops-{uuid4().hex[:12]}@test.cn", "运维", None, is_operator=True)
    return user_id


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def uploaded_evidence(uploader: UUID) -> dict:
    """An evidence file ``uploader`` stored (so the write side lets them cite it)."""
    from taolun.infra.blobs import blob_store

    return blob_store().put([PDF], "整改佐证.pdf", uploader=uploader).ref()


def token_for(runtime, node: UUID, role: str) -> tuple[UUID, str]:
    """A new user at ``node`` holding ``role`` there, and an API token of theirs."""
    user_id, _ = runtime.tenancy.register_user(
        None, f"u-{uuid4().hex[:12]}@test.cn", "用户", node)
    runtime.tenancy.grant_role(None, user_id, node, role)
    token = runtime.tenancy.issue_token(None, user_id, label="t").token
    runtime.runner.catch_up()
    return user_id, token
