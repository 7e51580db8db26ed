"""The bureau's pages in-process (Django's test client, the whole middleware stack) on the
current leg's backend: the campaign list, authoring and editing a campaign (field errors
beside the field, htmx sections), importing a 实施方案 into the editor, publishing to picked
units, amending, who has taken which version, the review queue and a review side by side
with the parent, the dashboard's unit lists; 404 for a foreign unit's or plan's URL."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from taolun.platform import sample_plans
from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.conftest import Org
from tests.e2e.web_client import text_of
from tests.integration.test_cross_tenant_matrix import operator
from tests.integration.test_web_todo import HOSTILE, page, person

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def post(api, path: str, data: dict, htmx: bool = False, referer: str = "/"):
    """A form post the way the browser sends it: with the CSRF token of a page just read."""
    _, html = page(api, referer)
    data = {**data, "csrfmiddlewaretoken": CSRF.search(html).group(1)}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return api.web.post(path, data, **headers)


def body(response) -> str:
    return response.content.decode()


@pytest.fixture(scope="module")
def bureau(runtime):
    org = Org(operator(runtime))
    s = type("Bureau", (), {})()
    s.org = org
    s.city_admin = person(runtime, org, org.city, "admin")
    s.district_admin = person(runtime, org, org.district_a, "admin")
    s.other_admin = person(runtime, org, org.district_b, "admin")
    s.school_admin = person(runtime, org, org.school_a, "admin")
    return s


def new_campaign(api, unit: dict, title: str = "全区解放思想大讨论活动方案") -> str:
    created = post(api, "/campaigns/new", {"unit": unit["id"], "title": title})
    assert created.status_code == 302, body(created)
    return created["Location"].rstrip("/").split("/")[-1]


def test_the_campaign_list_says_what_to_do_when_empty_and_lists_campaigns_with_their_unit(bureau):
    status, html = page(bureau.other_admin, "/campaigns")
    assert status == 200 and "还没有活动方案" in text_of(html) and "导入实施方案" in text_of(html)
    plan_id = new_campaign(bureau.other_admin, bureau.org.district_b, "邗江区活动方案")
    status, html = page(bureau.other_admin, "/campaigns")
    assert f"/campaigns/{plan_id}" in html and "邗江区教育局" in html and "草稿" in text_of(html)


def test_a_new_campaign_without_a_title_shows_the_error_beside_the_field(bureau):
    refused = post(bureau.district_admin, "/campaigns/new", {"unit": bureau.org.district_a["id"], "title": "  "})
    assert refused.status_code == 422
    assert re.search(r'id="title"[^>]*>\s*<p class="field-error">[^<]+</p>', body(refused))


def test_a_campaign_of_another_unit_is_the_same_404_as_a_missing_one(bureau):
    plan_id = new_campaign(bureau.district_admin, bureau.org.district_a)
    foreign = page(bureau.other_admin, f"/campaigns/{plan_id}")
    missing = page(bureau.other_admin, f"/campaigns/{uuid.uuid4()}")
    assert foreign[0] == missing[0] == 404 and text_of(foreign[1]) == text_of(missing[1])
    assert page(bureau.other_admin, f"/campaigns?unit={bureau.org.district_a['id']}")[0] == 404
    refused = post(bureau.other_admin, "/campaigns/new", {"unit": bureau.org.district_a["id"], "title": "越权"})
    assert refused.status_code == 404
    refused = post(bureau.other_admin, f"/campaigns/{plan_id}/phases/add", {"name": "x", "start": day(1), "end": day(2)})
    assert refused.status_code == 404
    assert page(bureau.other_admin, f"/review/{plan_id}")[0] == 404
    for path in ("publish", "takers"):
        assert page(bureau.other_admin, f"/campaigns/{plan_id}/{path}")[0] == 404
    assert post(bureau.other_admin, f"/campaigns/{plan_id}/publish", {"derive_deadline": day(3)}).status_code == 404
    assert post(bureau.other_admin, f"/campaigns/{plan_id}/header", {"title": "越权"}).status_code == 404


def test_the_editor_saves_the_header_and_adds_and_removes_items_in_place(bureau, runtime):
    api = bureau.district_admin
    plan_id = new_campaign(api, bureau.org.district_a)
    saved = post(api, f"/campaigns/{plan_id}/header", {
        "title": "广陵区活动方案", "theme": "解放思想", "slogan": "", "guiding_ideology": "以新思想为指导",
        "general_requirements": "", "basis_documents": "关于开展大讨论的通知｜扬办发〔2018〕12号",
        "goals": "破除旧观念\n树立新理念", "principles": "学习先行"})
    assert saved.status_code == 302
    plan = runtime.campaigns.get_plan(uuid.UUID(plan_id))
    assert plan.header["basis_documents"] == [{"name": "关于开展大讨论的通知", "doc_no": "扬办发〔2018〕12号"}]
    assert plan.header["goals"] == ["破除旧观念", "树立新理念"]
    # htmx: the section alone comes back, with the new phase
    added = post(api, f"/campaigns/{plan_id}/phases/add", {"name": "学习讨论", "start": day(1), "end": day(30)},
                 htmx=True)
    assert added.status_code == 200 and body(added).lstrip().startswith('<section id="sec-phases"')
    assert "学习讨论" in body(added) and "<html" not in body(added)
    assert 'style="margin-left: 0.0%; width: 100.0%">学习讨论</span>' in body(added)  # the timeline bar
    # a bad window: the error beside the end date, what was typed kept
    bad = post(api, f"/campaigns/{plan_id}/phases/add", {"name": "整改落实", "start": day(40), "end": day(31)}, htmx=True)
    assert bad.status_code == 422
    assert re.search(r'id="phase-end"[^>]*>\s*<p class="field-error">结束日期早于开始日期', body(bad))
    assert 'value="整改落实"' in body(bad)
    post(api, f"/campaigns/{plan_id}/topics/add", {"group": "（一）", "title": "如何对接地方经济", "mandatory": "on",
                                                   "description": ""}, htmx=True)
    post(api, f"/campaigns/{plan_id}/requirements/add", {"kind": "专题学习", "metric": "count", "minimum": "2",
                                                         "phase_id": "", "description": "专题学习不少于2次"})
    bad_req = post(api, f"/campaigns/{plan_id}/requirements/add", {"kind": "专题学习", "metric": "count",
                                                                   "minimum": "abc", "phase_id": "", "description": ""})
    assert bad_req.status_code == 422 and re.search(r'id="requirement-minimum"[^>]*>\s*<p class="field-error">', body(bad_req))
    plan = runtime.campaigns.get_plan(uuid.UUID(plan_id))
    [topic] = plan.topics.values()
    assert topic["mandatory"] and len(plan.requirements) == 1
    removed = post(api, f"/campaigns/{plan_id}/topics/{topic['id']}/remove", {}, htmx=True)
    assert removed.status_code == 200 and "如何对接地方经济" not in body(removed)
    assert not runtime.campaigns.get_plan(uuid.UUID(plan_id)).topics
    unknown = post(api, f"/campaigns/{plan_id}/nonsense/add", {})
    assert unknown.status_code == 404


def test_importing_a_plan_creates_the_draft_and_opens_it_in_the_editor(bureau, runtime):
    api = bureau.district_admin
    data = sample_plans.read(sample_plans.CITY)
    _, html = page(api, "/campaigns/import")
    token = CSRF.search(html).group(1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    reply = api.web.post("/campaigns/import", {"csrfmiddlewaretoken": token, "unit": bureau.org.district_a["id"],
                                               "file": SimpleUploadedFile("方案.txt", data)})
    assert reply.status_code == 302, body(reply)
    status, editor = page(api, reply["Location"])
    assert status == 200 and "已导入为草稿" in text_of(editor)
    assert "已导入为草稿" not in text_of(page(api, reply["Location"])[1])  # said once
    empty = post(api, "/campaigns/import", {"unit": bureau.org.district_a["id"], "text": ""})
    assert empty.status_code == 422 and "请选择文件" in body(empty)


def test_publishing_to_picked_units_then_amending_shows_who_took_which_version(bureau, runtime):
    org, city = bureau.org, bureau.city_admin
    campaign = Campaign(city, org.city, publish=False)
    status, picker = page(city, f"/campaigns/{campaign.id}/publish")
    assert status == 200 and "广陵区教育局" in picker and "邗江区教育局" in picker
    assert picker.count('name="units"') == 2 and picker.count("checked") == 2  # every child by default
    bad = post(city, f"/campaigns/{campaign.id}/publish", {"units": [org.district_a["id"]], "derive_deadline": ""})
    assert bad.status_code == 422
    assert re.search(r'id="derive_deadline"[^>]*>\s*<p class="field-error">', body(bad))
    done = post(city, f"/campaigns/{campaign.id}/publish", {"units": [org.district_a["id"]], "derive_deadline": day(7)})
    assert done.status_code == 302
    plan = runtime.campaigns.get_plan(uuid.UUID(campaign.id))
    assert plan.publication["scope"] == "units" and [str(u) for u in plan.publication["unit_ids"]] == [org.district_a["id"]]
    listed = text_of(page(bureau.district_admin, f"/campaigns?unit={org.district_a['id']}")[1])
    assert re.search(r"全市教育系统解放思想大讨论活动实施方案\s+上级下发", listed)  # published to it
    derived = ok(bureau.district_admin.post(f"/api/v1/plans/{campaign.id}/derive",
                                            {"tenant_id": org.district_a["id"], "title": "广陵区实施方案"}), 201)
    assert post(city, f"/campaigns/{campaign.id}/reopen", {"reason": ""}).status_code == 422
    assert post(city, f"/campaigns/{campaign.id}/reopen", {"reason": "增加整改要求"}).status_code == 302
    assert post(city, f"/campaigns/{campaign.id}/amend", {"summary": "增加整改要求"}).status_code == 302
    status, html = page(city, f"/campaigns/{campaign.id}/takers")
    text = text_of(html)
    assert status == 200 and "最新发布：第 2 版" in text and "增加整改要求" in text
    row = re.search(r'data-unit="广陵区教育局">(.*?)</tr>', html, re.S).group(1)
    assert "第 1 版" in text_of(row) and "上级已修订" in text_of(row)
    assert derived["id"]
    status, listed = page(city, f"/progress/{campaign.id}/{org.city['id']}/units/not_taken")
    assert status == 200 and "广陵区教育局" in listed


def test_a_submitted_plan_is_reviewed_beside_its_parent_returned_with_reasons_then_approved(bureau, runtime):
    org, city, school = bureau.org, bureau.city_admin, bureau.school_admin
    campaign = Campaign(city, org.city, publish=False)
    ok(city.post(f"/api/v1/plans/{campaign.id}/publish", {"derive_deadline": day(5)}))
    plan = ok(school.post(f"/api/v1/plans/{campaign.id}/derive",
                          {"tenant_id": org.school_a["id"], "title": f"{HOSTILE}实施方案"}), 201)
    base = f"/api/v1/plans/{plan['id']}"
    ok(school.post(f"{base}/topics/{campaign.optional}/decline", {"reason": "本校已开展同类讨论"}))
    ok(school.post(f"{base}/topics", {"group": "（三）", "title": "如何减轻学生负担"}), 201)
    ok(school.request("PATCH", f"{base}/phases/{campaign.p2}", {"start": day(-5), "end": day(15)}))
    ok(school.post(f"{base}/submit", {}))
    status, queue = page(city, "/review")
    assert status == 200 and f"/review/{plan['id']}" in queue and "实验中学" in queue
    assert HOSTILE not in queue and "&lt;script&gt;" in queue
    status, html = page(city, f"/review/{plan['id']}")
    text = text_of(html)
    assert status == 200 and "本校已开展同类讨论" in text and "如何减轻学生负担" in text
    assert 'class="mark-declined"' in html and 'class="mark-local"' in html and 'class="mark-narrowed"' in html
    assert page(bureau.other_admin, f"/review/{plan['id']}")[0] == 404
    refused = post(city, f"/review/{plan['id']}/decide", {"decision": "return", "reasons": "  "})
    assert refused.status_code == 422
    assert re.search(r'id="reasons"[^>]*>[^<]*</textarea>\s*<p class="field-error">', body(refused))
    returned = post(city, f"/review/{plan['id']}/decide", {"decision": "return", "reasons": "请细化整改措施"})
    assert returned.status_code == 302
    assert ok(school.get(base))["return_reasons"] == ["请细化整改措施"]
    assert f"/review/{plan['id']}" not in page(city, "/review")[1]
    ok(school.post(f"{base}/submit", {}))
    approved = post(city, f"/review/{plan['id']}/decide", {"decision": "approve", "comment": ""})
    assert approved.status_code == 302 and ok(school.get(base))["status"] == "approved"
    status, dashboard = page(city, f"/progress/{campaign.id}/{org.city['id']}")
    assert status == 200 and "/units/without_approved" in dashboard
    charts = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>',
                                  dashboard, re.S).group(1))
    levels = {level["label"]: level["counts"] for level in charts["levels"]}
    assert levels["学校"] == {"approved": 1, "not_derived": 1}  # 实验中学 approved, 邗江中学 not derived
    assert levels["教育局"] == {"not_derived": 2}
    status, listed = page(city, f"/progress/{campaign.id}/{org.city['id']}/units/without_approved")
    assert status == 200 and "邗江中学" in listed and "实验中学" not in listed
    assert page(bureau.other_admin, f"/progress/{campaign.id}/{org.city['id']}/units/red")[0] == 404
    assert page(city, f"/progress/{campaign.id}/{org.city['id']}/units/nonsense")[0] == 404


def test_the_bureau_pages_switch_to_english(bureau):
    api = bureau.other_admin
    switched = post(api, "/i18n/setlang/", {"language": "en", "next": "/campaigns"})
    assert switched.status_code == 302
    try:
        html = page(api, "/campaigns")[1]
        assert "New campaign" in html and "Import a plan" in html and "新建活动方案" not in html
    finally:
        post(api, "/i18n/setlang/", {"language": "zh-hans", "next": "/"})


def test_the_campaign_list_pages_long_lists(bureau, runtime, monkeypatch):
    from taolun.platform.web.views import campaigns

    county = bureau.org.node(bureau.org.city, "bureau", "仪征市教育局")
    api = person(runtime, bureau.org, county, "admin")
    first = new_campaign(api, county, "第一个方案")
    second = new_campaign(api, county, "第二个方案")
    monkeypatch.setattr(campaigns, "PAGE_SIZE", 1)
    unit = county["id"]
    _, one = page(api, f"/campaigns?unit={unit}")
    _, two = page(api, f"/campaigns?unit={unit}&page=2")
    assert f"/campaigns/{second}" in one and f"/campaigns/{first}" not in one  # newest first
    assert f"/campaigns/{first}" in two and "?page=1" in two  # (campaigns published to it may follow)
    assert re.search(r"第 2 / \d+ 页", text_of(two))
