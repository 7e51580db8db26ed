"""Benchmark the organisation tree: writes, the tree view, and rebuilding its projection.

    . .venv/bin/activate
    python bench/bench_tree.py                      # SQLite, full tree (1+10+200+2,000)
    python bench/bench_tree.py --backend postgres   # PostgreSQL + Redis
    python bench/bench_tree.py --scale 0.25         # quicker; --scale 3 for a bigger tree
    python bench/bench_tree.py --profile-write 30   # also cProfile 30 writes at the end
    python bench/bench_tree.py --profile-read 30    # ... or 30 tree-view reads

Three figures, each next to a baseline measured in the same run:

a. Registering the tree through ``POST /api/v1/tenants`` (event-sourced, read-your-writes)
   vs the same payloads into a plain Django ORM model behind an equivalent ninja endpoint
   (bench/plain_orm), both on waitress with 8 threads and the same database. Requests are
   interleaved in chunks, so noise hits both sides alike. Goal: cost ratio <= 1.5.
b. ``GET /api/v1/tenants/{root}?depth=2`` vs a static JSON document of the same length
   answered by the plain project's ninja endpoint: p50 and p99.
c. ``runner.rebuild(["org"])`` vs a plain scan of the same notifications (batches of 500,
   no decoding), in a subprocess after the server has stopped: events per second.

The table goes to stdout; the figures also go to bench/results/tree-<backend>.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from _common import (
    BENCH_DIR,
    DEFAULT_PG_URL,
    DEFAULT_REDIS_URL,
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

WRITE_GOAL = 1.5  # from the issue: an event-sourced write costs at most 1.5x a plain one


@dataclass
class Planned:
    key: str
    parent: str | None
    kind: str
    code: str
    name: str


def plan_tree(scale: float) -> list[list[Planned]]:
    """1 city -> 10 districts -> 200 schools -> 2,000 branches and offices at scale 1.

    The scale multiplies the schools (and so the branches and offices, 10 per school);
    districts stay at 10 unless there are fewer schools than that.
    """
    schools = max(1, round(200 * scale))
    districts = min(10, schools)
    city = Planned("city", None, "bureau", "city", "测试市教育局")
    levels: list[list[Planned]] = [[city], [], [], []]
    for d in range(districts):
        levels[1].append(Planned(f"d{d}", "city", "bureau", f"d{d:02d}", f"第{d + 1}区教育局"))
    for s in range(schools):
        district = f"d{s % districts}"
        levels[2].append(Planned(f"s{s}", district, "school", f"s{s:04d}", f"第{s + 1}中学"))
        for u in range(10):
            kind = "branch" if u % 2 == 0 else "office"
            label = "党支部" if kind == "branch" else "教务处"
            levels[3].append(
                Planned(f"s{s}u{u}", f"s{s}", kind, f"{kind[0]}{u:02d}", f"第{s + 1}中学{label}{u}")
            )
    return levels


def expected_counts(levels: list[list[Planned]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for level in levels[1:]:
        for node in level:
            counts[node.kind] = counts.get(node.kind, 0) + 1
    return dict(sorted(counts.items()))


def make_progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=console,
    )


# -- a. writes --------------------------------------------------------------------------


def write_tree(levels, taolun: Client, plain: Client, chunk: int, progress: Progress):
    """Post every node to both servers, alternating chunks (and which side goes first)."""
    ids = {"taolun": {}, "plain": {}}
    seconds = {"taolun": 0.0, "plain": 0.0}
    latencies = {"taolun": [], "plain": []}
    lagged: list[str] = []
    total = sum(len(level) for level in levels)
    task = progress.add_task("a. writes (taolun + plain, interleaved)", total=2 * total)
    sides = [("taolun", taolun), ("plain", plain)]
    n_chunk = 0
    for level in levels:
        for start in range(0, len(level), chunk):
            part = level[start:start + chunk]
            order = sides if n_chunk % 2 == 0 else sides[::-1]
            n_chunk += 1
            for side, client in order:
                for node in part:
                    body = {"kind": node.kind, "code": node.code, "name": node.name}
                    if node.parent:
                        body["parent_id"] = ids[side][node.parent]
                    t0 = time.perf_counter()
                    created = client.post_json("/api/v1/tenants", body, expect=(201,))
                    dt = time.perf_counter() - t0
                    seconds[side] += dt
                    latencies[side].append(dt)
                    ids[side][node.key] = created["id"]
                    if side == "taolun" and client.last_headers.get("X-Taolun-Projection-Lag"):
                        lagged.append(node.key)  # answered before its projection caught up
                    progress.advance(task)
    return ids, seconds, latencies, lagged


# -- b. reads ---------------------------------------------------------------------------


def read_tree(root_id: str, taolun: Client, plain: Client, n: int, progress: Progress):
    tree_path = f"/api/v1/tenants/{root_id}?depth=2"
    _, body = taolun.get(tree_path)
    plain.request("PUT", "/api/v1/doc", body)
    _, static = plain.get("/api/v1/doc")
    if len(static) != len(body):
        raise RuntimeError(f"static document is {len(static)} bytes, tree view {len(body)}")
    warmup = max(5, n // 20)
    task = progress.add_task("b. reads (tree view vs static doc)", total=2 * (n + warmup))
    lat = {"taolun": [], "plain": []}
    for i in range(n + warmup):
        pairs = [("taolun", taolun, tree_path), ("plain", plain, "/api/v1/doc")]
        for side, client, path in (pairs if i % 2 == 0 else pairs[::-1]):
            t0 = time.perf_counter()
            client.get(path)
            dt = time.perf_counter() - t0
            if i >= warmup:
                lat[side].append(dt)
            progress.advance(task)
    return json.loads(body), len(body), lat


# -- c. rebuild -------------------------------------------------------------------------


def run_probe(backend: Backend, argv: list[str], progress: Progress | None = None,
              task=None) -> list[dict]:
    proc = subprocess.Popen(
        [sys.executable, str(BENCH_DIR / "_probe.py"), *argv], env=backend.taolun_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        lines.append(record)
        if progress is not None and record.get("step") in ("scan", "rebuild"):
            progress.advance(task)
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0:
        raise RuntimeError(f"probe {argv[0]} failed ({proc.returncode}):\n{stderr[-4000:]}")
    return lines


def median(values: list[float]) -> float:
    return percentile(values, 50)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies the schools (200) and so branches/offices (2,000)")
    parser.add_argument("--reads", type=int, default=None,
                        help="tree-view requests (default 400 x scale, at least 100)")
    parser.add_argument("--chunk", type=int, default=25, help="writes per interleaved chunk")
    parser.add_argument("--rebuild-repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (both servers)")
    parser.add_argument("--profile-write", type=int, default=0, metavar="N",
                        help="after the run, cProfile N writes in-process and print the top")
    parser.add_argument("--profile-read", type=int, default=0, metavar="N",
                        help="after the run, cProfile N tree-view reads in-process")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--keep", action="store_true", help="keep the data dir / database")
    args = parser.parse_args()
    reads = args.reads or max(100, round(400 * args.scale))

    levels = plan_tree(args.scale)
    n_nodes = sum(len(level) for level in levels)
    console.print(
        f"[bold]bench_tree[/] backend={args.backend} scale={args.scale:g}: "
        f"{' -> '.join(str(len(level)) for level in levels)} nodes ({n_nodes} writes per side), "
        f"{reads} reads per side, {args.rebuild_repeats} rebuilds"
    )
    figures: list[Figure] = []
    checks: dict[str, object] = {}
    started = time.perf_counter()
    with Backend(args.backend, args.pg_url, args.redis_url, keep=args.keep) as backend, \
            make_progress() as progress:
        boot = progress.add_task("starting servers", total=3)
        token = create_operator(backend)
        progress.advance(boot)
        taolun_server = start_taolun(backend, args.threads)
        progress.advance(boot)
        try:
            with start_plain(backend, args.threads) as plain_server:
                progress.advance(boot)
                taolun = Client(taolun_server.port, token)
                plain = Client(plain_server.port)

                ids, seconds, wlat, lagged = write_tree(levels, taolun, plain, args.chunk, progress)
                checks["writes_answered_with_projection_lag"] = len(lagged)
                figures.append(Figure(
                    "a. tree writes", "writes/s", n_nodes / seconds["taolun"],
                    "plain ORM insert (ninja, same server + db)", n_nodes / seconds["plain"],
                    higher_is_better=True, goal=WRITE_GOAL, note=f"{n_nodes} nodes, 1 client",
                    extra={side: {"seconds": seconds[side],
                                  "p50_ms": percentile(wlat[side], 50) * 1e3,
                                  "p99_ms": percentile(wlat[side], 99) * 1e3}
                           for side in seconds},
                ))
                figures.append(Figure(
                    "a. write latency p50", "ms", percentile(wlat["taolun"], 50) * 1e3,
                    "plain ORM insert", percentile(wlat["plain"], 50) * 1e3,
                ))
                figures.append(Figure(
                    "a. write latency p99", "ms", percentile(wlat["taolun"], 99) * 1e3,
                    "plain ORM insert", percentile(wlat["plain"], 99) * 1e3,
                ))

                tree, size, rlat = read_tree(ids["taolun"]["city"], taolun, plain, reads, progress)
                checks["tree_view_subtree_counts"] = tree.get("subtree_counts")
                checks["expected_subtree_counts"] = expected_counts(levels)
                checks["tree_view_children"] = len(tree.get("children", []))
                checks["tree_view_grandchildren"] = sum(
                    len(c.get("children", [])) for c in tree.get("children", [])
                )
                for p in (50, 99):
                    figures.append(Figure(
                        f"b. tree view depth=2 p{p}", "ms", percentile(rlat["taolun"], p) * 1e3,
                        f"static JSON doc, same {size:,} bytes", percentile(rlat["plain"], p) * 1e3,
                        note=f"{reads} reqs",
                    ))
                taolun.close()
                plain.close()
        finally:
            code = taolun_server.stop()
            if code not in (0, None):
                console.print(f"[red]taolun serve exited with {code}:\n{taolun_server.log_tail()}")

        rb_task = progress.add_task("c. rebuild org vs plain scan", total=2 * args.rebuild_repeats)
        records = run_probe(backend, ["rebuild", "--repeats", str(args.rebuild_repeats)],
                            progress, rb_task)
        scans = [r for r in records if r["step"] == "scan"]
        rebuilds = [r for r in records if r["step"] == "rebuild"]
        events = rebuilds[0]["events"]
        scan_s, rebuild_s = median([r["seconds"] for r in scans]), median([r["seconds"] for r in rebuilds])
        figures.append(Figure(
            "c. rebuild org projection", "events/s", events / rebuild_s,
            "select_notifications scan, batches of 500", scans[0]["events"] / scan_s,
            higher_is_better=True, note=f"{events} events, median of {args.rebuild_repeats}",
            extra={"rebuild_seconds": [r["seconds"] for r in rebuilds],
                   "scan_seconds": [r["seconds"] for r in scans]},
        ))
        roots = next(r for r in records if r["step"] == "roots")
        checks["rebuilt_root_subtree_counts"] = roots["roots"][0]["subtree_counts"] if roots["roots"] else None
        checks["rebuilt_nodes"] = roots["nodes"]

        profile = None
        if args.profile_write:
            school = ids["taolun"][levels[2][0].key]
            prof = run_probe(backend, ["profile-write", "--parent", school, "--token", token,
                                       "--count", str(args.profile_write)])
            profile = next(r for r in prof if r["step"] == "profile")
        read_profile = None
        if args.profile_read:
            prof = run_probe(backend, ["profile-read", "--root", ids["taolun"]["city"],
                                       "--token", token, "--count", str(args.profile_read)])
            read_profile = next(r for r in prof if r["step"] == "profile")

    elapsed = time.perf_counter() - started
    print_figures(f"Taolun tree benchmark — {args.backend}, scale {args.scale:g} "
                  f"({elapsed:.0f}s; cost ratio = taolun cost / baseline cost)", figures)
    for name, value in checks.items():
        console.print(f"  {name}: {value}")
    problems = []
    if checks["tree_view_subtree_counts"] != checks["expected_subtree_counts"]:
        problems.append("tree view subtree_counts differ from the tree that was written")
    if checks["writes_answered_with_projection_lag"]:
        problems.append("some writes were answered before their projection caught up")
    if checks["rebuilt_root_subtree_counts"] != checks["tree_view_subtree_counts"]:
        problems.append("rebuilt subtree_counts differ from the live projection's")
    for problem in problems:
        console.print(f"[red]CHECK FAILED: {problem}")
    if profile:
        console.print(f"[bold]cProfile of {profile['count']} writes "
                      f"({profile['per_write_ms']:.1f} ms/write under the profiler):")
        sys.stderr.write(profile["report"])
    if read_profile:
        console.print(f"[bold]cProfile of {read_profile['count']} tree-view reads "
                      f"({read_profile['per_write_ms']:.1f} ms/read under the profiler):")
        sys.stderr.write(read_profile["report"])
    path = write_results(f"tree-{args.backend}", {
        "benchmark": "tree", "backend": args.backend, "scale": args.scale,
        "nodes": n_nodes, "reads": reads, "elapsed_seconds": elapsed,
        "machine": machine_info(), "figures": [f.as_dict() for f in figures],
        "checks": checks, "problems": problems,
        "profile_per_write_ms": profile["per_write_ms"] if profile else None,
    })
    console.print(f"results: {path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
