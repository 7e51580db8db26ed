"""献一策 and the rectification ledger on the pages, in-process on the backend of the current
leg: a secretary offers a suggestion (anonymously: the school sees its branch, not its
author), the school's admin categorises, adopts and answers it; the ledger shows each
problem's colour as the API computes it; a secretary reports rectification progress with a
photo; bad input beside the field with nothing appended; foreign units are the 404 page."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.web_client import text_of
from tests.integration.test_web_entries import JPEG, html
from tests.integration.web_people import city_with


@pytest.fixture(scope="module")
def city(runtime):
    s = city_with(runtime, city_admin=("city", "admin"), school_admin=("school_a", "admin"),
                  secretary=("branch_a", "secretary"), stranger=("school_b", "admin"))
    s.campaign = Campaign(s.city_admin, s.org.city)
    branch = s.org.branch_a["id"]
    s.due_soon = ok(s.secretary.post("/api/v1/problems", {
        "tenant_id": branch, "plan_id": s.campaign.id, "description": "理论学习不够深入", "category": "思想观念"}), 201)
    ok(s.secretary.post(f"/api/v1/problems/{s.due_soon['id']}/rectification", {
        "measures": ["每周集中学习"], "lead_leader": "张书记", "responsible_units": ["第一党支部"], "deadline": day(3)}))
    s.overdue = ok(s.secretary.post("/api/v1/problems", {
        "tenant_id": branch, "plan_id": s.campaign.id, "description": "台账不规范", "category": "工作作风"}), 201)
    ok(s.secretary.post(f"/api/v1/problems/{s.overdue['id']}/rectification", {
        "measures": ["补齐台账"], "lead_leader": "李书记", "responsible_units": ["第一党支部"], "deadline": day(-2)}))
    return s


def suggestions(api, unit: str, title: str) -> list[dict]:
    return [s for s in ok(api.get(f"/api/v1/tenants/{unit}/suggestions"))["items"] if s["title"] == title]


def test_a_secretary_offers_a_suggestion_and_an_empty_one_is_refused_beside_the_field(city):
    branch = city.org.branch_a["id"]
    assert "我要提建议" in html(city.secretary.web.get(f"/units/{branch}/suggestions"))
    empty = city.secretary.web.post(f"/units/{branch}/suggestions",
                                    {"campaign": city.campaign.id, "title": "建立青年教师读书会", "content": ""})
    assert empty.status_code == 422 and 'value="建立青年教师读书会"' in html(empty)
    assert "此项不能为空" in text_of(re.search(r'id="content".*?</p>', html(empty), re.S).group(0))
    assert suggestions(city.secretary, branch, "建立青年教师读书会") == []
    sent = city.secretary.web.post(f"/units/{branch}/suggestions", {
        "campaign": city.campaign.id, "title": "建立青年教师读书会", "content": "每月共读一本书"})
    assert sent.status_code == 302
    [offered] = suggestions(city.secretary, branch, "建立青年教师读书会")
    assert (offered["content"], offered["anonymous"], offered["author"]) == ("每月共读一本书", False, city.secretary.user["id"])


def test_the_school_handles_its_inbox_and_sees_an_anonymous_author_as_anonymous(city):
    school, branch = city.org.school_a["id"], city.org.branch_a["id"]
    sent = city.secretary.web.post(f"/units/{branch}/suggestions", {
        "campaign": city.campaign.id, "title": "推行走班制", "content": "试点两个年级", "anonymous": "on"})
    assert sent.status_code == 302
    [offered] = suggestions(city.school_admin, school, "推行走班制")
    card = re.search(rf'data-suggestion="{offered["id"]}".*?</li>', html(city.school_admin.web.get(f"/units/{school}/suggestions")), re.S).group(0)
    assert "第一党支部 · 匿名" in text_of(card) and "测试用户" not in card
    base = f"/suggestions/{offered['id']}"
    blank = city.school_admin.web.post(f"{base}/answer", {"unit": school, "text": ""})
    assert blank.status_code == 422 and "此项不能为空" in text_of(html(blank))
    for action, text in (("categorise", "队伍建设"), ("adopt", "下学期实施"), ("answer", "已纳入工作计划")):
        assert city.school_admin.web.post(f"{base}/{action}", {"unit": school, "text": text}).status_code == 302
    now = ok(city.school_admin.get(f"/api/v1/suggestions/{offered['id']}"))
    assert (now["category"], now["status"], now["adoption_note"], now["answer"]) == (
        "队伍建设", "adopted", "下学期实施", "已纳入工作计划")
    secretary = city.secretary.web
    assert secretary.post(f"{base}/adopt", {"text": "x"}).status_code in (403, 404)  # not an admin


def test_the_ledger_shows_each_problem_in_the_colour_the_api_gives_it(city):
    school = city.org.school_a["id"]
    page = html(city.school_admin.web.get(f"/units/{school}/problems"))
    shown = dict(re.findall(r'data-problem="([^"]+)" data-light="(\w+)"', page))
    api = {p["id"]: p["light"] for p in ok(city.school_admin.get(f"/api/v1/tenants/{school}/problems"))["items"]}
    assert shown == api and shown[city.due_soon["id"]] == "blue" and shown[city.overdue["id"]] == "red"
    assert "已逾期 2 天" in text_of(page) and "还剩 3 天" in text_of(page)


def test_a_secretary_reports_rectification_progress_with_a_photo(city):
    problem = city.due_soon["id"]
    url = f"/problems/{problem}/progress"
    bad = city.secretary.web.post(url, {"note": "已开展两次学习", "percent": "一半"})
    assert bad.status_code == 422 and "请输入0到100的整数" in text_of(html(bad)) and "已开展两次学习" in html(bad)
    assert ok(city.secretary.get(f"/api/v1/problems/{problem}"))["history"][-1]["event"] == "RectificationPlanned"
    done = city.secretary.web.post(url, {"note": "已开展两次学习", "percent": "50",
                                         "photos": [SimpleUploadedFile("学习.jpg", JPEG, "image/jpeg")]})
    assert done.status_code == 302
    latest = ok(city.secretary.get(f"/api/v1/problems/{problem}"))
    assert latest["percent"] == 50 and latest["history"][-1]["evidence"][0]["filename"] == "学习.jpg"
    page = html(city.school_admin.web.get(f"/problems/{problem}"))
    sha = latest["history"][-1]["evidence"][0]["sha256"]
    assert f"/evidence/{sha}" in page and "已开展两次学习 · 50%" in text_of(page)
    assert city.school_admin.web.get(f"/evidence/{sha}").status_code == 200


def test_foreign_units_suggestions_and_problems_are_the_404_page(city):
    other = city.stranger.web
    for path in (f"/units/{city.org.school_a['id']}/suggestions", f"/units/{city.org.school_a['id']}/problems",
                 f"/problems/{city.due_soon['id']}"):
        assert other.get(path).status_code == 404
    assert text_of(html(other.get(f"/problems/{city.due_soon['id']}"))) == text_of(html(other.get(f"/problems/{uuid.uuid4()}")))
    assert other.post(f"/problems/{city.due_soon['id']}/progress", {"note": "越权"}).status_code == 404
    for action in ("rectification", "complete", "verify", "reopen"):
        assert other.post(f"/problems/{city.due_soon['id']}/{action}", {"reason": "越权"}).status_code == 404
    assert other.post(f"/units/{city.org.school_a['id']}/problems", {"description": "越权"}).status_code == 404


def test_a_secretary_records_a_problem_and_plans_its_rectification_on_the_pages(city):
    branch = city.org.branch_a["id"]
    ledger = f"/units/{branch}/problems"
    assert "登记问题" in html(city.secretary.web.get(ledger))
    blank = city.secretary.web.post(ledger, {"campaign": city.campaign.id, "description": "", "category": "工作作风",
                                             "source": "专题组织生活会"})
    assert blank.status_code == 422 and 'value="专题组织生活会"' in html(blank)
    assert "此项不能为空" in text_of(re.search(r'id="description".*?</p>', html(blank), re.S).group(0))
    before = ok(city.secretary.get(f"/api/v1/tenants/{branch}/problems"))["items"]
    recorded = city.secretary.web.post(ledger, {"campaign": city.campaign.id, "description": "调研走访不够",
                                                "category": "工作作风", "source": "专题组织生活会"})
    assert recorded.status_code == 302
    after = ok(city.secretary.get(f"/api/v1/tenants/{branch}/problems"))["items"]
    [new] = [p for p in after if p["id"] not in {b["id"] for b in before}]
    assert (new["description"], new["category"], new["source"], new["status"]) == (
        "调研走访不够", "工作作风", "专题组织生活会", "open")
    assert recorded["Location"] == f"/problems/{new['id']}"
    plan = f"/problems/{new['id']}/rectification"
    bad_day = city.secretary.web.post(plan, {"measures": "每月走访两所学校", "lead_leader": "王书记",
                                             "responsible_units": "第一党支部", "deadline": "下个月"})
    assert bad_day.status_code == 422 and "每月走访两所学校" in html(bad_day)
    assert re.search(r'id="deadline".*?class="field-error"', html(bad_day), re.S)
    assert ok(city.secretary.get(f"/api/v1/problems/{new['id']}"))["status"] == "open"
    assert city.secretary.web.post(plan, {"measures": "每月走访两所学校\n建立走访台账", "lead_leader": "王书记",
                                          "responsible_units": "第一党支部", "deadline": day(20)}).status_code == 302
    planned = ok(city.secretary.get(f"/api/v1/problems/{new['id']}"))
    assert (planned["status"], planned["deadline"], planned["rectification"]["measures"]) == (
        "rectifying", day(20), ["每月走访两所学校", "建立走访台账"])


def test_completion_needs_evidence_and_the_school_above_verifies_or_reopens_with_a_reason(city):
    branch = city.org.branch_a["id"]
    problem = ok(city.secretary.post("/api/v1/problems", {
        "tenant_id": branch, "plan_id": city.campaign.id, "description": "制度落实不到位", "category": "体制机制"}), 201)
    ok(city.secretary.post(f"/api/v1/problems/{problem['id']}/rectification", {
        "measures": ["修订制度"], "lead_leader": "赵书记", "responsible_units": ["第一党支部"], "deadline": day(10)}))
    base = f"/problems/{problem['id']}"
    assert "验收销号" not in html(city.secretary.web.get(base))  # the unit does not verify its own
    unproved = city.secretary.web.post(f"{base}/complete", {"summary": "制度已修订"})
    assert unproved.status_code == 422 and "制度已修订" in html(unproved)
    assert "佐证" in text_of(re.search(r'id="complete-photos".*?</p>\s*<p class="field-error">.*?</p>',
                                       html(unproved), re.S).group(0))
    done = city.secretary.web.post(f"{base}/complete", {
        "summary": "制度已修订", "photos": [SimpleUploadedFile("制度.jpg", JPEG, "image/jpeg")]})
    assert done.status_code == 302
    assert ok(city.secretary.get(f"/api/v1/problems/{problem['id']}"))["status"] == "completed"
    assert city.secretary.web.post(f"{base}/verify", {"note": "自己验收"}).status_code == 403
    page = html(city.school_admin.web.get(base))
    assert "验收销号" in page and "重新打开" in page
    no_reason = city.school_admin.web.post(f"{base}/reopen", {"reason": ""})
    assert no_reason.status_code == 422 and "请填写理由" in text_of(html(no_reason))
    assert city.school_admin.web.post(f"{base}/reopen", {"reason": "台账不全"}).status_code == 302
    reopened = ok(city.school_admin.get(f"/api/v1/problems/{problem['id']}"))
    assert (reopened["status"], reopened["reopened"], reopened["light"]) == ("rectifying", True, "yellow")
    city.secretary.web.post(f"{base}/complete", {
        "summary": "台账已补齐", "photos": [SimpleUploadedFile("台账.jpg", JPEG, "image/jpeg")]})
    assert city.school_admin.web.post(f"{base}/verify", {"note": "同意销号"}).status_code == 302
    verified = ok(city.school_admin.get(f"/api/v1/problems/{problem['id']}"))
    assert (verified["status"], verified["light"]) == ("verified", "green")
