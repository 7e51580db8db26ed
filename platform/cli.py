"""The ``taolun`` command: serve, demo, migrate, operator create, set-password, worker,
project, scheduler, rebuild, parked, audit."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from uuid import UUID

from taolun.platform.chain_cli import add_audit_parser, cmd_audit


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taolun.platform.settings")
    import django

    from taolun.infra.config import load_config

    load_config().data_dir.mkdir(parents=True, exist_ok=True)
    django.setup()


def migrate(verbose: bool = False) -> None:
    """Create or upgrade the read-model tables and the event store."""
    from django.core.management import call_command

    from taolun.platform.runtime import get_runtime

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    runtime = get_runtime()  # constructing the applications creates the event tables
    # Plans derived before "one plan per unit per campaign" had its index claim it now.
    claimed = runtime.campaigns.index_earlier_plans()
    if verbose and claimed:
        print(f"indexed {claimed} earlier derived plans (one plan per unit per campaign)")


def wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def cmd_migrate(args) -> int:
    migrate(verbose=True)
    from taolun.platform.runtime import get_runtime

    get_runtime().runner.catch_up()
    print("migrated", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from waitress import create_server

    from taolun.platform.runtime import get_runtime
    from taolun.platform.wsgi import application

    migrate()
    runtime = get_runtime()
    if not args.web_only:
        runtime.start_projections()
        runtime.start_dispatcher()
        runtime.start_worker()
        runtime.start_scheduler()
    server = create_server(application, host=args.host, port=args.port, threads=args.threads)
    print(f"Taolun serving on http://{args.host}:{args.port}/  (API docs: /api/v1/docs)", flush=True)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: server.close())
    try:
        server.run()
    except OSError:
        pass  # closed by the signal handler
    finally:
        runtime.stop()
    return 0


def cmd_demo(args) -> int:
    from taolun.platform.demo import load_demo

    migrate()
    load_demo(out=sys.stdout, base_url=f"http://{args.host}:{args.port}")
    return cmd_serve(args)


def cmd_operator(args) -> int:
    from taolun.platform.runtime import get_runtime

    migrate()
    runtime = get_runtime()
    tenancy = runtime.tenancy
    user = tenancy.find_user_by_email(args.email)
    if user is None:
        user_id, _ = tenancy.register_user(None, args.email, args.name or args.email, None, is_operator=True)
    elif not user.is_operator:
        print(f"error: {args.email} exists and is not an operator", file=sys.stderr)
        return 1
    else:
        user_id = user.id
        print(f"operator {args.email} exists; issuing a new token", file=sys.stderr)
    issued = tenancy.issue_token(None, user_id, label="operator", days=args.days)
    runtime.runner.catch_up(issued.notification_id)
    print(issued.token)
    return 0


def cmd_set_password(args) -> int:
    """An operator sets a user's password (read from the terminal twice, or one line of
    standard input); the log records that it was set, never the password or its hash."""
    import getpass

    from taolun.platform.runtime import get_runtime
    from taolun.platform.web.passwords import set_password

    migrate()
    runtime = get_runtime()
    user = runtime.tenancy.find_user_by_email(args.email)
    if user is None:
        print(f"error: no user {args.email}", file=sys.stderr)
        return 1
    if sys.stdin.isatty():
        password = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != password:
            print("error: the two entries differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    runtime.runner.catch_up(set_password(runtime, None, user.id, password))
    print(f"password set for {args.email}", file=sys.stderr)
    return 0


def cmd_project(args) -> int:
    from taolun.platform.runtime import get_runtime

    if not split_process_broker_ok("project"):
        return 2
    migrate()
    runtime = get_runtime()
    runtime.start_projections()
    runtime.start_dispatcher()
    print("projection runner and outbox dispatcher running", file=sys.stderr, flush=True)
    wait_for_signal()
    runtime.stop()
    return 0


def split_process_broker_ok(command: str) -> bool:
    """memory:// lives inside one process: a separate worker or dispatcher would never
    see its messages."""
    from django.conf import settings

    if settings.CONFIG.broker_url.startswith("memory://"):
        print(
            f"error: `taolun {command}` needs a shared broker; TAOLUN_BROKER_URL is memory:// "
            "(in-process). Use `taolun serve` (all-in-one) or set TAOLUN_BROKER_URL to "
            "redis://… or amqp://…",
            file=sys.stderr,
        )
        return False
    return True


def cmd_worker(args) -> int:
    from taolun.platform.runtime import get_runtime

    if not split_process_broker_ok("worker"):
        return 2
    runtime = get_runtime()
    runtime.start_worker(threads=args.threads)
    print(f"worker running on {runtime.config.broker_url.split('://')[0]}", file=sys.stderr, flush=True)
    wait_for_signal()
    runtime.stop()
    return 0


def cmd_scheduler(args) -> int:
    from taolun.platform.runtime import get_runtime

    if not split_process_broker_ok("scheduler"):
        return 2
    runtime = get_runtime()
    runtime.start_scheduler()
    print("scheduler running", file=sys.stderr, flush=True)
    wait_for_signal()
    runtime.stop()
    return 0


def cmd_rebuild(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from taolun.platform.runtime import get_runtime
    from taolun.platform.rich_columns import EventRateColumn

    migrate()
    runner = get_runtime().runner
    known = [p.name for p in runner.projections]
    if args.name and args.name not in known:
        print(f"error: unknown projection {args.name!r}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    names = [args.name] if args.name else None
    verb = "verifying" if args.verify else "rebuilding"
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        EventRateColumn(), TimeRemainingColumn(), transient=False,
    ) as progress:
        task = progress.add_task(f"{verb} {args.name or 'all projections'}", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        if args.verify:
            checks = runner.verify(names, progress=report)
        else:
            total = runner.rebuild(names, progress=report)
            progress.update(task, completed=total, total=total)
    if args.verify:
        return report_checks(checks)
    print(f"rebuilt from {total} events", file=sys.stderr)
    return 0


def report_checks(checks) -> int:
    """Print ``rebuild --verify``'s table; answer 1 when a live table differs from its rebuild."""
    from rich.console import Console
    from rich.table import Table

    table = Table("table", "live rows", "rebuilt rows", "checksum (live / rebuilt)", "result")
    for check in checks:
        result = "same" if check.same else (
            f"[red]DIFFERENT[/]: {check.only_live} row(s) only live, {check.only_rebuilt} only rebuilt")
        checksums = check.live_checksum[:12] if check.same else f"{check.live_checksum[:12]} / {check.rebuilt_checksum[:12]}"
        table.add_row(check.table, str(check.live_rows), str(check.rebuilt_rows), checksums, result)
    # Piped (a log, a cron mail): wide enough that table names are never cut.
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    different = [c.table for c in checks if not c.same]
    if different:
        print(f"verify: {len(different)} of {len(checks)} tables differ from a rebuild: {', '.join(different)}",
              file=sys.stderr)
        return 1
    print(f"verify: all {len(checks)} tables equal a rebuild from the log", file=sys.stderr)
    return 0


def cmd_checkpoints(args) -> int:
    """The checkpoints of the "as of" views (docs/audit.md): list them, take every missing
    one up to the log's head (with a progress bar), or drop them all."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from taolun.platform.runtime import get_runtime
    from taolun.projections.as_of import checkpoints

    migrate()
    if args.drop:
        print(f"dropped {checkpoints.drop()} checkpoints", file=sys.stderr)
        return 0
    if args.fill:
        machine = get_runtime().time_machine
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=Console(stderr=True)) as progress:  # stdout: the list
            task = progress.add_task(f"checkpoints every {machine.every} events", total=None)
            machine.fill(lambda done, total: progress.update(task, completed=done, total=total))
    for c in checkpoints.stored():
        print(f"{c['position']}\t{c['size']} bytes\t{c['taken_at'].isoformat()}")
    return 0


def cmd_parked(args) -> int:
    """List the events projections parked; ``retry`` applies them again after a fix."""
    from taolun.platform.runtime import get_runtime

    migrate()
    runner = get_runtime().runner
    if args.action != "retry":
        rows = runner.parked()
        for row in rows:
            print(f"{row.id}\t{row.projection}\tnotification {row.notification_id}\t{row.topic}\t"
                  f"parked {row.parked_at:%Y-%m-%d %H:%M:%S}Z\tattempts {row.attempts}\t{row.error}")
        print(f"{len(rows)} parked event(s)", file=sys.stderr)
        return 0
    if args.all == (args.id is not None):
        print("error: give one parked event ID or --all", file=sys.stderr)
        return 2
    ids = [row.id for row in runner.parked()] if args.all else [args.id]
    failed = 0
    for parked_id in ids:  # oldest first: a chain of parked events re-applies in log order
        try:
            error = runner.retry_parked(parked_id)
        except LookupError:
            print(f"error: no parked event {parked_id}", file=sys.stderr)
            return 2
        if error is None:
            print(f"{parked_id}: applied")
        else:
            failed += 1
            print(f"{parked_id}: still failing: {error}")
    return 1 if failed else 0


def cmd_import_plan(args) -> int:
    import json
    from pathlib import Path

    from taolun.platform.plan_imports import extract, import_plan

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    data = path.read_bytes()
    if args.json:
        print(json.dumps(extract(data, path.name), ensure_ascii=False, indent=2))
        return 0
    from taolun.platform.runtime import get_runtime

    migrate()
    runtime = get_runtime()
    result = import_plan(
        runtime, actor=None, tenant_id=args.tenant, data=data, filename=path.name,
        parent_plan_id=args.parent_plan,
    )
    runtime.runner.catch_up(result["notification_id"])
    print(f"plan {result['plan_id']} ({result['kind']} draft) imported: {result['imported']}")
    for phase in result["extracted"].get("phases") or []:
        print(f"  phase: {phase['name']} {phase['start'] or '?'} – {phase['end'] or '?'}"
              f"  ({phase.get('date_reasoning') or '—'})")
    for note in result["notes"]:
        print(f"  not applied: [{note['item']}] {note['source'][:40]} — {note['reason']}")
    for missing in result["missing"]:
        print(f"  still missing: {missing['message']}")
    for passage in result["unplaced"]:
        print(f"  unplaced: {passage[:60]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taolun", description="讨论 Taolun")
    sub = parser.add_subparsers(dest="command", required=True)

    def server_args(p):
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--threads", type=int, default=8)
        p.add_argument("--web-only", action="store_true",
                       help="serve HTTP only; run `taolun project/worker/scheduler` separately")

    server_args(sub.add_parser("serve", help="all-in-one: API, pages, projections, worker, scheduler"))
    server_args(sub.add_parser("demo", help="load the demo city (idempotent), then serve"))
    sub.add_parser("migrate", help="create/upgrade event store and read-model tables")
    op = sub.add_parser("operator", help="manage operators")
    op_sub = op.add_subparsers(dest="action", required=True)
    create = op_sub.add_parser("create", help="create an operator; print an API token")
    create.add_argument("email")
    create.add_argument("--name", default="")
    create.add_argument("--days", type=int, default=90)
    sp = sub.add_parser("set-password", help="set a user's sign-in password (read from the terminal or stdin)")
    sp.add_argument("email")
    w = sub.add_parser("worker", help="run the dramatiq worker")
    w.add_argument("--threads", type=int, default=4)
    sub.add_parser("project", help="run the projection runner and the outbox dispatcher")
    sub.add_parser("scheduler", help="run periodic jobs (one scheduler holds the lock)")
    imp = sub.add_parser("import-plan", help="import a 实施方案 (.docx/.txt) as a draft")
    imp.add_argument("file")
    imp.add_argument("--json", action="store_true", help="print the extracted structure; save nothing")
    imp.add_argument("--tenant", type=UUID, help="the unit whose draft it becomes")
    imp.add_argument("--parent-plan", type=UUID, help="derive from this plan (else: a new campaign)")
    rb = sub.add_parser("rebuild", help="rebuild projections from the event log")
    rb.add_argument("name", nargs="?")
    rb.add_argument("--verify", action="store_true",
                    help="rebuild into fresh tables and compare them with the live ones (exit 1 on a difference)")
    cp = sub.add_parser("checkpoints", help='list the checkpoints of the "as of" views; --fill takes them, --drop deletes them')
    cp.add_argument("--fill", action="store_true", help="take every missing checkpoint up to the log's head")
    cp.add_argument("--drop", action="store_true", help="delete them all (after a change to a projection)")
    pk = sub.add_parser("parked", help="list events the projections parked (could not apply)")
    pk_sub = pk.add_subparsers(dest="action")
    retry = pk_sub.add_parser("retry", help="apply parked events again after a fix")
    retry.add_argument("id", nargs="?", type=int, help="a parked event's ID (see `taolun parked`)")
    retry.add_argument("--all", action="store_true", help="every parked event, oldest first")
    add_audit_parser(sub)
    return parser


COMMANDS = {
    "serve": cmd_serve, "demo": cmd_demo, "migrate": cmd_migrate, "operator": cmd_operator,
    "worker": cmd_worker, "project": cmd_project, "scheduler": cmd_scheduler,
    "rebuild": cmd_rebuild, "import-plan": cmd_import_plan, "parked": cmd_parked, "checkpoints": cmd_checkpoints,
    "set-password": cmd_set_password, "audit": cmd_audit,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "import-plan" and not args.json and args.tenant is None:
        parser.error("import-plan needs --tenant ID (or --json to only print the structure)")
    setup_django()
    try:
        return COMMANDS[args.command](args)
    except Exception as error:
        from taolun.events.kernel import DomainError

        if isinstance(error, DomainError):
            print(f"error: {error.code}: {error.message}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
