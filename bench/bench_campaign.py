"""Campaign benchmark: a synthetic city, its progress read model, and activity writes.

a. load: a city of districts, schools and branches; a campaign published; every school
   derives and is approved; activities and rectifications written in bulk through the
   Campaigns application (not HTTP); projections caught up. Printed: seconds.
b. ``runner.rebuild(["campaigns"])`` events/s vs a plain scan of the same notification log
   (batches of 500) — goal: at least 25% of the scan rate (cost ratio ≤ 4×).
c. ``GET /campaigns/{c}/progress/{city}`` (the root with its children) p50/p99 vs a static
   JSON document of the same length (the plain project's /doc) — goal ≤ 3×.
d. the red-branches list (``…/units?kind=branch&light=red``) likewise.
e. ``POST /activities`` over HTTP vs a plain Django ORM insert behind ninja (bench/plain_orm
   ``POST /tenants``, the only write the baseline project has) — goal ≤ 1.5×.

Default scale 0.01 (20 schools, 200 branches, 2,000 activities, 200 rectifications);
``--scale 1`` is the full city (2,000 / 20,000 / 200,000 / 20,000).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    Backend,
    Client,
    Figure,
    console,
    create_operator,
    machine_info,
    percentile,
    print_figures,
    start_plain,
    start_taolun,
    write_results,
)

KINDS = ("专题学习", "主题党日", "座谈会", "党课")


def load(backend: Backend, scale: float, chunk: int = 500) -> dict:
    os.environ.update(backend.taolun_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "taolun.platform.settings"
    from taolun.platform.cli import setup_django

    setup_django()
    from taolun.events.campaigns import Activity, Problem
    from taolun.platform.runtime import get_runtime

    rt = get_runtime()
    t, c = rt.tenancy, rt.campaigns
    n_schools = max(2, int(2000 * scale))
    n_branches = max(n_schools, int(20000 * scale))
    n_acts, n_rect = max(10, int(200000 * scale)), max(2, int(20000 * scale))
    n_districts = max(1, n_schools // 200)
    today = date.today()
    day = lambda k: (today + timedelta(days=k)).isoformat()  # noqa: E731
    started = time.perf_counter()
    # The write side checks who may approve: the bench acts as a registered operator.
    boss, _ = t.register_user(None, f"bench-{uuid.uuid4().hex[:8]}@bench.test", "运维", None, is_operator=True)
    city, _ = t.register_tenant(None, "bureau", f"city-{uuid.uuid4().hex[:6]}", "市教育局")
    districts = [t.register_tenant(None, "bureau", f"d{i}", f"区{i}", city)[0] for i in range(n_districts)]
    schools = [t.register_tenant(None, "school", f"s{i}", f"学校{i}", districts[i % n_districts])[0]
               for i in range(n_schools)]
    branches = [(t.register_tenant(None, "branch", f"b{i}", f"支部{i}", schools[i % n_schools])[0],
                 i % n_schools) for i in range(n_branches)]
    cid, _ = c.author_campaign(boss, city, "解放思想大讨论")
    phase, _ = c.add_phase(cid, boss, name="学习", start=day(-60), end=day(60))
    c.add_topic(cid, boss, title="题目", group="一", mandatory=True)
    c.add_requirement(cid, boss, kind="专题学习", metric="count", minimum=3)
    c.add_requirement(cid, boss, kind="主题党日", metric="count", minimum=1)
    c.publish(cid, boss, derive_deadline=day(-50))
    plans = []
    for s in schools:
        plan_id, _ = c.derive_plan(cid, boss, s)
        c.submit(plan_id, boss)
        c.approve(plan_id, boss)
        plans.append(plan_id)
    plan_objs = {p: c.get_plan(p) for p in plans}
    window = c.campaign_window(c.get_plan(cid))
    pending = []
    for i in range(n_acts):
        branch, school = branches[i % n_branches]
        pending.append(Activity.log(
            tenant_id=branch, actor=boss, plan=plan_objs[plans[school]], window=window,
            kind=KINDS[i % len(KINDS)], title="活动", start=day(-(i % 50)), end=day(-(i % 50)),
            participants=10 + i % 20, hours=2, phase_id=phase))
        if len(pending) >= chunk:
            c.save(*pending)
            pending = []
    for i in range(n_rect):
        branch, school = branches[(i * 7) % n_branches]
        p = Problem.record(tenant_id=branch, actor=boss, plan=plan_objs[plans[school]],
                           description="问题", category="工作作风")
        p.plan_rectification(boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                             deadline=day((i % 30) - 10))
        pending.append(p)
        if len(pending) >= chunk:
            c.save(*pending)
            pending = []
    if pending:
        c.save(*pending)
    written = time.perf_counter() - started
    rt.runner.catch_up()
    total = time.perf_counter() - started
    return {"runtime": rt, "city": city, "campaign": cid, "plan": plans[0], "branch": branches[0][0],
            "write_seconds": written, "load_seconds": total,
            "counts": {"schools": n_schools, "branches": n_branches, "activities": n_acts,
                       "rectifications": n_rect}}


def rebuild_vs_scan(rt) -> tuple[float, float, int]:
    head = rt.apps.recorder.max_notification_id() or 0
    t0 = time.perf_counter()
    position = 0
    while True:
        batch = rt.apps.recorder.select_notifications(start=position, limit=500, inclusive_of_start=False)
        if not batch:
            break
        position = batch[-1].id
    scan = time.perf_counter() - t0
    t0 = time.perf_counter()
    rt.runner.rebuild(["campaigns"])
    rebuild = time.perf_counter() - t0
    return head / rebuild, head / scan, head


def read_pair(taolun: Client, plain: Client, path: str, n: int) -> tuple[list[float], list[float], int]:
    _, body = taolun.get(path)
    plain.request("PUT", "/api/v1/doc", body)
    lat: dict[str, list[float]] = {"t": [], "p": []}
    for i in range(n + 5):
        for key, client, p in (("t", taolun, path), ("p", plain, "/api/v1/doc")):
            t0 = time.perf_counter()
            client.get(p)
            if i >= 5:
                lat[key].append(time.perf_counter() - t0)
    return lat["t"], lat["p"], len(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    figures: list[Figure] = []
    with Backend(args.backend) as backend:
        token = create_operator(backend)
        loaded = load(backend, args.scale)
        rt = loaded["runtime"]
        console.print(f"load: {loaded['counts']} events written in {loaded['write_seconds']:.1f}s, "
                      f"projected by {loaded['load_seconds']:.1f}s")
        rebuild_rate, scan_rate, events = rebuild_vs_scan(rt)
        figures.append(Figure("b. rebuild campaigns projection", "events/s", rebuild_rate,
                              f"plain scan of {events:,} notifications", scan_rate,
                              higher_is_better=True, goal=4.0))
        rt.stop()
        with start_taolun(backend) as server, start_plain(backend) as plain_server:
            taolun, plain = Client(server.port, token), Client(plain_server.port)
            cid, city = loaded["campaign"], loaded["city"]
            for label, path in (
                ("c. progress of city root + children", f"/api/v1/campaigns/{cid}/progress/{city}"),
                ("d. red branches list", f"/api/v1/campaigns/{cid}/progress/{city}/units?kind=branch&light=red&limit=50"),
            ):
                t_lat, p_lat, size = read_pair(taolun, plain, path, args.reads)
                for p in (50, 99):
                    figures.append(Figure(f"{label} p{p}", "ms", percentile(t_lat, p) * 1e3,
                                          f"static JSON doc, {size:,} bytes", percentile(p_lat, p) * 1e3,
                                          goal=3.0))
            t_lat, p_lat = [], []
            today = date.today().isoformat()
            for i in range(args.writes):
                t0 = time.perf_counter()
                taolun.post_json("/api/v1/activities", {
                    "tenant_id": str(loaded["branch"]), "plan_id": str(loaded["plan"]), "kind": "党课",
                    "title": "党课", "start": today, "end": today, "participants": 12, "hours": 2})
                t_lat.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                plain.post_json("/api/v1/tenants", {"kind": "branch", "code": f"c{i}-{uuid.uuid4().hex[:6]}",
                                                    "name": "支部"})
                p_lat.append(time.perf_counter() - t0)
            figures.append(Figure("e. log activity over HTTP (mean)", "ms", sum(t_lat) / len(t_lat) * 1e3,
                                  "plain ORM insert (ninja)", sum(p_lat) / len(p_lat) * 1e3, goal=1.5))
            taolun.close()
            plain.close()
    print_figures(f"campaign benchmark ({args.backend}, scale {args.scale})", figures)
    print(f"load: {json.dumps(loaded['counts'])} in {loaded['load_seconds']:.1f}s "
          f"(events written {loaded['write_seconds']:.1f}s)")
    write_results(f"campaign-{args.backend}", {
        "machine": machine_info(), "scale": args.scale, "counts": loaded["counts"],
        "load_seconds": loaded["load_seconds"], "figures": [f.as_dict() for f in figures]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
