"""Outside channels: a notice's e-mail reaches a real SMTP server process (aiosmtpd) with
its Chinese subject and body intact; a unit's webhook receives it signed (HMAC-SHA256,
timestamped); failures are retried with backoff and never block another channel; nothing is
sent twice, also when a sender runs twice or dies mid-send; the unit's admin reads the log."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from taolun.notifications.channels import _take, send_due
from taolun.notifications.inbox import post
from taolun.notifications.models import Delivery
from taolun.notifications.webhooks import signed_headers, verify
from tests.e2e.campaign_helpers import ok
from tests.integration.channel_doubles import Receiver, arrived, smtp  # noqa: F401 (a fixture)
from tests.integration.notice_story import published_story

pytestmark = pytest.mark.usefixtures("django_ready")


@pytest.fixture(scope="module")
def unit(runtime):
    s = published_story(runtime)
    org, s.admin = s.org, s.school
    s.admin2 = org.user_with_role(org.school_a, "admin")
    s.receiver = Receiver()
    s.hook = ok(s.admin.post(f"/api/v1/tenants/{org.school_a['id']}/webhooks", {"url": s.receiver.url}), 201)
    yield s
    s.receiver.server.shutdown()


def notice(unit, users, title: str) -> str:
    subject = uuid.uuid4().hex
    for user in users:
        post(user.user["id"], "plan_returned", subject, 1, {
            "title": title, "unit": "实验中学", "reasons": "请补充“整改落实”阶段的措施", "unit_id": unit.org.school_a["id"]})
    return subject


def test_an_email_arrives_at_the_smtp_server_with_chinese_subject_and_body_intact(unit, smtp):
    url, folder = smtp
    notice(unit, [unit.admin], "实验中学实施方案")
    assert send_due(smtp_url=url) >= 1
    assert send_due(smtp_url=url) == 0  # run again: nothing sent twice
    [message] = arrived(folder, unit.admin.user["email"])
    assert message["Subject"] == "您的实施方案“实验中学实施方案”被退回"
    assert message.get_content().strip() == "实验中学 的实施方案“实验中学实施方案”被退回，退回理由：请补充“整改落实”阶段的措施"
    assert message.get_content_charset() == "utf-8"


def test_a_units_webhook_receives_one_signed_post_however_many_of_its_people_are_told(unit, smtp):
    before = len(unit.receiver.requests)
    notice(unit, [unit.admin, unit.admin2], "邗江中学方案")
    send_due(smtp_url=smtp[0])
    send_due(smtp_url=smtp[0])
    [(headers, body)] = unit.receiver.requests[before:]
    assert verify(unit.hook["secret"], headers, body)
    payload = json.loads(body)
    assert payload["subject"] == "您的实施方案“邗江中学方案”被退回" and payload["id"] == headers["X-Taolun-Delivery"]


def test_a_signature_is_refused_when_tampered_with_signed_by_another_secret_or_replayed_late():
    body = '{"subject": "测试"}'.encode()
    headers = signed_headers("s3cret", body, now=1_000_000)
    assert verify("s3cret", headers, body, now=1_000_100)
    assert not verify("s3cret", headers, body + b" ", now=1_000_100)
    assert not verify("other", headers, body, now=1_000_100)
    assert not verify("s3cret", headers, body, now=1_000_000 + 301)  # outside the window: a replay


def test_a_failing_webhook_is_retried_with_backoff_and_never_holds_up_the_email(unit, smtp):
    url, folder = smtp
    unit.receiver.failing = 1
    before = len(unit.receiver.requests)
    subject = notice(unit, [unit.secretary], "失败重试方案")
    send_due(smtp_url=url)
    hook = Delivery.objects.get(channel="webhook", params__title="失败重试方案")
    assert (hook.status, hook.attempts) == ("pending", 1) and "500" in hook.last_error
    assert [m["Subject"] for m in arrived(folder, unit.secretary.user["email"])] == ["您的实施方案“失败重试方案”被退回"]
    assert send_due(smtp_url=url) == 0  # not before its backoff
    send_due(now=hook.next_attempt_at + timedelta(seconds=1), smtp_url=url)
    hook.refresh_from_db()
    assert (hook.status, hook.attempts) == ("sent", 2)
    assert len(unit.receiver.requests) == before + 1
    log = ok(unit.admin.get(f"/api/v1/tenants/{unit.org.school_a['id']}/webhooks/deliveries?limit=100"))["items"]
    [row] = [r for r in log if r["id"] == hook.id]
    assert (row["status"], row["attempts"]) == ("sent", 2) and subject


def test_a_row_claimed_by_a_sender_that_died_is_sent_once_after_its_lease(unit, smtp):
    url, _ = smtp
    notice(unit, [unit.admin], "中断方案")
    hook = Delivery.objects.get(channel="webhook", params__title="中断方案")
    assert _take(hook.pk, timezone.now())  # a worker claimed it, then was killed before sending
    assert not _take(hook.pk, timezone.now())  # nobody else may take it meanwhile
    before = len(unit.receiver.requests)
    send_due(smtp_url=url)
    assert len(unit.receiver.requests) == before
    send_due(now=timezone.now() + timedelta(minutes=3), smtp_url=url)
    send_due(now=timezone.now() + timedelta(minutes=6), smtp_url=url)
    assert len(unit.receiver.requests) == before + 1


def test_the_admin_sends_a_test_and_reads_the_log_and_others_cannot(unit, smtp):
    sent = ok(unit.admin.post(f"/api/v1/webhooks/{unit.hook['id']}/test"), 202)
    send_due(smtp_url=smtp[0])
    assert json.loads(unit.receiver.requests[-1][1])["subject"] == "测试推送"
    log = ok(unit.admin.get(f"/api/v1/tenants/{unit.org.school_a['id']}/webhooks/deliveries"))["items"]
    assert log[0]["id"] == sent["id"] and log[0]["status"] == "sent"
    assert unit.secretary.get(f"/api/v1/tenants/{unit.org.school_a['id']}/webhooks/deliveries").status in (403, 404)
    assert unit.secretary.post(f"/api/v1/webhooks/{unit.hook['id']}/test").status in (403, 404)
    listed = ok(unit.admin.get(f"/api/v1/tenants/{unit.org.school_a['id']}/webhooks"))
    assert [h["secret"] for h in listed] == [None]  # the secret is shown once


def test_a_webhook_url_that_is_not_http_is_refused_and_nothing_is_created(unit):
    reply = unit.admin.post(f"/api/v1/tenants/{unit.org.school_a['id']}/webhooks", {"url": "ftp://x.example/hook"})
    assert reply.status == 422 and reply.body["code"] == "invalid_url"
    assert len(ok(unit.admin.get(f"/api/v1/tenants/{unit.org.school_a['id']}/webhooks"))) == 1


def test_the_smtp_url_is_read_from_the_environment_and_a_wrong_one_stops_the_start(tmp_path):
    from taolun.infra.config import load_config

    env = {"TAOLUN_DATA_DIR": str(tmp_path)}
    assert load_config({**env, "TAOLUN_SMTP_URL": "smtp://mail.example.cn:25"}).smtp_url == "smtp://mail.example.cn:25"
    assert load_config(env).smtp_url == ""
    with pytest.raises(ValueError, match="TAOLUN_SMTP_URL"):
        load_config({**env, "TAOLUN_SMTP_URL": "http://mail.example.cn"})


def test_wecom_and_dingtalk_robots_get_their_own_formats_and_dingtalk_is_signed_in_the_url(unit, smtp):
    import base64
    import hashlib
    import hmac
    from urllib.parse import parse_qs, urlparse

    admin = unit.org.user_with_role(unit.org.school_b, "admin")
    tenant = f"/api/v1/tenants/{unit.org.school_b['id']}/webhooks"
    robots = Receiver()
    ok(admin.post(tenant, {"url": robots.url + "?key=wecom-key", "kind": "wecom"}), 201)
    ok(admin.post(tenant, {"url": robots.url + "?access_token=ding", "kind": "dingtalk", "secret": "SECabc"}), 201)
    post(admin.user["id"], "rectification_due", uuid.uuid4().hex, "d:red0", {
        "what": "理论学习不够深入", "unit": "邗江中学", "due": "2026-01-01", "days_left": -2,
        "unit_id": unit.org.school_b["id"]}, "red")
    send_due(smtp_url=smtp[0])
    by_path = {urlparse(p).query.split("&")[0]: (p, json.loads(b)) for p, (_, b) in zip(robots.paths, robots.requests)}
    _, wecom = by_path["key=wecom-key"]
    assert wecom == {"msgtype": "markdown", "markdown": {"content": "**【督办】整改事项已逾期 2 天**\n"
                                                                    "邗江中学 的整改事项“理论学习不够深入”截止日期 2026-01-01（已逾期 2 天）。"}}
    path, ding = by_path["access_token=ding"]
    assert ding["msgtype"] == "text" and ding["text"]["content"].startswith("🔴【督办】整改事项已逾期 2 天")
    query = parse_qs(urlparse(path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"][0] == expected  # parse_qs undoes the URL-encoding of the Base64
    robots.server.shutdown()


def test_a_robot_answering_an_errcode_is_retried(unit, smtp):
    admin = unit.org.user_with_role(unit.org.district_b, "admin")
    robots = Receiver()
    robots.answer = b'{"errcode": 310000, "errmsg": "sign not match"}'
    ok(admin.post(f"/api/v1/tenants/{unit.org.district_b['id']}/webhooks",
                  {"url": robots.url, "kind": "dingtalk", "secret": "SECx"}), 201)
    post(admin.user["id"], "plan_submitted", uuid.uuid4().hex, 1, {
        "title": "错误码方案", "unit": "邗江区", "unit_id": unit.org.district_b["id"]})
    send_due(smtp_url=smtp[0])
    row = Delivery.objects.get(channel="webhook", params__title="错误码方案")
    assert (row.status, row.attempts) == ("pending", 1) and "310000" in row.last_error
    robots.server.shutdown()


def test_the_webhooks_page_adds_an_endpoint_sends_a_test_and_shows_the_log_to_the_admin_only(runtime, unit, smtp):
    from tests.e2e.web_client import text_of
    from tests.integration.test_web_todo import page, person

    admin = person(runtime, unit.org, unit.org.district_a, "admin")
    secretary = person(runtime, unit.org, unit.org.branch_a, "secretary")
    where = f"/units/{unit.org.district_a['id']}/webhooks"
    assert f'href="{where}"' in page(admin, "/inbox")[1]
    refused = admin.web.post(where, {"url": "ftp://x", "kind": "json"})
    assert refused.status_code == 422 and "推送地址必须是" in refused.content.decode()
    hook = Receiver()
    added = admin.web.post(where, {"url": hook.url, "kind": "json"})
    assert added.status_code == 200 and 'id="new-secret"' in added.content.decode()
    [endpoint] = ok(admin.get(f"/api/v1/tenants/{unit.org.district_a['id']}/webhooks"))
    assert admin.web.post(f"/webhooks/{endpoint['id']}/test").status_code == 302
    send_due(smtp_url=smtp[0])
    assert json.loads(hook.requests[-1][1])["subject"] == "测试推送"
    assert '<tr data-status="sent"><td>' in page(admin, where)[1]
    assert "测试推送  已送达  1" in text_of(page(admin, where)[1])
    assert page(secretary, where)[0] == 404  # outside the secretary's grants
    assert secretary.web.post(f"/webhooks/{endpoint['id']}/test").status_code == 404
    hook.server.shutdown()


def test_a_user_turns_off_email_for_a_kind_of_notice_and_the_inbox_still_has_it(unit, smtp):
    url, folder = smtp
    user = unit.org.user_with_role(unit.org.school_a, "viewer")
    assert unit.secretary.request("PUT", "/api/v1/me/notice-settings", {"email_off": ["no_such_rule"]}).status == 422
    settings = ok(user.request("PUT", "/api/v1/me/notice-settings", {"email_off": ["plan_returned"]}))
    assert settings["email_off"] == ["plan_returned"] and "rectification_due" in settings["rules"]
    notice(unit, [user], "不发邮件方案")
    post(user.user["id"], "plan_approved", uuid.uuid4().hex, 1, {"title": "发邮件方案", "unit": "实验中学"})
    send_due(smtp_url=url)
    assert [m["Subject"] for m in arrived(folder, user.user["email"])] == ["您的实施方案“发邮件方案”已审核通过"]
    assert ok(user.get("/api/v1/me/inbox/unread"))["unread"] == 2


def test_email_waits_for_the_end_of_quiet_hours_and_is_then_sent_once(unit, smtp):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    url, folder = smtp
    user = unit.org.user_with_role(unit.org.school_a, "viewer")
    assert user.request("PUT", "/api/v1/me/notice-settings", {"quiet_start": "25:00", "quiet_end": "07:00"}).status == 422
    ok(user.request("PUT", "/api/v1/me/notice-settings", {"quiet_start": "22:00", "quiet_end": "07:00"}))
    post(user.user["id"], "plan_approved", uuid.uuid4().hex, 1, {"title": "夜间方案", "unit": "实验中学"})
    night = datetime(2030, 3, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    send_due(now=night, smtp_url=url)
    row = Delivery.objects.get(channel="email", params__title="夜间方案")
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at == datetime(2030, 3, 2, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert arrived(folder, user.user["email"]) == []
    send_due(now=row.next_attempt_at, smtp_url=url)
    send_due(now=row.next_attempt_at + timedelta(minutes=5), smtp_url=url)
    assert [m["Subject"] for m in arrived(folder, user.user["email"])] == ["您的实施方案“夜间方案”已审核通过"]
