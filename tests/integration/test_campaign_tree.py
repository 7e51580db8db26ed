"""The campaign projection when the tree changes: units moved, archived or registered after a
publication; with and without the runner's begin/end-of-batch hooks (a model built one way
equals the model rebuilt the other way); the scheduled light refresh."""

import threading
import types

import pytest

from taolun.projections.campaigns import refresh_lights
from taolun.projections.models import ProgressRow
from taolun.projections.runner import ProjectionRunner
from tests.integration.actors import operator
from tests.integration.test_progress_projection import campaign_state, code, day

pytestmark = pytest.mark.usefixtures("django_ready")

def with_batch_hooks(runner: ProjectionRunner, on: bool) -> None:
    """What the runner does once it calls the optional hooks around each batch."""
    if not on:
        runner.__dict__.pop("_apply", None)
        return

    def _apply(self, projection, batch, decoded):
        getattr(projection, "begin_batch", lambda: None)()
        ProjectionRunner._apply(self, projection, batch, decoded)
        getattr(projection, "end_batch", lambda: None)()

    runner._apply = types.MethodType(_apply, runner)


def published_campaign(c, boss, unit, *, requirement: bool = False, **publication) -> tuple:
    """A campaign of ``unit`` authored by ``boss``, with one phase (days -10…20) and one
    mandatory topic (and "专题学习 ≥ 1" with ``requirement``), published: (its id, the
    phase's id)."""
    cid, _ = c.author_campaign(boss, unit, "大讨论")
    phase, _ = c.add_phase(cid, boss, name="学习", start=day(-10), end=day(20))
    if requirement:
        c.add_requirement(cid, boss, kind="专题学习", metric="count", minimum=1)
    c.add_topic(cid, boss, title="题目", group="一", mandatory=True)
    c.publish(cid, boss, derive_deadline=day(-5), **publication)
    return cid, phase


def figures_of(cid, node) -> dict:
    return ProgressRow.objects.get(campaign_id=cid, node_id=node).total


@pytest.mark.parametrize("hooks", [False, True], ids=["per-event", "batched"])
def test_moves_and_archives_keep_the_roll_ups_and_a_rebuild_equal(runtime, hooks):
    t, c, runner = runtime.tenancy, runtime.campaigns, runtime.runner
    with_batch_hooks(runner, hooks)
    city, _ = t.register_tenant(None, "bureau", code(), "市教育局")
    district_a = t.register_tenant(None, "bureau", code(), "甲区", city)[0]
    district_b = t.register_tenant(None, "bureau", code(), "乙区", city)[0]
    school_1 = t.register_tenant(None, "school", code(), "一中", district_a)[0]
    school_2 = t.register_tenant(None, "school", code(), "二中", district_b)[0]
    branch_1 = t.register_tenant(None, "branch", code(), "一中支部", school_1)[0]
    branch_2 = t.register_tenant(None, "branch", code(), "二中支部", school_2)[0]
    boss = operator(runtime)
    cid, phase = published_campaign(c, boss, city, requirement=True)
    plan_a, _ = c.derive_plan(cid, boss, district_a)
    c.add_requirement(plan_a, boss, kind="座谈会", metric="count", minimum=1)
    c.submit(plan_a, boss)
    c.approve(plan_a, boss)
    plan_1, _ = c.derive_plan(cid, boss, school_1)
    c.submit(plan_1, boss)
    c.approve(plan_1, boss)
    for _ in range(2):
        c.log_activity(boss, branch_1, plan_1, kind="专题学习", title="学习", start=day(-3),
                       end=day(-3), participants=10, hours=2, phase_id=phase)
    c.log_activity(boss, branch_2, cid, kind="主题党日", title="党日", start=day(-2), end=day(-2),
                   participants=5, hours=1)
    p, _ = c.record_problem(boss, branch_2, cid, description="问题", category="工作作风")
    c.plan_rectification(p, boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                         deadline=day(-1))
    # A school below district A, with no plan of its own: district A's approved plan governs it.
    school_3 = t.register_tenant(None, "school", code(), "三中", district_a)[0]
    branch_3 = t.register_tenant(None, "branch", code(), "三中支部", school_3)[0]
    c.log_activity(boss, branch_3, cid, kind="座谈会", title="座谈", start=day(-1), end=day(-1),
                   participants=3, hours=1)
    runner.catch_up()
    assert figures_of(cid, district_a)["activities"] == 3
    assert ProgressRow.objects.get(campaign_id=cid, node_id=branch_3).governing_plan_id == plan_a
    assert figures_of(cid, branch_3)["req_met"] == 1  # district A's 座谈会 requirement

    # School 1 (approved plan, two activities) moves to district B.
    t.move_tenant(None, school_1, district_b)
    # School 3 moves too: district A's plan no longer governs it; the campaign does.
    t.move_tenant(None, school_3, district_b)
    runner.catch_up()
    a, b, root = figures_of(cid, district_a), figures_of(cid, district_b), figures_of(cid, city)
    assert (a["activities"], b["activities"], root["activities"]) == (0, 4, 4)
    assert (a["participants"], b["participants"], root["participants"]) == (0, 28, 28)
    assert a["plans"] == {"approved": 1} and b["plans"] == {"approved": 1, "not_derived": 3}
    assert root["plans"] == {"approved": 2, "not_derived": 3}
    moved = ProgressRow.objects.get(campaign_id=cid, node_id=branch_1)
    assert moved.path.startswith(ProgressRow.objects.get(campaign_id=cid, node_id=district_b).path)
    assert moved.depth == 3
    row_3 = ProgressRow.objects.get(campaign_id=cid, node_id=branch_3)
    assert row_3.governing_plan_id == cid and row_3.own["req_met"] == 0
    assert (row_3.own["req_total"], root["req_total"]) == (1, 3)

    # Branch 2 (an activity, an overdue rectification) is archived: it leaves the roll-ups.
    t.archive_tenant(None, branch_2)
    runner.catch_up()
    root = figures_of(cid, city)
    assert (root["activities"], root["problems"], root["deadlines"]) == (3, 0, {})
    assert not ProgressRow.objects.filter(campaign_id=cid, node_id=branch_2).exists()
    # A branch registered afterwards under a covered school is bound by the requirements.
    branch_4 = t.register_tenant(None, "branch", code(), "一中第二支部", school_1)[0]
    runner.catch_up()
    row_4 = ProgressRow.objects.get(campaign_id=cid, node_id=branch_4)
    assert row_4.obliged and row_4.governing_plan_id == plan_1
    assert figures_of(cid, city)["obliged_units"] == 3

    live = campaign_state(cid)
    with_batch_hooks(runner, not hooks)
    runner.rebuild(["campaigns"])
    assert campaign_state(cid) == live
    with_batch_hooks(runner, False)


def test_coverage_of_units_registered_after_a_publication_to_chosen_units(runtime):
    t, c = runtime.tenancy, runtime.campaigns
    city, _ = t.register_tenant(None, "bureau", code(), "市教育局")
    district_a = t.register_tenant(None, "bureau", code(), "甲区", city)[0]
    district_b = t.register_tenant(None, "bureau", code(), "乙区", city)[0]
    boss = operator(runtime)
    cid, _ = published_campaign(c, boss, city, requirement=True, unit_ids=[district_a])
    # Registered later: a school below the chosen district, its branch, and a branch's
    # twin below the district that was not chosen.
    school_a = t.register_tenant(None, "school", code(), "甲区学校", district_a)[0]
    branch_a = t.register_tenant(None, "branch", code(), "甲区学校支部", school_a)[0]
    school_b = t.register_tenant(None, "school", code(), "乙区学校", district_b)[0]
    branch_b = t.register_tenant(None, "branch", code(), "乙区学校支部", school_b)[0]
    runtime.runner.catch_up()

    def flags(node):
        row = ProgressRow.objects.get(campaign_id=cid, node_id=node)
        return row.expected, row.obliged

    assert flags(district_a) == (True, False) and flags(district_b) == (False, False)
    assert flags(school_a) == (False, False) and flags(school_b) == (False, False)
    assert flags(branch_a) == (False, True)  # covered through the chosen district
    assert flags(branch_b) == (False, False)
    root = figures_of(cid, city)
    assert (root["plans_expected"], root["obliged_units"], root["req_total"]) == (1, 1, 1)
    # Moving the covered branch out of the chosen district unbinds it.
    t.move_tenant(None, branch_a, school_b)
    runtime.runner.catch_up()
    assert flags(branch_a) == (False, False)
    assert figures_of(cid, city)["obliged_units"] == 0


def test_the_light_refresh_waits_for_the_projection_and_the_filter_still_works(runtime):
    t, c = runtime.tenancy, runtime.campaigns
    city, _ = t.register_tenant(None, "bureau", code(), "市教育局")
    school = t.register_tenant(None, "school", code(), "一中", city)[0]
    branch = t.register_tenant(None, "branch", code(), "支部", school)[0]
    boss = operator(runtime)
    cid, _ = published_campaign(c, boss, city)
    p, _ = c.record_problem(boss, branch, cid, description="问题", category="工作作风")
    c.plan_rectification(p, boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                         deadline=day(-1))
    runtime.runner.catch_up()
    red = ProgressRow.objects.filter(campaign_id=cid, light="red")
    assert set(red.values_list("node_id", flat=True)) == {city, school, branch}
    # A stale stored light (as if the day turned) is put right by the refresh.
    ProgressRow.objects.filter(campaign_id=cid, node_id=branch).update(light="green")
    assert refresh_lights(cid) >= 1
    assert set(red.values_list("node_id", flat=True)) == {city, school, branch}

    # While a batch holds the position row, the refresh waits for it (it never computes a
    # light from totals a batch is changing).
    from django.db import close_old_connections, transaction

    from taolun.projections.models import ProjectionPosition

    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def batch():
        try:
            with transaction.atomic():
                list(ProjectionPosition.objects.select_for_update().filter(name="campaigns"))
                ProjectionPosition.objects.filter(name="campaigns").update(position=models_position())
                held.set()
                release.wait(10)
        finally:
            close_old_connections()

    def refresh():
        try:
            refresh_lights(cid)
            done.set()
        finally:
            close_old_connections()

    def models_position():
        return ProjectionPosition.objects.get(name="campaigns").position

    holder = threading.Thread(target=batch)
    holder.start()
    assert held.wait(10)
    refresher = threading.Thread(target=refresh)
    refresher.start()
    assert not done.wait(0.5)  # blocked behind the batch
    release.set()
    holder.join(10)
    refresher.join(10)
    assert done.is_set()
