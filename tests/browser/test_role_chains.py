"""The whole campaign run in the browser by every role, on a desktop and on a 375 px phone,
in Debian's Chromium against a real server process (on the backend of the current leg):

the bureau authors a campaign in the editor and publishes it; the school derives its plan
from the campaign published to it, moves an inherited phase inside the parent's window and
submits it; the bureau returns it with a reason and approves the resubmission; the branch
secretary logs an activity with a photo while the network drops after the server got it
(the answer is lost, the form is sent again: one activity); the dashboard shows the new
figures; an inspector reads the dashboard and returns the thin activity with a reason; a
viewer only reads. Per role a bad input (the error in Chinese beside the field, the input
kept) and a foreign unit's URL (the same 404 page as a missing one).

With ``TAOLUN_SCREENSHOTS`` set, the pages the other browser tests do not cover (the review
beside the parent, the problem ledger, the phone form) are written there."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_bureau_pages import add_a_phase_after_a_refused_one, start_a_draft
from tests.browser.test_school_pages import camera_photo
from tests.e2e.campaign_helpers import day
from tests.e2e.client import Client
from tests.e2e.test_web_accounts import PASSWORD, person

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}
TITLE = "全市教育系统解放思想大讨论活动方案"


class Person:
    """One role in a browser context of its own (cookies, storage), signed in."""

    def __init__(self, browser, server, org, node: dict, role: str, screen: str) -> None:
        self.api, self.email = person(server, org, node, role)
        self.url = server.url
        self.screen = screen
        self.context = browser.new_context(locale="zh-CN", **SCREENS[screen])
        self.page = self.context.new_page()
        self.csp: list[str] = []
        self.page.on("console", lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None)
        self.page.goto(self.url + "/sign-in")
        self.page.get_by_label("电子邮箱").fill(self.email)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.get_by_role("heading", name="我的待办")).to_be_visible()

    def go(self, path: str):
        return self.page.goto(self.url + path)

    def fits(self) -> bool:
        """Nothing scrolls sideways (on a phone: 375 px)."""
        width = SCREENS[self.screen]["viewport"]["width"]
        return self.page.evaluate("document.scrollingElement.scrollWidth") <= width

    def foreign_is_missing(self, path: str, foreign_id: str) -> None:
        """A unit outside the grants answers the page a missing one does, to the letter."""
        foreign = self.go(path.format(foreign_id))
        shown = self.page.locator("main").inner_text(), self.page.title()
        missing = self.go(path.format(uuid.uuid4()))
        assert (foreign.status, missing.status) == (404, 404)
        assert shown == (self.page.locator("main").inner_text(), self.page.title())
        expect(self.page.get_by_role("heading", name="页面不存在")).to_be_visible()

    def shot(self, folder: Path | None, name: str) -> None:
        if folder is not None:
            self.page.screenshot(path=str(folder / f"{name}-{self.screen}.png"))


def screenshots() -> Path | None:
    folder = os.environ.get("TAOLUN_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def field_error(page, field_id: str):
    """The error shown right after a field."""
    return page.locator(f"#{field_id} + .field-error")


@pytest.fixture()
def people(browser, server, org, request):
    screen = request.param
    made: list[Person] = []

    def make(node: dict, role: str) -> Person:
        made.append(Person(browser, server, org, node, role, screen))
        return made[-1]

    yield make
    for one in made:
        assert one.csp == [], one.csp
        one.context.close()


def author_and_publish(bureau: Person) -> str:
    page = bureau.page
    page.locator("nav.tabs").get_by_role("link", name="活动方案", exact=True).click()
    editor_url = start_a_draft(page, TITLE)
    campaign_id = editor_url.split("#")[0].rstrip("/").split("/")[-1]
    add_a_phase_after_a_refused_one(page)
    topics = page.locator("#sec-topics")
    topics.get_by_label("题目").fill("如何对接地方经济发展")
    topics.get_by_label("必选（下级不能不采纳）").check()
    topics.get_by_role("button", name="添加题目").click()
    expect(page.locator("#sec-topics .items")).to_contain_text("如何对接地方经济发展")
    page.reload()  # the items were added in place; the publish link comes with a full page
    page.get_by_role("link", name="发布…").click()
    page.get_by_label("下级制定实施方案的截止日期").fill(day(7))
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_role("heading", name="谁采用了哪一版")).to_be_visible()
    assert bureau.fits()
    return campaign_id


def derive_and_submit(school: Person, org) -> str:
    page = school.page
    page.get_by_role("link", name="为“实验中学”制定实施方案").click()
    page.get_by_role("button", name="制定本单位实施方案").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    plan_url = page.url.split("#")[0]
    # The date pickers are held to the parent's window (the browser will not send a date
    # outside it); bad input the server refuses: the end before the start, beside the date.
    assert (page.locator("#add_phase-start").get_attribute("min"), page.locator("#add_phase-start").get_attribute("max")) == (day(-10), day(40))
    page.locator("#add_phase-name").fill("校本研讨")
    page.locator("#add_phase-start").fill(day(5))
    page.locator("#add_phase-end").fill(day(-5))
    page.get_by_role("button", name="添加阶段").click()
    expect(field_error(page, "add_phase-end")).to_have_text("结束日期早于开始日期")
    expect(page.locator("#add_phase-name")).to_have_value("校本研讨")
    expect(page.locator("#add_phase-end")).to_have_value(day(-5))
    # The inherited phase narrowed inside the parent's window.
    card = page.locator(".card", has_text="学习讨论")
    card.get_by_text("调整日期").click()
    card.get_by_label("结束日期").fill(day(35))
    card.get_by_role("button", name="保存日期").click()
    expect(page.locator(".card", has_text="学习讨论")).to_contain_text(f"{day(-10)} — {day(35)}")
    assert school.fits()
    page.get_by_role("button", name="报送上级审核").click()
    expect(page.get_by_text("方案已报送，等待上级审核。")).to_be_visible()
    return plan_url


def test_every_role_does_its_job_in_the_browser(people, server, org, tmp_path):
    shots = screenshots()
    foreign = org.node(None, "bureau", "外市教育局")
    bureau = people(org.city, "admin")
    campaign_id = author_and_publish(bureau)
    bureau.foreign_is_missing(f"/progress/{campaign_id}/{{}}", foreign["id"])

    school = people(org.school_a, "admin")
    plan_url = derive_and_submit(school, org)
    school.foreign_is_missing("/units/{}/campaigns", org.school_b["id"])

    review = bureau.page
    review.locator("nav.tabs").get_by_role("link", name="审核", exact=True).click()
    review.get_by_role("link", name=f"实验中学：{TITLE}").click()
    expect(review.get_by_role("heading", name=f"实验中学：{TITLE}")).to_be_visible()
    expect(review.locator("table.compare").first).to_contain_text("如何对接地方经济发展")  # beside the parent
    bureau.shot(shots, "review-side-by-side")
    review.get_by_role("button", name="退回").click()  # no reason: refused beside the field
    expect(review.locator("#reasons + .field-error")).to_be_visible()
    review.get_by_label("退回理由（每行一条）").fill("请补充整改落实阶段的具体措施")
    review.get_by_role("button", name="退回").click()
    expect(review.get_by_text("没有待审核的方案")).to_be_visible()

    school.page.goto(school.url + "/")
    school.page.get_by_role("link", name="本单位方案被退回，请修改后重新提交").click()
    expect(school.page.get_by_text("请补充整改落实阶段的具体措施")).to_be_visible()
    school.page.get_by_role("button", name="报送上级审核").click()
    expect(school.page.get_by_text("方案已报送，等待上级审核。")).to_be_visible()
    review.reload()
    review.get_by_role("link", name=f"实验中学：{TITLE}").click()
    review.get_by_role("button", name="批准").click()
    expect(review.get_by_role("status")).to_contain_text("已处理")
    plan_id = plan_url.rstrip("/").split("/")[-1]
    assert Client(server.url, school.api.token).get(f"/api/v1/plans/{plan_id}").body["status"] == "approved"

    secretary = people(org.branch_a, "secretary")
    activity = log_an_activity_through_a_dropped_network(secretary, org, tmp_path, shots)
    secretary.foreign_is_missing("/units/{}/activities/new", org.school_b["id"])

    dashboard = f"/progress/{campaign_id}/{org.city['id']}"
    bureau.go(dashboard)
    expect(bureau.page.locator(".figure", has_text="已批准方案").locator("b")).to_have_text("1")
    expect(bureau.page.locator(".figure", has_text="已开展活动").locator("b")).to_have_text("1")
    expect(bureau.page.locator(".figure", has_text="参与人次").locator("b")).to_have_text("23")
    assert bureau.fits()

    viewer = people(org.district_a, "viewer")
    viewer.go(f"/progress/{campaign_id}/{org.district_a['id']}")
    expect(viewer.page.locator(".figure", has_text="已开展活动").locator("b")).to_have_text("1")
    expect(viewer.page.locator("main form:not(.as-of)")).to_have_count(0)
    inspector = people(org.district_a, "inspector")
    inspector.go(f"/progress/{campaign_id}/{org.district_a['id']}")
    expect(inspector.page.locator(".figure", has_text="已开展活动").locator("b")).to_have_text("1")
    expect(inspector.page.locator("main form:not(.as-of)")).to_have_count(0)  # read-only
    inspector.go(f"/units/{org.branch_a['id']}/activities")
    expect(inspector.page.get_by_role("link", name="登记活动")).to_have_count(0)
    inspector.page.get_by_role("link", name="断网时填写的主题党日").click()
    expect(inspector.page.get_by_text("更正", exact=True)).to_have_count(0)  # not the inspector's entry
    inspector.page.get_by_role("button", name="退回").click()  # no reason: beside the field
    expect(field_error(inspector.page, "reason")).to_have_text("请填写理由")
    inspector.page.get_by_label("退回理由").fill("记录过于简单，请补充讨论内容")
    inspector.page.get_by_role("button", name="退回").click()
    expect(inspector.page.locator("[data-status='returned']")).to_be_visible()
    inspector.foreign_is_missing("/units/{}/activities", org.school_b["id"])
    secretary.go("/")
    expect(secretary.page.get_by_text("记录过于简单，请补充讨论内容")).to_be_visible()

    viewer.go(f"/progress/{campaign_id}/{org.district_a['id']}")  # a returned entry no longer counts
    expect(viewer.page.locator(".figure", has_text="已开展活动").locator("b")).to_have_text("0")
    viewer.go(f"/activities/{activity}")
    expect(viewer.page.get_by_role("heading", name="断网时填写的主题党日")).to_be_visible()
    expect(viewer.page.locator("main form:not(.as-of)")).to_have_count(0)  # nothing to correct or return
    refused = viewer.go(f"/units/{org.branch_a['id']}/activities/new")
    assert refused.status == 403
    viewer.go("/tokens")  # the one form a viewer has: a token's life is at most a year
    viewer.page.get_by_label("用途").fill("周报脚本")
    viewer.page.get_by_label("有效天数").fill("400")
    viewer.page.get_by_role("button", name="签发新令牌").click()
    expect(field_error(viewer.page, "days")).to_have_text("令牌有效期须在 1 至 366 天之间")
    expect(viewer.page.get_by_label("用途")).to_have_value("周报脚本")
    viewer.foreign_is_missing(f"/progress/{campaign_id}/{{}}", org.school_b["id"])


def log_an_activity_through_a_dropped_network(secretary: Person, org, tmp_path: Path, shots: Path | None) -> str:
    """The secretary fills the form with a photo; the server records it but the answer never
    reaches the phone; the form, opened again, still holds what was typed and is sent again:
    one activity."""
    page = secretary.page
    page.get_by_role("link", name="登记活动 · 第一党支部").click()
    form_url = page.url
    page.get_by_label("活动形式").select_option("主题党日")
    page.get_by_label("活动名称").fill("断网时填写的主题党日")
    page.get_by_label("参加人数").fill("二十三")  # bad input: not a number
    page.get_by_role("button", name="登记", exact=True).click()
    expect(field_error(page, "participants")).to_have_text("请输入整数")
    expect(page.get_by_label("活动名称")).to_have_value("断网时填写的主题党日")
    page.get_by_label("参加人数").fill("23")
    page.get_by_label("活动简况").fill("重温入党誓词")
    photo = camera_photo(tmp_path / "IMG_3001.png", 800, 600)
    page.get_by_label("现场照片").set_input_files(str(photo))
    expect(page.locator("form[data-photos-ready='1']")).to_have_count(1)
    assert secretary.fits()
    secretary.shot(shots, "activity-form-filled")
    key = page.locator("input[name=request_key]").input_value()

    delivered: list[int] = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        delivered.append(route.fetch(max_redirects=0).status)  # the server gets it and commits
        route.abort("internetdisconnected")  # … and the phone never hears back

    page.route("**/activities/new*", lose_the_answer)
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_load_state()
    page.unroute("**/activities/new*")
    assert delivered == [302]

    page.goto(form_url)  # opened again: what was typed, and its key, are still there
    expect(page.get_by_label("活动名称")).to_have_value("断网时填写的主题党日")
    expect(page.get_by_label("参加人数")).to_have_value("23")
    assert page.locator("input[name=request_key]").input_value() == key
    page.get_by_label("现场照片").set_input_files(str(photo))  # files are picked again
    expect(page.locator("form[data-photos-ready='1']")).to_have_count(1)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已登记：断网时填写的主题党日")

    client = Client(secretary.url, secretary.api.token)
    logged = client.get(f"/api/v1/tenants/{org.branch_a['id']}/activities").body["items"]
    assert [(a["title"], a["participants"], len(a["evidence"])) for a in logged] == [("断网时填写的主题党日", 23, 1)]
    return logged[0]["id"]


pytestmark = pytest.mark.parametrize("people", list(SCREENS), indirect=True)
