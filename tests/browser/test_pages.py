"""The pages in a real browser (Debian's Chromium driven by Playwright)."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from taolun.platform import sample_plans

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    assert CHROMIUM, "Chromium is required for the browser tests: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
        yield context.new_page()
        browser.close()


def test_the_landing_page_tells_anonymous_visitors_nothing_about_any_tenant(page, server, org):
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="如何登录")).to_be_visible()
    content = page.content()
    for name in ("扬州市教育局", "广陵区教育局", org.city["code"], org.district_a["code"]):
        assert name not in content
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("link", name="Import a plan")).to_be_visible()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.get_by_role("link", name="API docs").first.click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Taolun")  # runs under the CSP
    expect(page.get_by_text("/api/v1/tenants").first).to_be_visible()
    assert violations == []


def test_importing_a_shipped_plan_in_the_page_shows_its_phases_and_dates(page, server, tmp_path):
    page.goto(server.url + "/import")
    page.set_input_files("#file", str(sample_plans.path(sample_plans.SCHOOL)))  # GB18030 text
    page.get_by_role("button", name="解析").click()
    expect(page.get_by_role("heading", name=re.compile("阶段（4）"))).to_be_visible()
    expect(page.get_by_text("2026-04-01 至 2026-06-10")).to_be_visible()
    expect(page.get_by_text("邗中党〔2026〕4号")).to_be_visible()
    # beside each phase, how its dates were read, for the reviewer to check
    expect(page.locator("td.reasoning").first).to_contain_text("3月中旬 → 11日至20日")
    expect(page.locator("td.reasoning").first).to_contain_text("年份取自发文日期")
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)
    assert (tmp_path / "import.png").stat().st_size > 10_000


def test_a_refused_file_is_explained_on_the_page(page, server, tmp_path):
    binary = tmp_path / "photo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    page.goto(server.url + "/import")
    page.set_input_files("#file", str(binary))
    page.get_by_role("button", name="解析").click()
    expect(page.get_by_role("alert")).to_contain_text("not_a_document")
