"""A small HTTP client for the end-to-end tests (stdlib only: what a user's script would do)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


class Client:
    timeout = 30.0  # seconds this client waits for an answer

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url, self.token = base_url, token

    def as_(self, token: str | None) -> "Client":
        return Client(self.base_url, token)

    def request(
        self, method: str, path: str, payload: Any = None, raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, body, hdrs = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, body, hdrs = error.code, error.read(), dict(error.headers)
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        return Reply(status, parsed, hdrs)

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, payload: Any = None, **kw) -> Reply:
        return self.request("POST", path, payload, **kw)

    def patch(self, path: str, payload: Any = None, **kw) -> Reply:
        return self.request("PATCH", path, payload, **kw)

    def delete(self, path: str, **kw) -> Reply:
        return self.request("DELETE", path, **kw)
