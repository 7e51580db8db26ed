"""cProfile of ``POST /api/v1/activities`` through the whole HTTP stack in one process
(django.test.Client: middleware, auth, access checks, the command, read-your-writes, the
answer), on a fresh small city, to see where an activity write spends its time.

    python bench/profile_activity_write.py [--backend postgres] [--count 50] [--top 30] [--scale S]

``--scale S``: the benchmark's synthetic city at that scale (bench_campaign.py's loader),
written to as its first branch's secretary, to see what grows with the city.

Prints the median per write without the profiler, the mean with it, the SQL of one write
(``--queries``) and the top functions (``--callees PATTERN`` also their callees).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Backend, create_operator, profiled, taolun_runtime  # noqa: E402


def city(rt) -> dict:
    """A city, a school, a branch with its secretary (and token), a published campaign and
    the school's approved plan."""
    t, c = rt.tenancy, rt.campaigns
    day = lambda k: (date.today() + timedelta(days=k)).isoformat()  # noqa: E731
    boss, _ = t.register_user(None, "boss@bench.test", "运维", None, is_operator=True)
    city_id, _ = t.register_tenant(None, "bureau", "city", "市教育局")
    school, _ = t.register_tenant(None, "school", "s0", "学校", city_id)
    branch, _ = t.register_tenant(None, "branch", "b0", "支部", school)
    user, _ = t.register_user(None, "sec@bench.test", "书记", branch)
    t.grant_role(None, user, branch, "secretary")
    token = t.issue_token(user, user).token
    cid, _ = c.author_campaign(boss, city_id, "解放思想大讨论")
    phase, _ = c.add_phase(cid, boss, name="学习", start=day(-30), end=day(30))
    task, _ = c.add_task(cid, boss, title="学习", phase_id=phase)
    topic, _ = c.add_topic(cid, boss, title="题目", group="一", mandatory=True)
    c.add_requirement(cid, boss, kind="党课", metric="count", minimum=1)
    c.publish(cid, boss, derive_deadline=day(-20))
    plan, _ = c.derive_plan(cid, boss, school)
    c.submit(plan, boss)
    c.approve(plan, boss)
    rt.runner.catch_up()
    return {"token": token, "body": {
        "tenant_id": str(branch), "plan_id": str(plan), "kind": "党课", "title": "党课",
        "start": day(0), "end": day(0), "participants": 12, "hours": 2, "phase_id": str(phase),
        "task_id": str(task), "topic_ids": [str(topic)]}}


def bench_city(backend, scale: float) -> tuple[object, dict]:
    """bench_campaign.py's city at ``scale``, and the same write its benchmark makes."""
    from bench_campaign import activity, load

    loaded = load(backend, scale)
    return loaded["runtime"], {"token": loaded["secretary_token"], "body": activity(loaded, "党课")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--callees", nargs="*", default=[],
                        help="also the callees of functions matching these patterns")
    parser.add_argument("--scale", type=float, default=None,
                        help="bench_campaign.py's city at this scale instead of the small one")
    args = parser.parse_args()
    with Backend(args.backend) as backend:
        create_operator(backend)
        if args.scale is None:
            rt = taolun_runtime(backend)
            made = city(rt)
        else:
            rt, made = bench_city(backend, args.scale)
        from django.db import connection
        from django.test import Client

        client = Client(HTTP_AUTHORIZATION=f"Bearer {made['token']}")

        def write() -> None:
            response = client.post("/api/v1/activities", data=json.dumps(made["body"]),
                                   content_type="application/json")
            if response.status_code != 201:
                raise SystemExit(f"write failed: {response.status_code} {response.content[:300]!r}")

        write()  # warm up: imports, connections, first snapshot reads
        queries: list[str] = []

        def note(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(note):
            write()
        plain = []
        for _ in range(args.count):
            t0 = time.perf_counter()
            write()
            plain.append(time.perf_counter() - t0)
        plain.sort()
        per_write, report = profiled(write, args.count, args.top, tuple(args.callees))
        print(report)
        print(f"SQL statements per write (Django's connection): {len(queries)}")
        for sql in queries:
            print("  ", sql[:160])
        print(f"per write: {per_write * 1000:.2f} ms profiled; unprofiled median "
              f"{plain[len(plain) // 2] * 1000:.2f} ms ({args.count} writes each)")
        rt.stop()


if __name__ == "__main__":
    main()
