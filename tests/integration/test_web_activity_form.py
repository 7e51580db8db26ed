"""The branch secretary's activity form, in-process on the backend of the current leg: it
logs through the same service as the API, exactly once per rendered form, keeps the input
beside the errors, and answers 404 for a unit outside the grants."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.conftest import Org
from tests.e2e.web_client import text_of
from tests.integration.test_cross_tenant_matrix import operator
from tests.integration.test_web_todo import api_items, person

KEY = re.compile(r'name="request_key" value="(\w+)"')


@pytest.fixture(scope="module")
def city(runtime):
    org = Org(operator(runtime))
    city_admin = org.user_with_role(org.city, "admin")
    campaign = Campaign(city_admin, org.city)
    secretary = person(runtime, org, org.branch_a, "secretary")
    return org, campaign, secretary


def form_of(api, unit_id: str) -> tuple[str, str]:
    response = api.web.get(f"/units/{unit_id}/activities/new")
    assert response.status_code == 200
    html = response.content.decode()
    return html, KEY.search(html).group(1)


def fields(campaign: Campaign, key: str, **changes: str) -> dict:
    return {"campaign": campaign.id, "kind": "专题学习", "title": "学习党的创新理论", "start": day(-1),
            "end": day(-1), "participants": "12", "hours": "1.5", "summary": "集中学习", "request_key": key,
            **changes}


def activities(api, unit_id: str, title: str) -> list[dict]:
    return [a for a in ok(api.get(f"/api/v1/tenants/{unit_id}/activities"))["items"] if a["title"] == title]


def test_a_secretary_logs_an_activity_once_however_often_the_form_is_sent(city):
    org, campaign, secretary = city
    unit = org.branch_a["id"]
    before = {i["requirement_kind"]: i["achieved"] for i in api_items(secretary) if i["kind"] == "requirement_behind"}
    _, key = form_of(secretary, unit)
    first = secretary.web.post(f"/units/{unit}/activities/new", fields(campaign, key, title="第一次学习"))
    again = secretary.web.post(f"/units/{unit}/activities/new", fields(campaign, key, title="第一次学习"))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]  # the second answer names the same entry
    [logged] = activities(secretary, unit, "第一次学习")
    assert (logged["logged_by"], logged["participants"], float(logged["hours"])) == (secretary.user["id"], 12, 1.5)
    assert logged["plan_id"] == campaign.id  # the plan that governs the branch
    page = secretary.web.get(first["Location"]).content.decode()
    assert "已登记：第一次学习" in page
    after = {i["requirement_kind"]: i["achieved"] for i in api_items(secretary) if i["kind"] == "requirement_behind"}
    assert after["专题学习"] == before["专题学习"] + 1


def test_a_new_form_logs_a_new_activity(city):
    org, campaign, secretary = city
    unit = org.branch_a["id"]
    for _ in range(2):
        _, key = form_of(secretary, unit)
        assert secretary.web.post(f"/units/{unit}/activities/new", fields(campaign, key, title="每周学习")).status_code == 302
    assert len(activities(secretary, unit, "每周学习")) == 2


def test_bad_input_is_explained_next_to_the_field_and_the_input_kept(city):
    org, campaign, secretary = city
    unit = org.branch_a["id"]
    _, key = form_of(secretary, unit)
    wrong = secretary.web.post(f"/units/{unit}/activities/new", fields(campaign, key, participants="十二", title="保留的标题"))
    html = wrong.content.decode()
    assert wrong.status_code == 422 and "请输入整数" in html and 'value="保留的标题"' in html
    before = secretary.web.post(f"/units/{unit}/activities/new", fields(campaign, key, start=day(-100), end=day(-100)))
    assert before.status_code == 422  # the domain's rule, in the form's own words
    assert '<p class="error" role="alert">活动日期不在活动总体时间' in before.content.decode()
    assert activities(secretary, unit, "保留的标题") == []


def test_a_unit_outside_the_grants_is_the_same_404_as_a_missing_one(city, runtime):
    org, _, secretary = city
    foreign = secretary.web.get(f"/units/{org.school_b['id']}/activities/new")
    missing = secretary.web.get(f"/units/{uuid.uuid4()}/activities/new")
    assert foreign.status_code == missing.status_code == 404
    assert text_of(foreign.content.decode()) == text_of(missing.content.decode())
    viewer = person(runtime, org, org.branch_a, "viewer")
    assert viewer.web.get(f"/units/{org.branch_a['id']}/activities/new").status_code == 403
