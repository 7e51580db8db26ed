"""``python -m tests.e2e.shifted_today ARGS``: the ``taolun`` command with "today" moved to
``TAOLUN_TEST_TODAY`` (YYYY-MM-DD; unset: the real today), for tests that load and serve the
demo city on another day (a leap day, a year end). "Today" has two clocks, both replaced:
the campaigns' (how far ahead an activity may be entered) and the progress read model's
(what is done, overdue, silent). ``load-demo`` loads the demo city the way ``taolun demo``
does, without serving, and prints a last line ``COUNTS {json}``: the events in the store by
topic and the rows of every read-model table; with ``TAOLUN_TEST_CRASH_AFTER=N`` the load
dies at the campaigns' (N+1)th write, as a killed process would, having stored the first N.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import date


def shift_today() -> date | None:
    value = os.environ.get("TAOLUN_TEST_TODAY")
    if not value:
        return None
    today = date.fromisoformat(value)
    from taolun.events.campaigns import rules
    from taolun.projections import progress

    rules.today = lambda: today
    progress.today = lambda tz="Asia/Shanghai": today
    return today


def counts(runtime) -> dict:
    """What the installation holds: events by topic, rows by read-model table."""
    from django.apps import apps

    topics: Counter[str] = Counter()
    start = 1
    while batch := runtime.apps.recorder.select_notifications(start=start, limit=1000):
        topics.update(n.topic for n in batch)
        start = batch[-1].id + 1
    rows = {m.__name__: m.objects.count() for app in ("projections", "notifications", "api")
            for m in apps.get_app_config(app).get_models()}
    return {"events": dict(topics), "rows": rows}


def crash_after(app, writes: int) -> None:
    """Let ``app`` store ``writes`` times more, then fail every write."""
    save_all, done = app.save_all, []

    def interrupted(*aggregates, **kwargs):
        if len(done) >= writes:
            raise SystemExit(f"interrupted by the test after {writes} writes")
        done.append(1)
        return save_all(*aggregates, **kwargs)

    app.save_all = interrupted


def load_demo(today: date | None) -> int:
    from taolun.platform.cli import migrate, setup_django

    setup_django()
    migrate()
    from taolun.platform.demo import load_demo
    from taolun.platform.runtime import get_runtime

    if os.environ.get("TAOLUN_TEST_CRASH_AFTER"):
        crash_after(get_runtime().campaigns, int(os.environ["TAOLUN_TEST_CRASH_AFTER"]))
    load_demo(sys.stdout, today=today)
    print("COUNTS " + json.dumps(counts(get_runtime()), sort_keys=True))
    return 0


def main(argv: list[str]) -> int:
    today = shift_today()
    if argv[:1] == ["load-demo"]:
        return load_demo(today)
    from taolun.platform.cli import main as taolun

    return taolun(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
