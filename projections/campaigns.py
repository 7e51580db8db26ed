"""The campaign read models: plans, activities, suggestions, problems, and progress.

One projection ("campaigns") owns all of them, so a batch updates the detail rows and the
progress rows in the same transaction and a rebuild replays them together.

Progress is kept per (node, campaign) in :class:`ProgressRow`. Rows are created for the
campaign unit's whole subtree when the campaign releases version 1 (and for units registered
later under a covered parent). When anything a node owns changes, its ``own`` figures are
recomputed from its detail rows (a handful of rows), and the difference is added to the
``total`` of the node and of every ancestor: one query to read them, one to write them.

Policy (outbox): a ``Plan.VersionReleased`` with ``number > 1`` writes one outbox row per
child plan, keyed ``upstream:<child>:<version>``; the ``mark_upstream_changed`` actor calls the
idempotent ``Campaigns.mark_upstream_changed``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification

from taolun.events.campaigns import rules
from taolun.events.campaigns.domainmodel import Activity, Plan, Problem, Suggestion
from taolun.notifications.models import OutboxMessage
from taolun.projections import progress as figures
from taolun.projections.models import (
    ActivityRow,
    OrgNode,
    PlanRow,
    ProblemRow,
    ProgressRow,
    SuggestionRow,
)
from taolun.projections.org_tree import ancestor_ids
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import Tenant


def _events(cls: type) -> list[type]:
    return [v for v in vars(cls).values() if isinstance(v, type) and issubclass(v, Aggregate.Event)]


def plan_status(row: PlanRow) -> str:
    return "upstream_changed" if row.upstream_version else row.status


def time_zone() -> str:
    from django.conf import settings

    return settings.TIME_ZONE


def campaign_window(campaign_id: UUID) -> tuple[str, str] | None:
    row = PlanRow.objects.filter(pk=campaign_id).values("window_start", "window_end").first()
    if not row or not row["window_start"]:
        return None
    return row["window_start"], row["window_end"]


class CampaignProjection(Projection):
    name = "campaigns"
    topics = topics_of(
        *_events(Plan), *_events(Activity), *_events(Suggestion), *_events(Problem),
        Tenant.Registered,
    )

    def apply(self, event: Any, notification: Notification) -> None:
        handler = getattr(self, "on_" + type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(event)
        elif isinstance(event, Plan.Event):
            self._touch_plan(event)

    def clear(self) -> None:
        for model in (ProgressRow, ActivityRow, SuggestionRow, ProblemRow, PlanRow):
            model.objects.all().delete()
        # Outbox rows are kept: their stable keys make the replay a no-op.

    # ================================================================== plans

    def _touch_plan(self, e: Any, **fields: Any) -> PlanRow:
        PlanRow.objects.filter(pk=e.originator_id).update(
            version=e.originator_version, updated_at=e.timestamp, **fields
        )
        return PlanRow.objects.get(pk=e.originator_id)

    def on_Plan_Created(self, e: Plan.Created) -> None:
        node = OrgNode.objects.get(pk=e.tenant_id)
        campaign_id = e.campaign_id or e.originator_id
        row = PlanRow.objects.create(
            id=e.originator_id, campaign_id=campaign_id, parent_id=e.parent_id,
            node_id=e.tenant_id, path=node.path, kind=e.kind, title=e.header.get("title", ""),
            status="draft", version=e.originator_version, parent_version=e.parent_version,
            phases=e.sections["phases"], requirements=e.sections["requirements"],
            updated_at=e.timestamp,
        )
        if e.kind != "derived":
            return
        ProgressRow.objects.filter(campaign_id=campaign_id, node_id=e.tenant_id).update(
            plan_id=row.id, plan_status="draft"
        )
        self._refresh(campaign_id, e.tenant_id, {"plan"})
        # The new plan now governs its subtree where the parent plan did.
        governed = ProgressRow.objects.filter(
            campaign_id=campaign_id, path__startswith=node.path, governing_plan_id=e.parent_id
        )
        governed.update(governing_plan_id=row.id)
        self._recompute_governed(row)

    def on_Plan_HeaderRevised(self, e) -> None:
        if "title" in e.changes:
            self._touch_plan(e, title=e.changes["title"])
        else:
            self._touch_plan(e)

    def _edit_section(self, e, section: str, change) -> PlanRow:
        row = PlanRow.objects.get(pk=e.originator_id)
        items = dict(getattr(row, section))
        change(items)
        setattr(row, section, items)
        row.version, row.updated_at = e.originator_version, e.timestamp
        row.save(update_fields=[section, "version", "updated_at"])
        return row

    def on_Plan_PhaseAdded(self, e) -> None:
        self._edit_section(e, "phases", lambda items: items.__setitem__(e.phase["id"], e.phase))

    def on_Plan_PhaseRevised(self, e) -> None:
        self._edit_section(e, "phases", lambda items: items.__setitem__(
            e.phase_id, {**items[e.phase_id], **e.changes}))

    def on_Plan_PhaseRemoved(self, e) -> None:
        self._edit_section(e, "phases", lambda items: items.pop(e.phase_id, None))

    def on_Plan_RequirementAdded(self, e) -> None:
        row = self._edit_section(e, "requirements", lambda items: items.__setitem__(
            e.requirement["id"], e.requirement))
        self._recompute_governed(row)

    def on_Plan_RequirementRemoved(self, e) -> None:
        row = self._edit_section(e, "requirements", lambda items: items.pop(e.requirement_id, None))
        self._recompute_governed(row)

    def on_Plan_Published(self, e) -> None:
        self._touch_plan(
            e, publication={"scope": e.scope, "unit_ids": [str(u) for u in e.unit_ids],
                            "derive_deadline": e.derive_deadline},
            **({"status": "published"} if PlanRow.objects.get(pk=e.originator_id).kind == "campaign" else {}),
        )

    def on_Plan_VersionReleased(self, e) -> None:
        row = PlanRow.objects.get(pk=e.originator_id)
        row.released_version, row.version, row.updated_at = e.number, e.originator_version, e.timestamp
        if row.kind == "campaign":
            window = rules.overall_window(e.content["phases"].values())
            row.window_start, row.window_end = window or ("", "")
        row.save()
        if row.kind == "campaign" and e.number == 1:
            self._create_progress(row)
        elif row.kind == "campaign":
            self._relight(row.campaign_id)
        if e.number > 1:
            for child in PlanRow.objects.filter(parent_id=row.id).values_list("id", flat=True):
                OutboxMessage.objects.get_or_create(
                    key=f"upstream:{child}:{e.number}",
                    defaults={"actor_name": "mark_upstream_changed",
                              "payload": {"child_plan_id": str(child), "parent_version": e.number}},
                )

    def _plan_status_changed(self, e, **fields: Any) -> None:
        row = self._touch_plan(e, **fields)
        if row.kind == "derived":
            ProgressRow.objects.filter(campaign_id=row.campaign_id, node_id=row.node_id).update(
                plan_status=plan_status(row)
            )
            self._refresh(row.campaign_id, row.node_id, {"plan"})

    def on_Plan_Reopened(self, e) -> None:
        kind = PlanRow.objects.get(pk=e.originator_id).kind
        self._plan_status_changed(e, status="amending" if kind == "campaign" else "draft")

    def on_Plan_AmendmentPublished(self, e) -> None:
        self._touch_plan(e, status="published")

    def on_Plan_Submitted(self, e) -> None:
        row = PlanRow.objects.get(pk=e.originator_id)
        self._plan_status_changed(e, status="submitted", submissions=row.submissions + 1)

    def on_Plan_Approved(self, e) -> None:
        self._plan_status_changed(e, status="approved", return_reasons=[])

    def on_Plan_Returned(self, e) -> None:
        self._plan_status_changed(e, status="returned", return_reasons=e.reasons)

    def on_Plan_UpstreamChanged(self, e) -> None:
        self._plan_status_changed(e, upstream_version=e.parent_version, conflicts=e.conflicts)

    def on_Plan_Rebased(self, e) -> None:
        self._plan_status_changed(
            e, upstream_version=None, conflicts=[], parent_version=e.parent_version,
            phases=e.sections["phases"], requirements=e.sections["requirements"],
        )
        self._recompute_governed(PlanRow.objects.get(pk=e.originator_id))

    # ================================================================== activities

    def on_Activity_Logged(self, e) -> None:
        node = OrgNode.objects.get(pk=e.tenant_id)
        data = {k: getattr(e, k) for k in ("location", "roster", "leaders", "summary", "outcomes",
                                           "topic_ids", "evidence")}
        data["history"] = []
        ActivityRow.objects.create(
            id=e.originator_id, campaign_id=e.campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=node.path, logged_by=e.actor, kind=e.kind, title=e.title, start=e.start, end=e.end,
            participants=e.participants or 0, hours=e.hours, phase_id=e.phase_id, task_id=e.task_id,
            status="logged", data=_jsonable(data), logged_at=e.timestamp, updated_at=e.timestamp,
        )
        self._refresh(e.campaign_id, e.tenant_id, {"activities"})

    def _activity_changed(self, e, status: str, reason: str, changes: dict | None = None) -> None:
        row = ActivityRow.objects.get(pk=e.originator_id)
        data = dict(row.data)
        for k, v in (changes or {}).items():
            if k in ("kind", "title", "start", "end", "participants", "hours", "phase_id", "task_id"):
                setattr(row, k, v)
            else:
                data[k] = v
        data["history"] = [*data.get("history", []), {
            "event": type(e).__qualname__.split(".")[-1].lower(), "reason": reason,
            "actor": str(e.actor), "at": e.timestamp.isoformat(),
        }]
        row.data, row.status, row.updated_at = _jsonable(data), status, e.timestamp
        row.save()
        self._refresh(row.campaign_id, row.node_id, {"activities"})

    def on_Activity_Corrected(self, e) -> None:
        self._activity_changed(e, "logged", e.reason, e.changes)

    def on_Activity_Retracted(self, e) -> None:
        self._activity_changed(e, "retracted", e.reason)

    def on_Activity_Returned(self, e) -> None:
        self._activity_changed(e, "returned", e.reason)

    # ================================================================== suggestions

    def on_Suggestion_Submitted(self, e) -> None:
        node = OrgNode.objects.get(pk=e.tenant_id)
        campaign_id = PlanRow.objects.values_list("campaign_id", flat=True).get(pk=e.plan_id)
        SuggestionRow.objects.create(
            id=e.originator_id, campaign_id=campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=node.path, author=e.actor, anonymous=e.anonymous, title=e.title, content=e.content,
            status="submitted", topic_ids=e.topic_ids, submitted_at=e.timestamp,
        )
        self._refresh(campaign_id, e.tenant_id, {"suggestions"})

    def _suggestion(self, e, **fields: Any) -> None:
        SuggestionRow.objects.filter(pk=e.originator_id).update(**fields)
        row = SuggestionRow.objects.get(pk=e.originator_id)
        self._refresh(row.campaign_id, row.node_id, {"suggestions"})

    def on_Suggestion_Categorised(self, e) -> None:
        self._suggestion(e, category=e.category)

    def on_Suggestion_Adopted(self, e) -> None:
        self._suggestion(e, status="adopted", adoption_note=e.note)

    def on_Suggestion_Answered(self, e) -> None:
        self._suggestion(e, answer=e.answer)

    # ================================================================== problems

    def on_Problem_Recorded(self, e) -> None:
        node = OrgNode.objects.get(pk=e.tenant_id)
        campaign_id = PlanRow.objects.values_list("campaign_id", flat=True).get(pk=e.plan_id)
        ProblemRow.objects.create(
            id=e.originator_id, campaign_id=campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=node.path, description=e.description, category=e.category, source=e.source,
            status="open", recorded_at=e.timestamp,
        )
        self._refresh(campaign_id, e.tenant_id, {"problems"})

    def _problem(self, e, entry: dict, **fields: Any) -> None:
        row = ProblemRow.objects.get(pk=e.originator_id)
        for k, v in fields.items():
            setattr(row, k, v)
        row.history = [*row.history, _jsonable({
            "event": type(e).__qualname__.split(".")[-1], "actor": str(e.actor),
            "at": e.timestamp.isoformat(), **entry})]
        row.save()
        self._refresh(row.campaign_id, row.node_id, {"problems"})

    def on_Problem_RectificationPlanned(self, e) -> None:
        self._problem(e, {}, rectification=e.rectification, deadline=e.rectification["deadline"],
                      status="rectifying")

    def on_Problem_ProgressReported(self, e) -> None:
        extra = {} if e.percent is None else {"percent": e.percent}
        self._problem(e, {"note": e.note, "percent": e.percent, "evidence": e.evidence}, **extra)

    def on_Problem_Completed(self, e) -> None:
        self._problem(e, {"summary": e.summary, "evidence": e.evidence}, status="completed")

    def on_Problem_Verified(self, e) -> None:
        self._problem(e, {"note": e.note}, status="verified")

    def on_Problem_Reopened(self, e) -> None:
        row = ProblemRow.objects.get(pk=e.originator_id)
        self._problem(e, {"reason": e.reason}, status="rectifying", reopened=row.reopened + 1)

    # ================================================================== the tree grows

    def on_Tenant_Registered(self, e) -> None:
        if e.parent_id is None:
            return
        node = OrgNode.objects.filter(pk=e.originator_id).first()
        if node is None:
            return
        for parent in ProgressRow.objects.filter(node_id=e.parent_id):
            scope = (PlanRow.objects.get(pk=parent.campaign_id).publication or {}).get("scope")
            if scope == "subtree":
                expected, obliged = e.kind in ("bureau", "school"), e.kind in ("branch", "office")
            else:
                expected = False
                obliged = e.kind in ("branch", "office") and (parent.expected or parent.obliged)
            ProgressRow.objects.create(
                campaign_id=parent.campaign_id, node_id=node.id, parent_id=parent.node_id,
                path=node.path, depth=node.depth, kind=node.kind, name=node.name,
                expected=expected, obliged=obliged,
                governing_plan_id=parent.plan_id or parent.governing_plan_id,
                plan_status="not_derived" if expected else "", own=figures.empty(),
                total=figures.empty(), updated_at=e.timestamp,
            )
            self._refresh(parent.campaign_id, node.id, {"plan", "activities"})

    # ================================================================== progress

    def _create_progress(self, campaign: PlanRow) -> None:
        root = OrgNode.objects.get(pk=campaign.node_id)
        nodes = list(OrgNode.objects.filter(path__startswith=root.path, archived=False).order_by("path"))
        publication = campaign.publication or {"scope": "subtree", "unit_ids": []}
        targets = [n.path for n in nodes if str(n.id) in publication["unit_ids"]]
        reqs = len(campaign.requirements)
        now = timezone.now()
        rows: dict[UUID, ProgressRow] = {}
        for n in nodes:
            if publication["scope"] == "subtree":
                expected = n.kind in ("bureau", "school") and n.id != root.id
                covered = True
            else:
                expected = n.path in targets
                covered = any(n.path.startswith(t) for t in targets)
            obliged = covered and n.kind in ("branch", "office")
            own = figures.empty()
            if expected:
                own["plans_expected"], own["plans"] = 1, {"not_derived": 1}
            if obliged:
                own["obliged_units"], own["req_total"] = 1, reqs
            rows[n.id] = ProgressRow(
                campaign_id=campaign.id, node_id=n.id, parent_id=n.parent_id, path=n.path,
                depth=n.depth, kind=n.kind, name=n.name, expected=expected, obliged=obliged,
                governing_plan_id=campaign.id, plan_status="not_derived" if expected else "",
                own=own, total=own, updated_at=now,
            )
        for n in sorted(nodes, key=lambda n: -n.depth):  # children before parents
            row = rows[n.id]
            if n.id != root.id and n.parent_id in rows:
                parent = rows[n.parent_id]
                parent.total = figures.combine(parent.total, row.total)
        window = campaign_window(campaign.id)
        on = figures.today(time_zone())
        for row in rows.values():
            self._assess(row, window, on)
        ProgressRow.objects.bulk_create(rows.values(), batch_size=500)

    @staticmethod
    def _assess(row: ProgressRow, window, on) -> None:
        assessed = figures.assess(row.total, window=window, on=on)
        row.light, row.score = assessed["light"], assessed["score"]
        row.approved_plans = (row.total.get("plans") or {}).get("approved", 0)

    def _relight(self, campaign_id: UUID) -> None:
        """Recompute stored lights (the window moved, or a new day began)."""
        refresh_lights(campaign_id)

    def _recompute_governed(self, plan: PlanRow) -> None:
        for node_id in ProgressRow.objects.filter(
            campaign_id=plan.campaign_id, governing_plan_id=plan.id
        ).values_list("node_id", flat=True):
            self._refresh(plan.campaign_id, node_id, {"reqs"})

    def _refresh(self, campaign_id: UUID, node_id: UUID, parts: set[str]) -> None:
        """Recompute the node's own figures (the ``parts`` that changed) and roll the
        difference up to the node and its ancestors."""
        row = ProgressRow.objects.filter(campaign_id=campaign_id, node_id=node_id).first()
        if row is None:
            return
        old = row.own
        own = {**figures.empty(), **{k: v for k, v in old.items()}}
        if "plan" in parts:
            has = row.plan_id is not None
            own["plans_expected"] = int(row.expected or has)
            own["plans"] = {row.plan_status: 1} if (row.expected or has) and row.plan_status else {}
        if "activities" in parts or "reqs" in parts:
            self._activity_figures(row, own, recount="activities" in parts)
        if "suggestions" in parts:
            rows = list(SuggestionRow.objects.filter(campaign_id=campaign_id, node_id=node_id)
                        .values_list("status", "answer"))
            own["suggestions"] = len(rows)
            own["suggestions_adopted"] = sum(1 for s, _ in rows if s == "adopted")
            own["suggestions_answered"] = sum(1 for _, a in rows if a)
        if "problems" in parts:
            rows = list(ProblemRow.objects.filter(campaign_id=campaign_id, node_id=node_id)
                        .values_list("status", "deadline", "reopened"))
            own["problems"] = len(rows)
            own["problems_completed"] = sum(1 for s, _, _ in rows if s == "completed")
            own["problems_closed"] = sum(1 for s, _, _ in rows if s == "verified")
            open_rows = [(d, r) for s, d, r in rows if s in ("open", "rectifying")]
            own["problems_reopened"] = sum(1 for _, r in open_rows if r)
            deadlines: dict[str, int] = defaultdict(int)
            for d, _ in open_rows:
                if d:
                    deadlines[d] += 1
            own["deadlines"] = dict(sorted(deadlines.items()))
        delta = figures.combine(own, old, -1)
        row.own = own
        if figures.is_zero(delta):
            ProgressRow.objects.filter(pk=row.pk).update(own=own)
            return
        ids = [UUID(h) for h in ancestor_ids(row.path)]
        chain = list(ProgressRow.objects.filter(campaign_id=campaign_id, node_id__in=ids)) + [row]
        window = campaign_window(campaign_id)
        on = figures.today(time_zone())
        now = timezone.now()
        for r in chain:
            r.total = figures.combine(r.total, delta)
            r.updated_at = now
            self._assess(r, window, on)
        ProgressRow.objects.bulk_update(
            chain, ["own", "total", "light", "score", "approved_plans", "updated_at"]
        )

    @staticmethod
    def _activity_figures(row: ProgressRow, own: dict, recount: bool) -> None:
        acts = list(
            ActivityRow.objects.filter(campaign_id=row.campaign_id, node_id=row.node_id)
            .values("kind", "start", "end", "hours", "participants", "phase_id", "status", "data")
        )
        counted = [a for a in acts if a["status"] == "logged"]
        if recount:
            own["activities"] = len(counted)
            own["activities_returned"] = sum(1 for a in acts if a["status"] == "returned")
            own["participants"] = sum(a["participants"] for a in counted)
            own["hours_x100"] = int(sum((Decimal(a["hours"] or 0) * 100 for a in counted), Decimal(0)))
            by_kind: dict[str, int] = defaultdict(int)
            by_phase: dict[str, int] = defaultdict(int)
            days: dict[str, int] = defaultdict(int)
            for a in counted:
                by_kind[a["kind"]] += 1
                by_phase[a["phase_id"] or "none"] += 1
                days[a["start"][:10]] += 1
            own["by_kind"], own["by_phase"] = dict(sorted(by_kind.items())), dict(sorted(by_phase.items()))
            own["days"] = dict(sorted(days.items()))
        bound = row.obliged or bool(counted)
        own["obliged_units"] = int(bound)
        if not bound:
            own["req_met"] = own["req_total"] = 0
            own["requirements"] = []
            return
        plan = PlanRow.objects.filter(pk=row.governing_plan_id).values("requirements", "phases").first()
        reqs = (plan or {}).get("requirements") or {}
        facts = [{**a, "leaders": (a["data"] or {}).get("leaders") or []} for a in acts]
        detail = []
        for rid, req in sorted(reqs.items()):
            result = rules.requirement_progress(req, facts, (plan or {}).get("phases"))
            detail.append({"id": rid, "kind": req["kind"], "metric": req["metric"],
                           "description": req.get("description", ""),
                           "minimum": _num(req["minimum"]), "achieved": _num(result["achieved"]),
                           "met": result["met"]})
        own["req_total"] = len(detail)
        own["req_met"] = sum(1 for d in detail if d["met"])
        own["requirements"] = detail


def refresh_lights(campaign_id: UUID | None = None) -> int:
    """Recompute stored lights and scores for today; answer how many rows changed."""
    rows = ProgressRow.objects.all()
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    on = figures.today(time_zone())
    windows: dict[UUID, Any] = {}
    changed = []
    for row in rows.iterator(chunk_size=2000):
        if row.campaign_id not in windows:
            windows[row.campaign_id] = campaign_window(row.campaign_id)
        before = (row.light, row.score)
        CampaignProjection._assess(row, windows[row.campaign_id], on)
        if (row.light, row.score) != before:
            changed.append(row)
    ProgressRow.objects.bulk_update(changed, ["light", "score"], batch_size=1000)
    return len(changed)


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, UUID):
        return str(value)
    return value
