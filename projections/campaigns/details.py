"""Detail rows: plans, activities, suggestions and problems, one row each, as the events
left them; each change marks the node's own figures stale for the roll-up.

Structural events (a campaign released, a plan released again) settle the batch first and
then work in SQL on the settled tables; the rest change rows held in memory. A plan released again (``number > 1``) writes one
outbox row per child plan, keyed ``upstream:<child>:<version>``: the policy that tells each
child (the ``mark_upstream_changed`` effect calls the idempotent
``Campaigns.mark_upstream_changed``).
"""

from __future__ import annotations

import copy

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.events.campaigns.window import released_window
from taolun.projections.campaigns.assessment import assess_campaign
from taolun.projections.campaigns.rollup import Rollup
from taolun.projections.bulk import new_row
from taolun.projections.jsonable import jsonable
from taolun.projections.models import (
    ActivityRow,
    CampaignUnit,
    EvidenceRef,
    OutboxMessage,
    PlanRow,
    ProblemRow,
    ProgressRow,
    SuggestionRow,
)


def upstream_key(child_id: UUID, number: int) -> str:
    """The outbox key telling ``child_id`` that its parent released version ``number``."""
    return f"upstream:{child_id}:{number}"


def upstream_rows(plan_id: UUID, number: int):
    """The outbox rows telling ``plan_id``'s children about its release ``number``."""
    children = PlanRow.objects.filter(parent_id=plan_id).values_list("id", flat=True)
    return OutboxMessage.objects.filter(key__in=[upstream_key(c, number) for c in children])


class DetailRows(Rollup):
    """The handlers of the write side's campaign events."""

    def touch_plan(self, e: Any, **fields: Any) -> PlanRow:
        row = self.b.plans.get(e.originator_id)
        for k, v in fields.items():
            setattr(row, k, v)
        row.version, row.updated_at = e.originator_version, e.timestamp
        self.b.plans.touch(row)
        return row

    def plan_created(self, e: Plan.Created) -> None:
        unit = self.b.units.get(e.tenant_id)
        campaign_id = e.campaign_id or e.originator_id
        row = self.b.plans.add(new_row(PlanRow,
            id=e.originator_id, campaign_id=campaign_id, parent_id=e.parent_id,
            node_id=e.tenant_id, path=unit.path, kind=e.kind, title=e.header.get("title", ""),
            status="draft", version=e.originator_version, parent_version=e.parent_version,
            phases=e.sections["phases"], requirements=e.sections["requirements"],
            tasks=e.sections["tasks"], updated_at=e.timestamp,
        ))
        self._tasks_changed(row)
        if e.kind != "derived":
            return
        progress = self.progress_row(campaign_id, e.tenant_id)
        if progress is not None:  # the unit is in the campaign's roll-up
            progress.plan_id, progress.plan_status = row.id, "draft"
            self.b.changed.add((campaign_id, e.tenant_id))
            self.stale(campaign_id, e.tenant_id, "plan")
        # A draft binds nobody: the plan governs its subtree from its first release on.

    def plan_header_revised(self, e: Plan.HeaderRevised) -> None:
        if "title" in e.changes:
            self.touch_plan(e, title=e.changes["title"])
        else:
            self.touch_plan(e)

    def _edit_section(self, e, section: str, change) -> PlanRow:
        row = self.touch_plan(e)
        items = dict(getattr(row, section))
        change(items)
        setattr(row, section, items)
        return row

    def plan_phase_added(self, e: Plan.PhaseAdded) -> None:
        self._edit_section(e, "phases", lambda items: items.__setitem__(e.phase["id"], e.phase))

    def plan_phase_revised(self, e: Plan.PhaseRevised) -> None:
        self._edit_section(e, "phases", lambda items: items.__setitem__(
            e.phase_id, {**items[e.phase_id], **e.changes}))

    def plan_phase_removed(self, e: Plan.PhaseRemoved) -> None:
        self._edit_section(e, "phases", lambda items: items.pop(e.phase_id, None))

    def plan_requirement_added(self, e: Plan.RequirementAdded) -> None:
        self._edit_section(e, "requirements", lambda items: items.__setitem__(
            e.requirement["id"], e.requirement))

    def plan_requirement_removed(self, e: Plan.RequirementRemoved) -> None:
        self._edit_section(e, "requirements", lambda items: items.pop(e.requirement_id, None))

    def plan_published(self, e: Plan.Published) -> None:
        row = self.b.plans.get(e.originator_id)
        self.touch_plan(
            e, publication={"scope": e.scope, "unit_ids": [str(u) for u in e.unit_ids],
                            "derive_deadline": e.derive_deadline},
            **({"status": "published"} if row.kind == "campaign" else {}),
        )

    def plan_version_released(self, e: Plan.VersionReleased) -> None:
        row = self.touch_plan(e, released_version=e.number, released={
            "phases": e.content["phases"], "requirements": e.content["requirements"]})
        if row.kind == "campaign":
            window = released_window(e.content)
            row.window_start, row.window_end = window or ("", "")
            self.settle()
            if e.number == 1:
                self.add_subtree(row, CampaignUnit.objects.get(pk=row.node_id), None)
            else:
                assess_campaign(row.campaign_id)  # the window may have moved
        if row.kind == "campaign" and e.number == 1:
            return  # the subtree's rows were just built from the released content
        # What binds the plan's subtree changed (requirements, phase dates; or the plan
        # begins to govern): everything below is recounted when the batch settles.
        self.b.recount.add((row.campaign_id, row.path))
        if e.number > 1:
            self.settle()  # every child plan is written
            for child in PlanRow.objects.filter(parent_id=row.id).values_list("id", flat=True):
                OutboxMessage.objects.get_or_create(
                    key=upstream_key(child, e.number),
                    defaults={"actor_name": "mark_upstream_changed",
                              "payload": {"child_plan_id": str(child), "parent_version": e.number}},
                )

    def plan_progress_settings_changed(self, e: Plan.ProgressSettingsChanged) -> None:
        row = self.b.plans.get(e.originator_id)
        self.touch_plan(e, progress_settings={**row.progress_settings, **e.settings})
        self.settle()
        assess_campaign(row.campaign_id)  # the stored lights follow the new thresholds

    def _plan_status_changed(self, e, **fields: Any) -> PlanRow:
        row = self.touch_plan(e, **fields)
        if row.kind == "derived":
            progress = self.progress_row(row.campaign_id, row.node_id)
            if progress is not None:
                progress.plan_status = row.status
                progress.upstream_changed = row.upstream_version is not None
                self.b.changed.add((row.campaign_id, row.node_id))
                self.stale(row.campaign_id, row.node_id, "plan")
        return row

    def plan_reopened(self, e: Plan.Reopened) -> None:
        kind = self.b.plans.get(e.originator_id).kind
        self._plan_status_changed(e, status="amending" if kind == "campaign" else "draft")

    def plan_amendment_published(self, e: Plan.AmendmentPublished) -> None:
        self.touch_plan(e, status="published")

    def plan_submitted(self, e: Plan.Submitted) -> None:
        row = self.b.plans.get(e.originator_id)
        self._plan_status_changed(e, status="submitted", submissions=row.submissions + 1)

    def plan_approved(self, e: Plan.Approved) -> None:
        self._plan_status_changed(e, status="approved", return_reasons=[])

    def plan_returned(self, e: Plan.Returned) -> None:
        self._plan_status_changed(e, status="returned", return_reasons=e.reasons)

    def plan_upstream_changed(self, e: Plan.UpstreamChanged) -> None:
        self._plan_status_changed(e, upstream_version=e.parent_version, conflicts=e.conflicts)

    def plan_rebased(self, e: Plan.Rebased) -> None:
        self._plan_status_changed(
            e, upstream_version=None, conflicts=[], parent_version=e.parent_version,
            phases=e.sections["phases"], requirements=e.sections["requirements"],
            tasks=e.sections["tasks"],
        )
        self._tasks_changed(self.b.plans.get(e.originator_id))

    # -- tasks and their assignments (the 督办 of tasks reads them)

    def _tasks_changed(self, row: PlanRow) -> None:
        self.b.task_plans[row.id] = row

    def _edit_task(self, e, task_id: str, change: Callable[[dict], None]) -> None:
        row = self._edit_section(e, "tasks", lambda items: items.__setitem__(
            task_id, copy.deepcopy(items[task_id])))
        change(row.tasks[task_id])
        self._tasks_changed(row)

    def plan_task_added(self, e: Plan.TaskAdded) -> None:
        self._tasks_changed(self._edit_section(e, "tasks", lambda items: items.__setitem__(
            e.task["id"], e.task)))

    def plan_task_revised(self, e: Plan.TaskRevised) -> None:
        self._edit_task(e, e.task_id, lambda task: task.update(e.changes))

    def plan_task_removed(self, e: Plan.TaskRemoved) -> None:
        self._tasks_changed(self._edit_section(e, "tasks", lambda items: items.pop(e.task_id, None)))

    def plan_task_assigned(self, e: Plan.TaskAssigned) -> None:
        self._edit_task(e, e.task_id, lambda task: task.__setitem__(
            "assignments", [*task.get("assignments", []), e.assignment]))

    def plan_task_unassigned(self, e: Plan.TaskUnassigned) -> None:
        self._edit_task(e, e.task_id, lambda task: task.__setitem__(
            "assignments", [a for a in task.get("assignments", []) if a["unit_id"] != e.unit_id]))

    # -- activities

    def _evidence(self, kind: str, object_id: UUID, path: str, refs: Iterable[dict] | None) -> None:
        for ref in refs or []:
            self.b.refs.append(EvidenceRef(
                sha256=str(ref["sha256"]).lower(), object_id=object_id, object_kind=kind,
                path=path, filename=str(ref.get("filename") or "")[:255]))

    def activity_logged(self, e: Activity.Logged) -> None:
        unit = self.b.units.get(e.tenant_id)
        data = {k: getattr(e, k) for k in ("location", "roster", "leaders", "summary", "outcomes",
                                           "topic_ids", "evidence")}
        data["history"] = []  # the JSON column makes it plain (UUIDs as text …) when written
        self.b.acts.add(new_row(ActivityRow,
            id=e.originator_id, campaign_id=e.campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=unit.path, logged_by=e.actor, kind=e.kind, title=e.title, start=e.start, end=e.end,
            participants=e.participants or 0, hours=e.hours, phase_id=e.phase_id, task_id=e.task_id,
            status="logged", data=data, logged_at=e.timestamp, updated_at=e.timestamp,
        ))
        self._evidence("activity", e.originator_id, unit.path, e.evidence)
        self.stale(e.campaign_id, e.tenant_id, "activities")

    def _activity_changed(self, e, status: str, reason: str, changes: dict | None = None) -> None:
        row = self.b.acts.get(e.originator_id)
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
        row.data, row.status, row.updated_at = jsonable(data), status, e.timestamp
        self.b.acts.touch(row)
        self._evidence("activity", row.id, row.path, (changes or {}).get("evidence"))
        self.stale(row.campaign_id, row.node_id, "activities")

    def activity_corrected(self, e: Activity.Corrected) -> None:
        self._activity_changed(e, "logged", e.reason, e.changes)

    def activity_retracted(self, e: Activity.Retracted) -> None:
        self._activity_changed(e, "retracted", e.reason)

    def activity_returned(self, e: Activity.Returned) -> None:
        self._activity_changed(e, "returned", e.reason)

    # -- suggestions

    def suggestion_submitted(self, e: Suggestion.Submitted) -> None:
        unit = self.b.units.get(e.tenant_id)
        campaign_id = self.b.plans.get(e.plan_id).campaign_id
        self.b.suggs.add(new_row(SuggestionRow,
            id=e.originator_id, campaign_id=campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=unit.path, author=e.actor, anonymous=e.anonymous, title=e.title, content=e.content,
            status="submitted", topic_ids=e.topic_ids, submitted_at=e.timestamp,
        ))
        self.stale(campaign_id, e.tenant_id, "suggestions")

    def _suggestion(self, e, **fields: Any) -> None:
        row = self.b.suggs.get(e.originator_id)
        for k, v in fields.items():
            setattr(row, k, v)
        self.b.suggs.touch(row)
        self.stale(row.campaign_id, row.node_id, "suggestions")

    def suggestion_categorised(self, e: Suggestion.Categorised) -> None:
        self._suggestion(e, category=e.category)

    def suggestion_adopted(self, e: Suggestion.Adopted) -> None:
        self._suggestion(e, status="adopted", adoption_note=e.note)

    def suggestion_answered(self, e: Suggestion.Answered) -> None:
        self._suggestion(e, answer=e.answer)

    # -- problems

    def problem_recorded(self, e: Problem.Recorded) -> None:
        unit = self.b.units.get(e.tenant_id)
        campaign_id = self.b.plans.get(e.plan_id).campaign_id
        self.b.probs.add(new_row(ProblemRow,
            id=e.originator_id, campaign_id=campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=unit.path, description=e.description, category=e.category, source=e.source,
            status="open", recorded_at=e.timestamp,
        ))
        self.stale(campaign_id, e.tenant_id, "problems")

    def _problem(self, e, entry: dict, **fields: Any) -> None:
        row = self.b.probs.get(e.originator_id)
        for k, v in fields.items():
            setattr(row, k, v)
        row.history = [*row.history, jsonable({
            "event": type(e).__qualname__.split(".")[-1], "actor": str(e.actor),
            "at": e.timestamp.isoformat(), **entry})]
        self.b.probs.touch(row)
        self._evidence("problem", row.id, row.path, entry.get("evidence"))
        self.stale(row.campaign_id, row.node_id, "problems")

    def problem_rectification_planned(self, e: Problem.RectificationPlanned) -> None:
        self._problem(e, {}, rectification=e.rectification, deadline=e.rectification["deadline"],
                      status="rectifying")

    def problem_progress_reported(self, e: Problem.ProgressReported) -> None:
        extra = {} if e.percent is None else {"percent": e.percent}
        self._problem(e, {"note": e.note, "percent": e.percent, "evidence": e.evidence}, **extra)

    def problem_completed(self, e: Problem.Completed) -> None:
        self._problem(e, {"summary": e.summary, "evidence": e.evidence}, status="completed")

    def problem_verified(self, e: Problem.Verified) -> None:
        self._problem(e, {"note": e.note}, status="verified")

    def problem_reopened(self, e: Problem.Reopened) -> None:
        row = self.b.probs.get(e.originator_id)
        self._problem(e, {"reason": e.reason}, status="rectifying", reopened=row.reopened + 1)

    # Which handler applies which event: written out, so a new event needs a line here
    # (tests/unit/test_projection_dispatch.py fails until it has one or is listed as ignored).
    HANDLERS: dict[type, Callable[..., None]] = {
        Plan.Created: plan_created,
        Plan.HeaderRevised: plan_header_revised,
        Plan.PhaseAdded: plan_phase_added,
        Plan.PhaseRevised: plan_phase_revised,
        Plan.PhaseRemoved: plan_phase_removed,
        Plan.RequirementAdded: plan_requirement_added,
        Plan.RequirementRemoved: plan_requirement_removed,
        Plan.Published: plan_published,
        Plan.VersionReleased: plan_version_released,
        Plan.ProgressSettingsChanged: plan_progress_settings_changed,
        Plan.Reopened: plan_reopened,
        Plan.AmendmentPublished: plan_amendment_published,
        Plan.Submitted: plan_submitted,
        Plan.Approved: plan_approved,
        Plan.Returned: plan_returned,
        Plan.UpstreamChanged: plan_upstream_changed,
        Plan.Rebased: plan_rebased,
        Plan.TaskAdded: plan_task_added,
        Plan.TaskRevised: plan_task_revised,
        Plan.TaskRemoved: plan_task_removed,
        Plan.TaskAssigned: plan_task_assigned,
        Plan.TaskUnassigned: plan_task_unassigned,
        Activity.Logged: activity_logged,
        Activity.Corrected: activity_corrected,
        Activity.Retracted: activity_retracted,
        Activity.Returned: activity_returned,
        Suggestion.Submitted: suggestion_submitted,
        Suggestion.Categorised: suggestion_categorised,
        Suggestion.Adopted: suggestion_adopted,
        Suggestion.Answered: suggestion_answered,
        Problem.Recorded: problem_recorded,
        Problem.RectificationPlanned: problem_rectification_planned,
        Problem.ProgressReported: problem_progress_reported,
        Problem.Completed: problem_completed,
        Problem.Verified: problem_verified,
        Problem.Reopened: problem_reopened,
        # What only moves the plan row's version (the row keeps no copy of it).
        Plan.LeadingGroupSet: touch_plan,
        Plan.TopicAdded: touch_plan,
        Plan.TopicRevised: touch_plan,
        Plan.TopicRemoved: touch_plan,
        Plan.TopicDeclined: touch_plan,
        Plan.TopicAccepted: touch_plan,
    }
