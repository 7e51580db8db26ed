"""The progress rules as named examples (docs/progress.md states each with the same example):
which plan measures a unit, what a change of a plan's dates recounts, what counts as done,
and what the lights say."""

from datetime import timedelta

import pytest

from taolun.projections.progress_read import FIELDS, node_figures, row_out
from taolun.projections import progress as figures
from taolun.projections.campaigns import campaign_frame, refresh_lights, time_zone
from taolun.projections.models import ProgressRow
from tests.integration.test_progress_projection import code, day
from tests.integration.actors import operator, uploaded_evidence

pytestmark = pytest.mark.usefixtures("django_ready")


def shown(runtime, cid, node) -> dict:
    """The node as the progress API shows it today."""
    runtime.runner.catch_up()
    row = ProgressRow.objects.filter(campaign_id=cid, node_id=node).values().get()
    return row_out(row, campaign_frame(cid), figures.today(time_zone()), with_requirements=True)


def node(runtime, cid, node_id, on_day: int = 0) -> dict:
    """A node with its children as the progress API shows them on day ``on_day``."""
    runtime.runner.catch_up()
    row = ProgressRow.objects.filter(campaign_id=cid, node_id=node_id).values(*FIELDS).get()
    return node_figures(cid, row, campaign_frame(cid), figures.today(time_zone()) + timedelta(days=on_day))


def governing(cid, node):
    return ProgressRow.objects.get(campaign_id=cid, node_id=node).governing_plan_id


class City:
    """市 → 区 → 一中 → 一中支部, and 市 → 二中 → 二中支部; a campaign from day -10 to +20
    requiring two 专题学习 of every branch."""

    def __init__(self, runtime, *, start=-10, end=20, publish_to=None):
        t, c = runtime.tenancy, runtime.campaigns
        self.rt, self.c = runtime, c
        self.boss = operator(runtime)
        self.city = t.register_tenant(None, "bureau", code(), "市教育局")[0]
        self.district = t.register_tenant(None, "bureau", code(), "区教育局", self.city)[0]
        self.school = t.register_tenant(None, "school", code(), "一中", self.district)[0]
        self.branch = t.register_tenant(None, "branch", code(), "一中支部", self.school)[0]
        self.school_2 = t.register_tenant(None, "school", code(), "二中", self.city)[0]
        self.branch_2 = t.register_tenant(None, "branch", code(), "二中支部", self.school_2)[0]
        self.cid = c.author_campaign(self.boss, self.city, "大讨论")[0]
        self.phase = c.add_phase(self.cid, self.boss, name="学习", start=day(start), end=day(end))[0]
        c.add_topic(self.cid, self.boss, title="题目", group="一", mandatory=True)
        self.req = c.add_requirement(self.cid, self.boss, kind="专题学习", metric="count", minimum=2)[0]
        units = None if publish_to is None else [getattr(self, u) for u in publish_to]
        c.publish(self.cid, self.boss, unit_ids=units, derive_deadline=day(start))

    def approved_plan(self, parent, unit, *requirements):
        plan = self.c.derive_plan(parent, self.boss, unit)[0]
        for kind, minimum in requirements:
            self.c.add_requirement(plan, self.boss, kind=kind, metric="count", minimum=minimum)
        self.c.submit(plan, self.boss)
        self.c.approve(plan, self.boss)
        return plan

    def log(self, unit, plan, when, kind="专题学习", **extra):
        return self.c.log_activity(self.boss, unit, plan, kind=kind, title="活动", start=day(when),
                                   end=day(when), participants=extra.pop("participants", 5), **extra)[0]


# ------------------------------------------------------------------ which plan measures a unit


def test_a_school_deriving_straight_from_the_city_is_measured_by_its_own_plan_not_its_districts(runtime):
    city = City(runtime)
    district_plan = city.approved_plan(city.cid, city.district, ("座谈会", 1))
    runtime.runner.catch_up()
    assert governing(city.cid, city.branch) == district_plan
    school_plan = city.approved_plan(city.cid, city.school, ("党课", 1))
    runtime.runner.catch_up()
    assert governing(city.cid, city.branch) == school_plan
    assert {r["kind"] for r in shown(runtime, city.cid, city.branch)["own_requirements"]} == {"专题学习", "党课"}


def test_a_unit_moved_under_a_plan_and_one_registered_there_are_measured_alike(runtime):
    city = City(runtime)
    school_plan = city.approved_plan(city.cid, city.school_2, ("党课", 1))
    runtime.tenancy.move_tenant(None, city.branch, city.school_2)
    born = runtime.tenancy.register_tenant(None, "branch", code(), "新支部", city.school_2)[0]
    runtime.runner.catch_up()
    assert governing(city.cid, city.branch) == governing(city.cid, born) == school_plan


def test_a_draft_plan_binds_nobody_until_it_is_approved(runtime):
    city = City(runtime)
    plan = city.c.derive_plan(city.cid, city.boss, city.school)[0]
    city.c.add_requirement(plan, city.boss, kind="党课", metric="count", minimum=1)
    assert shown(runtime, city.cid, city.branch)["requirements"]["total"] == 1  # the city's only
    city.c.submit(plan, city.boss)
    assert shown(runtime, city.cid, city.branch)["requirements"]["total"] == 1
    city.c.approve(plan, city.boss)
    assert shown(runtime, city.cid, city.branch)["requirements"]["total"] == 2


def test_a_plan_reopened_for_revision_still_binds_by_its_approved_version(runtime):
    city = City(runtime)
    plan = city.approved_plan(city.cid, city.school, ("党课", 1))
    city.c.reopen(plan, city.boss, "补充")
    city.c.add_requirement(plan, city.boss, kind="座谈会", metric="count", minimum=1)
    assert shown(runtime, city.cid, city.branch)["requirements"]["total"] == 2


def test_an_amendment_flags_upstream_changed_beside_the_approval(runtime):
    from taolun.projections.models import OutboxMessage

    city = City(runtime)
    plan = city.approved_plan(city.cid, city.school)
    city.c.reopen(city.cid, city.boss, "调整")
    city.c.revise_phase(city.cid, city.boss, city.phase, end=day(15))
    city.c.publish_amendment(city.cid, city.boss, "缩短")
    runtime.runner.catch_up()
    row = OutboxMessage.objects.get(key=f"upstream:{plan}:2")
    runtime.effects["mark_upstream_changed"](row.key, row.payload)
    school = shown(runtime, city.cid, city.school)
    assert school["plan_status"] == "approved" and school["upstream_changed"] is True
    assert school["plans"] == {"approved": 1} and school["plans_upstream_changed"] == 1


# ------------------------------------------------------------------ dates


def test_moving_a_phase_recounts_what_falls_inside_it(runtime):
    city = City(runtime)
    city.c.reopen(city.cid, city.boss, "分阶段")
    city.c.revise_header(city.cid, city.boss, title="大讨论")
    runtime.runner.catch_up()
    # A phase requirement: two 专题学习 during the study phase (days -10 … -5).
    study = city.c.add_phase(city.cid, city.boss, name="集中学习", start=day(-10), end=day(-5))[0]
    city.c.add_requirement(city.cid, city.boss, kind="座谈会", metric="count", minimum=2, scope="phase",
                           phase_id=study)
    city.c.publish_amendment(city.cid, city.boss, "增加集中学习阶段")
    city.log(city.branch_2, city.cid, -8, kind="座谈会")
    city.log(city.branch_2, city.cid, -3, kind="座谈会")
    assert shown(runtime, city.cid, city.branch_2)["requirements"]["met"] == 0
    city.c.reopen(city.cid, city.boss, "延长")
    city.c.revise_phase(city.cid, city.boss, study, end=day(-2))
    assert shown(runtime, city.cid, city.branch_2)["requirements"]["met"] == 0  # a draft binds nobody
    city.c.publish_amendment(city.cid, city.boss, "集中学习延长到第-2天")
    assert shown(runtime, city.cid, city.branch_2)["requirements"]["met"] == 1


def test_a_future_dated_activity_is_planned_not_done(runtime):
    city = City(runtime)
    city.log(city.branch_2, city.cid, -1)
    city.log(city.branch_2, city.cid, 3, participants=7)
    shown_now = shown(runtime, city.cid, city.branch_2)
    assert (shown_now["activities"], shown_now["activities_planned"], shown_now["participants"]) == (1, 1, 5)
    assert shown_now["requirements"]["met"] == 0 and shown_now["last_activity"] == day(-1)
    later = row_out(ProgressRow.objects.filter(campaign_id=city.cid, node_id=city.branch_2).values().get(),
                    campaign_frame(city.cid), figures.today(time_zone()) + timedelta(days=3))
    assert (later["activities"], later["requirements"]["met"]) == (2, 1)


# ------------------------------------------------------------------ problems




def test_a_reopened_overdue_problem_counts_once_as_red_like_the_problem_list(runtime):
    from taolun.events.campaigns.lights import problem_light
    from taolun.projections.models import ProblemRow

    city = City(runtime)
    lights = {}
    for name, deadline in (("late", -1), ("soon", 3)):
        p = city.c.record_problem(city.boss, city.branch_2, city.cid, description="问题", category="工作作风")[0]
        city.c.plan_rectification(p, city.boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                                  deadline=day(deadline))
        city.c.complete_rectification(p, city.boss, summary="完成", evidence=[uploaded_evidence(city.boss)])
        city.c.verify_rectification(p, city.boss)
        city.c.reopen_problem(p, city.boss, "反弹")
        lights[name] = p
    problems = shown(runtime, city.cid, city.city)["problems"]
    assert (problems["red"], problems["yellow"], problems["blue"], problems["open"]) == (1, 1, 0, 2)
    on = figures.today(time_zone())
    rows = [ProblemRow.objects.get(pk=lights[n]) for n in ("late", "soon")]
    assert [problem_light(r.status, r.deadline, r.reopened, on) for r in rows] == ["red", "yellow"]


# ------------------------------------------------------------------ lights


def test_halfway_a_unit_on_pace_is_green_and_one_behind_pace_is_yellow(runtime):
    city = City(runtime, start=-15, end=15)  # day 16 of 31: 52% of the campaign elapsed
    city.log(city.branch, city.cid, -10)
    city.log(city.branch, city.cid, -2)  # its one requirement (two 专题学习) met: 100%
    city.log(city.branch_2, city.cid, -1)  # not yet: 0% of its requirements met
    on_pace, behind = shown(runtime, city.cid, city.branch), shown(runtime, city.cid, city.branch_2)
    assert (on_pace["light"], on_pace["pace"]) == ("green", {"expected_pct": 52, "behind": False})
    assert (behind["light"], behind["pace"]) == ("yellow", {"expected_pct": 52, "behind": True})
    # On the campaign's third day 10% is due: nothing done yet is within the 20-point tolerance.
    early = node(runtime, city.cid, city.branch_2, on_day=-13)
    assert (early["light"], early["pace"]) == ("green", {"expected_pct": 10, "behind": False})


def test_a_unit_with_only_future_dated_activities_is_not_done(runtime):
    city = City(runtime, start=-20, end=20)
    city.log(city.branch_2, city.cid, 2)
    city.log(city.branch_2, city.cid, 3)
    unit = shown(runtime, city.cid, city.branch_2)
    assert (unit["score"], unit["light"], unit["activities_planned"]) == (0, "yellow", 2)


def test_silence_is_red_while_the_campaign_runs_and_stops_counting_after_it(runtime):
    city = City(runtime, start=-45, end=5)
    city.log(city.branch, city.cid, -44)
    city.log(city.branch, city.cid, -40)  # done, then silent for 40 days
    assert shown(runtime, city.cid, city.branch)["light"] == "red"
    after = node(runtime, city.cid, city.branch, on_day=30)
    assert (after["silent"], after["light"]) == (False, "green")  # finished
    unfinished = node(runtime, city.cid, city.branch_2, on_day=30)
    assert unfinished["light"] == "red"  # never did what was required


def test_a_bureau_is_lit_by_the_shares_of_its_units_not_by_one_item(runtime):
    t = runtime.tenancy
    city = City(runtime, start=-10, end=20)
    more = [t.register_tenant(None, "branch", code(), f"支部{i}", city.school)[0] for i in range(8)]
    branches = [city.branch, *more]  # nine branches of 一中 (+ 二中's one) below the city
    for b in branches:
        city.log(b, city.cid, -5)
        city.log(b, city.cid, -4)
    p = city.c.record_problem(city.boss, branches[0], city.cid, description="问题", category="工作作风")[0]
    city.c.plan_rectification(p, city.boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                              deadline=day(-1))
    city.log(city.branch_2, city.cid, -3)
    city.log(city.branch_2, city.cid, -2)
    root = node(runtime, city.cid, city.city)
    assert root["units_lights"] == {"green": 9, "yellow": 0, "red": 1}
    assert root["light"] == "green"  # 1 of 10 red: not more than 20%
    assert root["problems"]["red"] == 1  # the overdue item is still counted
    # A stricter campaign: red when more than 5% of the units are red.
    city.c.set_progress_settings(city.cid, city.boss, red_share=5)
    assert node(runtime, city.cid, city.city)["light"] == "red"


def test_a_school_logging_its_own_activities_is_not_bound_by_per_unit_requirements(runtime):
    city = City(runtime)
    city.log(city.school_2, city.cid, -1)
    school = shown(runtime, city.cid, city.school_2)
    assert school["activities"] == 1
    assert (school["requirements"]["units"], school["requirements"]["total"]) == (1, 1)  # its branch only
    assert ProgressRow.objects.get(campaign_id=city.cid, node_id=city.school_2).own["obliged_units"] == 0


def test_the_scheduled_refresh_stores_a_bureaus_light_from_its_units_shares(runtime):
    city = City(runtime, start=-45, end=5)
    city.log(city.branch, city.cid, -2)
    city.log(city.branch, city.cid, -1)  # 一中支部 green; 二中支部 silent since day -45: red
    runtime.runner.catch_up()
    refresh_lights(city.cid)
    stored = dict(ProgressRow.objects.filter(campaign_id=city.cid).values_list("node_id", "light"))
    assert (stored[city.branch], stored[city.branch_2]) == ("green", "red")
    assert (stored[city.school], stored[city.school_2], stored[city.city]) == ("green", "red", "red")
    root = node(runtime, city.cid, city.city)
    assert root["light"] == "red"  # 1 of 2 red
    # Its silence is the share of its units that are silent, not the latest activity anywhere.
    assert (root["silent_units"], root["silent_share"], root["last_activity"]) == (1, 0.5, day(-1))
    assert list(ProgressRow.objects.filter(campaign_id=city.cid, silent=True).values_list("node_id", flat=True)) == [
        city.branch_2]
