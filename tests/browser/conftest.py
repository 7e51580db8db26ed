import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.test_pages import ARGS, CHROMIUM
from tests.e2e.conftest import anon, ops, org  # noqa: F401  (the same HTTP fixtures)

# Playwright waits up to 5 s for a page to show what a test expects; on a loaded 2-core CI
# machine the API docs (Swagger UI) and chart pages took longer than that. Waiting longer
# asserts no timing: a page that never shows it still fails.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, once per module; each test opens its own contexts."""
    assert CHROMIUM, "Chromium is required for the browser tests: apt-get install chromium"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()
