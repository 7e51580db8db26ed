"""The inbox, through the API and the page: newest first, a page at a time, an unread
count (also in the page header), marked read and unread, only one's own notices, shown in
the reader's language."""

from __future__ import annotations

import pytest

from taolun.notifications.inbox import post
from tests.e2e.campaign_helpers import ok
from tests.e2e.conftest import Org
from tests.e2e.web_client import text_of
from tests.integration.test_cross_tenant_matrix import operator
from tests.integration.test_web_todo import page, person

pytestmark = pytest.mark.usefixtures("django_ready")


@pytest.fixture(scope="module")
def people(runtime):
    org = Org(operator(runtime))
    me = person(runtime, org, org.school_a, "admin")
    other = person(runtime, org, org.school_b, "admin")
    for n in range(25):
        post(me.user["id"], "plan_returned", f"plan-{n}", n,
             {"title": f"方案{n}", "unit": "实验中学", "reasons": "请补充"})
    post(other.user["id"], "plan_approved", "plan-x", 1, {"title": "别人的方案", "unit": "邗江中学"})
    return me, other


def test_the_list_is_paginated_newest_first_with_an_unread_count(people):
    me, _ = people
    first = ok(me.get("/api/v1/me/inbox?limit=10"))
    assert first["count"] == 25 and len(first["items"]) == 10
    assert first["items"][0]["subject"] == "您的实施方案“方案24”被退回"
    assert first["items"][0]["rule"] == "plan_returned" and first["items"][0]["read_at"] is None
    last = ok(me.get("/api/v1/me/inbox?limit=10&offset=20"))
    assert [i["subject"] for i in last["items"]][-1] == "您的实施方案“方案0”被退回"
    assert ok(me.get("/api/v1/me/inbox/unread")) == {"unread": 25}


def test_a_notice_is_marked_read_and_unread_and_the_count_follows(people):
    me, _ = people
    newest = ok(me.get("/api/v1/me/inbox?limit=1"))["items"][0]
    read = ok(me.post(f"/api/v1/me/inbox/{newest['id']}/read"))
    assert read["read_at"] is not None
    assert ok(me.get("/api/v1/me/inbox/unread")) == {"unread": 24}
    assert newest["id"] not in [i["id"] for i in ok(me.get("/api/v1/me/inbox?unread=true&limit=100"))["items"]]
    assert ok(me.post(f"/api/v1/me/inbox/{newest['id']}/unread"))["read_at"] is None
    assert ok(me.get("/api/v1/me/inbox/unread")) == {"unread": 25}


def test_another_users_notice_cannot_be_read_or_marked(people):
    me, other = people
    theirs = ok(other.get("/api/v1/me/inbox"))["items"][0]
    assert theirs["id"] not in [i["id"] for i in ok(me.get("/api/v1/me/inbox?limit=100"))["items"]]
    assert me.post(f"/api/v1/me/inbox/{theirs['id']}/read").status == 404
    assert me.web.post(f"/inbox/{theirs['id']}/mark", {"read": "1"}).status_code == 404
    assert ok(other.get("/api/v1/me/inbox/unread")) == {"unread": 1}


def test_the_notice_reads_in_english_when_asked(people):
    me, _ = people
    item = ok(me.get("/api/v1/me/inbox?limit=1", headers={"Accept-Language": "en"}))["items"][0]
    assert item["subject"] == "Your plan “方案24” was returned"


def test_the_page_lists_notices_shows_the_unread_count_in_the_header_and_marks_them(people):
    me, _ = people
    status, html = page(me, "/inbox")
    assert status == 200
    assert '<span class="badge" id="unread-count">25</span>' in html
    assert "您的实施方案“方案24”被退回" in text_of(html) and "方案4”" not in text_of(html)  # page 1 of 2
    assert "方案4”被退回" in text_of(page(me, "/inbox?page=2")[1])
    newest = ok(me.get("/api/v1/me/inbox?limit=1"))["items"][0]
    assert me.web.post(f"/inbox/{newest['id']}/mark", {"read": "1"}).status_code == 302
    assert '<span class="badge" id="unread-count">24</span>' in page(me, "/")[1]
    assert me.web.post("/inbox/read-all").status_code == 302
    assert 'id="unread-count"' not in page(me, "/inbox")[1]
    assert ok(me.get("/api/v1/me/inbox/unread")) == {"unread": 0}
