from playwright.sync_api import expect

from tests.e2e.conftest import anon, ops, org  # noqa: F401  (the same HTTP fixtures)

# Playwright waits up to 5 s for a page to show what a test expects; on a loaded 2-core CI
# machine the API docs (Swagger UI) and chart pages took longer than that. Waiting longer
# asserts no timing: a page that never shows it still fails.
expect.set_options(timeout=30_000)
