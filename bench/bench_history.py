"""History benchmark: one school's event history for one month, read by an auditor over HTTP.

On the synthetic city of the campaign benchmark (bench_campaign.load: districts, schools,
branches, a published campaign, derived plans, activities and rectifications), an auditor of
the city reads one school's subtree for the last 30 days:

a. ``GET /tenants/{school}/history?from=…&to=…&limit=50``, following ``next_cursor`` page after
   page (and from the top again at the end): p50/p99 per page, against the same page's
   bytes served as a static JSON document by the plain project (``/doc``) in the same run.
   Each Taolun read also appends its own ``HistoryRead.Recorded`` event (read logging) and
   waits for it to be projected: that is part of the figure.
b. the same month exported as JSON Lines (streamed), whole-export seconds against a static
   document of the same length.

Default scale 0.01; ``--scale 1`` is the campaign benchmark's full city.
``--json`` prints one JSON object: figure name -> {taolun, baseline, ratio, goal}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

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
from bench_campaign import load  # noqa: E402



def auditor_token(rt, city) -> str:
    """An auditor of the whole city, with an API token."""
    tenancy = rt.tenancy
    user_id, _ = tenancy.register_user(None, f"auditor-{uuid.uuid4().hex[:8]}@bench.test", "审计员", None)
    tenancy.grant_role(None, user_id, city, "auditor")
    issued = tenancy.issue_token(None, user_id, "bench")
    rt.runner.catch_up()
    return issued.token


def school_of(plan_id) -> str:
    from taolun.projections.models import PlanRow

    return str(PlanRow.objects.values_list("node_id", flat=True).get(pk=plan_id))


def month_query() -> dict[str, str]:
    now = datetime.now(timezone.utc)
    return {"from": (now - timedelta(days=30)).isoformat(timespec="seconds"),
            "to": (now + timedelta(minutes=5)).isoformat(timespec="seconds")}


def read_pages(taolun: Client, plain: Client, base: str, n: int) -> tuple[list[float], list[float], int, int]:
    """``n`` timed page reads following the cursor (from the top again after the last page),
    each next to a GET of the same page's bytes as a static document."""
    t_lat, p_lat, pages, entries = [], [], 0, 0
    cursor = None
    for i in range(n + 5):
        path = base + (f"&cursor={cursor}" if cursor else "")
        t0 = time.perf_counter()
        _, body = taolun.get(path)
        elapsed = time.perf_counter() - t0
        plain.request("PUT", "/api/v1/doc", body)
        t0 = time.perf_counter()
        plain.get("/api/v1/doc")
        plain_elapsed = time.perf_counter() - t0
        page = json.loads(body)
        cursor = page["next_cursor"]
        if i >= 5:  # warm-up done
            t_lat.append(elapsed)
            p_lat.append(plain_elapsed)
            pages += 1
            entries += len(page["items"])
    return t_lat, p_lat, pages, entries


def export_pair(taolun: Client, plain: Client, path: str, rounds: int) -> tuple[float, float, int, int]:
    t_times, p_times, size, lines = [], [], 0, 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        _, body = taolun.get(path)
        t_times.append(time.perf_counter() - t0)
        size, lines = len(body), body.count(b"\n")
        plain.request("PUT", "/api/v1/doc", body)
        t0 = time.perf_counter()
        plain.get("/api/v1/doc")
        p_times.append(time.perf_counter() - t0)
    return percentile(t_times, 50), percentile(p_times, 50), size, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--exports", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    figures: list[Figure] = []
    with Backend(args.backend) as backend:
        create_operator(backend)
        loaded = load(backend, args.scale)
        rt = loaded["runtime"]
        token = auditor_token(rt, loaded["city"])
        school = school_of(loaded["plan"])
        events = rt.apps.recorder.max_notification_id() or 0
        console.print(f"load: {loaded['counts']}, {events:,} events, projected in {loaded['load_seconds']:.1f}s")
        rt.stop()
        with start_taolun(backend) as server, start_plain(backend) as plain_server:
            taolun, plain = Client(server.port, token), Client(plain_server.port)
            query = urlencode({**month_query(), "limit": 50})
            t_lat, p_lat, pages, entries = read_pages(
                taolun, plain, f"/api/v1/tenants/{school}/history?{query}", args.reads)
            for p in (50, 99):
                figures.append(Figure(f"a. one school's month, a page of 50 p{p}", "ms",
                                      percentile(t_lat, p) * 1e3, "the same page as a static JSON doc",
                                      percentile(p_lat, p) * 1e3,
                                      note=f"{pages} pages, {entries / max(pages, 1):.0f} events each"))
            export_query = urlencode({**month_query(), "format": "jsonl"})
            t_s, p_s, size, lines = export_pair(
                taolun, plain, f"/api/v1/tenants/{school}/history/export?{export_query}", args.exports)
            figures.append(Figure("b. the month exported as JSON Lines (median)", "ms", t_s * 1e3,
                                  f"static doc of the same {size:,} bytes", p_s * 1e3,
                                  note=f"{lines:,} events"))
            taolun.close()
            plain.close()
    if args.json:
        print(json.dumps({f.name: {"taolun": f.value, "baseline": f.baseline, "ratio": f.ratio, "goal": f.goal}
                          for f in figures}, ensure_ascii=False))
    else:
        print_figures(f"history benchmark ({args.backend}, scale {args.scale}, {events:,} events)", figures)
    write_results(f"history-{args.backend}", {
        "machine": machine_info(), "scale": args.scale, "events": events, "counts": loaded["counts"],
        "figures": [f.as_dict() for f in figures]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
