"""HTTP-level guards: body size, JSON errors for the API's own 404/500, idempotent writes."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from taolun.platform.api.errors import error_response
from taolun.platform.api.models import IdempotencyRecord

log = logging.getLogger("taolun.api")

API_PREFIX = "/api/"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def body_limit(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data":
        return settings.TAOLUN_MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def nul_in_url(request: HttpRequest) -> str | None:
    """The query parameter (or ``path``) whose decoded value holds a NUL, if any."""
    if "\x00" in request.path:
        return "path"
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key
    return None


class ApiErrorsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        field = nul_in_url(request)
        if field is not None:  # PostgreSQL refuses NUL in any text; no id or filter holds one
            return error_response(
                422, "invalid_characters", f"{field} 含有不允许的字符（U+0000）", {"field": field},
                request=request,
            )
        limit = body_limit(request)
        if length > limit:
            return error_response(413, "too_large", "请求体过大", {"limit_bytes": limit}, request=request)
        try:
            response = self.get_response(request)
        except RequestDataTooBig:
            return error_response(413, "too_large", "请求体过大", {"limit_bytes": limit}, request=request)
        notification_id = getattr(request, "taolun_notification_id", None)
        if notification_id is not None:
            response["X-Taolun-Notification-Id"] = str(notification_id)
            if not getattr(request, "taolun_caught_up", True):
                response["X-Taolun-Projection-Lag"] = "true"
        if response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return error_response(404, "not_found", "接口不存在", request=request)
        if response.status_code == 405 and not response.content:
            return error_response(405, "method_not_allowed", "不支持该请求方法", request=request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if request.path.startswith(API_PREFIX):
            log.exception("unhandled error on %s %s", request.method, request.path)
            return error_response(500, "internal_error", "服务器内部错误", request=request)
        return None


class IdempotencyMiddleware:
    """A write sent again with the same ``Idempotency-Key`` gets the first answer back and
    appends nothing. Keys are scoped to the credential; reusing a key for a different
    request is refused."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        if not key or request.method not in WRITE_METHODS or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if len(key) > 200:
            return error_response(
                422, "invalid_idempotency_key", "Idempotency-Key 不能超过 200 个字符",
                {"field": "Idempotency-Key"}, request=request,
            )
        scope = hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()
        fingerprint = hashlib.sha256(
            request.method.encode() + b" " + request.get_full_path().encode() + b"\n" + request.body
        ).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            earlier = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if earlier is None:  # purged in between: treat as new next time
                return error_response(409, "idempotency_in_progress", "相同的请求正在处理中，请稍后重试", request=request)
            if earlier.fingerprint != fingerprint:
                return error_response(
                    422, "idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求",
                    {"field": "Idempotency-Key"}, request=request,
                )
            if earlier.status is None:
                return error_response(409, "idempotency_in_progress", "相同的请求正在处理中，请稍后重试", request=request)
            replay = HttpResponse(bytes(earlier.body), status=earlier.status, content_type=earlier.content_type)
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            record.delete()  # not an answer worth replaying; let the client try again
        else:
            record.status = response.status_code
            record.body = response.content
            record.content_type = response.get("Content-Type", "application/json")
            record.save(update_fields=["status", "body", "content_type"])
        return response
