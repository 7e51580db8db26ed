"""Campaign benchmark: a synthetic city, progress reads and activity writes, against a
fair baseline (bench/plain_orm: the same feature built without event sourcing).

    python bench/bench_campaign.py                                # SQLite, scale 0.01
    python bench/bench_campaign.py --backend postgres --scales 0.05,0.25,1 --json

For each scale, in one run, on the same database and behind the same server (waitress):

a. load: a city of districts, schools and branches; a campaign published (two phases, a
   task, a topic, two per-unit requirements); every school derives and is approved;
   activities (linked to phase, task and topic) and rectifications written in bulk through
   the Campaigns application (not HTTP), projections caught up; the same city (same ids)
   bulk-loaded into the baseline's tables. Printed: seconds.
b. (``--rebuild``) ``runner.rebuild(["campaigns"])`` events/s vs a plain scan of the log.
c. ``GET /campaigns/{c}/progress/{city}`` (the root with its children) as the city admin:
   vs a static JSON document of the same length (goal ≤ 3×), a 304 answer to If-None-Match
   vs the static document (goal ≤ 1.5×), the baseline's compute-on-read answer (goal: ≥ 10×
   faster, cost ratio ≤ 0.1, at scale 1), and the first read after a write (cache miss) vs the
   baseline.
d. the red-branches list (``…/units?kind=branch&light=red``) likewise (vs static, vs baseline).
e. ``POST /activities`` as a branch secretary, both sides the same payload (phase, task,
   topic): p50, p99 (one client, interleaved) and throughput (4 clients) — goal ≤ 2×.

Scale 1 is the full city (2,000 schools / 20,000 branches / 200,000 activities / 20,000
rectifications). ``--json`` prints one JSON object: figure name → {taolun, baseline, ratio,
goal}; the table goes to stderr then.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from rich.progress import track

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BENCH_DIR,
    Backend,
    Client,
    Figure,
    console,
    create_operator,
    figures_object,
    in_threads,
    machine_info,
    percentile,
    print_figures,
    start_plain,
    start_taolun,
    taolun_runtime,
    write_results,
)

KINDS = ("专题学习", "主题党日", "座谈会", "党课")


def tenths(label: str):
    """A rebuild's progress callback printing each tenth of the way."""
    shown = [-1]

    def show(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth > shown[0]:
            shown[0] = tenth
            console.print(f"{label}: {done:,} of {total:,} events")

    return show


def load(backend: Backend, scale: float, chunk: int = 500) -> dict:
    """The city, written to Taolun through its applications; answers what the baseline
    needs to load the same city (``spec``) and the ids the figures use."""
    rt = taolun_runtime(backend)
    from taolun.events.campaigns import Activity, Problem

    t, c = rt.tenancy, rt.campaigns
    n_schools = max(2, int(2000 * scale))
    n_branches = max(n_schools, int(20000 * scale))
    n_acts, n_rect = max(10, int(200000 * scale)), max(2, int(20000 * scale))
    n_districts = max(1, n_schools // 200)
    today = date.today()
    day = lambda k: (today + timedelta(days=k)).isoformat()  # noqa: E731
    started = time.perf_counter()
    nodes: list[list] = []

    def unit(kind: str, code: str, name: str, parent=None):
        node_id, _ = t.register_tenant(None, kind, code, name, parent)
        nodes.append([str(node_id), str(parent) if parent else None, kind, code, name])
        return node_id

    # The write side checks who may approve: the bench acts as a registered operator.
    boss, _ = t.register_user(None, f"bench-{uuid.uuid4().hex[:8]}@bench.test", "运维", None, is_operator=True)
    city = unit("bureau", f"city-{uuid.uuid4().hex[:6]}", "市教育局")
    districts = [unit("bureau", f"d{i}", f"区{i}", city) for i in range(n_districts)]
    schools = [unit("school", f"s{i}", f"学校{i}", districts[i % n_districts]) for i in range(n_schools)]
    branches = [(unit("branch", f"b{i}", f"支部{i}", schools[i % n_schools]), i % n_schools)
                for i in range(n_branches)]
    # The readers and the writer: a city admin and the first branch's secretary, with tokens.
    users = []
    for name, node, role in (("市管理员", city, "admin"), ("支部书记", branches[0][0], "secretary")):
        user_id, _ = t.register_user(None, f"{uuid.uuid4().hex[:8]}@bench.test", name, node)
        t.grant_role(None, user_id, node, role)
        token = t.issue_token(user_id, user_id).token
        users.append({"id": str(user_id), "name": name, "is_operator": False,
                      "grants": [[str(node), role]], "token": token})
    cid, _ = c.author_campaign(boss, city, "解放思想大讨论")
    phases = [(c.add_phase(cid, boss, name=n, start=day(a), end=day(b))[0], n, day(a), day(b))
              for n, a, b in (("学习", -60, 0), ("实践", 1, 60))]
    task, _ = c.add_task(cid, boss, title="专题学习", phase_id=phases[0][0])
    topic, _ = c.add_topic(cid, boss, title="题目", group="一", mandatory=True)
    requirements = [("专题学习", 3), ("主题党日", 1)]
    for kind, minimum in requirements:
        c.add_requirement(cid, boss, kind=kind, metric="count", minimum=minimum)
    c.publish(cid, boss, derive_deadline=day(-50))
    plans = []
    for s in schools:
        plan_id, _ = c.derive_plan(cid, boss, s)
        c.submit(plan_id, boss)
        c.approve(plan_id, boss)
        plans.append(plan_id)
    plan_objs = {p: c.get_plan(p) for p in plans}
    window = c.campaign_window(c.get_plan(cid))
    spec = {
        "nodes": nodes, "users": users,
        "campaign": {"id": str(cid), "node_id": str(city), "title": "解放思想大讨论", "window": list(window),
                     "settings": {}, "phases": [[str(i), n, a, b] for i, n, a, b in phases],
                     "tasks": [[str(task), "专题学习"]], "topics": [[str(topic), "题目"]],
                     "requirements": [list(r) for r in requirements]},
        "plans": [[str(p), str(s), "approved"] for p, s in zip(plans, schools)],
        "activities": [], "rectifications": [],
    }
    pending = []
    for i in track(range(n_acts), description="activities → Taolun", console=console):
        branch, school = branches[i % n_branches]
        kind, when = KINDS[i % len(KINDS)], day(-(i % 50))
        people, linked = 10 + i % 20, i % 3 == 0
        activity = Activity.log(
            tenant_id=branch, actor=boss, plan=plan_objs[plans[school]], window=window,
            kind=kind, title="活动", start=when, end=when, participants=people, hours=2,
            phase_id=phases[0][0], task_id=task if linked else None, topic_ids=[topic] if linked else [])
        pending.append(activity)
        spec["activities"].append([str(activity.id), str(branch), str(plans[school]), str(phases[0][0]),
                                   str(task) if linked else None, [str(topic)] if linked else [],
                                   users[1]["id"], kind, "活动", when, when, people, "2.00"])
        if len(pending) >= chunk:
            c.save(*pending)
            pending = []
    for i in track(range(n_rect), description="rectifications → Taolun", console=console):
        branch, school = branches[(i * 7) % n_branches]
        deadline = day((i % 30) - 10)
        p = Problem.record(tenant_id=branch, actor=boss, plan=plan_objs[plans[school]],
                           description="问题", category="工作作风")
        p.plan_rectification(boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                             deadline=deadline)
        pending.append(p)
        spec["rectifications"].append([str(p.id), str(branch), str(plans[school]), "问题", deadline,
                                       "rectifying", 0])
        if len(pending) >= chunk:
            c.save(*pending)
            pending = []
    if pending:
        c.save(*pending)
    written = time.perf_counter() - started
    # Projected by a rebuild (shadows, large batches), not by the live runner's batches of
    # 500: the same tables (tests/integration/test_progress_determinism.py), far sooner.
    rt.runner.rebuild(progress=tenths("projecting the city"))
    # The audit chain too, as a running installation links each event as it comes: left
    # unlinked, the server would link the whole city's log in the background while the
    # figures are measured (~80,000 events at scale 0.25, seconds of a shared CPU).
    rt.chain.catch_up()
    total = time.perf_counter() - started
    return {"runtime": rt, "city": city, "campaign": cid, "plan": plans[0], "branch": branches[0][0],
            "phase": phases[0][0], "task": task, "topic": topic, "spec": spec,
            "admin_token": users[0]["token"], "secretary_token": users[1]["token"],
            "write_seconds": written, "load_seconds": total,
            "counts": {"schools": n_schools, "branches": n_branches, "activities": n_acts,
                       "rectifications": n_rect}}


def load_plain(backend: Backend, spec: dict) -> float:
    """The same city into the baseline's tables (its own process: its own Django settings)."""
    path = backend.data_dir / "plain-spec.json"
    path.write_text(json.dumps(spec, ensure_ascii=False))
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "plain_orm.load", str(path)], env=backend.plain_env(),
                         cwd=str(BENCH_DIR), capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"plain_orm.load failed:\n{out.stderr[-3000:]}")
    return time.perf_counter() - t0


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


def timed(client: Client, path: str, headers: dict | None = None, expect=(200,)) -> float:
    saved = client.headers
    client.headers = {**saved, **(headers or {})}
    try:
        t0 = time.perf_counter()
        client.get(path, expect=expect)
        return time.perf_counter() - t0
    finally:
        client.headers = saved


def interleaved(n: int, *calls) -> list[list[float]]:
    """Each call ``n`` times (after 5 warm-ups), taking turns so noise hits all alike."""
    out: list[list[float]] = [[] for _ in calls]
    for i in range(n + 5):
        for k, call in enumerate(calls):
            elapsed = call()
            if i >= 5:
                out[k].append(elapsed)
    return out


def read_figures(label: str, taolun: Client, base: Client, doc: Client, path: str, n: int,
                 write, scale: float) -> list[Figure]:
    """Taolun's cached answer, its 304, the baseline's compute-on-read answer and the static
    document of the same length; then Taolun's first read after a write (cache miss)."""
    _, body = taolun.get(path)
    etag = taolun.last_headers["ETag"]
    doc.request("PUT", "/api/v1/doc", body)
    t_lat, t304, p_lat, s_lat = interleaved(
        n, lambda: timed(taolun, path), lambda: timed(taolun, path, {"If-None-Match": etag}, (304,)),
        lambda: timed(base, path), lambda: timed(doc, "/api/v1/doc"))
    static = f"static JSON doc, {len(body):,} bytes"
    figures = []
    for q in (50, 99):
        figures.append(Figure(f"{label} p{q} vs static", "ms", percentile(t_lat, q) * 1e3, static,
                              percentile(s_lat, q) * 1e3, goal=3.0, extra={"scale": scale}))
    figures.append(Figure(f"{label} 304 p50 vs static", "ms", percentile(t304, 50) * 1e3, static,
                          percentile(s_lat, 50) * 1e3, goal=1.5, extra={"scale": scale}))
    figures.append(Figure(f"{label} p50 vs baseline", "ms", percentile(t_lat, 50) * 1e3,
                          "baseline: aggregates on read", percentile(p_lat, 50) * 1e3,
                          goal=0.1 if "progress" in label else None, extra={"scale": scale}))
    misses = []
    for _ in range(max(5, n // 10)):
        write()
        misses.append(timed(taolun, path))
    figures.append(Figure(f"{label} after a write (miss) p50 vs baseline", "ms",
                          percentile(misses, 50) * 1e3, "baseline: aggregates on read",
                          percentile(p_lat, 50) * 1e3, extra={"scale": scale}))
    return figures


def activity(loaded: dict, title: str) -> dict:
    today = date.today().isoformat()
    return {"tenant_id": str(loaded["branch"]), "plan_id": str(loaded["plan"]), "kind": "党课",
            "title": title, "start": today, "end": today, "participants": 12, "hours": 2,
            "phase_id": str(loaded["phase"]), "task_id": str(loaded["task"]),
            "topic_ids": [str(loaded["topic"])]}


def throughput(port: int, token: str, loaded: dict, total: int, clients: int = 4) -> float:
    """Writes per second with ``clients`` concurrent keep-alive clients."""
    def run(k: int) -> None:
        client = Client(port, token)
        try:
            for i in range(total // clients):
                client.post_json("/api/v1/activities", activity(loaded, f"并发{k}-{i}"), expect=(201,))
        finally:
            client.close()

    t0 = time.perf_counter()
    in_threads(run, clients)
    return (total // clients) * clients / (time.perf_counter() - t0)


def write_figures(loaded: dict, t_port: int, p_port: int, n: int, scale: float) -> list[Figure]:
    taolun = Client(t_port, loaded["secretary_token"])
    base = Client(p_port, loaded["secretary_token"])
    lat = interleaved(n, *(
        (lambda c=c: _post(c, activity(loaded, "党课"))) for c in (taolun, base)))
    taolun.close()
    base.close()
    rates = throughput(t_port, loaded["secretary_token"], loaded, n), \
        throughput(p_port, loaded["secretary_token"], loaded, n)
    out = [Figure(f"e. log activity p{q}", "ms", percentile(lat[0], q) * 1e3,
                  "baseline: ORM insert + links", percentile(lat[1], q) * 1e3, goal=2.0,
                  extra={"scale": scale}) for q in (50, 99)]
    out.append(Figure("e. log activity throughput (4 clients)", "writes/s", rates[0],
                      "baseline: ORM insert + links", rates[1], higher_is_better=True, goal=2.0,
                      extra={"scale": scale}))
    return out


def _post(client: Client, body: dict) -> float:
    t0 = time.perf_counter()
    client.post_json("/api/v1/activities", body, expect=(201,))
    return time.perf_counter() - t0


def run_scale(backend_kind: str, scale: float, args) -> tuple[list[Figure], dict]:
    figures: list[Figure] = []
    with Backend(backend_kind) as backend:
        create_operator(backend)  # creates the stores
        loaded = load(backend, scale)
        rt = loaded["runtime"]
        plain_seconds = load_plain(backend, loaded["spec"])
        console.print(f"scale {scale}: {loaded['counts']} written in {loaded['write_seconds']:.1f}s, "
                      f"projected by {loaded['load_seconds']:.1f}s; baseline loaded in {plain_seconds:.1f}s")
        if args.rebuild:
            rebuild_rate, scan_rate, events = rebuild_vs_scan(rt)
            figures.append(Figure("b. rebuild campaigns projection", "events/s", rebuild_rate,
                                  f"plain scan of {events:,} notifications", scan_rate,
                                  higher_is_better=True, goal=4.0, extra={"scale": scale}))
        rt.stop()
        with start_taolun(backend) as server, start_plain(backend) as plain_server:
            admin = loaded["admin_token"]
            taolun, base, doc = Client(server.port, admin), Client(plain_server.port, admin), \
                Client(plain_server.port)
            writer = Client(server.port, loaded["secretary_token"])
            cid, city = loaded["campaign"], loaded["city"]
            write = lambda: _post(writer, activity(loaded, "读后写"))  # noqa: E731
            for label, path in (
                ("c. progress of city root + children", f"/api/v1/campaigns/{cid}/progress/{city}"),
                ("d. red branches list", f"/api/v1/campaigns/{cid}/progress/{city}/units?kind=branch&light=red&limit=50"),
            ):
                figures += read_figures(label, taolun, base, doc, path, args.reads, write, scale)
            figures += write_figures(loaded, server.port, plain_server.port, args.writes, scale)
            for client in (taolun, base, doc, writer):
                client.close()
    meta = {"scale": scale, "counts": loaded["counts"], "load_seconds": loaded["load_seconds"],
            "baseline_load_seconds": plain_seconds}
    return figures, meta


def several_scales(scales: list[float], args) -> int:
    """One process per scale (Django and the runtime are set up once per process), each with
    ``--json``; their objects merged into one."""
    merged: dict = {}
    for scale in scales:
        argv = [sys.executable, __file__, "--backend", args.backend, "--scales", f"{scale:g}",
                "--reads", str(args.reads), "--writes", str(args.writes), "--json"]
        if args.rebuild:
            argv.append("--rebuild")
        out = subprocess.run(argv, stdout=subprocess.PIPE, check=True, text=True)
        merged.update(json.loads(out.stdout.strip().splitlines()[-1]))
    write_results(f"campaign-{args.backend}-scales", {"machine": machine_info(), "figures": merged})
    if args.json:
        print(json.dumps(merged, ensure_ascii=False))
    else:
        console.print_json(data=merged)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scales", default="0.01", help="comma-separated, e.g. 0.05,0.25,1")
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true", help="also the rebuild-vs-scan figure")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    scales = [float(x) for x in args.scales.split(",")]
    if len(scales) > 1:
        return several_scales(scales, args)
    figures, meta = run_scale(args.backend, scales[0], args)
    for f in figures:
        f.name = f"{f.name} @ scale {scales[0]:g}"
    runs = [meta]
    print_figures(f"campaign benchmark ({args.backend}, scales {args.scales})", figures,
                  out=console if args.json else None)
    write_results(f"campaign-{args.backend}-{scales[0]:g}", {
        "machine": machine_info(), "runs": runs, "figures": [f.as_dict() for f in figures]})
    if args.json:
        print(json.dumps(figures_object(figures), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
