"""/healthz (the process is alive) and /readyz (database, broker, projection lag)."""

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
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as error:
        checks["database"] = {"ok": False, "error": str(error)[:200]}
    runtime = get_runtime()
    checks["broker"] = {"ok": broker_is_reachable(runtime.broker), "url_scheme": runtime.config.broker_url.split(":")[0]}
    try:
        head = runtime.apps.recorder.max_notification_id() or 0
        positions = runtime.runner.positions()
        lag = max((head - p for p in positions.values()), default=0)
        checks["projections"] = {"ok": lag <= MAX_LAG, "lag": lag, "head": head, "positions": positions}
    except Exception as error:
        checks["projections"] = {"ok": False, "error": str(error)[:200]}
    checks["throttle"] = THROTTLE_CACHE.status()
    ready = all(c["ok"] for name, c in checks.items() if name not in DEGRADABLE)
    degraded = any(not c["ok"] or c.get("degraded") for name, c in checks.items() if name in DEGRADABLE)
    status = "not_ready" if not ready else "degraded" if degraded else "ready"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
