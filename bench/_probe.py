"""In-process probes that bench_tree.py runs in a subprocess with Taolun's environment
(TAOLUN_DATA_DIR / TAOLUN_DATABASE_URL ...), after the server has been stopped.

    python bench/_probe.py rebuild --repeats 3
        Alternates a plain scan of the notification log (select_notifications in batches
        of 500, nothing decoded) with ``runner.rebuild(["org"])``; prints one JSON line per
        step, then the rebuilt root's subtree counts.

    python bench/_probe.py profile-write --parent <uuid> --kind branch --count 20
        Registers ``count`` nodes through the real API view (django.test.Client, bearer
        token, read-your-writes included) under cProfile; prints the top functions.

    python bench/_probe.py profile-read --root <uuid> --token T --count 30
        The same for ``GET /api/v1/tenants/{root}?depth=2``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import profiled  # noqa: E402


def emit(**fields) -> None:
    print(json.dumps(fields, default=str), flush=True)


def scan(recorder, batch: int = 500) -> int:
    start, seen = 0, 0
    while True:
        notifications = recorder.select_notifications(
            start=start, limit=batch, inclusive_of_start=False
        )
        if not notifications:
            return seen
        seen += len(notifications)
        start = notifications[-1].id


def cmd_rebuild(args) -> None:
    from taolun.platform.runtime import get_runtime

    runtime = get_runtime()
    recorder, runner = runtime.apps.recorder, runtime.runner
    head = recorder.max_notification_id() or 0
    emit(step="head", events=head)
    for i in range(args.repeats):
        t0 = time.perf_counter()
        seen = scan(recorder)
        emit(step="scan", repeat=i, seconds=time.perf_counter() - t0, events=seen)
        t0 = time.perf_counter()
        total = runner.rebuild(["org"])
        emit(step="rebuild", repeat=i, seconds=time.perf_counter() - t0, events=total)
    from taolun.projections.models import OrgNode

    roots = list(OrgNode.objects.filter(parent__isnull=True).values("id", "subtree_counts", "child_count"))
    emit(step="roots", roots=roots, nodes=OrgNode.objects.count())
    runtime.stop()


def cmd_profile_write(args) -> None:
    from django.test import Client

    from taolun.platform.runtime import get_runtime

    runtime = get_runtime()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {args.token}")

    def write(i: int) -> None:
        response = client.post(
            "/api/v1/tenants",
            data=json.dumps({"kind": args.kind, "code": f"prof-{args.tag}-{i}",
                             "name": f"剖析{i}", "parent_id": args.parent}),
            content_type="application/json",
        )
        if response.status_code != 201:
            raise SystemExit(f"profile write failed: {response.status_code} {response.content[:300]!r}")

    write(-1)  # warm up: imports, connections, first snapshot reads
    written = iter(range(args.count))
    per_write, report = profiled(lambda: write(next(written)), args.count, args.top)
    emit(step="profile", per_write_ms=per_write * 1000, count=args.count, report=report)
    runtime.stop()


def cmd_profile_read(args) -> None:
    from django.test import Client

    from taolun.platform.runtime import get_runtime

    runtime = get_runtime()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {args.token}")
    path = f"/api/v1/tenants/{args.root}?depth={args.depth}"
    client.get(path)  # warm up
    def read() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"profile read failed: {response.status_code}")

    per_read, report = profiled(read, args.count, args.top)
    emit(step="profile", per_write_ms=per_read * 1000, count=args.count, report=report)
    runtime.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    rb = sub.add_parser("rebuild")
    rb.add_argument("--repeats", type=int, default=3)
    pw = sub.add_parser("profile-write")
    pw.add_argument("--parent", required=True)
    pw.add_argument("--token", required=True)
    pw.add_argument("--kind", default="branch")
    pw.add_argument("--count", type=int, default=20)
    pw.add_argument("--top", type=int, default=35)
    pw.add_argument("--tag", default="x")
    pr = sub.add_parser("profile-read")
    pr.add_argument("--root", required=True)
    pr.add_argument("--token", required=True)
    pr.add_argument("--depth", type=int, default=2)
    pr.add_argument("--count", type=int, default=30)
    pr.add_argument("--top", type=int, default=35)
    args = parser.parse_args()

    from taolun.platform.cli import setup_django

    setup_django()
    {"rebuild": cmd_rebuild, "profile-write": cmd_profile_write,
     "profile-read": cmd_profile_read}[args.command](args)


if __name__ == "__main__":
    main()
