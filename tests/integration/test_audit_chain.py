"""Tamper evidence: the stored events are changed directly in the database (sqlite3 or
psycopg), and ``taolun audit verify`` and the offline script on an exported bundle each
name the kind and the first position that no longer matches."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taolun.projections.chain import verify_bundle
from taolun.projections.chain.models import ChainCheckpoint, ChainHead, ChainLink
from tests.integration.event_table import EventTable
from tests.integration.test_progress_projection import code

pytestmark = pytest.mark.usefixtures("django_ready")

SCRIPT = Path(verify_bundle.__file__)
CHAIN_TABLES = (ChainLink, ChainHead, ChainCheckpoint)


@pytest.fixture
def chained(runtime):
    """Thirty new events, linked, with signed checkpoints at the fifteenth and the last;
    afterwards the log and the chain are put back exactly as they were (the in-process
    installation is shared by the session)."""
    tenancy = runtime.tenancy
    city, _ = tenancy.register_tenant(None, "bureau", code(), "审计市教育局")
    for n in range(29):
        tenancy.register_tenant(None, "school", code(), f"学校{n}", city)
        if n == 13:
            runtime.chain.sign_now()
    with runtime.chain.paused():  # another test may have started the runtime's loops
        runtime.chain.sign_now()
        table = EventTable(runtime.config, runtime.apps.recorder.events_table_name)
        events = table.rows()
        chain = {model: list(model.objects.all()) for model in CHAIN_TABLES}
        yield table, events[-1][0]
        table.restore(events)
        for model, rows in chain.items():
            model.objects.all().delete()
            model.objects.bulk_create(rows)


def taolun(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run([sys.executable, "-m", "taolun.platform.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def offline(bundle: Path) -> subprocess.CompletedProcess:
    """The standalone script, as an auditor runs it: a copy beside the bundle, in isolated
    mode, from another folder (nothing of Taolun on its path)."""
    copy = bundle.parent / "verify_bundle.py"
    copy.write_text(SCRIPT.read_text(encoding="utf-8"), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", str(copy), str(bundle)], cwd=bundle.parent,
                          capture_output=True, text=True, timeout=300)


def test_an_untouched_log_verifies_with_the_command_and_offline(chained, tmp_path):
    verified = taolun("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "OK:" in verified.stderr and "verifying the audit chain" in verified.stdout
    exported = taolun("audit", "export", str(tmp_path / "bundle.jsonl"))
    assert exported.returncode == 0, exported.stderr
    checked = offline(tmp_path / "bundle.jsonl")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("OK:")


TAMPERINGS = {
    # name: (what is done to the table at the test's position, the kind reported)
    "one_byte_of_an_event_changed": (lambda table, at, head: table.flip_a_byte(at), "changed"),
    "an_event_deleted": (lambda table, at, head: table.delete(at), "missing"),
    "two_events_reordered": (lambda table, at, head: table.swap(at, at + 1), "reordered"),
    "a_back_dated_event_inserted": (lambda table, at, head: table.insert_before(at), "inserted"),
    "the_tail_truncated": (lambda table, at, head: table.truncate_after(at - 1), "truncated"),
}


@pytest.mark.parametrize("tampering", TAMPERINGS, ids=list(TAMPERINGS))
def test_tampering_is_found_at_its_position_by_the_command_and_by_the_offline_script(
    chained, tampering, tmp_path
):
    table, head = chained
    position = head - 5
    change, kind = TAMPERINGS[tampering]
    change(table, position, head)
    verified = taolun("audit", "verify")
    assert verified.returncode == 1
    assert f"FAILED: {kind} at position {position}:" in verified.stderr
    exported = taolun("audit", "export", str(tmp_path / "bundle.jsonl"))
    assert exported.returncode == 0, exported.stderr
    checked = offline(tmp_path / "bundle.jsonl")
    assert checked.returncode == 1
    assert f"FAILED: {kind} at position {position}:" in checked.stderr


def test_links_recomputed_over_a_changed_event_are_caught_by_the_signed_checkpoint(runtime, chained):
    """Whoever rewrites the events and the links alike cannot sign the new head: the key
    is not in the database."""
    table, head = chained
    position = head - 5
    table.flip_a_byte(position)
    rewrite_links_from(runtime, position)  # the links now agree with the changed event
    verified = taolun("audit", "verify")
    assert verified.returncode == 1
    assert "FAILED: rewritten at position" in verified.stderr
    assert f"checkpoint at {head}" in verified.stderr


def rewrite_links_from(runtime, position: int) -> None:
    """What someone with the database but not the key can do: link the changed log anew."""
    ChainLink.objects.filter(position__gte=position).delete()
    last = ChainLink.objects.order_by("-position").first()
    ChainHead.objects.filter(id=1).update(position=last.position, link=last.link)
    runtime.chain.catch_up()


def test_an_event_removed_where_a_checkpoint_was_signed_is_named_even_with_the_links_rewritten(runtime, chained, tmp_path):
    table, head = chained
    middle = ChainCheckpoint.objects.filter(position__lt=head).order_by("-position").first().position
    table.delete(middle)
    rewrite_links_from(runtime, middle)
    verified = taolun("audit", "verify")
    assert verified.returncode == 1
    assert f"FAILED: missing at position {middle}:" in verified.stderr
    assert taolun("audit", "export", str(tmp_path / "bundle.jsonl")).returncode == 0
    checked = offline(tmp_path / "bundle.jsonl")
    assert f"FAILED: missing at position {middle}:" in checked.stderr


def test_a_checkpoint_signed_with_another_key_is_refused(chained):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from taolun.projections.chain.keeper import signed_at_text

    _, head = chained
    checkpoint = ChainCheckpoint.objects.get(position=head)
    forged = Ed25519PrivateKey.generate().sign(verify_bundle.checkpoint_message(
        head, bytes(checkpoint.head), signed_at_text(checkpoint.signed_at)))
    ChainCheckpoint.objects.filter(position=head).update(signature=forged)
    verified = taolun("audit", "verify")
    assert verified.returncode == 1
    assert f"FAILED: bad_signature at position {head}:" in verified.stderr


def test_a_bundle_of_one_tenant_carries_only_digests_of_the_others_and_still_verifies(runtime, chained, tmp_path):
    from taolun.projections.chain.export import BundleWriter

    table, head = chained
    city = runtime.apps.mapper.to_domain_event(
        runtime.apps.recorder.select_notifications(start=head - 29, limit=1)[0]).originator_id
    writer = BundleWriter(runtime.apps.recorder, runtime.apps.mapper, runtime.signer.public_key_pem,
                          runtime.signer.key_id, tenants=frozenset({city}), scope=str(city))
    bundle = tmp_path / "tenant.jsonl"
    bundle.write_text("".join(writer.lines()), encoding="utf-8")
    events = [json.loads(line) for line in bundle.read_text(encoding="utf-8").splitlines()
              if '"type":"event"' in line]
    full = [e for e in events if "state" in e]
    hidden = [e for e in events if "state" not in e]
    assert full and hidden and all(set(e) == {"type", "position", "digest"} for e in hidden)
    for event in full:
        stored = runtime.apps.recorder.select_notifications(start=event["position"], limit=1)[0]
        assert runtime.apps.mapper.to_domain_event(stored).tenant_id == city
        assert base64.b64decode(event["state"]) == stored.state
    checked = offline(bundle)
    assert checked.returncode == 0, checked.stderr


def test_the_signing_key_is_created_once_outside_the_database_readable_by_its_owner_only(runtime):
    key_file = runtime.config.signing_key_file
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    assert taolun("audit", "public-key").stdout == runtime.signer.public_key_pem


def test_verifying_an_empty_store_is_a_clean_pass():
    from tests.conftest import backend_env

    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}, **backend_env("chain-empty")}
    verified = subprocess.run([sys.executable, "-m", "taolun.platform.cli", "audit", "verify"], env=env,
                              capture_output=True, text=True, timeout=300)
    assert verified.returncode == 0, verified.stderr
    assert "OK: 0 events" in verified.stderr
