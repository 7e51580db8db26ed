"""The signature of outgoing webhooks, and its check for receivers.

``X-Taolun-Timestamp`` is the sending time (Unix seconds); ``X-Taolun-Signature`` is
``sha256=`` + hex HMAC-SHA256 over ``"<timestamp>." + body`` with the endpoint's secret. A
receiver recomputes it, compares in constant time, and refuses a timestamp outside its
window (:data:`WINDOW_SECONDS`): a captured request cannot be replayed later, and a
repeat within the window carries the same ``X-Taolun-Delivery`` id to drop.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

WINDOW_SECONDS = 300


def new_secret() -> str:
    return secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {"X-Taolun-Timestamp": str(timestamp), "X-Taolun-Signature": signature(secret, timestamp, body)}


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None,
           window: int = WINDOW_SECONDS) -> bool:
    """Whether a received request is authentic and fresh."""
    try:
        timestamp = int(headers.get("X-Taolun-Timestamp", ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > window:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), headers.get("X-Taolun-Signature", ""))


# -- a unit's endpoints: the one home of their rules (the API and the page call these) ---

KINDS = ("json", "wecom", "dingtalk")


class InvalidEndpoint(ValueError):
    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


def create_endpoint(node_id, url: str, kind: str = "json", secret: str | None = None, created_by=None):
    """A new endpoint of the unit: an http(s) URL; our own secret for the signed JSON kind,
    the robot's (optional) for 钉钉."""
    from urllib.parse import urlparse

    from taolun.notifications.models import WebhookEndpoint

    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or len(url) > 500:
        raise InvalidEndpoint(code="invalid_url", field="url", message="推送地址必须是 http:// 或 https:// 开头的网址")
    if kind not in KINDS:
        raise InvalidEndpoint(code="invalid_webhook_kind", field="kind", message="不支持的推送类型")
    secret = new_secret() if kind == "json" else (secret or "").strip()[:100]
    return WebhookEndpoint.objects.create(node_id=node_id, kind=kind, url=url, secret=secret, created_by=created_by)


def queue_test(endpoint):
    """A test message for the endpoint, sent with the next deliveries."""
    from django.utils import timezone

    from taolun.notifications.channels import delivery_key
    from taolun.notifications.models import Delivery

    now = timezone.now()
    return Delivery.objects.create(
        key=delivery_key("webhook", endpoint.id, f"test:{now.isoformat()}"), channel="webhook",
        target=endpoint.url, endpoint_id=endpoint.id, node_id=endpoint.node_id, rule="test",
        subject="测试推送", body="这是一条测试推送。", next_attempt_at=now)
