"""A campaign's clock driven through a real installation (separate web, projection, worker
and scheduler processes on PostgreSQL + Redis; one process embedded): a district is told at
once that a campaign was published to it, then chased to derive its plan — 督办 blue, yellow,
red as the days pass, while the scheduler scans every second — and each notice arrives once
in its admin's inbox, once at the SMTP server and once at the district's webhook; after it
derives, nothing more."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.conftest import Org, unique
from tests.e2e.reminder_installation import Installation, until
from tests.integration.channel_doubles import Receiver, arrived

TITLE = "全市教育系统解放思想大讨论活动实施方案"
PUBLISHED = f"上级下发了“{TITLE}”"
CHASE = [(0, f"【督办】“{TITLE}”实施方案制定还剩 5 天", "blue"),
         (4, f"【督办】“{TITLE}”实施方案制定还剩 1 天", "yellow"),
         (6, f"【督办】“{TITLE}”实施方案制定已逾期 1 天", "red")]


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    site = Installation(unique("clock"), tmp_path_factory.mktemp("clock-smtp"))
    receiver = Receiver()
    try:
        site.start(today=day(0))
        org = Org(site.ops())
        city = org.user_with_role(org.city, "admin")
        district = org.user_with_role(org.district_a, "admin")
        hook = ok(district.post(f"/api/v1/tenants/{org.district_a['id']}/webhooks", {"url": receiver.url}), 201)
        campaign = Campaign(city, org.city, publish=False)
        ok(city.post(f"/api/v1/plans/{campaign.id}/publish", {"derive_deadline": day(5)}))
        seen: dict[int, list[tuple[str, str]]] = {}

        def inbox() -> list[tuple[str, str]]:
            return [(m["subject"], m["level"]) for m in ok(district.get("/api/v1/me/inbox?limit=100"))["items"]
                    if m["rule"] in ("campaign_published", "derive_deadline")
                    and m["params"].get("unit_id") == org.district_a["id"]]

        until(lambda: any(s == PUBLISHED for s, _ in inbox()), PUBLISHED, site.logs)  # told at once
        for offset, subject, _ in CHASE:
            if offset:
                site.move_to(day(offset))
            until(lambda: any(s == subject for s, _ in inbox()), subject, site.logs)
            site.wait_for_scans(3)  # scanned again and again on the same day: nothing twice
            seen[offset] = inbox()
        ok(district.post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.district_a["id"]}), 201)
        until(lambda: not [i for i in ok(district.get("/api/v1/me/todo"))["items"]
                           if i["kind"] == "derive_deadline"], "the derived plan in the read models", site.logs)
        site.move_to(day(7))
        site.wait_for_scans(3)
        seen[7] = inbox()
        email = district.user["email"]
        until(lambda: len(arrived(site.smtp_folder, email)) >= 4 and len(receiver.requests) >= 4,
              "the e-mails and webhook posts", site.logs)
        site.wait_for_scans(2)  # and the sender ran again since
        yield {"seen": seen, "emails": arrived(site.smtp_folder, email), "hooks": list(receiver.requests),
               "secret": hook["secret"]}
    finally:
        site.stop()
        receiver.server.shutdown()


def test_the_published_campaign_and_each_level_of_the_chase_reach_the_inbox_once(walked):
    final = walked["seen"][7]
    assert Counter(final) == Counter([(PUBLISHED, ""), *[(s, level) for _, s, level in CHASE]])


def test_each_day_brings_only_its_own_level(walked):
    assert [len(walked["seen"][d]) for d in (0, 4, 6, 7)] == [2, 3, 4, 4]


def test_each_notice_arrives_once_at_the_smtp_server_with_its_chinese_subject(walked):
    subjects = Counter(m["Subject"] for m in walked["emails"])
    assert subjects == Counter([PUBLISHED, *[s for _, s, _ in CHASE]])


def test_each_notice_reaches_the_districts_webhook_once_signed(walked):
    from taolun.notifications.webhooks import verify

    bodies = [json.loads(body) for _, body in walked["hooks"]]
    assert Counter(b["subject"] for b in bodies) == Counter([PUBLISHED, *[s for _, s, _ in CHASE]])
    assert all(verify(walked["secret"], headers, body, now=int(headers["X-Taolun-Timestamp"]))
               for headers, body in walked["hooks"])
    assert [b["level"] for b in bodies if b["rule"] == "derive_deadline"] == ["blue", "yellow", "red"]
