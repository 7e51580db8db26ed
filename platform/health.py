"""/healthz (the process is alive) and /readyz (database, broker, projection lag, parked
events, throttle counters). "degraded" (200): the broker or the throttle cache is down, the
API still serves.

Anyone may ask whether the service is ready; only an operator (``Authorization: Bearer``
with an operator's token) sees why: the log's head, the positions and the parked events
say how busy the installation is, which is nobody else's business.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse

from taolun.infra.broker import broker_is_reachable
from taolun.platform.api.throttling import THROTTLE_CACHE
from taolun.platform.runtime import get_runtime

MAX_LAG = 1000  # events; beyond this the read side is too stale to serve
# Without these the API still serves (work waits in the outbox, throttling counts per
# process): their failure makes the instance "degraded", not unready.
DEGRADABLE = {"broker", "throttle"}


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": database_check(), "broker": broker_check(), "projections": projections_check(),
        "throttle": THROTTLE_CACHE.status(),
    }
    ready = all(c["ok"] for name, c in checks.items() if name not in DEGRADABLE)
    degraded = any(not c["ok"] or c.get("degraded") for name, c in checks.items() if name in DEGRADABLE)
    body: dict = {"status": "not_ready" if not ready else "degraded" if degraded else "ready"}
    if is_operator(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if ready else 503)


def database_check() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": str(error)[:200]}


def broker_check() -> dict:
    runtime = get_runtime()
    return {"ok": broker_is_reachable(runtime.broker), "url_scheme": runtime.config.broker_url.split(":")[0]}


def projections_check() -> dict:
    """Ready when every projection is within MAX_LAG of the log and none has parked an
    event: a parked event is a fact missing from a read model until an operator acts."""
    from taolun.projections.models import ParkedEvent

    runtime = get_runtime()
    try:
        head = runtime.apps.recorder.max_notification_id() or 0
        positions = runtime.runner.positions()
        lag = max((head - p for p in positions.values()), default=0)
        parked = list(
            ParkedEvent.objects.filter(projection__in=list(positions))
            .values("id", "projection", "notification_id", "topic", "parked_at")[:20]
        )
        count = ParkedEvent.objects.filter(projection__in=list(positions)).count()
    except Exception as error:
        return {"ok": False, "error": str(error)[:200]}
    return {
        "ok": lag <= MAX_LAG and count == 0, "lag": lag, "head": head, "positions": positions,
        "parked": count, "parked_events": parked,
    }


def is_operator(request: HttpRequest) -> bool:
    from taolun.platform.api.access import BearerToken

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or "\x00" in token:
        return False
    principal = BearerToken().authenticate(request, token.strip())
    return principal is not None and principal.is_operator
