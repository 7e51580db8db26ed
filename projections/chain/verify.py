"""Recompute the chain from the stored events and compare it with the links and the signed
checkpoints; report the first position where they part.

Fast path: each batch of stored events is hashed and linked, and only the recomputed link
at the batch's last position is compared with the stored one (one lookup per batch): any
changed, missing or inserted event inside the batch changes that link. Only a batch that
fails is compared event by event (``first_problem``) to name the position and the kind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from eventsourcing.persistence import ApplicationRecorder

from taolun.projections.chain.keeper import notification_digest, signed_at_text
from taolun.projections.chain.models import ChainCheckpoint, ChainHead, ChainLink, ChainVerification
from taolun.projections.chain.verify_bundle import (
    BAD_SIGNATURE,
    GENESIS,
    MISSING,
    REWRITTEN,
    TRUNCATED,
    Problem,
    check_checkpoint,
    earliest,
    first_problem,
    next_link,
)

Progress = Callable[[int, int], None]  # (events checked, events to check)


@dataclass(frozen=True)
class Outcome:
    problem: Problem | None
    checked: int  # stored events hashed
    position: int  # the last stored position reached
    checkpoints: int  # signed checkpoints that matched
    unchained: int  # stored events after the chain's head (not linked yet)

    @property
    def passed(self) -> bool:
        return self.problem is None


class Verification:
    def __init__(self, recorder: ApplicationRecorder, public_key, batch_size: int = 5000) -> None:
        self.recorder = recorder
        self.public_key = public_key
        self.batch_size = batch_size

    def run(self, progress: Progress | None = None) -> Outcome:
        head = ChainHead.objects.filter(id=1).values_list("position", flat=True).first() or 0
        total = self.recorder.max_notification_id() or 0
        checkpoints = list(ChainCheckpoint.objects.order_by("position"))
        forged = [p for p in (self._bad_signature(c) for c in checkpoints) if p is not None]
        problems: list[Problem] = []
        signed = [(c.position, bytes(c.head)) for c in checkpoints] + [(float("inf"), b"")]
        ahead = 0  # the next signed checkpoint not yet passed
        matched, previous_checkpoint, rewritten = 0, 0, None
        link, last, checked, unchained = GENESIS, 0, 0, 0
        while True:
            batch = self.recorder.select_notifications(start=last, limit=self.batch_size, inclusive_of_start=False)
            if not batch:
                break
            digests = [(n.id, notification_digest(n)) for n in batch]
            chained = [(p, d) for p, d in digests if p <= head]
            batch_start_link, batch_start = link, last
            for position, digest in digests:
                link = next_link(link, position, digest)
                while signed[ahead][0] <= position:
                    at, signed_head = signed[ahead]
                    if at < position:  # its event is gone, whatever the links say now
                        problems.append(Problem(MISSING, at, "the event a signed checkpoint ends at is no "
                                                "longer stored"))
                    elif signed_head == link:
                        matched += 1
                    elif rewritten is None:
                        rewritten = (Problem(REWRITTEN, previous_checkpoint + 1,
                                             f"the events up to the checkpoint at {at} no longer "
                                             "give its signed head"), at)
                    previous_checkpoint = at
                    ahead += 1
                if position <= head:
                    chain_link = link
            checked += len(batch)
            unchained += len(digests) - len(chained)
            last = batch[-1].id
            if chained:
                found = self._compare(chained, chain_link, batch_start, batch_start_link, more=last > chained[-1][0])
                if found:
                    problems.append(found)
            if progress:
                progress(checked, max(total, checked))
            if problems or rewritten:
                break
        if not problems and not rewritten:
            problems += self._truncation(last, head, checkpoints)
        problem = earliest(problems + forged, rewritten)
        return Outcome(problem, checked, last, matched, unchained)

    def _bad_signature(self, checkpoint: ChainCheckpoint) -> Problem | None:
        if check_checkpoint(self.public_key, checkpoint.position, bytes(checkpoint.head),
                            signed_at_text(checkpoint.signed_at), bytes(checkpoint.signature)):
            return None
        return Problem(BAD_SIGNATURE, checkpoint.position, "the checkpoint's signature does not verify "
                       f"with this installation's key (signed by key {checkpoint.key_id})")

    def _compare(self, chained, recomputed, after: int, start_link: bytes, more: bool) -> Problem | None:
        """The batch's recomputed link against the stored one; on a difference, event by event."""
        end = chained[-1][0]
        stored_link = ChainLink.objects.filter(position=end).values_list("link", flat=True).first()
        if stored_link is not None and bytes(stored_link) == recomputed:
            return None
        links = list(ChainLink.objects.filter(position__gt=after, position__lte=end)
                     .order_by("position").values_list("position", "digest", "link"))
        problem = first_problem(chained, [(p, bytes(d)) for p, d, _ in links], more_stored=more)
        if problem:
            return problem
        link = start_link  # every digest matches: the links themselves were rewritten
        for position, digest, stored in links:
            link = next_link(link, position, bytes(digest))
            if link != bytes(stored):
                return Problem(REWRITTEN, position, "the chain's link differs from the one recomputed")
        return None

    @staticmethod
    def _truncation(last: int, head: int, checkpoints: list[ChainCheckpoint]) -> list[Problem]:
        """The log ends before the chain (or a signed checkpoint) does."""
        if last < head:
            first_lost = ChainLink.objects.filter(position__gt=last).order_by("position").values_list(
                "position", flat=True).first()
            return [Problem(TRUNCATED, first_lost or last + 1, f"the log ends at {last}, the chain at {head}")]
        beyond = [c.position for c in checkpoints if c.position > last]
        if beyond:
            return [Problem(TRUNCATED, last + 1, f"the log ends at {last}, before the checkpoint at {beyond[0]}")]
        return []


def run_verification(recorder: ApplicationRecorder, public_key, *, requested_by=None,
                     progress: Progress | None = None, record: ChainVerification | None = None) -> Outcome:
    """A verification recorded as a ``ChainVerification`` row (its progress updated about
    once a second), for the status page and the API."""
    record = record or ChainVerification.objects.create(started_at=timezone.now(), requested_by=requested_by)
    noted = [0.0]

    def note(done: int, total: int) -> None:
        if progress:
            progress(done, total)
        if time.monotonic() - noted[0] >= 1.0:
            noted[0] = time.monotonic()
            ChainVerification.objects.filter(pk=record.pk).update(checked=done, total=total)

    try:
        outcome = Verification(recorder, public_key).run(note)
    except Exception as error:
        ChainVerification.objects.filter(pk=record.pk).update(
            status=ChainVerification.ERROR, finished_at=timezone.now(), detail=str(error)[:2000])
        raise
    problem = outcome.problem
    ChainVerification.objects.filter(pk=record.pk).update(
        status=ChainVerification.PASSED if outcome.passed else ChainVerification.FAILED,
        finished_at=timezone.now(), checked=outcome.checked, total=outcome.checked,
        position=outcome.position, checkpoints=outcome.checkpoints,
        problem_kind=problem.kind if problem else "", problem_position=problem.position if problem else None,
        detail=problem.detail if problem else "",
    )
    return outcome
