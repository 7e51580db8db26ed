"""The school's and the branch secretary's stories in Debian's Chromium against a real
server: on a 375 px phone the secretary logs an activity with a camera photo (shrunk in the
browser before upload) and then corrects it; on a desktop the school derives its plan from
the published campaign, adds a local topic and submits it.

Screenshots of the main pages are written to ``$TAOLUN_SCREENSHOTS`` when it is set (that is
how docs/screenshots is refreshed: ``TAOLUN_SCREENSHOTS=docs/screenshots pytest
tests/browser/test_school_pages.py``), else to the test's temporary directory."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import no_horizontal_scroll
from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.client import Client
from tests.e2e.test_web_accounts import PASSWORD, person

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1200, "height": 860}


def camera_photo(path: Path, width: int = 1200, height: int = 900) -> Path:
    """A PNG as big as a phone photo's detail makes it (noise compresses badly)."""
    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))
    path.write_bytes(png)
    return path


def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("TAOLUN_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def sign_in(page, server, email: str) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()


@pytest.fixture()
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture()
def desktop(browser):
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    yield context.new_page()
    context.close()


def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    return found


def test_a_secretary_logs_an_activity_with_a_photo_on_a_phone_and_corrects_it(phone, server, org, tmp_path):
    out = shots(tmp_path)
    city_admin = org.user_with_role(org.city, "admin")
    campaign = Campaign(city_admin, org.city)
    api, email = person(server, org, org.branch_a, "secretary")
    violations = csp_violations(phone)
    sign_in(phone, server, email)
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(out / "todo-phone.png"))

    phone.get_by_role("link", name="登记活动 · 第一党支部").click()
    phone.get_by_label("活动形式").select_option("专题学习")
    phone.get_by_label("活动名称").fill("学习新思想 拍照记录")
    phone.get_by_label("参加人数").fill("18")
    photo = camera_photo(tmp_path / "IMG_2041.png")
    phone.get_by_label("现场照片").set_input_files(str(photo))
    expect(phone.locator("form[data-photos-ready='1']")).to_have_count(1)  # shrunk in the browser
    expect(phone.get_by_text("IMG_2041.jpg")).to_be_visible()
    phone.get_by_text("关联阶段、任务和题目（可选）").click()
    phone.get_by_label("所属阶段").select_option(label="学习讨论")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(out / "activity-form-phone.png"), full_page=True)
    phone.get_by_role("button", name="登记", exact=True).click()
    expect(phone.get_by_role("status")).to_contain_text("已登记：学习新思想 拍照记录")

    client = Client(server.url, api.token)
    [logged] = client.get(f"/api/v1/tenants/{org.branch_a['id']}/activities").body["items"]
    [evidence] = logged["evidence"]
    assert (evidence["filename"], evidence["content_type"]) == ("IMG_2041.jpg", "image/jpeg")
    assert evidence["size"] < photo.stat().st_size and logged["phase_id"] == campaign.p2

    phone.get_by_role("link", name="本单位活动记录").click()
    phone.get_by_role("link", name="学习新思想 拍照记录").click()
    with phone.expect_popup() as opened:  # the photo opens in a tab of its own
        phone.get_by_role("link", name="IMG_2041.jpg").click()
    assert opened.value.evaluate("document.contentType") == "image/jpeg"
    opened.value.close()
    phone.get_by_text("更正", exact=True).click()
    phone.get_by_label("参加人数").fill("20")
    phone.get_by_role("button", name="提交更正").click()  # no reason: refused beside the field
    expect(phone.get_by_text("请填写理由")).to_be_visible()
    expect(phone.get_by_label("参加人数")).to_have_value("20")
    phone.get_by_label("更正理由").fill("两位老师后到")
    phone.get_by_role("button", name="提交更正").click()
    expect(phone.get_by_text("两位老师后到")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(out / "activity-phone.png"), full_page=True)
    assert client.get(f"/api/v1/activities/{logged['id']}").body["participants"] == 20

    # The unit's records, 献一策 and the rectification ledger fit the phone too.
    problem = client.post("/api/v1/problems", {"tenant_id": org.branch_a["id"], "plan_id": campaign.id,
                                               "description": "理论学习不够深入", "category": "思想观念"}).body
    client.post(f"/api/v1/problems/{problem['id']}/rectification", {
        "measures": ["每周集中学习"], "lead_leader": "张书记", "responsible_units": ["第一党支部"], "deadline": day(3)})
    for path, shot in (("activities", "activities-phone.png"), ("suggestions", "suggestions-phone.png"),
                       ("problems", "problems-phone.png")):
        phone.goto(f"{server.url}/units/{org.branch_a['id']}/{path}")
        assert no_horizontal_scroll(phone), path
        phone.screenshot(path=str(out / shot))
    expect(phone.locator(f"[data-problem='{problem['id']}']")).to_have_attribute("data-light", "blue")
    assert violations == []


def test_a_school_derives_its_plan_adds_a_local_topic_and_submits_it_on_a_desktop(desktop, phone, server, org, tmp_path):
    out = shots(tmp_path)
    city_admin = org.user_with_role(org.city, "admin")
    campaign = Campaign(city_admin, org.city, publish=False)
    ok(city_admin.post(f"/api/v1/plans/{campaign.id}/publish", {"derive_deadline": day(5)}))
    api, email = person(server, org, org.school_a, "admin")
    violations = csp_violations(desktop)
    sign_in(desktop, server, email)
    desktop.get_by_role("link", name="为“实验中学”制定实施方案").click()
    desktop.screenshot(path=str(out / "school-campaigns.png"))
    desktop.get_by_label("实施方案标题（可不填，沿用上级标题）").fill("实验中学解放思想大讨论实施方案")
    desktop.get_by_role("button", name="制定本单位实施方案").click()
    expect(desktop.get_by_role("heading", name="实验中学解放思想大讨论实施方案")).to_be_visible()

    start = desktop.locator("#add_phase-start")
    assert (start.get_attribute("min"), start.get_attribute("max")) == (day(-40), day(50))  # the parent's window
    desktop.locator("#add_topic-title").fill("如何提升课堂教学效率")
    desktop.get_by_role("button", name="添加题目").click()
    expect(desktop.locator(".card", has_text="如何提升课堂教学效率")).to_contain_text("本级")
    expect(desktop.locator(".card", has_text="如何对接地方经济")).to_contain_text("上级·锁定")
    desktop.screenshot(path=str(out / "school-plan.png"), full_page=True)
    desktop.get_by_role("button", name="报送上级审核").click()
    expect(desktop.get_by_text("方案已报送，等待上级审核。")).to_be_visible()
    plan_url = desktop.url.split("#")[0]

    [plan] = [p for p in ok(api.get(f"/api/v1/tenants/{org.school_a['id']}/plans"))["items"] if p["kind"] == "derived"]
    assert plan["status"] == "submitted"
    assert "如何提升课堂教学效率" in [t["title"] for t in ok(api.get(f"/api/v1/plans/{plan['id']}"))["topics"]]
    assert violations == []

    # The same pages on a phone: nothing scrolls sideways.
    sign_in(phone, server, email)
    phone.goto(plan_url)
    expect(phone.get_by_role("heading", name="实验中学解放思想大讨论实施方案")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(out / "school-plan-phone.png"))
