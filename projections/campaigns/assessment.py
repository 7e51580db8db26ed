"""Stored lights: a campaign's frame (window and thresholds) and the lights kept in
``ProgressRow`` for the list filters, refreshed daily because they depend on "today".

The rules of the lights are in :mod:`taolun.events.campaigns.lights`; the figures they read
in :mod:`taolun.projections.progress`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from taolun.events.campaigns import lights
from taolun.events.campaigns.window import Window
from taolun.projections import progress as figures
from taolun.projections.bulk import update_many
from taolun.projections.models import PlanRow, ProgressRow, ProjectionPosition
from taolun.tenants import paths

NAME = "campaigns"  # the projection's name: one position for every campaign read model
FRAME_FIELDS = ("window_start", "window_end", "progress_settings")
Frame = tuple[Window | None, dict]


def time_zone() -> str:
    from django.conf import settings

    return settings.TIME_ZONE


def frame_of(row: dict | None) -> Frame:
    """The campaign's window (latest release; ``None`` before) and its light settings, from
    the ``FRAME_FIELDS`` of its plan row."""
    if not row:
        return None, lights.settings_of(None)
    window = (row["window_start"], row["window_end"]) if row["window_start"] else None
    return window, lights.settings_of(row["progress_settings"])


def campaign_frame(campaign_id: UUID) -> Frame:
    return frame_of(PlanRow.objects.filter(pk=campaign_id).values(*FRAME_FIELDS).first())


def node_light(kind: str, own: dict, units: dict[str, int], frame: Frame, on: date) -> str:
    """The light of a node with measured units below (``units``: their lights counted): by
    their shares, or its own light (a returned plan, its own overdue rectification) when
    that is worse."""
    own_light = figures.assess(own, window=frame[0], on=on, settings=frame[1])["light"]
    return lights.node_light(kind, own_light, units, frame[1])


def assess_row(row: ProgressRow, frame: Frame, on: date) -> None:
    """The stored light (for the list filters) as of ``on``. A measured unit's is its own;
    a node's with measured units below is set from their shares by :func:`assess_campaign`
    (the scheduled refresh) and computed afresh when read; until then, its subtree's."""
    window, settings = frame
    assessed = figures.assess(row.total, window=window, on=on, settings=settings)
    row.light, row.score = assessed["light"], assessed["score"]
    row.silent = assessed["silent"] and row.kind in lights.MEASURED_KINDS  # a node's silence: its units' share
    row.approved_plans = (row.total.get("plans") or {}).get("approved", 0)


def assess_campaign(campaign_id: UUID | None = None, on: date | None = None) -> int:
    """Recompute stored lights and scores for ``on`` (default today; in the caller's
    transaction); answer how many rows changed. Measured units first; then every other node
    from the shares of the measured units below it."""
    rows = ProgressRow.objects.all()
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    on = on or figures.today(time_zone())
    frames: dict[UUID, Any] = {}
    changed = []
    others: list[tuple[ProgressRow, tuple]] = []
    below: dict[tuple[UUID, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(lights.LIGHTS, 0))
    for row in rows.iterator(chunk_size=2000):
        if row.campaign_id not in frames:
            frames[row.campaign_id] = campaign_frame(row.campaign_id)
        before = (row.light, row.silent, row.score, row.approved_plans)
        assess_row(row, frames[row.campaign_id], on)
        if row.kind in lights.MEASURED_KINDS:
            for h in paths.ancestor_ids(row.path):
                below[(row.campaign_id, h)][row.light] += 1
        others.append((row, before))
    for row, before in others:
        units = below.get((row.campaign_id, row.node_id.hex))
        if units:
            row.light = node_light(row.kind, row.own, units, frames[row.campaign_id], on)
        if (row.light, row.silent, row.score, row.approved_plans) != before:
            changed.append(row)
    update_many(ProgressRow, changed, ["light", "silent", "score", "approved_plans"])
    return len(changed)


def refresh_lights(campaign_id: UUID | None = None) -> int:
    """The scheduled refresh of stored lights (they depend on "today").

    Stored lights stay (the red/yellow list filters on the ``(campaign_id, light, path)``
    index), so the refresh follows the projection's locking discipline: it runs in one
    transaction that first locks the "campaigns" position row, exactly as the runner does
    for a batch. A batch and a refresh therefore never interleave: the refresh reads totals
    no batch is changing and its lights cannot overwrite fresher ones (on SQLite the
    IMMEDIATE transaction already takes the write lock at BEGIN)."""
    with transaction.atomic():
        ProjectionPosition.objects.get_or_create(name=NAME)
        list(ProjectionPosition.objects.select_for_update().filter(name=NAME))
        changed = assess_campaign(campaign_id)
        if changed:  # the read cache is keyed by this row: changed lights are a new version
            ProjectionPosition.objects.filter(name=NAME).update(updated_at=timezone.now())
        return changed
