"""Clients that write under faults the way a careful school client would: every write has
its own Idempotency-Key and is sent again with the same key and body until it is answered
(connection refused or dropped, timeouts, 5xx, 409 idempotency_in_progress, 429).

Each client repeats: register a school (unique code), register a user (unique email),
grant the user a role (whose outbox effect is one inbox message). The ledger records
every attempt, so the checks can tell what was acknowledged and how.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

RETRYABLE_CODES = {"idempotency_in_progress", "throttled", "unavailable"}


@dataclass
class Attempt:
    status: int | None  # None: no answer (connection refused/dropped, timeout)
    code: str | None = None
    replayed: bool = False


@dataclass
class Write:
    kind: str  # "tenant" | "user" | "grant"
    identity: str  # tenant code, user email, or "user_id:node_id:role"
    method: str
    path: str
    body: dict[str, Any]
    key: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex}")
    attempts: list[Attempt] = field(default_factory=list)
    answer: Any = None  # body of the final answer

    @property
    def final(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def acknowledged(self) -> bool:
        return bool(self.final and self.final.status and 200 <= self.final.status < 300)


def send(url: str, token: str, write: Write, timeout: float = 15.0) -> tuple[Attempt, Any]:
    request = urllib.request.Request(url + write.path, data=json.dumps(write.body).encode(),
                                     method=write.method)
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Idempotency-Key", write.key)
    try:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, headers = error.code, error.read(), error.headers
    except (OSError, http.client.HTTPException):
        # refused, reset, cut off mid-answer, timed out: the write may or may not have happened
        return Attempt(None), None
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")[:200]
    code = body.get("code") if isinstance(body, dict) else None
    return Attempt(status, code, headers.get("Idempotent-Replayed") == "true"), body


class Load:
    def __init__(self, url: str, token: str, root_id: str, clients: int = 3,
                 give_up_after: float = 45.0) -> None:
        self.url, self.token, self.root_id = url, token, root_id
        self.clients, self.give_up_after = clients, give_up_after
        self.writes: list[Write] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> "Load":
        for n in range(self.clients):
            thread = threading.Thread(target=self._client, name=f"faults-client-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """No new writes; those under way go on until answered (or given up)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.give_up_after + 30)

    def _record(self, write: Write) -> Write:
        with self._lock:
            self.writes.append(write)
        return write

    def _until_answered(self, write: Write) -> Write:
        deadline = time.monotonic() + self.give_up_after
        pause = 0.2
        while True:
            attempt, body = send(self.url, self.token, write)
            write.attempts.append(attempt)
            write.answer = body
            retry = attempt.status is None or attempt.status >= 500 or attempt.code in RETRYABLE_CODES
            if not retry or time.monotonic() > deadline:
                return write
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    def _client(self) -> None:
        while not self._stop.is_set():
            tag = uuid.uuid4().hex[:10]
            self._until_answered(self._record(Write(
                "tenant", f"s{tag}", "POST", "/api/v1/tenants",
                {"kind": "school", "code": f"s{tag}", "name": "故障演练学校", "parent_id": self.root_id},
            )))
            email = f"u{tag}@faults.test"
            user = self._until_answered(self._record(Write(
                "user", email, "POST", "/api/v1/users",
                {"email": email, "name": "演练用户", "home_id": self.root_id},
            )))
            user_id = user.answer.get("id") if user.acknowledged and isinstance(user.answer, dict) else None
            if user_id:
                self._until_answered(self._record(Write(
                    "grant", f"{user_id}:{self.root_id}:viewer", "POST", f"/api/v1/users/{user_id}/grants",
                    {"node_id": self.root_id, "role": "viewer"},
                )))
