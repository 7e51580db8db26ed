"""The problem/rectification ledger in Debian's Chromium against a real server: on a 375 px
phone the branch secretary records a problem (an empty description refused beside the
field, the rest kept), plans its rectification with a due date, reports progress and
completes it with a camera photo; on a desktop the school above reopens it with a reason
(the ledger turns yellow) and, once completed again, verifies it (green).

Screenshots of the ledger (desktop and phone) and of a problem's page on the phone are
written to ``TAOLUN_SCREENSHOTS`` when it is set."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_role_chains import Person, field_error, screenshots
from tests.browser.test_school_pages import camera_photo
from tests.e2e.campaign_helpers import Campaign, day


def complete_with_a_photo(page, summary: str, photo) -> None:
    page.locator("#complete summary").click()
    page.get_by_label("整改情况小结").fill(summary)
    page.get_by_label("佐证材料（必填）").set_input_files(str(photo))
    expect(page.locator("#complete form[data-photos-ready='1']")).to_have_count(1)  # shrunk
    page.get_by_role("button", name="报告整改完成").click()
    expect(page.locator("[data-status='completed']")).to_be_visible()


def test_a_secretary_runs_a_rectification_on_a_phone_and_the_school_checks_it(browser, server, org, tmp_path):
    shots = screenshots()
    Campaign(org.user_with_role(org.city, "admin"), org.city)
    secretary = Person(browser, server, org, org.branch_a, "secretary", "phone")
    phone = secretary.page
    secretary.go(f"/units/{org.branch_a['id']}/problems")
    phone.get_by_text("登记问题", exact=True).first.click()
    phone.get_by_label("问题来源（可选）").fill("专题组织生活会")
    phone.get_by_label("问题类别").select_option("工作作风")
    phone.get_by_role("button", name="登记问题").click()  # no description: refused beside it
    expect(field_error(phone, "description")).to_have_text("此项不能为空")
    expect(phone.get_by_label("问题来源（可选）")).to_have_value("专题组织生活会")
    phone.get_by_label("问题描述").fill("调研走访不够深入")
    phone.get_by_role("button", name="登记问题").click()
    expect(phone.get_by_role("heading", name="调研走访不够深入")).to_be_visible()

    phone.get_by_label("整改措施（每行一条）").fill("每月走访两所学校\n建立走访台账")
    phone.get_by_label("牵头领导").fill("王书记")
    phone.get_by_label("责任单位（每行一个）").fill("第一党支部")
    phone.get_by_label("整改时限").fill(day(5))
    phone.get_by_role("button", name="保存整改措施").click()
    expect(phone.locator("[data-light]").first).to_have_attribute("data-light", "blue")  # due within 7 days
    photo = camera_photo(tmp_path / "IMG_4001.png", 640, 480)
    phone.get_by_label("进展情况").fill("已走访一所学校")
    phone.get_by_label("完成百分比").fill("50")
    phone.get_by_label("佐证照片").set_input_files(str(photo))
    expect(phone.locator("form[data-photos-ready='1']")).to_have_count(1)
    phone.get_by_role("button", name="提交进展").click()
    expect(phone.get_by_text("已走访一所学校 · 50%")).to_be_visible()
    assert secretary.fits()
    secretary.shot(shots, "problem")
    complete_with_a_photo(phone, "两所学校均已走访，台账建立", photo)
    expect(phone.get_by_role("link", name="IMG_4001.jpg").first).to_be_visible()

    school = Person(browser, server, org, org.school_a, "admin", "desktop")
    desktop = school.page
    school.go(f"/units/{org.school_a['id']}/problems")
    desktop.get_by_role("link", name="调研走访不够深入").click()
    desktop.get_by_role("button", name="重新打开").click()  # no reason: refused beside it
    expect(field_error(desktop, "reopen-reason")).to_have_text("请填写理由")
    desktop.get_by_label("重新打开的理由").fill("台账缺少走访记录照片")
    desktop.get_by_role("button", name="重新打开").click()
    expect(desktop.locator("[data-status='rectifying']")).to_be_visible()
    school.go(f"/units/{org.school_a['id']}/problems")
    expect(desktop.locator(".card", has_text="调研走访不够深入")).to_have_attribute("data-light", "yellow")
    school.shot(shots, "problem-ledger")
    secretary.go(f"/units/{org.branch_a['id']}/problems")
    secretary.shot(shots, "problem-ledger")
    assert secretary.fits()

    phone.get_by_role("link", name="调研走访不够深入").click()
    complete_with_a_photo(phone, "补齐走访照片", photo)
    desktop.get_by_role("link", name="调研走访不够深入").click()
    desktop.get_by_label("验收意见（可选）").fill("同意销号")
    desktop.get_by_role("button", name="验收销号").click()
    expect(desktop.locator("[data-light]").first).to_have_attribute("data-light", "green")
    for one in (secretary, school):
        assert one.csp == []
        one.context.close()
