"""The signed-in pages on a 375 px phone, in Debian's Chromium against a real server."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.test_pages import ARGS, CHROMIUM
from tests.e2e.campaign_helpers import Campaign
from tests.e2e.test_web_accounts import PASSWORD, person

PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def phone():
    assert CHROMIUM, "Chromium is required for the browser tests: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
        yield context.new_page()
        browser.close()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_a_branch_secretary_signs_in_on_a_phone_and_sees_the_to_do_list(phone, server, org, tmp_path):
    city_admin = org.user_with_role(org.city, "admin")
    campaign = Campaign(city_admin, org.city)
    _, email = person(server, org, org.branch_a, "secretary")
    violations: list[str] = []
    phone.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    phone.goto(server.url + "/profile")  # not signed in: sent to sign in, and brought back
    phone.get_by_label("电子邮箱").fill(email)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("heading", name="个人资料")).to_be_visible()
    phone.get_by_role("link", name="待办").click()
    expect(phone.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(phone.get_by_text("第一党支部：专题学习 已完成 0 / 2")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "todo-phone.png"), full_page=True)

    phone.get_by_role("link", name="进度").click()
    phone.get_by_role("link", name="第一党支部").click()
    expect(phone.get_by_role("heading", name="灯的含义")).to_be_visible()
    assert f"/progress/{campaign.id}/{org.branch_a['id']}" in phone.url
    assert no_horizontal_scroll(phone)

    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("heading", name="What the lights mean")).to_be_visible()
    phone.get_by_role("button", name="中文").click()
    phone.get_by_role("button", name="退出").click()
    expect(phone.get_by_role("heading", name="登录")).to_be_visible()
    assert violations == []
