"""A school's pages, in-process on the backend of the current leg: the campaigns published to
it, deriving its plan once, the plan page (inherited items locked, local ones editable, dates
held to the parent's window, optional topics declined with a reason), submitting, a return
with its reasons, the upstream change with its diff and the rebase, assigning tasks; bad
input shown beside the field with nothing appended; a foreign plan or unit is the 404 page."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.web_client import text_of
from tests.integration.web_people import city_with


@pytest.fixture(scope="module")
def people(runtime):
    return city_with(runtime, city_admin=("city", "admin"), school_admin=("school_a", "admin"),
                     other_admin=("school_b", "admin"))


@pytest.fixture()
def city(people):
    """The people, and a campaign of their own published for each test (tests run in any
    order; each derives its own plan)."""
    people.campaign = Campaign(people.city_admin, people.org.city, publish=False)
    ok(people.city_admin.post(f"/api/v1/plans/{people.campaign.id}/publish", {"derive_deadline": day(5)}))
    return people


def html(response) -> str:
    return response.content.decode()


def plan_version(api, plan_id: str) -> int:
    return ok(api.get(f"/api/v1/plans/{plan_id}"))["version"]


def edit(api, plan_id: str, action: str, **fields: str):
    version = str(plan_version(api, plan_id))
    return api.web.post(f"/implementation/{plan_id}/edit", {"action": action, "expected_version": version, **fields})


@pytest.fixture()
def derived(city):
    unit = city.org.school_a["id"]
    listing = city.school_admin.web.get(f"/units/{unit}/campaigns")
    assert listing.status_code == 200
    card = re.search(rf'data-campaign="{city.campaign.id}".*?</li>', html(listing), re.S).group(0)
    assert "全市教育系统解放思想大讨论活动实施方案" in card and "制定本单位实施方案" in card
    made = city.school_admin.web.post(f"/units/{unit}/campaigns", {"campaign": city.campaign.id, "title": "实验中学实施方案"})
    assert made.status_code == 302, html(made)
    return made["Location"].rsplit("/", 1)[-1]


def test_a_school_derives_its_plan_from_the_campaign_published_to_it_and_only_once(city, derived):
    unit = city.org.school_a["id"]
    plan = ok(city.school_admin.get(f"/api/v1/plans/{derived}"))
    assert (plan["parent_id"], plan["header"]["title"]) == (city.campaign.id, "实验中学实施方案")
    again = city.school_admin.web.post(f"/units/{unit}/campaigns", {"campaign": city.campaign.id, "title": "第二份"})
    assert again.status_code == 422
    assert "本单位已有该活动的实施方案" in text_of(html(again))
    mine = ok(city.school_admin.get(f"/api/v1/tenants/{unit}/plans?campaign_id={city.campaign.id}"))["items"]
    assert [p["id"] for p in mine if p["kind"] == "derived"] == [derived]
    listed = html(city.school_admin.web.get(f"/units/{unit}/campaigns"))
    card = re.search(rf'data-campaign="{city.campaign.id}".*?</li>', listed, re.S).group(0)
    assert f"/implementation/{derived}" in card and "制定本单位实施方案" not in card


def test_inherited_items_are_locked_and_local_ones_can_be_added_and_removed(city, derived):
    page = html(city.school_admin.web.get(f"/implementation/{derived}"))
    core = re.search(rf'data-topic="{city.campaign.core}".*?</li>', page, re.S).group(0)
    assert "上级·锁定" in core and "删除" not in core and "不采纳" not in core  # mandatory: locked
    optional = re.search(rf'data-topic="{city.campaign.optional}".*?</li>', page, re.S).group(0)
    assert "不采纳" in optional and "删除" not in optional
    added = edit(city.school_admin, derived, "add_topic", group="（三）", title="如何提升课堂效率")
    assert added.status_code == 302
    topics = ok(city.school_admin.get(f"/api/v1/plans/{derived}"))["topics"]
    [local] = [t for t in topics if t["title"] == "如何提升课堂效率"]
    assert local["origin"] == "local"
    assert edit(city.school_admin, derived, "remove_topic", item=local["id"]).status_code == 302
    assert "如何提升课堂效率" not in [t["title"] for t in ok(city.school_admin.get(f"/api/v1/plans/{derived}"))["topics"]]


def test_date_pickers_are_held_to_the_parent_window_and_a_date_outside_it_is_refused_beside_the_field(city, derived):
    page = html(city.school_admin.web.get(f"/implementation/{derived}"))
    assert f'id="add_phase-start" name="start" type="date" value="" min="{day(-40)}" max="{day(50)}"' in page
    before = plan_version(city.school_admin, derived)
    wrong = edit(city.school_admin, derived, "add_phase", name="校本研讨", start=day(-60), end=day(-50))
    assert wrong.status_code == 422
    field = re.search(r'id="add_phase-start".*?</p>', html(wrong), re.S).group(0)
    assert "超出上级时间范围" in text_of(field) and f'value="{day(-60)}"' in field
    assert 'value="校本研讨"' in html(wrong)
    assert plan_version(city.school_admin, derived) == before  # nothing appended
    empty = edit(city.school_admin, derived, "add_task", title="")
    assert empty.status_code == 422 and "此项不能为空" in text_of(html(empty))
    assert edit(city.school_admin, derived, "add_phase", name="校本研讨", start=day(-5), end=day(5)).status_code == 302


def test_an_inherited_phase_is_narrowed_inside_the_parent_window_and_local_items_are_edited_in_place(city, derived):
    page = html(city.school_admin.web.get(f"/implementation/{derived}"))
    picker = f'id="revise_phase-start-{city.campaign.p2}" name="start" type="date" value="{day(-10)}" min="{day(-10)}" max="{day(20)}"'
    assert picker in page  # held to the parent's phase
    before = plan_version(city.school_admin, derived)
    wide = edit(city.school_admin, derived, "revise_phase", item=city.campaign.p2, start=day(-15), end=day(20))
    assert wide.status_code == 422
    field = re.search(rf'id="revise_phase-start-{city.campaign.p2}".*?</p>', html(wide), re.S).group(0)
    assert "超出上级时间范围" in text_of(field) and f'value="{day(-15)}"' in field  # kept, beside the date
    assert plan_version(city.school_admin, derived) == before
    assert edit(city.school_admin, derived, "revise_phase", item=city.campaign.p2, start=day(-8), end=day(15)).status_code == 302
    [p2] = [p for p in ok(city.school_admin.get(f"/api/v1/plans/{derived}"))["phases"] if p["id"] == city.campaign.p2]
    assert (p2["start"], p2["end"], p2["name"]) == (day(-8), day(15), "学习讨论")

    assert edit(city.school_admin, derived, "add_topic", title="如何减轻教师负担").status_code == 302
    assert edit(city.school_admin, derived, "add_phase", name="校本研讨", start=day(-5), end=day(5)).status_code == 302
    plan = ok(city.school_admin.get(f"/api/v1/plans/{derived}"))
    [topic] = [t for t in plan["topics"] if t["title"] == "如何减轻教师负担"]
    [phase] = [p for p in plan["phases"] if p["name"] == "校本研讨"]
    assert edit(city.school_admin, derived, "revise_topic", item=topic["id"], title="如何切实减轻教师负担",
                description="").status_code == 302
    assert edit(city.school_admin, derived, "revise_phase", item=phase["id"], name="校本研讨周",
                start=day(-5), end=day(6)).status_code == 302
    renamed = edit(city.school_admin, derived, "revise_phase", item=city.campaign.p2, name="改名", start=day(-8), end=day(15))
    assert renamed.status_code == 422 and "继承的阶段不能改名" in text_of(html(renamed))
    plan = ok(city.school_admin.get(f"/api/v1/plans/{derived}"))
    assert "如何切实减轻教师负担" in [t["title"] for t in plan["topics"]]
    assert [(p["name"], p["end"]) for p in plan["phases"] if p["id"] == phase["id"]] == [("校本研讨周", day(6))]


def test_an_optional_topic_is_declined_only_with_a_reason(city, derived):
    optional = city.campaign.optional
    before = plan_version(city.school_admin, derived)
    bare = edit(city.school_admin, derived, "decline_topic", item=optional, reason="")
    assert bare.status_code == 422 and "请说明不采纳的理由" in text_of(html(bare))
    assert plan_version(city.school_admin, derived) == before
    assert edit(city.school_admin, derived, "decline_topic", item=optional, reason="本校已开展同类讨论").status_code == 302
    page = text_of(html(city.school_admin.web.get(f"/implementation/{derived}")))
    assert "不采纳，理由：本校已开展同类讨论" in page and "重新采纳" in page


def test_a_task_is_assigned_to_a_branch_with_an_owner(city, derived):
    branch = city.org.branch_a["id"]
    missing = edit(city.school_admin, derived, "assign_task", item=city.campaign.task, unit_id=branch, owner="")
    assert missing.status_code == 422 and "此项不能为空" in text_of(html(missing))
    done = edit(city.school_admin, derived, "assign_task", item=city.campaign.task, unit_id=branch, owner="李书记",
                due=day(-20))
    assert done.status_code == 302
    [task] = [t for t in ok(city.school_admin.get(f"/api/v1/plans/{derived}"))["tasks"] if t["id"] == city.campaign.task]
    assert task["assignments"] == [{"unit_id": branch, "owner": "李书记", "due": day(-20), "note": ""}]
    assert "第一党支部 · 李书记" in text_of(html(city.school_admin.web.get(f"/implementation/{derived}")))


def test_a_foreign_school_gets_the_same_404_page_as_for_a_missing_plan(city, derived):
    other = city.other_admin.web
    missing = other.get(f"/implementation/{uuid.uuid4()}")
    foreign = other.get(f"/implementation/{derived}")
    assert missing.status_code == foreign.status_code == 404
    assert text_of(html(missing)) == text_of(html(foreign))
    assert other.get(f"/units/{city.org.school_a['id']}/campaigns").status_code == 404
    before = plan_version(city.school_admin, derived)
    assert other.post(f"/implementation/{derived}/edit", {"action": "add_topic", "title": "x"}).status_code == 404
    assert plan_version(city.school_admin, derived) == before


def test_a_submitted_plan_is_returned_with_reasons_shown_and_an_upstream_change_is_taken_once_its_conflict_is_resolved(
        city, derived):
    assert edit(city.school_admin, derived, "submit_plan").status_code == 302
    assert ok(city.school_admin.get(f"/api/v1/plans/{derived}"))["status"] == "submitted"
    ok(city.city_admin.post(f"/api/v1/plans/{derived}/return", {"reasons": ["请细化学习讨论阶段的安排"]}))
    page = text_of(html(city.school_admin.web.get(f"/implementation/{derived}")))
    assert "方案被退回" in page and "请细化学习讨论阶段的安排" in page
    optional = city.campaign.optional
    assert edit(city.school_admin, derived, "decline_topic", item=optional, reason="本校已开展同类讨论").status_code == 302
    base = f"/api/v1/plans/{city.campaign.id}"
    ok(city.city_admin.post(f"{base}/reopen", {"reason": "增加题目"}))
    ok(city.city_admin.post(f"{base}/topics", {"group": "（三）", "title": "如何推进教育数字化"}), 201)
    ok(city.city_admin.request("PATCH", f"{base}/topics/{optional}", {"mandatory": True}))
    ok(city.city_admin.post(f"{base}/amend", {"summary": "增加一个题目"}))
    page = text_of(html(city.school_admin.web.get(f"/implementation/{derived}")))
    assert "上级方案已修订（第 2 版）" in page and "讨论题目 · 新增  如何推进教育数字化" in page
    conflict = "已不采纳的讨论题目“如何打造学校文化”现为必选，请重新采纳"
    assert "同步前需先解决的冲突" in page and conflict in page
    blocked = edit(city.school_admin, derived, "rebase_plan")
    assert blocked.status_code == 422 and "冲突" in text_of(html(blocked))
    assert edit(city.school_admin, derived, "accept_topic", item=optional).status_code == 302
    assert conflict not in text_of(html(city.school_admin.web.get(f"/implementation/{derived}")))
    assert edit(city.school_admin, derived, "rebase_plan").status_code == 302
    plan = ok(city.school_admin.get(f"/api/v1/plans/{derived}"))
    assert plan["parent_version"] == 2 and plan["upstream"] is None
    assert "如何推进教育数字化" in [t["title"] for t in plan["topics"]]


def test_every_form_on_the_school_pages_carries_its_csrf_token(city, derived):
    for path in (f"/units/{city.org.school_a['id']}/campaigns", f"/implementation/{derived}"):
        page = html(city.school_admin.web.get(path))
        forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
        assert forms and all('name="csrfmiddlewaretoken"' in f for f in forms), path
