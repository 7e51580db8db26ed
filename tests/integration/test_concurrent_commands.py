"""Every kind of command, raced by several writers on one aggregate: each either succeeds
(its guards re-checked against the fresh state) or answers a DomainError (409 and the like),
never the event store's integrity error (which the API would answer 500)."""

import threading

import pytest

from taolun.events.kernel import DomainError
from tests.integration.test_progress_projection import build_city, code, day

pytestmark = pytest.mark.usefixtures("django_ready")

WRITERS = 4


def race(apps, command) -> list[object]:
    """Run ``command(i)`` in WRITERS threads; every writer reads its state before any of
    them saves (a gate on the applications' first save), so they really collide."""
    start, gate = threading.Barrier(WRITERS), threading.Barrier(WRITERS, timeout=3)
    outcomes: list[object] = [None] * WRITERS
    waited = threading.local()

    def gated(real_save):
        def save(*aggregates, **kwargs):
            if not getattr(waited, "done", False):
                waited.done = True
                try:
                    gate.wait()
                except threading.BrokenBarrierError:  # a writer stopped at a guard
                    pass
            return real_save(*aggregates, **kwargs)

        return save

    def writer(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = command(i)
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[i] = error

    for app in apps:
        app.save = gated(type(app).save.__get__(app))
    try:
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for app in apps:
            del app.save
    return outcomes


def assert_no_unmapped_conflict(outcomes) -> None:
    unmapped = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
    assert not unmapped, unmapped
    assert any(not isinstance(o, Exception) for o in outcomes), outcomes


@pytest.fixture()
def city(runtime):
    city, schools, branches, cid, plan, phase, boss = build_city(runtime)
    return {"city": city, "schools": schools, "branches": branches, "campaign": cid,
            "plan": plan, "phase": phase, "boss": boss}


def tenancy_commands(t, c):
    user, _ = t.register_user(None, f"{code()}@school.test", "用户", c["schools"][0])
    tokens = [t.issue_token(None, user, label=f"t{i}").token_id for i in range(WRITERS)]
    shared_code = code()
    shared_email = f"{code()}@school.test"
    return {
        "rename a unit": lambda i: t.rename_tenant(None, c["schools"][0], f"新名{i}"),
        "register units with one code": lambda i: t.register_tenant(
            None, "branch", shared_code, f"支部{i}", c["schools"][1]),
        "register units under one parent": lambda i: t.register_tenant(
            None, "branch", code(), f"支部{i}", c["schools"][1]),
        "move a unit": lambda i: t.move_tenant(None, c["branches"][i % 2], c["schools"][(i + 1) % 2]),
        "register users with one e-mail": lambda i: t.register_user(
            None, shared_email, "重复", c["schools"][0]),
        "grant roles to one user": lambda i: t.grant_role(
            None, user, c["schools"][0], ("admin", "secretary", "viewer", "inspector")[i]),
        "revoke roles of one user": lambda i: t.revoke_role(
            None, user, c["schools"][0], ("admin", "secretary", "viewer", "inspector")[i]),
        "issue tokens to one user": lambda i: t.issue_token(None, user, label=f"n{i}"),
        "revoke tokens of one user": lambda i: t.revoke_token(None, user, tokens[i]),
        "archive a unit": lambda i: t.archive_tenant(None, c["branches"][2]),
    }


def campaign_commands(r, c):
    k, boss = r.campaigns, c["boss"]
    activity, _ = k.log_activity(boss, c["schools"][0], c["plan"], kind="专题学习", title="学习",
                                 start=day(-1), end=day(-1))
    suggestion, _ = k.submit_suggestion(boss, c["schools"][0], c["plan"], title="建议", content="内容")
    problem, _ = k.record_problem(boss, c["schools"][0], c["plan"], description="问题", category="工作作风")
    draft, _ = k.author_campaign(boss, c["city"], "草案")
    return {
        "revise a draft's header": lambda i: k.revise_header(draft, boss, slogan=f"口号{i}"),
        "add topics to a draft": lambda i: k.add_topic(draft, boss, group="一", title=f"题{i}"),
        "add phases to a draft": lambda i: k.add_phase(draft, boss, name=f"阶段{i}", start=day(1), end=day(9)),
        "log activities on a plan": lambda i: k.log_activity(
            boss, c["schools"][0], c["plan"], kind="专题学习", title=f"学习{i}", start=day(-1), end=day(-1)),
        "correct an activity": lambda i: k.correct_activity(activity, boss, f"更正{i}", title=f"学习{i}"),
        "categorise a suggestion": lambda i: k.categorise_suggestion(suggestion, boss, f"类{i}"),
        "plan a problem's rectification": lambda i: k.plan_rectification(
            problem, boss, measures=[f"措施{i}"], lead_leader="张三", responsible_units=["办公室"],
            deadline=day(30)),
        "mark a child's upstream changed": lambda i: k.mark_upstream_changed(c["plan"], 1),
    }


@pytest.mark.parametrize("family", ["tenancy", "campaigns"])
def test_racing_writers_never_meet_an_unmapped_integrity_error(runtime, city, family):
    commands = (tenancy_commands(runtime.tenancy, city) if family == "tenancy"
                else campaign_commands(runtime, city))
    failures = {}
    for name, command in commands.items():
        try:
            assert_no_unmapped_conflict(race((runtime.tenancy, runtime.campaigns), command))
        except AssertionError as error:
            failures[name] = str(error)
    assert failures == {}


def test_simultaneous_renames_of_one_unit_all_succeed_in_some_order(runtime):
    unit, _ = runtime.tenancy.register_tenant(None, "bureau", code(), "市教育局")
    outcomes = race([runtime.tenancy], lambda i: runtime.tenancy.rename_tenant(None, unit, f"名{i}"))
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert runtime.tenancy.get_tenant(unit).name in {f"名{i}" for i in range(WRITERS)}


def test_a_racing_command_gives_up_as_409_concurrent_update_after_its_retries(runtime, monkeypatch):
    from eventsourcing.persistence import IntegrityError

    unit, _ = runtime.tenancy.register_tenant(None, "bureau", code(), "市教育局")

    def always_conflicting(*aggregates):
        raise IntegrityError("someone else appended first")

    monkeypatch.setattr(runtime.tenancy, "save", always_conflicting)
    with pytest.raises(DomainError) as raised:
        runtime.tenancy.rename_tenant(None, unit, "新名")
    assert (raised.value.code, raised.value.status) == ("concurrent_update", 409)
