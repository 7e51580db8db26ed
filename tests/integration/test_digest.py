"""The daily digest and the notice settings page: a user who chooses the digest gets one
e-mail a day summarising that day's notices (at a real SMTP server), composed once however
often the job runs, while the inbox has each notice at once; the page sets the channels per
kind of notice, quiet hours and the digest through the settings API's rules."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from taolun.notifications import preferences
from taolun.notifications.channels import send_due
from taolun.notifications.digest import compose, local_day
from taolun.notifications.inbox import post
from taolun.notifications.models import Delivery
from taolun.notifications.preferences import TIME_ZONE
from tests.e2e.campaign_helpers import ok
from tests.integration.channel_doubles import arrived, smtp  # noqa: F401 (a fixture)
from tests.integration.test_channels import unit  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("django_ready")


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TIME_ZONE)


def test_a_digest_reader_gets_one_email_summarising_the_day_and_the_inbox_has_each(unit, smtp):  # noqa: F811
    url, folder = smtp
    user = unit.org.user_with_role(unit.org.school_a, "viewer")
    assert ok(user.request("PUT", "/api/v1/me/notice-settings", {"digest": True}))["digest"] is True
    for title in ("甲方案", "乙方案"):
        post(user.user["id"], "plan_approved", uuid.uuid4().hex, 1, {"title": title, "unit": "实验中学"})
    today = local_day(timezone.now())
    send_due(now=at(today, 23, 59), smtp_url=url)
    assert arrived(folder, user.user["email"]) == []  # held for the digest
    assert compose(now=at(today, 23, 59)) == 0  # the day has not ended
    tomorrow = today + timedelta(days=1)
    assert compose(now=at(tomorrow, 0, 5)) >= 1
    assert compose(now=at(tomorrow, 0, 20)) == 0  # composed once
    send_due(now=at(tomorrow, 0, 30), smtp_url=url)
    send_due(now=at(tomorrow, 0, 45), smtp_url=url)
    [digest] = arrived(folder, user.user["email"])
    assert digest["Subject"] == f"【每日消息汇总】{today.isoformat()} 共 2 条"
    body = digest.get_content()
    assert "1. 您的实施方案“甲方案”已审核通过" in body and "2. 您的实施方案“乙方案”已审核通过" in body
    assert set(Delivery.objects.filter(user_id=user.user["id"]).values_list("status", flat=True)) == {
        "digested", "sent"}
    assert ok(user.get("/api/v1/me/inbox/unread"))["unread"] == 2


def test_a_digest_waits_for_the_end_of_the_readers_quiet_hours(unit, smtp):  # noqa: F811
    url, folder = smtp
    user = unit.org.user_with_role(unit.org.school_a, "viewer")
    ok(user.request("PUT", "/api/v1/me/notice-settings",
                    {"digest": True, "quiet_start": "22:00", "quiet_end": "07:00"}))
    post(user.user["id"], "plan_approved", uuid.uuid4().hex, 1, {"title": "丙方案", "unit": "实验中学"})
    tomorrow = local_day(timezone.now()) + timedelta(days=1)
    compose(now=at(tomorrow, 0, 5))
    send_due(now=at(tomorrow, 0, 30), smtp_url=url)
    assert arrived(folder, user.user["email"]) == []
    send_due(now=at(tomorrow, 7, 0), smtp_url=url)
    assert len(arrived(folder, user.user["email"])) == 1


def test_the_settings_page_sets_channels_quiet_hours_and_the_digest_and_a_bad_time_changes_nothing(runtime, unit):  # noqa: F811
    from tests.integration.test_web_todo import page, person

    user = person(runtime, unit.org, unit.org.school_a, "viewer")
    status, html = page(user, "/inbox/settings")
    assert status == 200 and 'name="email" value="task_due" checked' in html
    assert 'href="/inbox/settings"' in page(user, "/inbox")[1]
    refused = user.web.post("/inbox/settings", {"email": ["plan_returned"], "quiet_start": "25:00",
                                                "quiet_end": "07:00"})
    assert refused.status_code == 422 and "时间格式应为" in refused.content.decode()
    assert preferences.get(user.user["id"])["email_off"] == []
    saved = user.web.post("/inbox/settings", {"email": ["plan_returned", "task_due"], "quiet_start": "22:00",
                                              "quiet_end": "07:00", "digest": "1"})
    assert saved.status_code == 200 and "消息设置已保存" in saved.content.decode()
    mine = ok(user.get("/api/v1/me/notice-settings"))
    assert set(mine["rules"]) - set(mine["email_off"]) == {"plan_returned", "task_due"}
    assert (mine["quiet_start"], mine["quiet_end"], mine["digest"]) == ("22:00", "07:00", True)
    assert 'name="digest" value="1" checked' in page(user, "/inbox/settings")[1]
