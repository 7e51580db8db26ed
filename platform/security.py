"""HTTP hardening that Django does not ship: a Content-Security-Policy on every answer, a
JSON body that must be an object, and throttles on failed authentication: per client IP
(bearer tokens and sign-ins alike) and per account (sign-ins).

Django's own SecurityMiddleware and XFrameOptionsMiddleware (see settings.MIDDLEWARE) add
X-Content-Type-Options: nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and
X-Frame-Options: DENY.
"""

from __future__ import annotations

import hashlib
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


def _ip_key(request: HttpRequest, bucket: str) -> str:
    return f"taolun:{bucket}:{request.META.get('REMOTE_ADDR', '?')}"


def count_per_ip(request: HttpRequest, bucket: str) -> int:
    """How many times this client IP has hit ``bucket`` in the current minute (this one
    included). Kept in the shared cache, so every process counts together."""
    return THROTTLE_CACHE.count(_ip_key(request, bucket), 60)


def note_failed_authentication(request: HttpRequest) -> None:
    """Count a failed bearer attempt; beyond the limit in a minute, answer 429. Successful
    requests never count and are never refused: a valid token always works (users behind
    the same NAT as a guesser are not locked out; guessing a 256-bit token is hopeless
    anyway, the throttle keeps the noise and the log down)."""
    if count_per_ip(request, "authfail") > settings.CONFIG.auth_failures_per_minute:
        raise ApiError(429, "auth_throttled", "认证失败次数过多，请一分钟后再试")


def _account_key(email: str) -> str:
    return "taolun:signinfail:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:32]


def ensure_sign_in_allowed(request: HttpRequest, email: str) -> None:
    """Before a password is checked: 429 when this client IP has failed authentication too
    often this minute (failed sign-ins and bad bearer tokens count together), or when this
    account has failed ``sign_in_failures_per_account`` times (TAOLUN_SIGN_IN_FAILURES_PER_ACCOUNT): it is then locked for
    ``TAOLUN_SIGN_IN_LOCK_MINUTES``, even for the right password (a guesser spreading over
    many IPs gets no more tries than that)."""
    if (THROTTLE_CACHE.get(_ip_key(request, "authfail")) or 0) >= settings.CONFIG.auth_failures_per_minute:
        raise ApiError(429, "auth_throttled", "认证失败次数过多，请一分钟后再试")
    if (THROTTLE_CACHE.get(_account_key(email)) or 0) >= settings.CONFIG.sign_in_failures_per_account:
        raise ApiError(429, "account_locked", "该账号登录失败次数过多，已暂时锁定，请稍后再试",
                       minutes=settings.CONFIG.sign_in_lock_minutes)


def note_failed_sign_in(request: HttpRequest, email: str) -> None:
    """Count a failed sign-in against the account and, with failed bearer attempts, against
    the client IP."""
    THROTTLE_CACHE.count(_account_key(email), settings.CONFIG.sign_in_lock_minutes * 60)
    try:
        note_failed_authentication(request)
    except ApiError:
        pass  # the next attempt is refused by ensure_sign_in_allowed; this one is just wrong


def clear_sign_in_failures(email: str) -> None:
    THROTTLE_CACHE.set(_account_key(email), 0, 1)


def throttle_import_previews(request: HttpRequest) -> None:
    """Parsing a document is the most expensive thing an anonymous visitor can ask for."""
    if count_per_ip(request, "importpreview") > settings.CONFIG.import_previews_per_minute:
        raise ApiError(429, "throttled", "请求过于频繁，请稍后再试")
