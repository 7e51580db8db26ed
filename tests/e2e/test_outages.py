"""Outages of the services around the API do not stop it."""

from __future__ import annotations

import uuid

from tests.conftest import Server, free_port
from tests.e2e.client import Client


def test_the_api_keeps_answering_and_throttling_when_its_cache_is_down_and_readyz_says_so():
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    srv = Server("cache-down", {"TAOLUN_CACHE_URL": nobody, "TAOLUN_THROTTLE_RATE": "5/min"})
    srv.taolun("migrate")
    token = srv.taolun("operator", "create", "cache@taolun.test").stdout.strip()
    srv.start()
    try:
        client = Client(srv.url, token)
        created = client.post(
            "/api/v1/tenants", {"kind": "bureau", "code": uuid.uuid4().hex[:8], "name": "市教育局"}
        )
        assert created.status == 201, created.body
        statuses = [client.get("/api/v1/tenants").status for _ in range(6)]
        assert statuses[0] == 200 and statuses[-1] == 429  # the limit holds, per process
        assert Client(srv.url).get("/readyz").body == {"status": "degraded"}  # anonymous: status only
        ready = client.get("/readyz")  # an operator sees why
        assert ready.status == 200 and ready.body["status"] == "degraded", ready.body
        assert ready.body["checks"]["throttle"]["mode"] == "per_process"
        assert "throttle cache unreachable" in srv.log.read_text()
    finally:
        srv.stop()
