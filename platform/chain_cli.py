"""``taolun audit …``: the audit chain from the command line (verify, export, checkpoint,
public-key). Entry point only: the work is in ``taolun.projections.chain``."""

from __future__ import annotations

import sys
from pathlib import Path


def add_audit_parser(sub) -> None:
    audit = sub.add_parser("audit", help="the audit chain: verify it, export a bundle, sign a checkpoint")
    actions = audit.add_subparsers(dest="action", required=True)
    actions.add_parser("verify", help="recompute the chain from the stored events; exit 1 on the first mismatch")
    export = actions.add_parser("export", help="write a bundle (events, links, checkpoints, public key) "
                                "for offline verification (projections/chain/verify_bundle.py)")
    export.add_argument("file", help="the bundle to write (JSON Lines), - for standard output")
    actions.add_parser("checkpoint", help="link the stored events and sign a checkpoint at the head now")
    actions.add_parser("public-key", help="print the public key that verifies the checkpoints (PEM)")


def cmd_audit(args) -> int:
    from django.core.management import call_command

    from taolun.platform.runtime import get_runtime

    # The tables, and the event store's (built with the applications); nothing else runs
    # here that reads the events: they may be the very thing that was tampered with.
    call_command("migrate", interactive=False, verbosity=0)
    runtime = get_runtime()
    if args.action == "verify":
        return verify(runtime)
    if args.action == "export":
        return export(runtime, args.file)
    if args.action == "checkpoint":
        checkpoint = runtime.chain.sign_now()
        print(f"checkpoint at {checkpoint.position}: {bytes(checkpoint.head).hex()}" if checkpoint
              else "the log is empty: nothing to sign")
        return 0
    print(runtime.signer.public_key_pem, end="")
    return 0


def _progress():
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn,
                               TextColumn, TimeRemainingColumn)

    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TaskProgressColumn(), TextColumn("[cyan]{task.fields[rate]}"), TimeRemainingColumn(),
                    transient=False)


def verify(runtime) -> int:
    import time

    from taolun.projections.chain.verify import run_verification

    public_key = runtime.signer.key.public_key()
    started = time.monotonic()
    with _progress() as progress:
        task = progress.add_task("verifying the audit chain", total=None, rate="")

        def report(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-9)
            progress.update(task, completed=done, total=total, rate=f"{rate:,.0f} events/s")

        outcome = run_verification(runtime.apps.recorder, public_key, progress=report)
        progress.update(task, completed=outcome.checked, total=outcome.checked)
    if outcome.problem:
        print(f"FAILED: {outcome.problem}", file=sys.stderr)
        return 1
    print(f"OK: {outcome.checked} events, {outcome.checkpoints} signed checkpoints match "
          f"(up to position {outcome.position})", file=sys.stderr)
    return 0


def export(runtime, file: str) -> int:
    from taolun.projections.chain.export import BundleWriter

    runtime.chain.sign_now()  # the bundle ends at a signed checkpoint
    writer = BundleWriter(runtime.apps.recorder, runtime.apps.mapper, runtime.signer.public_key_pem,
                          runtime.signer.key_id)
    if file == "-":
        sys.stdout.writelines(writer.lines())
        return 0
    with _progress() as progress:
        task = progress.add_task("exporting the audit bundle", total=None, rate="")
        with Path(file).open("w", encoding="utf-8") as out:
            out.writelines(writer.lines(lambda done, total: progress.update(task, completed=done, total=total)))
    print(f"bundle written to {file}; verify it with python projections/chain/verify_bundle.py {file}",
          file=sys.stderr)
    return 0
