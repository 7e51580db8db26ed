"""Group robots' message formats: 企业微信 (WeCom) and 钉钉 (DingTalk).

Each format turns a delivery into (url, body, headers) and checks the robot's answer: both
answer HTTP 200 with ``{"errcode": 0}`` on success and another errcode on failure, which is
then retried like any failed delivery. 钉钉's "加签" security: the URL carries ``timestamp``
(ms) and ``sign`` = Base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")), URL-encoded.
The generic format (signed JSON) is ``webhooks.py``'s.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote_plus

Request = tuple[str, bytes, dict[str, str]]
JSON = {"Content-Type": "application/json; charset=utf-8"}


def _text(row: Any) -> str:
    mark = {"red": "🔴", "yellow": "🟡", "blue": "🔵"}.get(row.level, "")
    return f"{mark}{row.subject}\n{row.body}".strip()


def wecom(url: str, secret: str, row: Any) -> Request:
    """企业微信群机器人: the key is in the URL; a markdown message."""
    content = f"**{row.subject}**\n{row.body}"
    return url, json.dumps({"msgtype": "markdown", "markdown": {"content": content}},
                           ensure_ascii=False).encode(), JSON


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def dingtalk(url: str, secret: str, row: Any, now: float | None = None) -> Request:
    """钉钉群机器人: a text message; signed in the URL when the robot has a secret."""
    if secret:
        timestamp = int((time.time() if now is None else now) * 1000)
        url = f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    return url, json.dumps({"msgtype": "text", "text": {"content": _text(row)}}, ensure_ascii=False).encode(), JSON


def check_errcode(answer: bytes) -> None:
    """Both robots answer 200 with an errcode; anything but 0 is a failure to retry."""
    try:
        code = json.loads(answer or b"{}").get("errcode", 0)
    except ValueError:
        return
    if code:
        raise OSError(f"robot answered errcode {code}: {answer[:200].decode(errors='replace')}")
