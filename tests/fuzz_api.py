"""Fuzz the API from its own OpenAPI with schemathesis: no input may answer 5xx, and every
4xx is the usual JSON error body ``{code, message, details}``.

Used by the suite (tests/e2e/test_fuzz_api.py, a bounded number of examples) and, for long
runs, from the command line (docs/fuzzing.md), against a server it starts on the backend
``TAOLUN_TEST_BACKEND`` names, or against a running one::

    TAOLUN_TEST_BACKEND=postgres python -m tests.fuzz_api --examples 600
    python -m tests.fuzz_api --url http://127.0.0.1:8765 --token tl_... --examples 600

Cases are drawn per operation, valid ones (positive) and invalid ones (negative); some use
ids that exist (a seeded city, campaign and user) so that the write paths are reached, not
only the 404s. Operations that revoke the caller's own token are excluded.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
import requests

# Revoking tokens would cut the fuzzer's own credential off mid-run.
EXCLUDED = {("DELETE", "/api/v1/users/{user_id}/tokens/{token_id}")}


@dataclass
class Report:
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)  # "METHOD path -> status: body"
    bad_error_bodies: list[str] = field(default_factory=list)

    @property
    def count_5xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        return (f"cases {self.cases}; 5xx {self.count_5xx}; 4xx without the error body "
                f"{len(self.bad_error_bodies)}; statuses {dict(sorted(self.statuses.items()))}")


def seed(url: str, token: str) -> dict[str, str]:
    """A city with a school and a published campaign: ids the fuzzer may use for real."""
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"

    def post(path: str, body: dict) -> dict:
        reply = s.post(url + path, json=body, timeout=30)
        assert reply.status_code in (200, 201), (path, reply.status_code, reply.text)
        return reply.json()

    tag = uuid.uuid4().hex[:8]
    city = post("/api/v1/tenants", {"kind": "bureau", "code": f"fz{tag}", "name": "模糊市"})
    school = post("/api/v1/tenants", {"kind": "school", "code": f"fs{tag}", "name": "模糊中学",
                                      "parent_id": city["id"]})
    user = post("/api/v1/users", {"email": f"fz{tag}@fuzz.test", "name": "模糊", "home_id": school["id"]})
    today = date.today()
    plan = post("/api/v1/campaigns", {"tenant_id": city["id"], "title": "模糊大讨论"})
    pid = plan["id"]
    post(f"/api/v1/plans/{pid}/phases", {"name": "学习", "start": str(today - timedelta(days=30)),
                                         "end": str(today + timedelta(days=60))})
    post(f"/api/v1/plans/{pid}/topics", {"title": "题目", "group": "一", "mandatory": True})
    post(f"/api/v1/plans/{pid}/requirements", {"kind": "专题学习", "metric": "count", "minimum": 1})
    post(f"/api/v1/plans/{pid}/publish", {"derive_deadline": str(today + timedelta(days=10))})
    return {"tenant_id": school["id"], "node_id": school["id"], "parent_id": city["id"],
            "home_id": school["id"], "plan_id": pid, "campaign_id": pid, "user_id": user["id"]}


def fuzz(url: str, token: str, examples: int, *, seed_ids: dict[str, str] | None = None,
         progress: bool = False) -> Report:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json", timeout=30)
    known = seed_ids if seed_ids is not None else seed(url, token)
    report = Report()
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}

    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        names = {p.name for p in operation.path_parameters}
        real = {name: value for name, value in known.items() if name in names}
        strategies = [operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                      operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)]
        if real:
            strategies.append(operation.as_strategy(schemathesis.GenerationMode.POSITIVE,
                                                    path_parameters=real))

        @given(case=st.one_of(*strategies), real_ids=st.booleans())
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case, real_ids: bool) -> None:
            if real_ids and isinstance(case.body, dict):  # reach real objects through bodies too
                for name in ("tenant_id", "plan_id", "parent_id", "home_id", "node_id"):
                    if name in case.body and name in known:
                        case.body[name] = known[name]
            try:
                response = case.call(base_url=url, session=session, headers=headers, timeout=60)
            except requests.RequestException as error:  # a malformed URL the client refuses
                report.statuses[0] += 1
                report.cases += 1
                if not isinstance(error, (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader)):
                    report.server_errors.append(f"{operation.method.upper()} {case.formatted_path}: {error}")
                return
            report.cases += 1
            report.statuses[response.status_code] += 1
            label = f"{operation.method.upper()} {case.formatted_path}"
            if response.status_code >= 500:
                report.server_errors.append(f"{label} -> {response.status_code}: {response.text[:300]}"
                                            f" (body {str(case.body)[:300]}, query {case.query})")
            elif response.status_code >= 400 and not error_shaped(response):
                report.bad_error_bodies.append(f"{label} -> {response.status_code}: {response.text[:300]}")

        run()
        if progress:
            print(f"{operation.method.upper():6} {operation.path}: {report.summary()}", flush=True)
    return report


def error_shaped(response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "message", "details"} <= set(body)


def fuzz_own_server(examples: int) -> Report:
    """Start a server on the backend the tests would use, fuzz it, remove it again."""
    from tests import conftest

    srv = conftest.Server("fuzz-long")
    try:
        token = srv.start_with_operator("fuzz.long@taolun.test")
        print(f"fuzzing {srv.url} ({conftest.BACKEND}), {examples} examples per operation", flush=True)
        return fuzz(srv.url, token, examples, progress=True)
    finally:
        srv.stop()
        conftest.pytest_unconfigure(config=None)  # drops its database and data directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (default: start one of its own)")
    parser.add_argument("--token", help="with --url: an operator's (or a city admin's) API token")
    parser.add_argument("--examples", type=int, default=600, help="examples per operation")
    args = parser.parse_args(argv)
    if args.url:
        if not args.token:
            parser.error("--url needs --token")
        report = fuzz(args.url.rstrip("/"), args.token, args.examples, progress=True)
    else:
        report = fuzz_own_server(args.examples)
    for line in report.server_errors:
        print("5xx:", line)
    for line in report.bad_error_bodies:
        print("4xx body:", line)
    print(report.summary())
    return 1 if report.server_errors or report.bad_error_bodies else 0


if __name__ == "__main__":
    sys.exit(main())
