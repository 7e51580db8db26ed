"""After the faults: what was acknowledged is there exactly once, effects happened exactly
once, no key is stuck, no committed write answered 5xx, and a rebuild equals live."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from tests.faults.installation import Installation
from tests.faults.load import Load, Write, send

# A retry that meets its own earlier write as a conflict: the client never learns its id.
OWN_WRITE_CONFLICTS = {"duplicate_code", "duplicate_email"}


@dataclass
class Figures:
    scenario: str
    faults: int = 0  # kills and restarts injected
    writes: int = 0
    acknowledged: int = 0
    lost: int = 0  # acknowledged, missing from the log or the read models
    duplicated: int = 0  # recorded, projected or delivered more than once
    effects_lost: int = 0  # acknowledged grants without their inbox message
    stuck_keys: int = 0  # still "in progress" after everything settled
    wrong_answers: int = 0  # a retry answered a conflict with its own write, or another id
    committed_5xx: int = 0  # 5xx although the write had committed
    # A 202 whose kept copy was lost with the database (docs/idempotency.md): the retry got
    # the final answer, rebuilt from the log (same write, same id). Counted, not a failure.
    accepted_then_final: int = 0
    unanswered: int = 0  # given up without an answer
    drained: bool = True
    rebuild_equals_live: bool = True
    notes: list[str] = field(default_factory=list)

    def as_row(self) -> dict:
        row = asdict(self)
        row.pop("notes")
        return row

    def failures(self) -> list[str]:
        """The figures that must be zero (or true); the idempotency ones are separate, see
        ``idempotency_failures``."""
        out = [f"{name}={getattr(self, name)}" for name in ("lost", "duplicated", "effects_lost")
               if getattr(self, name)]
        if not self.drained:
            out.append("outbox not drained")
        if not self.rebuild_equals_live:
            out.append("rebuild != live")
        return out

    def idempotency_failures(self) -> list[str]:
        """Issue 8.1/8.2 (retried keys after a crash; 5xx after commit)."""
        return [f"{name}={getattr(self, name)}"
                for name in ("stuck_keys", "wrong_answers", "committed_5xx", "unanswered")
                if getattr(self, name)]


def committed_before(write: Write) -> bool:
    """An attempt after a 5xx shows that the 5xx'd attempt had committed."""
    seen_5xx = False
    for attempt in write.attempts:
        if seen_5xx and (attempt.replayed or attempt.code in OWN_WRITE_CONFLICTS):
            return True
        seen_5xx = seen_5xx or bool(attempt.status and attempt.status >= 500)
    return False


def replay_keys(inst: Installation, token: str, writes: list[Write], figures: Figures) -> None:
    """Send each acknowledged or still-pending write once more with its key: the first
    answer must come back (same status, same id), never "in progress"."""
    for write in writes:
        final = write.final
        pending = final is not None and final.code == "idempotency_in_progress"
        if not (write.acknowledged or pending):
            continue
        attempt, body = send(inst.url, token, Write(write.kind, write.identity, write.method,
                                                     write.path, write.body, key=write.key))
        if attempt.code == "idempotency_in_progress":
            figures.stuck_keys += 1
        elif write.acknowledged:
            same_id = not isinstance(write.answer, dict) or not isinstance(body, dict) or \
                write.answer.get("id") == body.get("id")
            rebuilt = final.status == 202 and attempt.status in (200, 201) and isinstance(body, dict) \
                and isinstance(write.answer, dict) and write.answer.get("created_id") in (None, body.get("id"))
            if rebuilt:
                figures.accepted_then_final += 1
            elif attempt.status != final.status or not same_id:
                figures.wrong_answers += 1
                figures.notes.append(f"replay of {write.kind} {write.identity}: {attempt} vs {final}")


def check(inst: Installation, load: Load, token: str, figures: Figures) -> Figures:
    writes = load.writes
    figures.writes = len(writes)
    replay_keys(inst, token, writes, figures)
    figures.drained = inst.wait_drained()
    inst.stop_all()
    figures.notes.extend(f"restarted by the supervisor: {name}" for name in inst.restarted)
    live = inst.state()
    for write in writes:
        in_log = live["log"][write.kind].get(write.identity, 0)
        in_read = live["read_identities"][write.kind].get(write.identity, 0)
        if write.acknowledged:
            figures.acknowledged += 1
            if not in_log or not in_read:
                figures.lost += 1
                figures.notes.append(f"lost {write.kind} {write.identity}: log {in_log}, read {in_read}")
            if write.kind == "grant":
                inbox = live["inbox"].get(write.identity.split(":")[0], 0)
                figures.effects_lost += inbox == 0
                figures.duplicated += inbox > 1
        if in_log > 1 or in_read > 1:
            figures.duplicated += 1
            figures.notes.append(f"duplicated {write.kind} {write.identity}: log {in_log}, read {in_read}")
        final = write.final
        if final is None or final.status is None or final.status >= 500 or \
                final.code == "idempotency_in_progress":
            figures.unanswered += 1
            if final and final.status and final.status >= 500 and in_log:
                figures.committed_5xx += 1
                continue
        if final is not None and final.code in OWN_WRITE_CONFLICTS:
            figures.wrong_answers += 1
            figures.notes.append(f"{write.kind} {write.identity} answered {final.code} for its own write")
        if committed_before(write):
            figures.committed_5xx += 1
    inst.taolun("rebuild")
    rebuilt = inst.state()
    figures.rebuild_equals_live = rebuilt["read"] == live["read"]
    if not figures.rebuild_equals_live:
        differing = [t for t in live["read"] if live["read"][t] != rebuilt["read"].get(t)]
        figures.notes.append(f"rebuild differs in {differing}")
    return figures


def table(rows: list[Figures]) -> str:
    columns = ["scenario", "faults", "writes", "acknowledged", "lost", "duplicated", "effects_lost",
               "stuck_keys", "wrong_answers", "committed_5xx", "accepted_then_final", "unanswered", "drained",
               "rebuild_equals_live"]
    cells = [[str(r.as_row()[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = lambda values: "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |"  # noqa: E731
    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])
