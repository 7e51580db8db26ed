"""The signed-in pages on a 375 px phone, in Debian's Chromium against a real server."""

import pytest
from playwright.sync_api import expect

from tests.e2e.campaign_helpers import Campaign
from tests.e2e.test_web_accounts import PASSWORD, person

PHONE = {"width": 375, "height": 812}


@pytest.fixture()
def context(browser):
    """A phone of its own (cookies and storage) for each test."""
    phone_context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    yield phone_context
    phone_context.close()


@pytest.fixture()
def phone(context):
    return context.new_page()


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


def test_a_secretary_logs_an_activity_on_a_phone_with_the_network_cut_mid_submit(
        context, phone, server, org, tmp_path):
    from tests.e2e.client import Client

    city_admin = org.user_with_role(org.city, "admin")
    Campaign(city_admin, org.city)
    api, email = person(server, org, org.branch_a, "secretary")
    phone.goto(server.url + "/sign-in")
    phone.get_by_label("电子邮箱").fill(email)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="登记活动 · 第一党支部").click()
    phone.get_by_label("活动形式").select_option("主题党日")
    phone.get_by_label("活动名称").fill("断网时填写的主题党日")
    phone.get_by_label("参加人数").fill("23")
    phone.get_by_label("活动简况").fill("重温入党誓词")
    assert no_horizontal_scroll(phone)
    form_url = phone.url

    context.set_offline(True)  # the network drops as the secretary taps 登记
    phone.get_by_role("button", name="登记").click()
    phone.wait_for_load_state()
    context.set_offline(False)
    phone.goto(form_url)  # opened again: what was typed is still there
    expect(phone.get_by_label("活动名称")).to_have_value("断网时填写的主题党日")
    expect(phone.get_by_label("参加人数")).to_have_value("23")
    phone.get_by_role("button", name="登记").click()
    expect(phone.get_by_role("status")).to_contain_text("已登记：断网时填写的主题党日")
    phone.reload()  # a reload after the redirect posts nothing again
    expect(phone.get_by_label("活动名称")).to_have_value("")  # the kept copy is forgotten
    phone.screenshot(path=str(tmp_path / "activity-phone.png"), full_page=True)
    logged = Client(server.url, api.token).get(f"/api/v1/tenants/{org.branch_a['id']}/activities").body["items"]
    assert [(a["title"], a["kind"], a["participants"]) for a in logged] == [("断网时填写的主题党日", "主题党日", 23)]
