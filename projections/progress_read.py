"""Reading a campaign's progress: one node with its children, as the API's progress router
and the dashboard page both show it (one query, two entry points).

Indexed queries only: the node's row with its children's rows (``(campaign_id, node_id)`` or
``(campaign_id, parent_id)``), and the lights of the measured units below it counted per
child on the ``(campaign_id, kind, light, path)`` index. Time-dependent figures are computed
for ``on`` (today in the configured zone) by :func:`taolun.projections.progress.assess`.
Access is the caller's business: :func:`node_row` answers the row with its ``path``.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count
from django.db.models.functions import Substr

from taolun.events.campaigns.lights import LIGHTS, MEASURED_KINDS
from taolun.events.campaigns.plan_status import UPSTREAM_CHANGED
from taolun.projections import progress as figures
from taolun.projections.campaigns import FRAME_FIELDS, frame_of, node_light
from taolun.projections.models import PlanRow, ProgressRow
from taolun.tenants import paths


def campaign_frame_or_none(campaign_id: UUID):
    """The campaign's window and light settings, or None when there is no such campaign."""
    row = PlanRow.objects.filter(pk=campaign_id, kind="campaign").values(*FRAME_FIELDS).first()
    return None if row is None else frame_of(row)


def node_row(campaign_id: UUID, node_id: UUID) -> dict | None:
    """One node's stored row (values of :data:`FIELDS`), or None."""
    return ProgressRow.objects.filter(campaign_id=campaign_id, node_id=node_id).values(*FIELDS).first()


FIELDS = ("node_id", "parent_id", "kind", "name", "depth", "plan_id", "plan_status", "upstream_changed", "expected",
          "obliged", "own", "total", "path", "light", "silent")


def row_out(row: dict, frame, on, units: dict[str, int] | None = None,
            with_requirements: bool = False) -> dict:
    """One node's figures as of ``on``. ``units``: the lights of the measured units below it
    (its light is then made of their shares); without, the node's light is its own."""
    total = row["total"]
    window, settings = frame
    assessed = figures.assess(total, window=window, on=on, settings=settings)
    light = assessed["light"]
    if units:
        light = node_light(row["kind"], row["own"], units, frame, on)
    out = {
        "node_id": str(row["node_id"]), "name": row["name"], "kind": row["kind"],
        "plan_id": str(row["plan_id"]) if row["plan_id"] else None,
        "plan_status": row["plan_status"] or None,
        "upstream_changed": row["upstream_changed"],
        "plans": total.get("plans") or {},
        "plans_upstream_changed": total.get("plans_upstream_changed", 0),
        "activities": assessed["activities"],
        "activities_planned": assessed["activities_planned"],
        "activities_returned": total.get("activities_returned", 0),
        "by_kind": total.get("by_kind") or {}, "by_phase": total.get("by_phase") or {},
        "participants": assessed["participants"],
        "hours": assessed["hours_x100"] / 100,
        "requirements": {"met": assessed["req_met"], "total": total.get("req_total", 0),
                         "units": total.get("obliged_units", 0),
                         "text": figures.compliance_text(assessed["req_met"], total.get("req_total", 0),
                                                         assessed["days_left"])},
        "pace": {"expected_pct": assessed["expected_pct"], "behind": assessed["behind"]},
        "suggestions": {"total": total.get("suggestions", 0),
                        "adopted": total.get("suggestions_adopted", 0),
                        "answered": total.get("suggestions_answered", 0)},
        "problems": {"total": total.get("problems", 0), "open": assessed["problems_open"],
                     "completed": total.get("problems_completed", 0),
                     "closed": total.get("problems_closed", 0),
                     "red": assessed["problems_overdue"], "blue": assessed["problems_due_soon"],
                     "yellow": assessed["problems_reopened"]},
        **{k: assessed[k] for k in ("days_left", "last_activity", "silent_days", "silent", "score")},
        "light": light,
        # A node with measured units below: their lights, and its silence as the share of them
        # that are silent (``…/units?silent=true`` lists them).
        "units_lights": {k: units[k] for k in LIGHTS} if units else None,
        "silent_units": units["silent"] if units else None,
        "silent_share": round(units["silent"] / sum(units[k] for k in LIGHTS), 3) if units else None,
    }
    if with_requirements:
        out["own_requirements"] = [
            {**r, "met": figures.met_on(r.get("met_on"), on)} for r in row["own"].get("requirements", [])]
    return out


UNIT_KEYS = (*LIGHTS, "silent")


def unit_lights(campaign_id: UUID, path: str) -> dict[str, dict[str, int]]:
    """The stored lights (and silence) of the measured units below ``path``, counted per
    child of it (by the child's path): one grouped query on the (campaign, kind, light, path)
    index."""
    child = Substr("path", 1, paths.child_path_length(path))
    counts: dict[str, dict[str, int]] = {}
    for r in (ProgressRow.objects.filter(campaign_id=campaign_id, kind__in=MEASURED_KINDS,
                                         path__under=path, path__gt=path)
              .annotate(child=child).values("child", "light", "silent").annotate(n=Count("id"))):
        units = counts.setdefault(r["child"], dict.fromkeys(UNIT_KEYS, 0))
        units[r["light"]] += r["n"]
        units["silent"] += r["n"] if r["silent"] else 0
    return counts


def below(counts: dict[str, dict[str, int]], row: dict) -> dict[str, int]:
    """The lights (and silence) of the measured units strictly below a child row."""
    units = dict(counts.get(row["path"]) or dict.fromkeys(UNIT_KEYS, 0))
    if row["kind"] in MEASURED_KINDS:  # the child itself was counted under its path
        units[row["light"]] -= 1
        units["silent"] -= int(row["silent"])
    return units if any(units[k] for k in LIGHTS) else {}


def node_figures(campaign_id: UUID, own: dict, frame, on) -> dict:
    """A node's row (values of ``FIELDS``) with its children's, as of ``on``."""
    counts = unit_lights(campaign_id, own["path"])
    rows = sorted(ProgressRow.objects.filter(campaign_id=campaign_id, parent_id=own["node_id"]).values(*FIELDS),
                  key=lambda r: (r["kind"], r["name"]))
    children = [row_out(r, frame, on, below(counts, r)) for r in rows]
    mine = {k: sum(c[k] for c in counts.values()) for k in UNIT_KEYS}
    out = row_out(own, frame, on, mine if any(mine.values()) else None, with_requirements=True)
    window = frame[0]
    out["today"] = on.isoformat()
    out["window"] = list(window) if window else None
    out["settings"] = frame[1]
    out["children_green_share"] = (
        round(sum(1 for c in children if c["light"] == "green") / len(children), 3) if children else None
    )
    out["children_lights"] = {k: sum(1 for c in children if c["light"] == k) for k in LIGHTS}
    out["children"] = children
    return out


def units_below(
    campaign_id: UUID, path: str, frame, on, *, kind: str | None = None, light: str | None = None,
    plan_status: str | None = None, silent: bool | None = None, without_approved_plan: bool = False,
    sort: str = "path", limit: int = 50, offset: int = 0,
) -> tuple[int, list[dict]]:
    """Units below the node at ``path``, filtered and sorted: (count, one page of figures).

    ``light`` filters on the stored light (refreshed by the scheduler under the projection's
    lock); the answer shows the light as of ``on``."""
    # Below the node: its prefix, minus the node itself (path > prefix keeps the filter on
    # the (campaign, kind, light, path) index, so the count never reads the rows).
    rows = ProgressRow.objects.filter(campaign_id=campaign_id, path__under=path, path__gt=path)
    if kind:
        rows = rows.filter(kind=kind)
    if light:
        rows = rows.filter(light=light)
    if plan_status == UPSTREAM_CHANGED:  # a flag beside the status, still filterable
        rows = rows.filter(upstream_changed=True)
    elif plan_status:
        rows = rows.filter(plan_status=plan_status)
    if silent is not None:
        rows = rows.filter(silent=silent)
    if without_approved_plan:
        rows = rows.filter(expected=True).exclude(plan_status="approved")
    order = {"score": ["score", "path"], "-score": ["-score", "path"], "name": ["name", "path"],
             "path": ["path"]}[sort]
    page = list(rows.order_by(*order).values(*FIELDS)[offset:offset + limit])
    # A short page tells the count without a second pass over the subtree.
    count = offset + len(page) if (page or offset == 0) and len(page) < limit else rows.count()
    # A listed node with units below shows its stored light (refreshed by the scheduler),
    # the one the ``light`` filter used; a measured unit's light is computed for today.
    items = []
    for r in page:
        item = row_out(r, frame, on)
        if r["kind"] not in MEASURED_KINDS and r["total"].get("obliged_units"):
            item["light"] = r["light"]
        items.append(item)
    return count, items
