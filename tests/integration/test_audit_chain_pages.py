"""The audit chain over HTTP and on its page: the public key for anyone, the status and
"verify now" for auditors and admins (refused to others), the bundle of a unit for its
auditor (404 for a unit outside their grants), verified offline."""

from __future__ import annotations

import json
import time

import pytest

from taolun.projections.chain import verify_bundle
from tests.integration.test_audit_chain import offline
from tests.integration.test_web_reports import seen
from tests.integration.test_web_todo import page
from tests.integration.web_people import city_with

pytestmark = pytest.mark.usefixtures("django_ready")


@pytest.fixture(scope="module")
def story(runtime):
    story = city_with(runtime, auditor=("district_a", "auditor"), admin=("city", "admin"),
                      viewer=("district_a", "viewer"), other=("district_b", "auditor"))
    runtime.chain.catch_up()
    return story


def finished(client, verification_id: int) -> dict:
    """Poll a background verification until it ends (it runs in a thread of this process)."""
    while True:
        reply = client.get(f"/api/v1/audit/chain/verifications/{verification_id}")
        assert reply.status == 200, reply.body
        if reply.body["status"] != "running":
            return reply.body
        time.sleep(0.1)


def test_the_public_key_is_published_to_anyone(story, runtime):
    reply = story.viewer.as_(None).get("/api/v1/audit/public-key")
    assert reply.status == 200
    assert reply.body == {"algorithm": "Ed25519", "key_id": runtime.signer.key_id,
                          "public_key": runtime.signer.public_key_pem}


def test_an_auditor_starts_a_verification_and_reads_its_result_in_the_status(story, runtime):
    started = story.auditor.post("/api/v1/audit/chain/verifications")
    assert started.status == 202, started.body
    result = finished(story.auditor, started.body["id"])
    assert result["status"] == "passed" and result["problem_kind"] is None and result["checked"] > 0
    status = story.admin.get("/api/v1/audit/chain").body
    assert status["last_verification"]["id"] == started.body["id"]
    assert status["chain_position"] > 0 and status["last_checkpoint"]["position"] > 0
    assert status["signed_with_this_key"] is True and status["key_id"] == runtime.signer.key_id


def test_a_user_without_the_auditor_or_admin_role_is_refused_the_chain(story):
    assert story.viewer.get("/api/v1/audit/chain").status == 403
    assert story.viewer.post("/api/v1/audit/chain/verifications").status == 403
    assert seen(story.viewer, "/audit/chain")[0] == 403
    assert 'href="/audit/chain"' not in page(story.viewer, "/")[1]


def test_an_auditor_exports_the_bundle_of_their_subtree_and_it_verifies_offline(story, runtime, tmp_path):
    unit = story.org.district_a["id"]
    response = story.auditor.django.get(f"/api/v1/audit/chain/export?node_id={unit}",
                                        headers={"Authorization": f"Bearer {story.auditor.token}"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    bundle = tmp_path / "bundle.jsonl"
    bundle.write_bytes(b"".join(response.streaming_content))
    records = [json.loads(line) for line in bundle.read_text(encoding="utf-8").splitlines()]
    assert records[0]["type"] == "header" and records[0]["scope"] == unit
    events = [r for r in records if r["type"] == "event"]
    assert any("state" in e for e in events) and any("digest" in e for e in events)
    assert verify_bundle.verify_bundle(verify_bundle.read_bundle(bundle.read_text().splitlines()))[0] is None
    assert offline(bundle).returncode == 0


def test_a_bundle_outside_the_auditors_grants_or_for_a_viewer_is_refused(story):
    district_b = story.org.district_b["id"]
    assert story.auditor.get(f"/api/v1/audit/chain/export?node_id={district_b}").status == 404
    assert story.viewer.get(f"/api/v1/audit/chain/export?node_id={story.org.district_a['id']}").status == 403
    missing = story.auditor.get("/api/v1/audit/chain/export")
    assert (missing.status, missing.code) == (422, "node_required")
    assert seen(story.auditor, f"/audit/chain/export?unit={district_b}")[0] == 404


def test_the_page_shows_the_status_and_verify_now_runs_in_the_background(story, runtime):
    status, html = seen(story.admin, "/audit/chain")
    assert status == 200 and "审计链" in html and "最近签名检查点" in html and "立即校验" in html
    assert runtime.signer.public_key_pem.splitlines()[1] in html
    web = story.admin.web
    assert web.post("/audit/chain").status_code == 302
    running = story.admin.get("/api/v1/audit/chain").body["running_verification"]
    if running:
        finished(story.admin, running["id"])
    fragment = web.get("/audit/chain", headers={"HX-Request": "true"}).content.decode()
    assert "校验通过" in fragment and "<html" not in fragment and "hx-trigger" not in fragment


def test_the_auditor_finds_the_page_in_the_tabs_and_downloads_their_units_bundle(story):
    assert 'href="/audit/chain"' in page(story.auditor, "/")[1]
    status, html = seen(story.auditor, "/audit/chain")
    unit = story.org.district_a["id"]
    assert f"/audit/chain/export?unit={unit}" in html
    download = story.auditor.web.get(f"/audit/chain/export?unit={unit}")
    assert download.status_code == 200
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert json.loads(lines[0])["format"] == verify_bundle.BUNDLE_FORMAT
