"""The pages after a small story, in-process (Django's test client, the whole middleware
stack) on the backend of the current leg: each role's to-do list (the page and
``GET /api/v1/me/todo`` list the same items), the progress dashboard and its isolation,
escaping of hostile names, and no password hash in the event log."""

from __future__ import annotations

import re
import uuid
from uuid import UUID

import pytest
from django.test import Client as DjangoClient

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.conftest import Org
from tests.e2e.web_client import text_of
from tests.integration.test_cross_tenant_matrix import InProcess, operator

PASSWORD = "correct-horse-battery"
HOSTILE = '<script>alert("x")</script>'
ITEM = re.compile(r'data-kind="(\w+)" data-ref="([^"]+)"')


def person(runtime, org: Org, node: dict, role: str) -> InProcess:
    """A user with a role on ``node``, signed in to the pages (``.web``) and holding a token."""
    from taolun.platform.web.passwords import set_password

    api = org.user_with_role(node, role)
    runtime.after_command(set_password(runtime, None, UUID(api.user["id"]), PASSWORD))
    api.web = DjangoClient(REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.0.1")  # its own address
    signed_in = api.web.post("/sign-in", {"email": api.user["email"], "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content
    return api


def page(api: InProcess, path: str = "/") -> tuple[int, str]:
    response = api.web.get(path)
    return response.status_code, response.content.decode()


def page_items(api: InProcess) -> list[tuple[str, str]]:
    status, html = page(api)
    assert status == 200
    return ITEM.findall(html)


def api_items(api: InProcess) -> list[dict]:
    return ok(api.get("/api/v1/me/todo"))["items"]


def same_list(api: InProcess) -> list[dict]:
    """The to-do list, after checking the page shows exactly the API's items, in order."""
    items = api_items(api)
    assert page_items(api) == [(i["kind"], i["ref"]) for i in items]
    return items


@pytest.fixture(scope="module")
def story(runtime):
    """The city publishes a campaign (derive by day +5); a school derives straight from it and
    submits; a branch secretary logs an activity an inspector returns, and a problem due in 3
    days; a hostile-named branch has its own secretary."""
    org = Org(operator(runtime))
    s = type("Story", (), {})()
    s.org = org
    s.city_admin = person(runtime, org, org.city, "admin")
    s.district_admin = person(runtime, org, org.district_a, "admin")
    s.school_admin = person(runtime, org, org.school_a, "admin")
    s.secretary = person(runtime, org, org.branch_a, "secretary")
    s.inspector = person(runtime, org, org.city, "inspector")
    s.hostile_branch = org.node(org.school_a, "branch", HOSTILE)
    s.hostile_secretary = person(runtime, org, s.hostile_branch, "secretary")
    s.campaign = Campaign(s.city_admin, org.city, publish=False)
    ok(s.city_admin.post(f"/api/v1/plans/{s.campaign.id}/publish", {"derive_deadline": day(5)}))
    s.plan = ok(s.school_admin.post(f"/api/v1/plans/{s.campaign.id}/derive",
                                    {"tenant_id": org.school_a["id"], "title": f"{HOSTILE}实施方案"}), 201)
    ok(s.school_admin.post(f"/api/v1/plans/{s.plan['id']}/submit", {}))
    activity = ok(s.secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": s.campaign.id, "kind": "专题学习",
        "title": "学习记录", "start": day(-1), "end": day(-1)}), 201)
    ok(s.inspector.post(f"/api/v1/activities/{activity['id']}/return", {"reason": "记录过于简单，请补充"}))
    s.activity = activity
    s.problem = ok(s.secretary.post("/api/v1/problems", {
        "tenant_id": org.branch_a["id"], "plan_id": s.campaign.id, "description": "理论学习不够深入",
        "category": "思想观念"}), 201)
    ok(s.secretary.post(f"/api/v1/problems/{s.problem['id']}/rectification", {
        "measures": ["每周集中学习"], "lead_leader": "张书记", "responsible_units": ["第一党支部"],
        "deadline": day(3)}))
    return s


def kinds(items: list[dict]) -> list[str]:
    return [i["kind"] for i in items]


def test_a_bureau_that_should_derive_sees_the_deadline_with_days_left(story):
    items = same_list(story.district_admin)
    [derive] = [i for i in items if i["kind"] == "derive_deadline"]
    assert (derive["unit_id"], derive["days_left"], derive["due"]) == (story.org.district_a["id"], 5, day(5))
    assert derive["campaign_title"] == "全市教育系统解放思想大讨论活动实施方案"
    assert "还剩 5 天" in text_of(page(story.district_admin)[1])


def test_the_parent_admin_reviews_a_submitted_plan_and_the_school_sees_its_return_with_reasons(story):
    review = [i for i in same_list(story.city_admin) if i["kind"] == "plan_to_review"]
    assert [i["ref"] for i in review] == [story.plan["id"]]
    assert "derive_deadline" not in kinds(same_list(story.school_admin))  # it has derived
    ok(story.city_admin.post(f"/api/v1/plans/{story.plan['id']}/return",
                             {"reasons": ["请补充整改落实阶段的具体措施"]}))
    assert "plan_to_review" not in kinds(same_list(story.city_admin))
    [returned] = [i for i in same_list(story.school_admin) if i["kind"] == "plan_returned"]
    assert returned["reasons"] == ["请补充整改落实阶段的具体措施"]
    assert "请补充整改落实阶段的具体措施" in text_of(page(story.school_admin)[1])


def test_a_branch_secretary_sees_requirements_behind_a_rectification_due_and_a_returned_activity(story):
    items = same_list(story.secretary)
    assert items[0]["kind"] == "rectification_due" and items[0]["days_left"] == 3  # most urgent first
    behind = {i["requirement_kind"]: (i["achieved"], i["minimum"]) for i in items if i["kind"] == "requirement_behind"}
    assert behind == {"专题学习": (0, 2), "主题党日": (0, 1)}  # a returned activity does not count
    [returned] = [i for i in items if i["kind"] == "activity_returned"]
    assert (returned["ref"], returned["reason"]) == (story.activity["id"], "记录过于简单，请补充")
    text = text_of(page(story.secretary)[1])
    assert "专题学习 已完成 0 / 2" in text and "还剩 3 天" in text and "记录过于简单，请补充" in text


def test_an_inspector_has_nothing_to_do_and_is_told_so(story):
    assert same_list(story.inspector) == []
    assert "目前没有等待您处理的事项" in page(story.inspector)[1]


def test_my_campaigns_and_my_plans_reach_only_my_grants(story, runtime):
    mine = ok(story.secretary.get("/api/v1/me/campaigns"))
    assert [c["id"] for c in mine["items"]] == [story.campaign.id]
    plans = ok(story.school_admin.get("/api/v1/me/plans"))
    assert [p["id"] for p in plans["items"]] == [story.plan["id"]]
    stranger_org = Org(operator(runtime))  # another city: nothing of ours
    stranger = person(runtime, stranger_org, stranger_org.city, "admin")
    assert ok(stranger.get("/api/v1/me/campaigns"))["count"] == 0
    assert ok(stranger.get("/api/v1/me/plans"))["count"] == 0
    assert api_items(stranger) == []


def test_the_dashboard_shows_the_same_lights_as_the_api_with_a_legend(story):
    campaign, city = story.campaign.id, story.org.city["id"]
    api = ok(story.city_admin.get(f"/api/v1/campaigns/{campaign}/progress/{city}"))
    status, html = page(story.city_admin, f"/progress/{campaign}/{city}")
    assert status == 200
    for child in api["children"]:
        row = re.search(rf'{child["node_id"]}">{re.escape(child["name"])}</a>.*?light-(\w+)', html, re.S)
        assert row and row.group(1) == child["light"], child["name"]
    labels = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
    assert f'light-{api["light"]}"><span class="dot" aria-hidden="true"></span>{labels[api["light"]]}' in html
    legend = text_of(html.split('id="legend"')[1])
    assert "按进度推进" in legend and f"连续 {api['settings']['silent_days']} 天没有开展活动" in legend
    assert f"超过 {api['settings']['red_share']}% 为红灯" in legend


def test_the_dashboard_shows_a_new_activity_at_once_though_its_figures_are_cached(story):
    campaign, school = story.campaign.id, story.org.school_a["id"]

    def activities() -> int:
        status, html = page(story.city_admin, f"/progress/{campaign}/{school}")
        assert status == 200
        return int(re.search(r"<b>(\d+)</b><span>已开展活动", html).group(1))

    before = activities()
    assert activities() == before  # the second read comes from the cache
    ok(story.secretary.post("/api/v1/activities", {
        "tenant_id": story.org.branch_a["id"], "plan_id": campaign, "kind": "专题学习",
        "title": "缓存之后的学习", "start": day(-1), "end": day(-1)}), 201)
    assert activities() == before + 1


def test_a_dashboard_outside_the_grants_is_the_same_404_as_a_missing_one(story, runtime):
    campaign = story.campaign.id
    outside = page(story.secretary, f"/progress/{campaign}/{story.org.city['id']}")
    missing = page(story.secretary, f"/progress/{campaign}/{uuid.uuid4()}")
    no_campaign = page(story.secretary, f"/progress/{uuid.uuid4()}/{story.org.branch_a['id']}")
    assert outside[0] == missing[0] == no_campaign[0] == 404
    assert text_of(outside[1]) == text_of(missing[1]) == text_of(no_campaign[1])
    assert page(story.secretary, f"/progress/{campaign}/{story.org.branch_a['id']}")[0] == 200
    other_district = person(runtime, story.org, story.org.district_b, "admin")
    assert page(other_district, f"/progress/{campaign}/{story.org.district_a['id']}")[0] == 404


def test_hostile_unit_and_plan_names_are_shown_escaped(story):
    _, dashboard = page(story.city_admin, f"/progress/{story.campaign.id}/{story.org.school_a['id']}")
    _, home = page(story.hostile_secretary)
    _, school_home = page(story.school_admin)
    for html in (dashboard, home, school_home):
        assert HOSTILE not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in dashboard  # shown, as text
    assert "&lt;script&gt;" in home and "&lt;script&gt;" in school_home


def test_no_password_hash_enters_the_event_log(story, runtime):
    from taolun.platform.web.models import Credential

    hashes = [h.encode() for h in Credential.objects.values_list("password_hash", flat=True)]
    assert hashes and all(h.startswith(b"argon2$") for h in hashes)
    recorder, start, seen, topics = runtime.apps.recorder, 0, 0, set()
    while batch := recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False):
        for n in batch:
            assert b"argon2" not in n.state and PASSWORD.encode() not in n.state
            assert not any(h in n.state or h.split(b"$")[-1] in n.state for h in hashes)
            topics.add(n.topic)
            seen += 1
        start = batch[-1].id
    assert any(t.endswith("User.PasswordSet") for t in topics) and seen > 50


def test_a_user_with_grants_on_several_units_switches_between_them(story, runtime):
    org = story.org
    user = person(runtime, org, org.school_a, "admin")
    assert 'id="unit-switch"' not in page(user, "/progress")[1]  # one unit: nothing to switch
    ok(org.ops.post(f"/api/v1/users/{user.user['id']}/grants", {"node_id": org.school_b["id"], "role": "admin"}), 201)
    _, both = page(user, "/progress")
    switch = both.split('id="unit-switch"')[1].split("</select>")[0]
    assert org.school_a["id"] in switch and org.school_b["id"] in switch
    dashboards = re.compile(rf'/progress/{story.campaign.id}/([0-9a-f-]+)"')
    assert set(dashboards.findall(both)) == {org.school_a["id"], org.school_b["id"]}
    _, one = page(user, f"/progress?unit={org.school_b['id']}")
    assert dashboards.findall(one) == [org.school_b["id"]]
