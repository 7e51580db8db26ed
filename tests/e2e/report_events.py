"""Prints, as JSON, the event names of one report (run with an installation's TAOLUN_*
environment): ``python -m tests.e2e.report_events <report id>``."""

from __future__ import annotations

import json
import sys
from uuid import UUID


def main() -> None:
    from taolun.platform.cli import setup_django

    setup_django()
    from taolun.platform.runtime import get_runtime

    events = get_runtime().apps.reports.events.get(UUID(sys.argv[1]))
    print(json.dumps([type(e).__qualname__ for e in events]))


if __name__ == "__main__":
    main()
