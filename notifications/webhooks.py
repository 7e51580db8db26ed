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
