"""Importing a 实施方案 document: extract its structure, then save it as a draft."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from taolun.events.campaigns import Plan
from taolun.events.kernel import NotFound
from taolun.events.plan_import.to_draft import campaign_draft, derived_draft
from taolun.platform.parsing import parsing_pool


def extract(data: bytes, filename: str | None, campaign_year: int | None = None) -> dict[str, Any]:
    """Bytes in, the extracted structure out (raises ImportRejected on bad input), parsed
    in the worker pool: never in a request thread, never beyond its time and memory.
    ``campaign_year``: the year for dates of a document that writes none anywhere."""
    return parsing_pool().extract(data, filename, campaign_year)


def _campaign_year(parent) -> int | None:
    starts = sorted(str(p["start"]) for p in parent.phases.values() if p.get("start"))
    return int(starts[0][:4]) if starts else None


def _undated(extracted: dict[str, Any]) -> bool:
    """Phases with dates written but unresolved: the document gave no year to read them in."""
    return any(p.get("date_text") and not (p.get("start") or p.get("end")) for p in extracted.get("phases") or [])


def _visible_parent(runtime, parent_plan_id: UUID, tenant_id: UUID) -> Plan:
    """Access to the parent: a unit sees the released plans above it. Any other parent
    answers exactly like a missing plan (same code, same words): no existence oracle."""
    parent = runtime.campaigns.get_plan(parent_plan_id)
    if parent.tenant_id not in runtime.tenancy.lineage(tenant_id)[1:] or not parent.released_version:
        raise NotFound("plan_not_found", "方案不存在")
    return parent


def import_plan(
    runtime, *, actor: UUID | None, tenant_id: UUID, data: bytes, filename: str | None,
    parent_plan_id: UUID | None = None, extracted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Save the document as a draft of ``tenant_id``: a campaign, or, given the parent's
    plan, a derived plan. One atomic append; bad input appends nothing. ``extracted``: the
    document's structure when the caller has already parsed it (parsing is the costly part)."""
    extracted = extracted if extracted is not None else extract(data, filename)
    if parent_plan_id is None:
        draft = campaign_draft(extracted, tenant_id=tenant_id, actor=actor)
    else:
        parent = _visible_parent(runtime, parent_plan_id, tenant_id)
        year = _campaign_year(parent)
        if year and _undated(extracted):
            extracted = extract(data, filename, campaign_year=year)  # read again in the campaign's year
        draft = derived_draft(extracted, parent=parent, tenant_id=tenant_id, actor=actor)
    # The rules of where a plan may be created (and "one plan per unit per campaign") are
    # the application's, the same for a derive and for an import.
    notification_id = runtime.campaigns.store_new_plan(draft.plan)
    return {
        "plan_id": draft.plan.id,
        "kind": draft.plan.kind,
        "notification_id": notification_id,
        "imported": draft.counts,
        "notes": draft.notes,
        "missing": draft.plan.missing_items(),
        "unplaced": [p.get("text", "") for p in extracted.get("unplaced", [])],
        "confidence": extracted.get("confidence", {}),
        "extracted": {k: v for k, v in extracted.items() if k != "text"},
    }
