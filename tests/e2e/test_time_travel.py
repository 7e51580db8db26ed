"""An auditor reads the campaign as it stood at a past moment: progress, lists, the org tree,
a plan and its entries, and what changed between two moments (docs/audit.md, "Time travel").

The server has its own log with checkpoints every 20 events, so the as-of answers come
from a checkpoint plus the tail, and the first ones store those checkpoints."""

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.client import Client
from tests.e2e.conftest import Org, own_server

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENT_KEYS = ("as_of", "as_of_position")


def moment() -> str:
    """Now, as a naive Asia/Shanghai time (the way the page's picker sends it)."""
    return datetime.now(SHANGHAI).replace(tzinfo=None).isoformat()


def without_moment(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in MOMENT_KEYS}


@pytest.fixture(scope="module")
def story():
    with own_server("asof", TAOLUN_AS_OF_CHECKPOINT_EVERY="20") as srv:
        token = srv.taolun("operator", "create", "ops@taolun.test").stdout.strip()
        org = Org(Client(srv.url, token))
        city = org.user_with_role(org.city, "admin")
        district = org.user_with_role(org.district_a, "admin")
        secretary = org.user_with_role(org.branch_a, "secretary")
        campaign = Campaign(city, org.city)
        plan = ok(district.post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.district_a["id"]}), 201)
        for kind in ("党课", "主题党日"):
            ok(secretary.post("/api/v1/activities", {
                "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": kind, "title": kind,
                "start": day(-1), "end": day(-1)}), 201)
        progress = f"/api/v1/campaigns/{campaign.id}/progress/{org.district_a['id']}"
        seen = {
            "progress": ok(district.get(progress)),
            "units": ok(district.get(f"{progress}/units?kind=branch")),
            "plan": ok(district.get(f"/api/v1/plans/{plan['id']}")),
        }
        then = moment()
        # After the moment: a third activity, a task added to the plan, a problem, a new school.
        ok(secretary.post("/api/v1/activities", {
            "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "党课", "title": "第二次党课",
            "start": day(0), "end": day(0)}), 201)
        task = ok(district.post(f"/api/v1/plans/{plan['id']}/tasks", {"title": "区级推进会"}), 201)
        problem = ok(secretary.post("/api/v1/problems", {
            "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "description": "学习流于形式",
            "category": "工作作风"}), 201)
        late_school = org.node(org.district_a, "school", "新建学校")
        auditor = org.user_with_role(org.district_a, "auditor")
        yield {"server": srv, "org": org, "district": district, "auditor": auditor, "campaign": campaign,
               "plan": plan, "progress": progress, "seen": seen, "then": then, "task": task,
               "problem": problem, "late_school": late_school, "now": moment()}


def test_progress_as_of_a_past_moment_answers_what_was_seen_at_that_moment(story):
    auditor, then = story["auditor"], quote(story["then"])
    past = ok(auditor.get(f"{story['progress']}?as_of={then}"))
    assert without_moment(past) == story["seen"]["progress"]
    assert past["activities"] == 2 and past["as_of"].endswith("+08:00") and past["as_of_position"] > 0
    assert ok(auditor.get(story["progress"]))["activities"] == 3  # the live view moved on


def test_the_units_list_and_the_org_tree_as_of_a_moment_are_those_of_that_moment(story):
    auditor, then, org = story["auditor"], quote(story["then"]), story["org"]
    units = ok(auditor.get(f"{story['progress']}/units?kind=branch&as_of={then}"))
    assert without_moment(units) == story["seen"]["units"]
    district = story["district"]
    tree = ok(district.get(f"/api/v1/tenants/{org.district_a['id']}?depth=2&as_of={then}"))
    names_then = {c["name"] for c in tree["children"]}
    names_now = {c["name"] for c in ok(district.get(f"/api/v1/tenants/{org.district_a['id']}?depth=2"))["children"]}
    assert "新建学校" in names_now and "新建学校" not in names_then


def test_a_plan_and_the_ledger_as_of_a_moment_hold_only_what_was_there(story):
    auditor, then = story["auditor"], quote(story["then"])
    plan = ok(auditor.get(f"/api/v1/plans/{story['plan']['id']}?as_of={then}"))
    assert plan["version"] == story["seen"]["plan"]["version"]
    assert plan["tasks"] == story["seen"]["plan"]["tasks"]
    base = f"/api/v1/tenants/{story['org'].district_a['id']}"
    assert ok(auditor.get(f"{base}/activities?as_of={then}"))["count"] == 2
    assert ok(auditor.get(f"{base}/activities"))["count"] == 3
    assert ok(auditor.get(f"{base}/problems?as_of={then}"))["count"] == 0
    assert auditor.get(f"/api/v1/problems/{story['problem']['id']}?as_of={then}").status == 404
    now = quote(story["now"])
    assert ok(auditor.get(f"/api/v1/problems/{story['problem']['id']}?as_of={now}"))["status"] == "open"


def test_the_plan_changes_between_two_moments_name_the_added_task_who_added_it_and_when(story):
    auditor, plan_id = story["auditor"], story["plan"]["id"]
    changes = ok(auditor.get(f"/api/v1/plans/{plan_id}/changes?from={quote(story['then'])}&to={quote(story['now'])}"))
    added = changes["sections"]["tasks"]["added"]
    assert [a["item"]["title"] for a in added] == ["区级推进会"]
    by = added[0]["by"][0]
    assert by["actor_name"] == "测试用户" and by["actor_id"] == str(story["district"].user["id"])
    assert by["at"].endswith("+08:00")
    assert changes["sections"]["tasks"]["removed"] == [] and changes["new_version"] > changes["old_version"]


def test_the_progress_changes_between_two_moments_show_the_figures_that_moved(story):
    auditor = story["auditor"]
    changes = ok(auditor.get(f"{story['progress']}/changes?from={quote(story['then'])}&to={quote(story['now'])}"))
    node = {c["figure"]: c for c in changes["node"]}
    assert node["activities"]["old"] == 2 and node["activities"]["new"] == 3
    assert node["problems.total"]["old"] == 0 and node["problems.total"]["new"] == 1
    assert any(u["name"] == "实验中学" for u in changes["children"])


@pytest.mark.parametrize(("query", "code"), [
    ("as_of=2999-01-01", "as_of_in_future"),
    ("as_of=2000-01-01T08:00", "as_of_before_log"),
    ("as_of=yesterday", "invalid_as_of"),
])
def test_a_moment_in_the_future_before_the_log_or_unreadable_is_a_clear_error(story, query, code):
    reply = story["auditor"].get(f"{story['progress']}?{query}")
    assert reply.status == 422 and reply.body["code"] == code, reply.body
    assert reply.body["message"] and reply.body["details"]["field"] == "as_of"


def test_a_range_from_after_to_and_as_of_on_a_read_that_cannot_travel_are_clear_errors(story):
    auditor, plan_id = story["auditor"], story["plan"]["id"]
    reply = auditor.get(f"/api/v1/plans/{plan_id}/changes?from={quote(story['now'])}&to={quote(story['then'])}")
    assert reply.status == 422 and reply.body["code"] == "as_of_range_reversed"
    reply = auditor.get(f"/api/v1/tenants/{story['org'].district_a['id']}/plans?as_of={quote(story['then'])}")
    assert reply.status == 422 and reply.body["code"] == "as_of_not_supported"
    reply = auditor.get(f"/api/v1/plans/{plan_id}?version=1&as_of={quote(story['then'])}")
    assert reply.status == 422 and reply.body["code"] == "as_of_with_version"


def test_an_as_of_view_outside_the_callers_subtree_answers_404_like_a_missing_one(story):
    org, then = story["org"], quote(story["then"])
    outsider = org.user_with_role(org.district_b, "auditor")
    campaign = story["campaign"]
    assert outsider.get(f"{story['progress']}?as_of={then}").status == 404
    assert outsider.get(f"/api/v1/plans/{story['plan']['id']}/changes?from={then}&to={then}").status == 404
    assert outsider.get(f"/api/v1/tenants/{org.district_a['id']}/activities?as_of={then}").status == 404
    own = f"/api/v1/campaigns/{campaign.id}/progress/{org.district_b['id']}?as_of={then}"
    assert ok(outsider.get(own))["name"] == "邗江区教育局"


def test_the_cli_drops_and_takes_the_checkpoints_and_the_answers_stay_the_same(story):
    srv, auditor, then = story["server"], story["auditor"], quote(story["then"])
    srv.taolun("checkpoints", "--drop")
    assert srv.taolun("checkpoints").stdout == ""
    filled = srv.taolun("checkpoints", "--fill").stdout.splitlines()
    positions = [int(line.split("\t")[0]) for line in filled]
    assert positions and positions == [20 * k for k in range(1, len(positions) + 1)]
    assert without_moment(ok(auditor.get(f"{story['progress']}?as_of={then}"))) == story["seen"]["progress"]
