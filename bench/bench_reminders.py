"""Reminder benchmark: the reminder scan over the synthetic city, in units scanned per second.

    python bench/bench_reminders.py [--backend sqlite|postgres] [--scale 0.01] [--json]

The city of bench_campaign.py (districts, schools, branches; a campaign every school derived,
activities, rectifications due from 10 days ago to 20 days ahead), with an admin for each
school and a secretary for each branch. Measured in the same run:

a. the first scan (``notifications.reminders.scan``): every due notice claimed and written
   with its e-mail row;
b. the scan again the same day: everything already claimed, nothing written (what the
   scheduler's every-15-minutes scan mostly is);
against the baseline, one plain query listing the same due items (open rectifications due
within the lead time, per-unit requirements, undone task assignments) with their recipients.
Rates: units (progress rows of the campaign) per second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_REDIS_URL, Backend, Figure, console, create_operator, print_figures  # noqa: E402
from bench_campaign import load  # noqa: E402


def add_people(rt, loaded: dict) -> int:
    """An admin for each school and a secretary for each branch (events, then projected)."""
    from taolun.projections.models import OrgNode

    t = rt.tenancy
    count = 0
    for node_id, kind in OrgNode.objects.filter(kind__in=("school", "branch")).values_list("id", "kind"):
        user, _ = t.register_user(None, f"{uuid.uuid4().hex[:12]}@bench.test", "负责人", node_id)
        t.grant_role(None, user, node_id, "admin" if kind == "school" else "secretary")
        count += 1
    rt.runner.catch_up()
    return count


def plain_due_items(on: date, lead_days: int = 7) -> int:
    """The baseline: one query per kind of due item, joined with the recipients' grants."""
    from django.db.models import OuterRef, Subquery

    from taolun.projections.models import Grant, ProblemRow, ProgressRow, TaskAssignment

    horizon = (on + timedelta(days=lead_days)).isoformat()
    holder = Grant.objects.filter(node_id=OuterRef("node_id")).values("user_id")[:1]
    items = list(ProblemRow.objects.filter(status__in=("open", "rectifying"), deadline__lte=horizon)
                 .annotate(user=Subquery(holder)).values_list("id", "node_id", "deadline", "user"))
    items += list(ProgressRow.objects.filter(obliged=True).annotate(user=Subquery(holder))
                  .values_list("node_id", "own", "user"))
    items += list(TaskAssignment.objects.filter(due__lte=horizon).annotate(user=Subquery(holder))
                  .values_list("id", "node_id", "due", "user"))
    return len(items)


def timed(job) -> tuple[float, object]:
    started = time.perf_counter()
    result = job()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="the broker of the postgres backend")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    with Backend(args.backend, redis_url=args.redis_url) as backend:
        create_operator(backend)  # migrates the store
        loaded = load(backend, args.scale)
        rt = loaded["runtime"]
        people = add_people(rt, loaded)
        from taolun.notifications.reminders import scan
        from taolun.projections.models import ProgressRow

        units = ProgressRow.objects.filter(campaign_id=loaded["campaign"]).count()
        on = date.today()
        first_s, posted = timed(lambda: scan(on=on))
        again_s, again = timed(lambda: scan(on=on))
        plain_s, listed = min(timed(lambda: plain_due_items(on)) for _ in range(3))
        rt.stop()
    figures = [
        Figure("a. first scan (claims and writes)", "units/s", units / first_s, "plain query of the due items",
               units / plain_s, higher_is_better=True, note=f"{posted} notices"),
        Figure("b. scan again (all claimed)", "units/s", units / again_s, "plain query of the due items",
               units / plain_s, higher_is_better=True, note=f"{again} new"),
    ]
    if args.json:
        print(json.dumps({f.name: {"taolun": f.value, "baseline": f.baseline, "ratio": f.ratio, "goal": f.goal}
                          for f in figures}, ensure_ascii=False))
        return 0
    print_figures(f"reminder scan ({args.backend}, scale {args.scale}: {units:,} units, {people:,} people, "
                  f"{listed:,} due rows listed by the baseline)", figures)
    console.print(f"load {loaded['load_seconds']:.1f}s; {loaded['counts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
