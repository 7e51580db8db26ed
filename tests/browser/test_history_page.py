"""The auditor's history page in Debian's Chromium against a real server: from the nav,
filter the district's history to one event type, see names and Chinese labels, download the
CSV export; another district's history is the 404 page."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.browser.test_school_pages import desktop, shots, sign_in  # noqa: F401 (fixtures)
from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.test_web_accounts import person


def test_an_auditor_filters_the_history_and_downloads_it_as_csv(desktop, server, org, tmp_path):  # noqa: F811
    out = shots(tmp_path)
    city_admin = org.user_with_role(org.city, "admin")
    campaign = Campaign(city_admin, org.city)
    school_admin = org.user_with_role(org.school_a, "admin")
    plan = ok(school_admin.post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.school_a["id"]}), 201)
    secretary = org.user_with_role(org.branch_a, "secretary")
    ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "专题学习", "title": "学习新思想",
        "start": day(-1), "end": day(-1)}), 201)
    _, email = person(server, org, org.district_a, "auditor")

    sign_in(desktop, server, email)
    desktop.get_by_role("link", name="事件历史").click()
    expect(desktop.get_by_role("heading", name="事件历史")).to_contain_text("广陵区教育局")
    desktop.get_by_label("事件类型").select_option(label="登记活动")
    desktop.get_by_role("button", name="筛选").click()
    rows = desktop.locator("table.history tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("登记活动")
    expect(rows.first).to_contain_text("第一党支部")
    expect(rows.first).to_contain_text("学习新思想")
    desktop.screenshot(path=str(out / "history-desktop.png"), full_page=True)

    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="导出 CSV").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    [row] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert (row["event"], row["unit"], row["event_type"]) == ("登记活动", "第一党支部", "Activity.Logged")

    desktop.goto(f"{server.url}/units/{org.district_b['id']}/history")
    expect(desktop.get_by_role("heading", name="页面不存在")).to_be_visible()
