"""The audit chain's page in Debian's Chromium: an auditor opens 审计链 from the tabs, sees
the last signed checkpoint, presses 立即校验 and watches the run end in 校验通过 (htmx
polling), then downloads the bundle of the unit they audit, which verifies offline."""

import subprocess
import sys

from playwright.sync_api import expect

from taolun.projections.chain import verify_bundle
from tests.browser.test_bureau_pages import DESKTOP, sign_in
from tests.e2e.test_web_accounts import person


def test_an_auditor_verifies_the_chain_on_the_page_and_downloads_a_bundle(browser, server, org, tmp_path):
    _, email = person(server, org, org.district_a, "auditor")
    page = browser.new_context(locale="zh-CN", viewport=DESKTOP, accept_downloads=True).new_page()
    sign_in(page, server.url, email)
    page.locator("nav.tabs").get_by_role("link", name="审计链").click()
    expect(page.get_by_role("heading", name="审计链", exact=True)).to_be_visible()
    page.get_by_role("button", name="立即校验").click()
    # The run verifies the whole log the session's server has gathered, by a worker that may
    # be busy with other tests' jobs: on a loaded 2-core machine that took over 30 s once.
    expect(page.locator("#last-verification")).to_contain_text("校验通过", timeout=120_000)
    expect(page.locator("#last-checkpoint")).to_contain_text("位置")  # the server signed one
    with page.expect_download() as download:
        page.get_by_role("link", name=f"下载 {org.district_a['name']}").click()
    bundle = tmp_path / "bundle.jsonl"
    download.value.save_as(bundle)
    checked = subprocess.run([sys.executable, "-I", verify_bundle.__file__, str(bundle)],
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stderr
