"""Idempotency-Key at the HTTP edge: who asks, what was asked, and the answer to a retry.

The truth is the request's index in the event log (``RequestIndex``, saved with the
command's events); the stored response is only the first answer kept for replay. See
docs/idempotency.md.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from taolun.events.kernel import Claim, DomainError, RequestAlreadyDone, RequestIndex, claiming
from taolun.platform.api.access import BearerToken
from taolun.platform.api.errors import ApiError, error_response
from taolun.platform.api.models import IdempotencyRecord

log = logging.getLogger("taolun.api")
MAX_KEY_LENGTH = 200


@dataclass
class KeyedRequest:
    claim: Claim
    settled: bool = False  # its command ran (or was answered from the log) already
    committed: bool = False  # the log holds its effect: the answer is worth keeping
    replayed: bool = False  # the command was not run: an earlier copy's effect stands
    kept_instead: HttpResponse | None = None  # an answer without secrets, for replays


def keyed(request: HttpRequest) -> KeyedRequest | None:
    return getattr(request, "taolun_keyed", None)


def open_keyed_request(request: HttpRequest, key: str) -> HttpResponse | None:
    """Before the view: the kept answer of an earlier copy, or None to go on.

    Keys are scoped to the authenticated user; an unauthenticated (or revoked) caller gets
    no key handling at all and so neither a replay nor a written row (the view answers
    401)."""
    if len(key) > MAX_KEY_LENGTH:
        return error_response(
            422, "invalid_idempotency_key", "Idempotency-Key 不能超过 200 个字符",
            {"field": "Idempotency-Key"}, request=request,
        )
    try:
        who = BearerToken()(request)
    except ApiError as refused:  # e.g. 429: this address failed to authenticate too often
        return error_response(refused.status, refused.code, refused.message, refused.details, request)
    if who is None:
        return None
    fingerprint = hashlib.sha256(
        request.method.encode() + b" " + request.get_full_path().encode() + b"\n" + request.body
    ).hexdigest()
    scope = str(who.user_id)
    request.taolun_keyed = KeyedRequest(Claim(scope, key, fingerprint, actor=who.user_id))  # type: ignore[attr-defined]
    kept = IdempotencyRecord.objects.filter(scope=scope, key=key, status__isnull=False).first()
    if kept is None:
        return None
    if kept.fingerprint != fingerprint:
        reused = key_reused()
        return error_response(reused.status, reused.code, reused.message, reused.details, request)
    replay = HttpResponse(bytes(kept.body), status=kept.status, content_type=kept.content_type)
    replay["Idempotent-Replayed"] = "true"
    return replay


def keep_answer(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """After the view: keep the answer of a request whose effect committed, a 202 included
    (the issue's contract: a retry gets the first answer; the 202 names the created id and
    where to read the result)."""
    state = keyed(request)
    if state is None or not state.committed:
        return response
    if state.replayed:
        response["Idempotent-Replayed"] = "true"
    if response.status_code >= 500 or getattr(response, "streaming", False):
        return response
    kept = state.kept_instead or response
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope=state.claim.scope, key=state.claim.key, fingerprint=state.claim.fingerprint,
                status=kept.status_code, body=kept.content,
                content_type=kept.get("Content-Type", "application/json"),
            )
    except IntegrityError:
        pass  # a racing copy kept the same effect's answer first
    except DatabaseError:
        # The write committed; only its kept answer is lost, and a retry rebuilds it from
        # the log. Failing here would turn a committed write into a 5xx.
        log.warning("could not keep the answer of %s %s", request.method, request.path, exc_info=True)
    return response


def keep_instead(request: HttpRequest, response: HttpResponse) -> None:
    """Replays of this request get ``response`` rather than the first answer (which holds
    a secret shown once)."""
    state = keyed(request)
    if state is not None:
        state.kept_instead = response


def key_reused() -> ApiError:
    return ApiError(422, "idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求",
                    field="Idempotency-Key")


# -- running the command once -------------------------------------------------------------

Result = int | tuple[Any, int]


def run_once(runtime, state: KeyedRequest | None, command: Callable[[Any], Result]) -> tuple[int, UUID | None]:
    """Run ``command`` unless the log says this request already happened; answer its
    notification id and the id of what it created."""
    if state is None or state.settled:  # no key, or a follow-up command of the same request
        return split(command(runtime))
    state.settled = True
    earlier = runtime.tenancy.request_index(state.claim.index_id)
    if earlier is None:
        try:
            with claiming(state.claim):
                result = command(runtime)
        except RequestAlreadyDone:
            earlier = runtime.tenancy.request_index(state.claim.index_id)
        except (DomainError, ApiError):
            # A racing copy may have committed first and tripped this copy's guards
            # (duplicate_code, duplicate_email, plan_exists ...): its effect is this
            # request's answer.
            earlier = runtime.tenancy.request_index(state.claim.index_id)
            if earlier is None:
                raise
        else:
            state.committed = state.claim.saved
            return split(result)
    return replay(runtime, state, earlier)


def replay(runtime, state: KeyedRequest, earlier: RequestIndex) -> tuple[int, UUID | None]:
    if earlier.fingerprint != state.claim.fingerprint:
        raise key_reused()
    state.committed = state.replayed = True
    # The earlier copy's events are at or below the log's head: waiting for the head is
    # read-your-writes for them.
    return runtime.apps.recorder.max_notification_id() or 0, earlier.created_id


def split(result: Result) -> tuple[int, UUID | None]:
    """Commands answer a notification id, or (the id they created, notification id)."""
    if isinstance(result, tuple):
        created, notification_id = result
        return notification_id, created
    return result, None


# -- committed, but the read side is late --------------------------------------------------


class Accepted(Exception):
    """The command committed but its answer cannot be read back yet."""

    def __init__(self, notification_id: int, created: UUID | None = None) -> None:
        super().__init__(notification_id)
        self.notification_id, self.created = notification_id, created


def accepted_response(request: HttpRequest, notification_id: int, created: UUID | None) -> JsonResponse:
    """202: the write is in the log; where to watch the read side catch up. A retry with
    the same key never runs the command again."""
    from taolun.platform.language import localise

    status_url = f"/api/v1/writes/{notification_id}"
    response = JsonResponse(
        {
            "code": "accepted",
            "message": localise(request, "accepted", "已受理：写入已保存，结果稍后可读"),
            "notification_id": notification_id,
            "created_id": str(created) if created else None,
            "status_url": status_url,
            "details": {"notification_id": notification_id, "status_url": status_url},
        },
        status=202,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Location"] = status_url
    return response


def purge_idempotency_records(max_age_hours: int = 24) -> None:
    """Forget replayable responses older than a day (clients retry within minutes); a
    periodic job (``taolun.notifications.actors.periodic_jobs``)."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(hours=max_age_hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    logging.getLogger("taolun.notifications").info("purged %d idempotency records", deleted)
