"""A branch secretary's records on the pages, in-process on the backend of the current leg:
an activity logged with photos (a HEIC kept as such) and links to phase, task and topics,
the evidence opening in a browser tab for those who see the record and the 404 page for
others, the unit's history (paginated) with correct and retract (a reason required), and an
inspector reading the list and returning a thin entry with a reason."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.web_client import text_of
from tests.integration.test_web_activity_form import KEY, activities, fields
from tests.integration.web_people import city_with

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


@pytest.fixture(scope="module")
def city(runtime):
    s = city_with(runtime, city_admin=("city", "admin"), secretary=("branch_a", "secretary"),
                  inspector=("district_a", "inspector"), stranger=("school_b", "admin"))
    s.campaign = Campaign(s.city_admin, s.org.city)
    return s


def html(response) -> str:
    return response.content.decode()


def log_with_photos(city, title: str, *photos: SimpleUploadedFile, **changes: str):
    unit = city.org.branch_a["id"]
    key = KEY.search(html(city.secretary.web.get(f"/units/{unit}/activities/new"))).group(1)
    return city.secretary.web.post(f"/units/{unit}/activities/new",
                                   {**fields(city.campaign, key, title=title, **changes), "photos": list(photos)})


@pytest.fixture(scope="module")
def logged(city):
    response = log_with_photos(
        city, "拍照记录的学习", SimpleUploadedFile("现场.jpg", JPEG, "image/jpeg"),
        SimpleUploadedFile("IMG_0001.HEIC", HEIC, "image/heic"),
        phase_id=city.campaign.p2, task_id=city.campaign.task, topic_ids=[city.campaign.core])
    assert response.status_code == 302, html(response)
    [entry] = activities(city.secretary, city.org.branch_a["id"], "拍照记录的学习")
    return entry


def test_an_activity_is_logged_with_photos_and_its_links(city, logged):
    assert [(e["filename"], e["content_type"]) for e in logged["evidence"]] == [
        ("现场.jpg", "image/jpeg"), ("IMG_0001.HEIC", "image/heic")]
    assert (logged["phase_id"], logged["task_id"], logged["topic_ids"]) == (
        city.campaign.p2, city.campaign.task, [city.campaign.core])
    form = html(city.secretary.web.get(f"/units/{city.org.branch_a['id']}/activities/new"))
    assert 'accept="image/*" capture="environment"' in form and "taolun/photos.js" in form


def test_an_evidence_photo_opens_in_a_tab_for_those_who_see_the_record_and_is_a_404_for_others(city, logged):
    heic = logged["evidence"][1]["sha256"]
    shown = city.secretary.web.get(f"/evidence/{heic}")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/heic"
    assert shown["Content-Disposition"].startswith("inline") and b"".join(shown.streaming_content) == HEIC
    assert city.inspector.web.get(f"/evidence/{heic}").status_code == 200  # above the branch
    foreign = city.stranger.web.get(f"/evidence/{heic}")
    missing = city.stranger.web.get(f"/evidence/{'0' * 64}")
    assert foreign.status_code == missing.status_code == city.stranger.web.get("/evidence/x").status_code == 404
    assert text_of(html(foreign)) == text_of(html(missing))


def test_a_file_that_is_no_photo_is_refused_beside_the_field_and_nothing_is_logged(city):
    refused = log_with_photos(city, "带病毒的记录", SimpleUploadedFile("a.jpg", b"MZ\x90\x00 not an image", "image/jpeg"))
    assert refused.status_code == 422
    assert "佐证材料只接受" in text_of(re.search(r'id="photos".*?</p>\s*<p class="field-error">.*?</p>', html(refused), re.S).group(0))
    assert 'value="带病毒的记录"' in html(refused)
    assert activities(city.secretary, city.org.branch_a["id"], "带病毒的记录") == []


def test_a_secretary_corrects_and_retracts_an_entry_only_with_a_reason(city, logged):
    page = f"/activities/{logged['id']}"
    listed = html(city.secretary.web.get(f"/units/{city.org.branch_a['id']}/activities"))
    assert page in listed and "登记活动" in listed
    bare = city.secretary.web.post(f"{page}/correct", {"title": "更正后的标题", "reason": ""})
    assert bare.status_code == 422 and "请填写理由" in text_of(html(bare)) and 'value="更正后的标题"' in html(bare)
    assert ok(city.secretary.get(f"/api/v1/activities/{logged['id']}"))["title"] == "拍照记录的学习"
    done = city.secretary.web.post(f"{page}/correct", {"title": "更正后的标题", "participants": "15", "reason": "人数记错"})
    assert done.status_code == 302
    now = ok(city.secretary.get(f"/api/v1/activities/{logged['id']}"))
    assert (now["title"], now["participants"]) == ("更正后的标题", 15)
    assert "人数记错" in text_of(html(city.secretary.web.get(page)))
    assert city.secretary.web.post(f"{page}/retract", {"reason": ""}).status_code == 422
    assert city.secretary.web.post(f"{page}/retract", {"reason": "重复登记"}).status_code == 302
    assert ok(city.secretary.get(f"/api/v1/activities/{logged['id']}"))["status"] == "retracted"


def test_an_inspector_reads_the_list_and_returns_a_thin_entry_with_a_reason(city):
    assert log_with_photos(city, "过于简单的记录").status_code == 302
    [entry] = activities(city.secretary, city.org.branch_a["id"], "过于简单的记录")
    listed = html(city.inspector.web.get(f"/units/{city.org.district_a['id']}/activities"))
    assert f"/activities/{entry['id']}" in listed and "登记活动" not in listed
    page = html(city.inspector.web.get(f"/activities/{entry['id']}"))
    assert "退回理由" in page and "更正理由" not in page  # read-only but for the return
    assert city.inspector.web.post(f"/activities/{entry['id']}/return", {"reason": ""}).status_code == 422
    assert city.inspector.web.post(f"/activities/{entry['id']}/return", {"reason": "请补充活动简况"}).status_code == 302
    assert ok(city.secretary.get(f"/api/v1/activities/{entry['id']}"))["status"] == "returned"
    assert "请补充活动简况" in text_of(html(city.secretary.web.get(f"/activities/{entry['id']}")))


def test_records_outside_the_grants_are_the_same_404_page_as_missing_ones(city, logged):
    other = city.stranger.web
    foreign = other.get(f"/activities/{logged['id']}")
    missing = other.get(f"/activities/{uuid.uuid4()}")
    assert foreign.status_code == missing.status_code == 404 and text_of(html(foreign)) == text_of(html(missing))
    assert other.get(f"/units/{city.org.branch_a['id']}/activities").status_code == 404
    assert other.post(f"/activities/{logged['id']}/return", {"reason": "越权"}).status_code == 404


def test_a_long_history_is_paginated(city):
    unit = city.org.branch_a["id"]
    for n in range(21):
        ok(city.secretary.post("/api/v1/activities", {
            "tenant_id": unit, "plan_id": city.campaign.id, "kind": "专题学习", "title": f"第{n}次学习",
            "start": day(-1), "end": day(-1)}), 201)
    first = text_of(html(city.secretary.web.get(f"/units/{unit}/activities")))
    assert "下一页" in first and "上一页" not in first
    last = text_of(html(city.secretary.web.get(f"/units/{unit}/activities?page=999")))
    assert "上一页" in last and "下一页" not in last


HOSTILE = '<img src=x onerror=alert(1)>'


def test_a_viewer_reads_the_records_without_any_form_and_user_text_is_escaped(runtime, city):
    from tests.integration.test_web_todo import person

    viewer = person(runtime, city.org, city.org.school_a, "viewer")
    assert log_with_photos(city, f"{HOSTILE}记录", summary=HOSTILE).status_code == 302
    [entry] = activities(city.secretary, city.org.branch_a["id"], f"{HOSTILE}记录")
    listed = html(viewer.web.get(f"/units/{city.org.school_a['id']}/activities"))
    page = html(viewer.web.get(f"/activities/{entry['id']}"))
    for shown in (listed, page):
        assert HOSTILE not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "登记活动" not in listed and "<form" not in page.split("<main>")[1]
    assert viewer.web.post(f"/activities/{entry['id']}/return", {"reason": "越权"}).status_code == 403
    assert ok(city.secretary.get(f"/api/v1/activities/{entry['id']}"))["status"] == "logged"
