"""A database that is down (or restarting) answers 503 with Retry-After, quickly.

Both stores fail fast while PostgreSQL is unreachable (short connect and pool timeouts in
settings and in the event store's environment), and whatever surfaces — Django's
``OperationalError``, the event store's, psycopg's own or a pool timeout — becomes one JSON
answer ``{code: "unavailable", message, details}`` with ``Retry-After``, for the API and the
pages alike, instead of a 500 (JSON or Django's HTML page). Processes need no restart: the
pools reconnect when the database is back.
"""

from __future__ import annotations

import logging
import sys

import psycopg
from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError
from django.http import HttpRequest, HttpResponse
from django.views import defaults
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError

from taolun.platform.api.errors import error_response

log = logging.getLogger("taolun.outage")

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"

UNAVAILABLE = (
    DjangoOperationalError, DjangoInterfaceError,
    StoreOperationalError, StoreInterfaceError,
    psycopg.OperationalError, psycopg.InterfaceError,
)


def is_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (also when wrapped)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, UNAVAILABLE):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    response = error_response(
        503, "unavailable", "服务暂时不可用，请稍后重试",
        {"retry_after": RETRY_AFTER_SECONDS}, request=request,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OutageMiddleware:
    """Listed last in MIDDLEWARE, so its ``process_exception`` sees a view's error first."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if getattr(request, "taolun_notification_id", 0):
            return None  # the write committed before the outage: ApiErrorsMiddleware answers 202
        if is_unavailable(exception):
            log.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
            return unavailable_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage met outside a view (a middleware's own query) is a 503 too."""
    error = sys.exc_info()[1]
    if is_unavailable(error):
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
        return unavailable_response(request)
    if request.path.startswith(API_PREFIX):
        return error_response(500, "internal_error", "服务器内部错误", request=request)
    return defaults.server_error(request)
