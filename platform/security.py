"""HTTP hardening that Django does not ship: a Content-Security-Policy on every answer, a
JSON body that must be an object, and a per-client-IP throttle on failed authentication.

Django's own SecurityMiddleware and XFrameOptionsMiddleware (see settings.MIDDLEWARE) add
X-Content-Type-Options: nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and
X-Frame-Options: DENY.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from taolun.platform.api.errors import ApiError, error_response
from taolun.platform.api.throttling import THROTTLE_CACHE

# No inline scripts at all (the swagger page loads its init script from /static and keeps
# its settings in a JSON data block); inline <style> blocks are allowed, the pages use them.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

JSON_WRITES = {"POST", "PUT", "PATCH"}


class SecurityHeadersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class JsonObjectBodyMiddleware:
    """Every JSON body the API takes is an object: ``[null, null]`` or ``"x"`` answers 422
    before any view (or the idempotency store) sees it. Malformed JSON is left to the API's
    own 400 ``malformed_json``."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith("/api/")
            and request.method in JSON_WRITES
            and request.content_type == "application/json"
            and request.body.strip()
        ):
            try:
                parsed = json.loads(request.body)
            except ValueError:
                parsed = {}
            if not isinstance(parsed, dict):
                return error_response(
                    422, "json_object_required", "请求体必须是 JSON 对象",
                    {"field": "body"}, request=request,
                )
        return self.get_response(request)


# -- per-client-IP throttles -----------------------------------------------------------


def count_per_ip(request: HttpRequest, bucket: str) -> int:
    """How many times this client IP has hit ``bucket`` in the current minute (this one
    included). Kept in the shared cache, so every process counts together."""
    return THROTTLE_CACHE.count(f"taolun:{bucket}:{request.META.get('REMOTE_ADDR', '?')}", 60)


def note_failed_authentication(request: HttpRequest) -> None:
    """Count a failed bearer attempt; beyond the limit in a minute, answer 429. Successful
    requests never count and are never refused: a valid token always works (users behind
    the same NAT as a guesser are not locked out; guessing a 256-bit token is hopeless
    anyway, the throttle keeps the noise and the log down)."""
    if count_per_ip(request, "authfail") > settings.CONFIG.auth_failures_per_minute:
        raise ApiError(429, "auth_throttled", "认证失败次数过多，请一分钟后再试")


def throttle_import_previews(request: HttpRequest) -> None:
    """Parsing a document is the most expensive thing an anonymous visitor can ask for."""
    if count_per_ip(request, "importpreview") > settings.CONFIG.import_previews_per_minute:
        raise ApiError(429, "throttled", "请求过于频繁，请稍后再试")
