"""Verify a Taolun audit bundle offline: ``python verify_bundle.py bundle.jsonl``.

Needs only Python's standard library and ``cryptography``; it imports nothing of Taolun, so
an auditor can copy this one file beside a bundle and run it anywhere. Taolun itself uses
the same functions (``taolun audit verify``), so the two can never disagree about a digest.

The chain (docs/audit.md, "Tamper evidence"): for the stored events in notification order,

    digest_i = SHA-256("taolun-event/1" + framed(originator id, version, topic, state))
    link_i   = SHA-256(link_{i-1} + position_i as 8 bytes big-endian + digest_i)

with 32 zero bytes before the first link. A checkpoint signs (position, link at that
position, time) with Ed25519. A bundle is JSON Lines: a ``header`` (public key), then
``checkpoint``, ``link`` and ``event`` records; an event is either complete (its digest is
computed here) or only its ``digest`` (another tenant's, whose content the reader may not
see), which still proves the chain continuous.

Exit status 0 when everything matches, 1 with the first problem on stderr otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

GENESIS = bytes(32)
BUNDLE_FORMAT = "taolun-audit-bundle/1"
# The kinds of problem, in the words `taolun audit verify` and this script report.
CHANGED, MISSING, REORDERED, INSERTED, TRUNCATED = "changed", "missing", "reordered", "inserted", "truncated"
REWRITTEN, BAD_SIGNATURE = "rewritten", "bad_signature"


def canonical_id(originator_id: object) -> str:
    """A UUID in its one text form (SQLite keeps hex, PostgreSQL a uuid); other ids as text."""
    if isinstance(originator_id, UUID):
        return str(originator_id)
    try:
        return str(UUID(str(originator_id)))
    except ValueError:
        return str(originator_id)


def _framed(part: bytes) -> bytes:
    return len(part).to_bytes(8, "big") + part


def event_digest(originator_id: object, originator_version: int, topic: str, state: bytes) -> bytes:
    """SHA-256 over every stored field, each framed by its length (no two events share bytes)."""
    return hashlib.sha256(b"".join((
        b"taolun-event/1", _framed(canonical_id(originator_id).encode()),
        _framed(str(int(originator_version)).encode()), _framed(topic.encode()),
        _framed(state if isinstance(state, bytes) else bytes(state)),
    ))).digest()


def next_link(previous: bytes, position: int, digest: bytes) -> bytes:
    return hashlib.sha256(previous + position.to_bytes(8, "big") + digest).digest()


def checkpoint_message(position: int, head: bytes, signed_at: str) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return f"taolun-chain-checkpoint/1\n{position}\n{head.hex()}\n{signed_at}".encode()


@dataclass(frozen=True)
class Problem:
    kind: str
    position: int
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} at position {self.position}: {self.detail}"


def first_problem(
    stored: Sequence[tuple[int, bytes]], chained: Sequence[tuple[int, bytes]], *, more_stored: bool
) -> Problem | None:
    """Compare the stored events' digests with the chained ones over the same range of
    positions (both lists in position order); the first difference, classified.
    ``more_stored``: stored events follow after this range (a gap is then a deletion, not a
    truncated tail)."""
    chained_at = dict(chained)
    stored_at = dict(stored)
    i = j = 0
    while i < len(stored) or j < len(chained):
        if j == len(chained):
            position = stored[i][0]
            return Problem(INSERTED, position, "a stored event the chain never linked")
        if i == len(stored):
            position = chained[j][0]
            if more_stored:
                return Problem(MISSING, position, "a linked event is no longer stored")
            return Problem(TRUNCATED, position, "the log ends before the chain does")
        (sp, sd), (cp, cd) = stored[i], chained[j]
        if sp < cp:
            return Problem(INSERTED, sp, "a stored event the chain never linked")
        if cp < sp:
            return Problem(MISSING, cp, "a linked event is no longer stored")
        if sd != cd:
            return _classify(stored, chained, i, j, stored_at, chained_at)
        i += 1
        j += 1
    return None


def _classify(stored, chained, i, j, stored_at, chained_at) -> Problem:
    position, found = stored[i]
    expected = chained[j][1]
    for other, other_chained in chained[j + 1:]:
        if other_chained == found and stored_at.get(other) == expected:
            return Problem(REORDERED, position, f"the events at positions {position} and {other} swapped places")
    if i + 1 < len(stored) and stored[i + 1][1] == expected and found not in chained_at.values():
        return Problem(INSERTED, position, "an event was put into the log here; the later ones moved up")
    if j + 1 < len(chained) and chained[j + 1][1] == found:
        return Problem(MISSING, position, "the event here was removed; the later ones moved down")
    return Problem(CHANGED, position, "the stored event differs from the one the chain linked")


def earliest(problems: Sequence[Problem], rewritten: tuple[Problem, int] | None) -> Problem | None:
    """The first problem. A signed head that no longer matches (``rewritten``: the problem
    and its checkpoint's position) only bounds where the change is; an event found changed
    at or before that checkpoint names the place itself."""
    first = min(problems, key=lambda p: p.position) if problems else None
    if rewritten and (first is None or first.position > rewritten[1]):
        return rewritten[0]
    return first


def relink(previous: bytes, digests: Iterable[tuple[int, bytes]]) -> Iterable[tuple[int, bytes]]:
    """(position, link) for each (position, digest), continuing from ``previous``."""
    link = previous
    for position, digest in digests:
        link = next_link(link, position, digest)
        yield position, link


def check_checkpoint(public_key, position: int, head: bytes, signed_at: str, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(signature, checkpoint_message(position, head, signed_at))
    except InvalidSignature:
        return False
    return True


# -- the bundle ---------------------------------------------------------------------------


def read_bundle(lines: Iterable[str]) -> dict:
    bundle: dict = {"header": None, "checkpoint": [], "link": [], "event": []}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        kind = record.get("type")
        if kind == "header":
            bundle["header"] = record
        elif kind in ("checkpoint", "link", "event"):
            bundle[kind].append(record)
        else:
            raise ValueError(f"line {number}: unknown record type {kind!r}")
    if not bundle["header"] or bundle["header"].get("format") != BUNDLE_FORMAT:
        raise ValueError(f"not a {BUNDLE_FORMAT} file")
    return bundle


def stored_digest(event: dict) -> bytes:
    if "digest" in event:
        return bytes.fromhex(event["digest"])
    return event_digest(event["originator_id"], event["originator_version"], event["topic"],
                        base64.b64decode(event["state"]))


def verify_bundle(bundle: dict) -> tuple[Problem | None, int]:
    """The first problem in a read bundle (or ``None``) and how many events were checked."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    public_key = load_pem_public_key(bundle["header"]["public_key"].encode())
    links = sorted((r["position"], bytes.fromhex(r["digest"]), bytes.fromhex(r["link"])) for r in bundle["link"])
    head = links[-1][0] if links else 0
    events = sorted((e["position"], stored_digest(e)) for e in bundle["event"])
    chained_range = [(p, d) for p, d in events if p <= head]
    problems = []
    problem = first_problem(chained_range, [(p, d) for p, d, _ in links], more_stored=len(chained_range) < len(events))
    if problem:
        problems.append(problem)
    recomputed = dict(relink(GENESIS, chained_range))
    for position, _, link in links:
        if recomputed.get(position, link) != link:
            problems.append(Problem(REWRITTEN, position, "the chain's link differs from the one recomputed"))
            break
    last_stored = chained_range[-1][0] if chained_range else 0
    previous, rewritten = 0, None
    for checkpoint in sorted(bundle["checkpoint"], key=lambda c: c["position"]):
        position, signed_head = checkpoint["position"], bytes.fromhex(checkpoint["head"])
        if not check_checkpoint(public_key, position, signed_head, checkpoint["signed_at"],
                                base64.b64decode(checkpoint["signature"])):
            problems.append(Problem(BAD_SIGNATURE, position, "the checkpoint's signature does not verify"))
        elif position > last_stored:
            problems.append(Problem(TRUNCATED, last_stored + 1, f"the log ends before the checkpoint at {position}"))
        elif position not in recomputed:
            problems.append(Problem(MISSING, position, "the event a signed checkpoint ends at is no longer stored"))
        elif recomputed[position] != signed_head and rewritten is None:
            rewritten = (Problem(REWRITTEN, previous + 1, f"the events up to the checkpoint at {position} "
                                 "no longer give its signed head"), position)
        previous = position
    return earliest(problems, rewritten), len(events)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python verify_bundle.py BUNDLE.jsonl", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as lines:
        bundle = read_bundle(lines)
    problem, checked = verify_bundle(bundle)
    if problem:
        print(f"FAILED: {problem}", file=sys.stderr)
        return 1
    print(f"OK: {checked} events, {len(bundle['link'])} links, {len(bundle['checkpoint'])} signed checkpoints match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
