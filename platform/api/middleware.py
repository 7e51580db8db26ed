"""HTTP-level guards: body size, JSON errors for the API's own 404/500 (and 202 for a
committed write that cannot be read back yet), idempotent writes."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse

from taolun.events.uploads import MAX_MULTIPART_BODY_BYTES
from taolun.platform.api.errors import error_response
from taolun.platform.api.idempotency import Accepted, accepted_response, keep_answer, open_keyed_request

log = logging.getLogger("taolun.api")

API_PREFIX = "/api/"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def body_limit(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data":
        return MAX_MULTIPART_BODY_BYTES  # each kind of upload checks its own limit
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
        if isinstance(exception, Accepted):
            return accepted_response(request, exception.notification_id, exception.created)
        committed = getattr(request, "taolun_notification_id", 0)
        if committed and request.path.startswith(API_PREFIX):
            # The write is in the log: reading it back failed, the write did not.
            log.exception("read-back failed after commit on %s %s", request.method, request.path)
            return accepted_response(request, committed, getattr(request, "taolun_created_id", None))
        if request.path.startswith(API_PREFIX) and isinstance(exception, Http404):
            return error_response(404, "not_found", "接口不存在", request=request)
        if request.path.startswith(API_PREFIX):
            log.exception("unhandled error on %s %s", request.method, request.path)
            return error_response(500, "internal_error", "服务器内部错误", request=request)
        return None


class IdempotencyMiddleware:
    """A write sent again with the same ``Idempotency-Key`` has one effect and gets the
    first answer back. The decision is the event log's (see platform/api/idempotency.py);
    this only hands requests to it before and after the view."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        if not key or request.method not in WRITE_METHODS or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        kept = open_keyed_request(request, key)
        if kept is not None:
            return kept
        return keep_answer(request, self.get_response(request))
