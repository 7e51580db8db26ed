"""A rebuild goes into shadow tables swapped in at once: readers never see a half-built
model, a failed rebuild leaves the live one as it was, and ``verify`` finds a live row that
no longer matches the log."""

from uuid import uuid4

import pytest
from django.db import OperationalError, connection

from taolun.projections.campaigns import CampaignProjection
from taolun.projections.history.models import HistoryEntry
from taolun.projections.models import ActivityRow, Grant, ParkedEvent, ProgressRow
from taolun.projections.runner import ProjectionRunner
from taolun.projections.shadow import SUFFIX
from tests.integration.actors import operator
from tests.integration.test_progress_determinism import busy_history, tables
from tests.integration.test_progress_projection import day

pytestmark = pytest.mark.usefixtures("django_ready")


def campaign_runner(runtime, batch: int = 7) -> ProjectionRunner:
    """A runner of the campaigns projection alone, in small rebuild batches (many of them)."""
    return ProjectionRunner(runtime.apps.recorder, runtime.apps.mapper, [CampaignProjection()],
                            rebuild_batch_size=batch)


def live_count(model) -> int:
    """Rows of the live table, by its name, whatever the model points at just now."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(model._meta.db_table.removesuffix(SUFFIX))}")
        return cursor.fetchone()[0]


def shadow_tables() -> list[str]:
    return [t for t in connection.introspection.table_names() if t.endswith(SUFFIX)]


def test_a_failed_rebuild_leaves_the_live_tables_as_they_were_and_readers_never_see_it(runtime, monkeypatch):
    cid = busy_history(runtime)
    runtime.runner.catch_up()
    live, positions = tables(cid), runtime.runner.positions()
    every_activity = ActivityRow.objects.count()  # earlier tests' too: the rebuild replays them all
    runner = campaign_runner(runtime)
    real_end_batch = CampaignProjection.end_batch
    seen_while_rebuilding = []

    def crash_halfway(self):
        real_end_batch(self)
        # The live table holds every activity throughout; the shadow some of them so far.
        seen_while_rebuilding.append((live_count(ActivityRow), ActivityRow.objects.count()))
        if 0 < seen_while_rebuilding[-1][1] < every_activity:
            raise OperationalError("the disk is full")

    monkeypatch.setattr(CampaignProjection, "end_batch", crash_halfway)
    with pytest.raises(OperationalError):
        runner.rebuild(["campaigns"])
    monkeypatch.setattr(CampaignProjection, "end_batch", real_end_batch)

    assert {count for count, _ in seen_while_rebuilding} == {every_activity}
    assert 0 < seen_while_rebuilding[-1][1] < every_activity
    assert tables(cid) == live
    assert runtime.runner.positions() == positions
    assert shadow_tables() == []

    # The live runner carries on, and a rebuild after the failed one equals it.
    boss = operator(runtime)
    branch = ProgressRow.objects.get(campaign_id=cid, kind="branch", name="三中支部").node_id
    runtime.campaigns.log_activity(boss, branch, cid, kind="专题学习", title="又学", start=day(-3), end=day(-3))
    runtime.runner.catch_up()
    live = tables(cid)
    head = runner.rebuild(["campaigns"])
    assert tables(cid) == live
    assert runtime.runner.positions()["campaigns"] == head == runtime.apps.recorder.max_notification_id()
    assert shadow_tables() == []


def test_an_event_a_rebuild_cannot_apply_is_parked_and_the_rest_swapped_in(runtime, monkeypatch):
    before = runtime.apps.recorder.max_notification_id() or 0
    cid = busy_history(runtime)
    runtime.runner.catch_up()
    live = tables(cid)
    real = CampaignProjection.HANDLERS.copy()

    def broken(self, event):
        raise ValueError("a bug in the suggestion handler")

    broken_table = {cls: (broken if cls.__qualname__.startswith("Suggestion.") else handler)
                    for cls, handler in real.items()}
    monkeypatch.setattr(CampaignProjection, "HANDLERS", broken_table)
    campaign_runner(runtime).rebuild(["campaigns"])
    parked = ParkedEvent.objects.filter(projection="campaigns", notification_id__gt=before)
    assert parked.count() == 2  # this history's suggestion: submitted, adopted
    assert tables(cid)["suggestions"] == [] and tables(cid)["activities"] == live["activities"]

    monkeypatch.setattr(CampaignProjection, "HANDLERS", real)
    campaign_runner(runtime).rebuild(["campaigns"])
    assert not ParkedEvent.objects.filter(projection="campaigns", notification_id__gt=before).exists()
    assert tables(cid) == live


def test_verify_finds_nothing_to_report_on_tables_that_match_the_log(runtime):
    busy_history(runtime)
    runtime.runner.catch_up()
    checks = runtime.runner.verify()
    assert checks and [c for c in checks if not c.same] == []
    assert {c.table for c in checks} >= {"projections_progressrow", "projections_orgnode"}
    assert shadow_tables() == []


def test_verify_reports_a_live_row_changed_or_removed_behind_the_projections_back(runtime):
    cid = busy_history(runtime)
    runtime.runner.catch_up()
    activity = ActivityRow.objects.filter(campaign_id=cid).order_by("id").first()
    progress = ProgressRow.objects.filter(campaign_id=cid, kind="branch").order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projections_activityrow SET participants = participants + 1 WHERE id = %s",
                       [ActivityRow._meta.pk.get_db_prep_value(activity.id, connection)])
        cursor.execute("DELETE FROM projections_progressrow WHERE id = %s", [progress.id])

    checks = {c.table: c for c in runtime.runner.verify(["campaigns"])}
    changed, removed = checks["projections_activityrow"], checks["projections_progressrow"]
    assert not changed.same and changed.live_rows == changed.rebuilt_rows
    assert (changed.only_live, changed.only_rebuilt) == (1, 1)
    assert not removed.same and removed.rebuilt_rows == removed.live_rows + 1
    assert (removed.only_live, removed.only_rebuilt) == (0, 1)
    assert [name for name, c in checks.items() if not c.same] == [
        "projections_progressrow", "projections_activityrow"]
    # The live tables are not repaired by a verification, only reported.
    assert ActivityRow.objects.get(pk=activity.id).participants == activity.participants + 1


def index_definitions(table: str) -> dict[str, str]:
    """Every index of ``table`` by name, with the statement that makes it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = %s", [table])
        return dict(cursor.fetchall())


def identity_sequences(runtime) -> dict[str, str | None]:
    """The sequence numbering each live table's auto ids (PostgreSQL; SQLite numbers by rowid)."""
    if connection.vendor != "postgresql":
        return {}
    found = {}
    with connection.cursor() as cursor:
        for model in [m for p in runtime.runner.projections for m in p.tables]:
            if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField"):
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
                found[model._meta.db_table] = cursor.fetchone()[0]
    assert found and all(found.values())
    return found


def test_a_rebuild_leaves_every_index_of_the_live_tables_as_it_was(runtime):
    """The swap renames each shadow into its live table's place and gives its indexes the
    live names (the history's shadow is filled without any and indexed at the end):
    afterwards each live table has the same indexes under the same names, the same id
    sequence, and the lookups through them answer."""
    cid = busy_history(runtime)
    runtime.runner.catch_up()
    unit = ProgressRow.objects.get(campaign_id=cid, kind="branch", name="三中支部").node_id
    viewer, _ = runtime.tenancy.register_user(None, f"viewer-{uuid4().hex[:8]}@test.cn", "查看员", unit)
    runtime.tenancy.grant_role(None, viewer, unit, "viewer")  # a row numbered by its sequence
    runtime.runner.catch_up()
    live_tables = [m._meta.db_table for p in runtime.runner.projections for m in p.tables]
    before = {t: index_definitions(t) for t in live_tables}
    assert before["history_historyentry"]  # the history's own indexes are among them

    sequences = identity_sequences(runtime)
    runtime.runner.rebuild()

    assert {t: index_definitions(t) for t in live_tables} == before
    assert identity_sequences(runtime) == sequences
    assert shadow_tables() == []
    some = HistoryEntry.objects.order_by("-position").first()
    assert HistoryEntry.objects.filter(unit_id=some.unit_id, position=some.position).exists()
    # New rows numbered by the moved sequence follow the rebuilt ones.
    granted = Grant.objects.order_by("-id").first()
    assert granted is not None
    row = Grant.objects.create(user_id=granted.user_id, node_id=granted.node_id, path=granted.path,
                               role="viewer-of-a-test", granted_at=granted.granted_at)
    assert row.id > granted.id
    row.delete()
