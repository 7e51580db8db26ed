"""A running server links every new event into the audit chain on its own and signs a
checkpoint of it; the operator's command-line verification then passes."""

import time


def test_the_server_links_new_events_and_signs_a_checkpoint_that_verifies(server, ops, org):
    deadline = time.monotonic() + 60
    while True:
        status = ops.get("/api/v1/audit/chain").body
        if status["chain_position"] == status["log_position"] and status["last_checkpoint"]:
            break
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    assert status["last_checkpoint"]["position"] > 0
    key = ops.as_(None).get("/api/v1/audit/public-key").body
    assert status["last_checkpoint"]["key_id"] == key["key_id"]
    verified = server.taolun("audit", "verify", check=False)
    assert verified.returncode == 0, verified.stderr
