"""As-of benchmark: the city's progress as of a past moment against a full projection
rebuild, on the synthetic city of bench_campaign.py.

a. ``rebuild`` (baseline): ``runner.rebuild(["org", "campaigns"])``, the projections an
   "as of" replays, over the whole log — what answering "as of" without checkpoints costs.
b. checkpoints: one pass storing a checkpoint every ``--every`` events (default: a
   twentieth of the log) — paid once, like a rebuild (``TimeMachine.fill``).
c. ``as of`` (figure): ``GET …/progress/{city}?as_of=`` answered in process — the moment's
   position by binary search, the nearest checkpoint loaded into the scratch, the tail
   replayed, lights assessed for that day, the progress read — at the moment 90% into the
   log (its tail from the checkpoint is the longest). Median of ``--runs``. Goal: ≤ 10% of
   the rebuild (ratio ≤ 0.1).

``--json`` prints one JSON object: figure name -> {taolun, baseline, ratio, goal}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Backend, Figure, console, create_operator, machine_info, print_figures, write_results  # noqa: E402
from bench_campaign import load  # noqa: E402


def as_json(figures: list[Figure]) -> str:
    return json.dumps({f.name: {"taolun": f.value, "baseline": f.baseline, "ratio": f.ratio, "goal": f.goal}
                       for f in figures}, ensure_ascii=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--every", type=int, default=0, help="events between checkpoints (0: a twentieth of the log)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    with Backend(args.backend) as backend:
        create_operator(backend)  # migrates the fresh store
        loaded = load(backend, args.scale)
        rt = loaded["runtime"]
        from taolun.projections.as_of import checkpoints, moments
        from taolun.projections.as_of.machine import TimeMachine
        from taolun.projections.progress_read import campaign_frame_or_none, node_figures, node_row
        from taolun.platform.runtime import AS_OF_VIEWS, build_projections

        head = rt.apps.recorder.max_notification_id() or 0
        every = args.every or max(100, head // 20)
        console.print(f"load: {loaded['counts']}, {head:,} events in {loaded['load_seconds']:.1f}s")

        t0 = time.perf_counter()
        rt.runner.rebuild(list(AS_OF_VIEWS))
        rebuild = time.perf_counter() - t0
        console.print(f"rebuild of {AS_OF_VIEWS}: {rebuild:.2f}s")

        machine = TimeMachine(rt.apps.recorder, rt.apps.mapper,
                              lambda: [p for p in build_projections() if p.name in AS_OF_VIEWS], every)
        checkpoints.drop()
        t0 = time.perf_counter()
        machine.fill()
        filling = time.perf_counter() - t0
        stored = checkpoints.stored()
        console.print(f"checkpoints every {every:,} events: {len(stored)} stored in {filling:.2f}s, "
                      f"{sum(c['size'] for c in stored) / 1e6:.1f} MB compressed")

        target = int(head * 0.9) // every * every + every - 1  # the longest tail after a checkpoint
        target = min(target, head)
        [at] = rt.apps.recorder.select_notifications(start=target, limit=1)
        when = machine.clock.timestamp(at).astimezone(moments.zone())
        campaign, city = loaded["campaign"], loaded["city"]

        def progress():
            frame, own = campaign_frame_or_none(campaign), node_row(campaign, city)
            return node_figures(campaign, own, frame, moments.day_of(when))

        timings = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            answer = machine.at(when, progress)
            timings.append(time.perf_counter() - t0)
        as_of = statistics.median(timings)
        console.print(f"as of position {machine.position_at(when):,} of {head:,}: "
                      f"{answer['activities']:,} activities then, {as_of:.2f}s")
        rt.stop()
    figures = [
        Figure("as of: city progress at a past moment", "s", as_of, f"full rebuild of org + campaigns ({head:,} events)",
               rebuild, goal=0.1, note=f"checkpoint every {every:,} events, tail ≤ {every:,}"),
        Figure("checkpoints: one pass over the log (once)", "s", filling, "full rebuild of org + campaigns", rebuild),
    ]
    if args.json:
        print(as_json(figures))
    else:
        print_figures(f"as-of benchmark ({args.backend}, scale {args.scale})", figures)
    write_results(f"as-of-{args.backend}", {
        "machine": machine_info(), "scale": args.scale, "counts": loaded["counts"], "events": head,
        "every": every, "figures": [f.as_dict() for f in figures]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
