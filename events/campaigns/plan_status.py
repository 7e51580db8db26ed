"""A plan's status as shown: the one home of "which word does a plan show".

The approval status (``draft``, ``submitted``, ``returned``, ``approved``; a campaign
``published`` or ``amending``) is what a plan *is*. A parent's newer release waiting to be
taken is a flag beside it: a plan shows ``upstream_changed`` while the flag is up, and the
progress rows keep the approval status and the flag apart (an approved plan stays counted as
approved). A unit expected to derive a plan that has none shows ``not_derived``. Pure: no
Django.
"""

from __future__ import annotations

UPSTREAM_CHANGED = "upstream_changed"
NOT_DERIVED = "not_derived"


def display_status(status: str, upstream_pending: bool) -> str:
    """What a plan shows: ``upstream_changed`` while a parent's release waits, else its status."""
    return UPSTREAM_CHANGED if upstream_pending else status


def unit_plan_status(plan_status: str | None, expected: bool) -> str:
    """A unit's approval status in a campaign's progress: its plan's, else ``not_derived``
    when it is expected to derive one, else none (``""``)."""
    if plan_status:
        return plan_status
    return NOT_DERIVED if expected else ""
