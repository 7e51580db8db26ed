"""The history page: an auditor's filters, names and Chinese labels, the next page, export
links that download, form errors beside their field, and the 404 page for anyone else."""

from __future__ import annotations

import pytest

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.integration.test_web_todo import page
from tests.integration.web_people import city_with


@pytest.fixture(scope="module")
def story(runtime):
    people = city_with(runtime, auditor=("district_a", "auditor"), admin=("school_a", "admin"),
                       secretary=("branch_a", "secretary"), other=("district_b", "auditor"))
    org = people.org
    city_admin = org.user_with_role(org.city, "admin")
    campaign = Campaign(city_admin, org.city)
    plan = ok(people.admin.post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.school_a["id"]}), 201)
    ok(people.secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "专题学习",
        "title": "<script>alert(1)</script>学习", "start": day(-1), "end": day(-1)}), 201)
    return people


def test_the_auditor_has_a_nav_entry_and_reaches_the_history_of_their_unit(story):
    status, html = page(story.auditor, "/")
    assert status == 200 and 'href="/history"' in html
    response = story.auditor.web.get("/history")
    assert response.status_code == 302 and response["Location"] == f"/units/{story.org.district_a['id']}/history"
    status, html = page(story.admin, "/")
    assert 'href="/history"' not in html


def test_the_page_lists_events_with_names_labels_and_escaped_text(story):
    status, html = page(story.auditor, f"/units/{story.org.district_a['id']}/history?event_type=Activity.Logged")
    assert status == 200
    assert "登记活动" in html and "第一党支部" in html and "测试用户" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;学习" in html and "<script>alert(1)" not in html
    assert "data-event-type=\"Plan.Created\"" not in html
    assert "导出 CSV" in html and "format=csv" in html and "event_type=Activity.Logged" in html


def test_the_next_page_follows_the_cursor(story):
    unit = story.org.district_a["id"]
    status, html = page(story.auditor, f"/units/{unit}/history?order=oldest&limit=5")
    assert status == 200 and 'rel="next"' in html
    next_link = html.split('rel="next"')[0].rsplit('href="?', 1)[1].split('"')[0].replace("&amp;", "&")
    status, second = page(story.auditor, f"/units/{unit}/history?{next_link}")
    assert status == 200 and "回到第一页" in second
    first_positions = [int(p) for p in html.split('data-position="')[1:] for p in [p.split('"')[0]]]
    second_positions = [int(p) for p in second.split('data-position="')[1:] for p in [p.split('"')[0]]]
    assert max(first_positions) < min(second_positions)


def test_a_bad_filter_is_an_error_beside_its_field(story):
    unit = story.org.district_a["id"]
    status, html = page(story.auditor, f"/units/{unit}/history?from=2026-03-02T00:00&to=2026-03-01T00:00")
    assert status == 422 and "起始时间晚于结束时间" in html and 'class="field-error"' in html
    status, html = page(story.auditor, f"/units/{unit}/history?aggregate_id=not-an-id")
    assert status == 422 and "编号格式不正确" in html


def test_the_export_link_downloads_a_csv_with_a_bom(story):
    unit = story.org.district_a["id"]
    response = story.auditor.web.get(f"/units/{unit}/history/export?format=csv&event_type=Activity.Logged")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()) and "登记活动".encode() in body


def test_anyone_but_an_auditor_of_the_unit_gets_the_404_page(story):
    unit = story.org.district_a["id"]
    missing_status, missing = page(story.auditor, "/units/00000000-0000-0000-0000-000000000000/history")
    assert missing_status == 404
    for person, node in [(story.admin, story.org.school_a), (story.other, story.org.district_a),
                         (story.secretary, story.org.branch_a)]:
        status, html = page(person, f"/units/{node['id']}/history")
        assert status == 404 and "页面不存在" in html
        assert person.web.get(f"/units/{node['id']}/history/export?format=csv").status_code == 404
    assert page(story.auditor, f"/units/{unit}/history")[0] == 200
