"""The bureau's story in Debian's Chromium against a real server, on a desktop: sign in,
author a campaign in the editor (items added in place with htmx, a bad date refused beside
the field), publish it with the unit picker; a school's plan (derived and submitted through
the API) is returned with a reason from the review queue, resubmitted and approved; the
dashboard counts the approved plan. Screenshots of the main pages, desktop and phone, are
written to ``TAOLUN_SCREENSHOTS`` (docs/screenshots when refreshing the docs) or tmp."""

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.campaign_helpers import day
from tests.e2e.client import Client
from tests.e2e.test_web_accounts import PASSWORD, person

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def sign_in(page, url: str, email: str) -> None:
    page.goto(url + "/sign-in")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()


def start_a_draft(page, title: str) -> str:
    """From the campaigns list: a new draft with its header's basis document and ideology;
    answers the editor's URL."""
    page.get_by_role("link", name="新建活动方案").click()
    page.get_by_label("标题").fill(title)
    page.get_by_role("button", name="创建草稿").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    editor_url = page.url
    page.get_by_label("依据文件").fill("关于开展解放思想大讨论活动的通知｜扬办发〔2018〕12号")
    page.get_by_label("指导思想").fill("以习近平新时代中国特色社会主义思想为指导")
    page.get_by_role("button", name="保存基本信息").click()
    expect(page.get_by_label("依据文件")).to_have_value("关于开展解放思想大讨论活动的通知｜扬办发〔2018〕12号")
    return editor_url


def add_a_phase_after_a_refused_one(page) -> None:
    """学习讨论 (today - 10 to today + 40) in place, after the same phase ending before it
    starts was refused beside the field with what was typed kept."""
    phases = page.locator("#sec-phases")
    phases.get_by_label("阶段名称").fill("学习讨论")
    phases.get_by_label("开始日期").fill(day(10))
    phases.get_by_label("结束日期").fill(day(1))  # before the start: refused beside the field
    phases.get_by_role("button", name="添加阶段").click()
    expect(page.locator("#sec-phases .field-error")).to_have_text("结束日期早于开始日期")
    expect(page.locator("#sec-phases").get_by_label("阶段名称")).to_have_value("学习讨论")  # kept
    page.locator("#sec-phases").get_by_label("开始日期").fill(day(-10))
    page.locator("#sec-phases").get_by_label("结束日期").fill(day(40))
    page.locator("#sec-phases").get_by_role("button", name="添加阶段").click()
    expect(page.locator("#sec-phases .items")).to_contain_text("学习讨论")


class Shots:
    """Each main page at 1280 px and at 375 px (the viewport only: small files)."""

    def __init__(self, browser, url: str, email: str, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.phone = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        sign_in(self.phone, url, email)

    def take(self, desktop, name: str) -> None:
        if "#" in desktop.url:  # from the top of the page, not at an anchor
            desktop.goto(desktop.url.split("#")[0])
        desktop.screenshot(path=str(self.folder / f"{name}-desktop.png"))
        self.phone.goto(desktop.url)
        assert self.phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], name
        self.phone.screenshot(path=str(self.folder / f"{name}-phone.png"))


def test_a_bureau_authors_publishes_returns_and_approves_and_the_dashboard_shows_it(browser, server, org, tmp_path):
    city_api, email = person(server, org, org.city, "admin")
    school_api, _ = person(server, org, org.school_a, "admin")
    desktop = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    violations: list[str] = []
    desktop.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(desktop, server.url, email)
    shots = Shots(browser, server.url, email, Path(os.environ.get("TAOLUN_SCREENSHOTS") or tmp_path))

    desktop.locator("nav.tabs").get_by_role("link", name="活动方案", exact=True).click()
    expect(desktop.get_by_text("还没有活动方案")).to_be_visible()
    editor_url = start_a_draft(desktop, "全市教育系统解放思想大讨论活动方案")
    add_a_phase_after_a_refused_one(desktop)
    assert desktop.url.startswith(editor_url)  # in place, no reload

    topics = desktop.locator("#sec-topics")
    topics.get_by_label("题目").fill("如何对接地方经济发展")
    topics.get_by_label("必选（下级不能不采纳）").check()
    topics.get_by_role("button", name="添加题目").click()
    expect(desktop.locator("#sec-topics .items")).to_contain_text("如何对接地方经济发展")
    desktop.locator("#sec-topics").get_by_label("题目").fill("如何打造学校文化")
    desktop.locator("#sec-topics").get_by_role("button", name="添加题目").click()
    expect(desktop.locator("#sec-topics")).to_contain_text("如何打造学校文化")
    requirements = desktop.locator("#sec-requirements")
    requirements.get_by_label("不少于").fill("2")
    requirements.get_by_role("button", name="添加要求").click()
    expect(desktop.locator("#sec-requirements .items")).to_contain_text("专题学习")
    desktop.reload()
    shots.take(desktop, "campaign-editor")

    desktop.get_by_role("link", name="发布…").click()
    expect(desktop.get_by_label("广陵区教育局")).to_be_checked()
    expect(desktop.get_by_label("邗江区教育局")).to_be_checked()
    desktop.get_by_label("下级制定实施方案的截止日期").fill(day(7))
    shots.take(desktop, "campaign-publish")
    desktop.get_by_role("button", name="发布", exact=True).click()
    expect(desktop.get_by_role("heading", name="谁采用了哪一版")).to_be_visible()
    expect(desktop.get_by_text("尚未制定方案的单位")).to_be_visible()
    campaign_id = editor_url.rstrip("/").split("/")[-1]

    # The school derives and submits through the API.
    plan = school_api.post(f"/api/v1/plans/{campaign_id}/derive",
                           {"tenant_id": org.school_a["id"], "title": "实验中学实施方案"}).body
    optional = [t for t in plan["topics"] if not t["mandatory"]][0]
    base = f"/api/v1/plans/{plan['id']}"
    assert school_api.post(f"{base}/topics/{optional['id']}/decline", {"reason": "本校已开展同类讨论"}).status == 200
    assert school_api.post(f"{base}/submit", {}).status == 200

    desktop.get_by_role("link", name="审核", exact=True).click()
    shots.take(desktop, "review-queue")
    desktop.get_by_role("link", name="实验中学：实验中学实施方案").click()
    expect(desktop.get_by_text("本校已开展同类讨论")).to_be_visible()
    shots.take(desktop, "review")
    desktop.get_by_role("button", name="退回").click()  # without a reason: refused beside the field
    expect(desktop.locator("#reasons + .field-error")).to_be_visible()
    desktop.get_by_label("退回理由（每行一条）").fill("请补充整改落实阶段的具体措施")
    desktop.get_by_role("button", name="退回").click()
    expect(desktop.get_by_text("没有待审核的方案")).to_be_visible()
    assert Client(server.url, school_api.token).get(base).body["return_reasons"] == ["请补充整改落实阶段的具体措施"]

    assert school_api.post(f"{base}/submit", {}).status == 200  # resubmitted
    desktop.reload()
    desktop.get_by_role("link", name="实验中学：实验中学实施方案").click()
    desktop.get_by_role("button", name="批准").click()
    expect(desktop.get_by_role("status")).to_contain_text("已处理")
    assert school_api.get(base).body["status"] == "approved"

    desktop.goto(f"{server.url}/progress/{campaign_id}/{org.city['id']}")
    expect(desktop.locator(".figure", has_text="已批准方案").locator("b")).to_have_text("1")
    expect(desktop.locator("#chart-plans svg")).to_be_visible()  # ECharts drew it, under the CSP
    shots.take(desktop, "dashboard")
    desktop.get_by_role("link", name="没有已批准方案的学校").click()
    expect(desktop.get_by_role("link", name="邗江中学")).to_be_visible()
    expect(desktop.get_by_role("link", name="实验中学")).to_have_count(0)
    shots.take(desktop, "unit-list")
    desktop.locator("nav.tabs").get_by_role("link", name="活动方案", exact=True).click()
    shots.take(desktop, "campaign-list")
    assert violations == []
