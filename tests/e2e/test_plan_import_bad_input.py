"""Bad input to the importer, on the API and the CLI: each kind gets its clear error
({code, message, details}; the CLI prints the code and message) and creates nothing."""

from __future__ import annotations

from taolun.events.uploads import MAX_IMPORT_BYTES as MAX_BYTES
from tests.corpus.corpus import FOLDER
from tests.e2e.campaign_helpers import docx_bytes
from tests.e2e.test_plan_import import sample, upload
from tests.e2e.test_poison_input import wait_until
from taolun.platform import sample_plans


BAD = {
    "empty": ("empty.txt", b"", 400, "empty_document"),
    "binary": ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, 415, "not_a_document"),
    "corrupt_docx": ("plan.docx", docx_bytes("<w:document>broken"), 400, "corrupt_docx"),
    "unknown_encoding": ("plan.txt", "实施方案".encode("utf-8") + b"\xff\xfe\xfd\x80" * 8, 400, "unknown_encoding"),
    "too_large": ("big.txt", b"x" * (MAX_BYTES + 1), 413, "too_large"),
}


def plans_of(ops, tenant: dict) -> list[dict]:
    reply = ops.get(f"/api/v1/tenants/{tenant['id']}/plans")
    assert reply.status == 200, reply.body
    return reply.body["items"]


def test_each_kind_of_bad_upload_gets_its_error_on_the_api_and_creates_nothing(org, ops):
    target = f"/api/v1/tenants/{org.district_a['id']}/plan-imports"  # a bureau may start a campaign
    for kind, (filename, data, status, code) in BAD.items():
        for path in (target, "/api/v1/plan-imports/preview"):
            reply = upload(ops, path, files={"file": (filename, data)})
            assert (reply.status, reply.code) == (status, code), (kind, path, reply.body)
            assert set(reply.body) == {"code", "message", "details"} and reply.body["message"], kind
    assert upload(ops, target, files={"file": ("school.txt", sample(sample_plans.SCHOOL))}).status == 201
    wait_until(lambda: plans_of(ops, org.district_a))
    assert len(plans_of(ops, org.district_a)) == 1  # the good import only


def test_each_kind_of_bad_file_gets_its_error_on_the_cli_and_creates_nothing(server, org, ops, tmp_path):
    tenant = org.district_b
    for kind, (filename, data, _, code) in BAD.items():
        path = tmp_path / filename
        path.write_bytes(data)
        refused = server.taolun("import-plan", str(path), "--tenant", tenant["id"], check=False)
        assert refused.returncode == 1 and f"error: {code}: " in refused.stderr, (kind, refused.stderr)
        assert refused.stdout == "", kind
    good = server.taolun("import-plan", str(FOLDER / "05-donghu-district-table-phases.docx"), "--tenant", tenant["id"])
    assert "campaign draft" in good.stdout
    assert "  phase: 宣传发动 2024-04-01 – 2024-04-20  (4月上旬 → 1日至10日；4月中旬 → 11日至20日；" in good.stdout
    wait_until(lambda: plans_of(ops, tenant))
    assert len(plans_of(ops, tenant)) == 1  # the good import only (the CLI projects before it exits)
