from tests.e2e.conftest import anon, ops, org  # noqa: F401  (the same HTTP fixtures)
