"""An auditor in the browser: the plan page as of a past moment (picked with the as-of
picker, a banner says so), back to now, then the plan-diff page between that moment and
now naming the task added since, who added it and when; the ledger and the progress
dashboard take the same picker."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_school_pages import DESKTOP, sign_in
from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.test_web_accounts import person


@pytest.fixture()
def desktop(browser):
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    yield context.new_page()
    context.close()


def test_an_auditor_picks_a_past_moment_on_the_plan_and_compares_it_with_now(desktop, server, org):
    city = org.user_with_role(org.city, "admin")
    district = org.user_with_role(org.district_a, "admin")
    campaign = Campaign(city, org.city)
    plan = ok(district.post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.district_a["id"]}), 201)
    secretary = org.user_with_role(org.branch_a, "secretary")
    ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "党课", "title": "回放前的党课",
        "start": day(-1), "end": day(-1)}), 201)
    # The picker's moments are whole seconds: a second apart from the writes on either side.
    desktop.wait_for_timeout(1100)
    then = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M:%S")
    desktop.wait_for_timeout(1100)
    ok(district.post(f"/api/v1/plans/{plan['id']}/tasks", {"title": "区级推进会（回放后新增）"}), 201)
    ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "党课", "title": "回放后的党课",
        "start": day(0), "end": day(0)}), 201)
    _, email = person(server, org, org.district_a, "auditor")
    sign_in(desktop, server, email)

    desktop.goto(f"{server.url}/implementation/{plan['id']}")
    expect(desktop.get_by_text("区级推进会（回放后新增）")).to_be_visible()
    desktop.get_by_label("查看历史时刻").fill(then)
    desktop.get_by_role("button", name="查看", exact=True).click()
    expect(desktop.locator("[data-as-of-banner]")).to_contain_text(then.replace("T", " "))
    expect(desktop.get_by_text("区级推进会（回放后新增）")).to_have_count(0)
    desktop.get_by_role("link", name="回到当前").click()
    expect(desktop.get_by_text("区级推进会（回放后新增）")).to_be_visible()

    desktop.get_by_role("link", name="查看两个时刻之间的变更").click()
    desktop.get_by_label("起始时刻").fill(then)
    desktop.get_by_role("button", name="比较").click()
    added = desktop.locator("[data-change='added'][data-section='tasks']")
    expect(added).to_contain_text("区级推进会（回放后新增）")
    expect(added).to_contain_text("测试用户 于")

    desktop.goto(f"{server.url}/units/{org.district_a['id']}/activities")
    expect(desktop.get_by_text("回放后的党课")).to_be_visible()
    desktop.get_by_label("查看历史时刻").fill(then)
    desktop.get_by_role("button", name="查看", exact=True).click()
    expect(desktop.locator("[data-as-of-banner]")).to_be_visible()
    expect(desktop.get_by_text("回放前的党课")).to_be_visible()
    expect(desktop.get_by_text("回放后的党课")).to_have_count(0)

    desktop.goto(f"{server.url}/progress/{campaign.id}/{org.district_a['id']}?as_of={then}")
    expect(desktop.locator("[data-as-of-banner]")).to_be_visible()
    expect(desktop.get_by_label("查看历史时刻")).to_have_value(then)
