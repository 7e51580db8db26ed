"""The ``Campaigns`` application: the commands and queries of the campaign context.

Commands take the acting user (``actor``) and answer the notification id of the last event
they stored (for read-your-writes), or ``(new id, notification id)`` when they create
something. A command that breaks a rule raises :class:`DomainError` and stores nothing.
Plan-editing commands accept ``expected_version``: when given and the plan has moved on,
``Conflict("version_conflict")`` (HTTP 409). Two writers racing on one aggregate without an
expected version also end in ``Conflict("version_conflict")`` for the loser, never in a lost
update.

How a parent's amendment reaches its children
---------------------------------------------
Releasing a version of a plan stores ``Plan.VersionReleased(number, summary, content, diff)``
on the parent (the campaign's publication and amendments; a derived plan's approvals). The
parent does not know its children — the read side does (``Plan.Created`` events carry
``parent_id`` and ``parent_version``). A process policy (wired by the platform) reacts to
``Plan.VersionReleased`` with ``number > 1`` by calling, for every child of that plan,

    ``Campaigns.mark_upstream_changed(child_plan_id, parent_version, actor=None)``

which computes the diff between the version the child is based on and ``parent_version``
(:meth:`upstream_diff`), and stores ``Plan.UpstreamChanged(parent_version, diff, conflicts)``
on the child. It is idempotent (a repeated or stale call stores nothing and answers ``None``),
so the policy may safely re-run after a crash. The child then resolves the conflicts (narrow
a date, accept a declined topic, move a task …) and calls :meth:`rebase`, which stores
``Plan.Rebased`` with the merged content; until then it cannot submit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from taolun.events.campaigns import diff as diffs
from taolun.events.campaigns import window
from taolun.events.campaigns.domainmodel import Activity, Plan, Problem, Suggestion
from taolun.events.kernel import Conflict, NotFound, TaolunApplication

class Campaigns(TaolunApplication):
    snapshotting_intervals: ClassVar[dict[type[Aggregate], int]] = {
        Plan: 50,
        Activity: 20,
        Problem: 20,
        Suggestion: 20,
    }

    # ------------------------------------------------------------ helpers

    def _save(self, *aggregates: Aggregate | None) -> int:
        try:
            return self.save_all(*aggregates)
        except IntegrityError:
            raise Conflict("version_conflict", "记录已被他人同时修改，请刷新后重试") from None

    def _plan(self, plan_id: UUID, expected_version: int | None = None) -> Plan:
        plan = self.get_aggregate(Plan, plan_id, "plan_not_found", "方案不存在")
        plan.check_version(expected_version)
        return plan

    def _edit(self, plan_id: UUID, expected_version: int | None, command: str, *args: Any, **kwargs: Any) -> Any:
        plan = self._plan(plan_id, expected_version)
        result = getattr(plan, command)(*args, **kwargs)
        return result, self._save(plan)

    def campaign_window(self, plan: Plan) -> tuple[str, str] | None:
        """The overall window of the campaign at the top of ``plan``'s chain (latest release)."""
        campaign = plan if plan.campaign_id is None else self._plan(plan.campaign_id)
        return window.campaign_window(campaign.versions, campaign.phases)

    # ------------------------------------------------------------ plans: queries

    def get_plan(self, plan_id: UUID, version: int | None = None) -> Plan:
        """The plan now, or as it stood at aggregate ``version`` (for auditors)."""
        if version is None:
            return self._plan(plan_id)
        try:
            plan = self.repository.get(plan_id, version=version)
        except AggregateNotFoundError:
            raise NotFound("plan_not_found", "方案不存在", id=str(plan_id)) from None
        if not isinstance(plan, Plan):
            raise NotFound("plan_not_found", "方案不存在", id=str(plan_id))
        return plan

    def released_states(self, plan_id: UUID) -> list[int]:
        """The aggregate versions at which the plan stood as released: each VersionReleased
        (the last event of the publish/approve/amend command that released it)."""
        return [e.originator_version for e in self.events.get(plan_id)
                if isinstance(e, Plan.VersionReleased)]

    def get_released_plan(self, plan_id: UUID, version: int | None = None) -> Plan:
        """The plan as the units below may read it: as it stood at its latest release (or at
        the release whose aggregate version is ``version``), never a draft or an amendment in
        progress. Anything else answers like a missing plan."""
        states = self.released_states(plan_id)
        wanted = states[-1] if states and version is None else version
        if wanted not in states:
            raise NotFound("plan_not_found", "方案不存在", id=str(plan_id))
        return self.get_plan(plan_id, wanted)

    def version_diff(self, plan_id: UUID, old: int, new: int) -> dict[str, Any]:
        """The structured diff between two released versions of one plan."""
        plan = self._plan(plan_id)
        return diffs.content_diff(plan.version_content(old), plan.version_content(new))

    def upstream_diff(self, child_plan_id: UUID, parent_version: int | None = None) -> dict[str, Any]:
        """What changed in the parent since the version the child is based on."""
        child = self._plan(child_plan_id)
        if child.parent_id is None:
            raise NotFound("plan_has_no_parent", "该方案没有上级方案", id=str(child_plan_id))
        parent = self._plan(child.parent_id)
        target = parent.released_version if parent_version is None else parent_version
        return diffs.content_diff(
            parent.version_content(child.parent_version or 0), parent.version_content(target)
        )

    def rebase_conflicts(self, plan_id: UUID) -> list[dict[str, Any]]:
        return self._plan(plan_id).conflicts()

    # ------------------------------------------------------------ plans: authoring

    def author_campaign(self, actor: UUID, tenant_id: UUID, title: str, **header: Any) -> tuple[UUID, int]:
        plan = Plan.author(tenant_id=tenant_id, actor=actor, title=title, **header)
        return plan.id, self._save(plan)

    def revise_header(self, plan_id: UUID, actor: UUID, *, expected_version: int | None = None,
                      **fields: Any) -> int:
        return self._edit(plan_id, expected_version, "revise_header", actor, **fields)[1]

    def set_leading_group(self, plan_id: UUID, actor: UUID, leading_group: Mapping[str, Any], *,
                          expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "set_leading_group", actor, leading_group)[1]

    def add_topic(self, plan_id: UUID, actor: UUID, *, group: str, title: str, description: str = "",
                  mandatory: bool = False, expected_version: int | None = None) -> tuple[UUID, int]:
        return self._edit(plan_id, expected_version, "add_topic", actor, group=group, title=title,
                          description=description, mandatory=mandatory)

    def revise_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, *,
                     expected_version: int | None = None, **fields: Any) -> int:
        return self._edit(plan_id, expected_version, "revise_topic", actor, topic_id, **fields)[1]

    def remove_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, *,
                     expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "remove_topic", actor, topic_id)[1]

    def decline_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, reason: str, *,
                      expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "decline_topic", actor, topic_id, reason)[1]

    def accept_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, *,
                     expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "accept_topic", actor, topic_id)[1]

    def add_phase(self, plan_id: UUID, actor: UUID, *, name: str, start: Any, end: Any,
                  expected_version: int | None = None) -> tuple[UUID, int]:
        return self._edit(plan_id, expected_version, "add_phase", actor, name=name, start=start, end=end)

    def revise_phase(self, plan_id: UUID, actor: UUID, phase_id: UUID, *, name: str | None = None,
                     start: Any = None, end: Any = None, expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "revise_phase", actor, phase_id,
                          name=name, start=start, end=end)[1]

    def remove_phase(self, plan_id: UUID, actor: UUID, phase_id: UUID, *,
                     expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "remove_phase", actor, phase_id)[1]

    def add_task(self, plan_id: UUID, actor: UUID, *, title: str, phase_id: UUID | None = None,
                 description: str = "", responsible_units: Iterable[str] = (),
                 evidence_expected: str = "", due: Any = None,
                 expected_version: int | None = None) -> tuple[UUID, int]:
        return self._edit(plan_id, expected_version, "add_task", actor, title=title, phase_id=phase_id,
                          description=description, responsible_units=responsible_units,
                          evidence_expected=evidence_expected, due=due)

    def revise_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *,
                    expected_version: int | None = None, **fields: Any) -> int:
        return self._edit(plan_id, expected_version, "revise_task", actor, task_id, **fields)[1]

    def remove_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *,
                    expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "remove_task", actor, task_id)[1]

    def assign_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *, unit_id: UUID, owner: str,
                    due: Any = None, note: str = "", expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "assign_task", actor, task_id, unit_id=unit_id,
                          owner=owner, due=due, note=note)[1]

    def unassign_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *, unit_id: UUID,
                      expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "unassign_task", actor, task_id, unit_id=unit_id)[1]

    def add_requirement(self, plan_id: UUID, actor: UUID, *, kind: str, metric: str, minimum: Any,
                        per: str = "unit", scope: str = "campaign", phase_id: UUID | None = None,
                        description: str = "", expected_version: int | None = None) -> tuple[UUID, int]:
        return self._edit(plan_id, expected_version, "add_requirement", actor, kind=kind, metric=metric,
                          minimum=minimum, per=per, scope=scope, phase_id=phase_id,
                          description=description)

    def remove_requirement(self, plan_id: UUID, actor: UUID, requirement_id: UUID, *,
                           expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "remove_requirement", actor, requirement_id)[1]

    def set_progress_settings(self, plan_id: UUID, actor: UUID, *, expected_version: int | None = None,
                              **settings: Any) -> int:
        """A campaign's light thresholds: silent_days, pace_tolerance, red_share, yellow_share."""
        return self._edit(plan_id, expected_version, "set_progress_settings", actor, **settings)[1]

    # ------------------------------------------------------------ plans: lifecycle

    def publish(self, plan_id: UUID, actor: UUID, *, unit_ids: Iterable[UUID] | None = None,
                derive_deadline: Any, expected_version: int | None = None) -> int:
        """To the whole subtree (``unit_ids=None``) or to the given units."""
        return self._edit(plan_id, expected_version, "publish", actor, unit_ids=unit_ids,
                          derive_deadline=derive_deadline)[1]

    def reopen(self, plan_id: UUID, actor: UUID, reason: str, *,
               expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "reopen", actor, reason)[1]

    def publish_amendment(self, plan_id: UUID, actor: UUID, summary: str, *,
                          expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "publish_amendment", actor, summary)[1]

    def derive_plan(self, parent_id: UUID, actor: UUID, tenant_id: UUID,
                    title: str | None = None) -> tuple[UUID, int]:
        parent = self._plan(parent_id)
        plan = Plan.derive(parent=parent, tenant_id=tenant_id, actor=actor, title=title)
        return plan.id, self._save(plan)

    def submit(self, plan_id: UUID, actor: UUID, *, expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "submit", actor)[1]

    def approve(self, plan_id: UUID, actor: UUID, comment: str = "", *,
                expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "approve", actor, comment)[1]

    def return_plan(self, plan_id: UUID, actor: UUID, reasons: Iterable[str], *,
                    expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "return_plan", actor, reasons)[1]

    def mark_upstream_changed(self, child_plan_id: UUID, parent_version: int,
                              actor: UUID | None = None) -> int | None:
        """Tell a child that its parent released ``parent_version`` (idempotent)."""
        child = self._plan(child_plan_id)
        if child.parent_id is None:
            raise NotFound("plan_has_no_parent", "该方案没有上级方案", id=str(child_plan_id))
        change = self.upstream_diff(child_plan_id, parent_version)
        if not child.mark_upstream_changed(actor, parent_version=parent_version, diff=change):
            return None
        return self._save(child)

    def rebase(self, plan_id: UUID, actor: UUID, *, expected_version: int | None = None) -> int:
        return self._edit(plan_id, expected_version, "rebase", actor)[1]

    # ------------------------------------------------------------ activities

    def get_activity(self, activity_id: UUID) -> Activity:
        return self.get_aggregate(Activity, activity_id, "activity_not_found", "活动记录不存在")

    def log_activity(self, actor: UUID, tenant_id: UUID, plan_id: UUID, **fields: Any) -> tuple[UUID, int]:
        """Fields: kind, title, start, end (required); location, participants, roster, leaders,
        hours, summary, outcomes, phase_id, task_id, topic_ids, evidence."""
        plan = self._plan(plan_id)
        activity = Activity.log(tenant_id=tenant_id, actor=actor, plan=plan,
                                window=self.campaign_window(plan), **fields)
        return activity.id, self._save(activity)

    def correct_activity(self, activity_id: UUID, actor: UUID, reason: str, **changes: Any) -> int:
        activity = self.get_activity(activity_id)
        plan = self._plan(activity.plan_id)
        activity.correct(actor, reason=reason, window=self.campaign_window(plan), plan=plan, **changes)
        return self._save(activity)

    def retract_activity(self, activity_id: UUID, actor: UUID, reason: str) -> int:
        activity = self.get_activity(activity_id)
        activity.retract(actor, reason)
        return self._save(activity)

    def return_activity(self, activity_id: UUID, actor: UUID, reason: str) -> int:
        """驳回 by the parent."""
        activity = self.get_activity(activity_id)
        activity.return_entry(actor, reason)
        return self._save(activity)

    # ------------------------------------------------------------ suggestions

    def get_suggestion(self, suggestion_id: UUID) -> Suggestion:
        return self.get_aggregate(Suggestion, suggestion_id, "suggestion_not_found", "建议不存在")

    def submit_suggestion(self, actor: UUID, tenant_id: UUID, plan_id: UUID, *, title: str,
                          content: str, anonymous: bool = False,
                          topic_ids: Iterable[UUID] = ()) -> tuple[UUID, int]:
        suggestion = Suggestion.submit(tenant_id=tenant_id, actor=actor, plan=self._plan(plan_id),
                                       title=title, content=content, anonymous=anonymous,
                                       topic_ids=topic_ids)
        return suggestion.id, self._save(suggestion)

    def unmask_suggestion_author(self, suggestion_id: UUID, actor: UUID) -> tuple[UUID, int]:
        """An auditor's read of an anonymous author: it is itself recorded (who, when)."""
        suggestion = self.get_suggestion(suggestion_id)
        suggestion.unmask(actor)
        return suggestion.author, self._save(suggestion)

    def categorise_suggestion(self, suggestion_id: UUID, actor: UUID, category: str) -> int:
        suggestion = self.get_suggestion(suggestion_id)
        suggestion.categorise(actor, category)
        return self._save(suggestion)

    def adopt_suggestion(self, suggestion_id: UUID, actor: UUID, note: str = "") -> int:
        suggestion = self.get_suggestion(suggestion_id)
        suggestion.adopt(actor, note)
        return self._save(suggestion)

    def answer_suggestion(self, suggestion_id: UUID, actor: UUID, answer: str) -> int:
        suggestion = self.get_suggestion(suggestion_id)
        suggestion.reply(actor, answer)
        return self._save(suggestion)

    # ------------------------------------------------------------ problems and rectifications

    def get_problem(self, problem_id: UUID) -> Problem:
        return self.get_aggregate(Problem, problem_id, "problem_not_found", "问题不存在")

    def record_problem(self, actor: UUID, tenant_id: UUID, plan_id: UUID, *, description: str,
                       category: str, source: str = "") -> tuple[UUID, int]:
        problem = Problem.record(tenant_id=tenant_id, actor=actor, plan=self._plan(plan_id),
                                 description=description, category=category, source=source)
        return problem.id, self._save(problem)

    def plan_rectification(self, problem_id: UUID, actor: UUID, *, measures: Iterable[str],
                           lead_leader: str, responsible_units: Iterable[str], deadline: Any) -> int:
        problem = self.get_problem(problem_id)
        problem.plan_rectification(actor, measures=measures, lead_leader=lead_leader,
                                   responsible_units=responsible_units, deadline=deadline)
        return self._save(problem)

    def report_rectification_progress(self, problem_id: UUID, actor: UUID, *, note: str,
                                      percent: int | None = None, evidence: Any = None) -> int:
        problem = self.get_problem(problem_id)
        problem.report_progress(actor, note=note, percent=percent, evidence=evidence)
        return self._save(problem)

    def complete_rectification(self, problem_id: UUID, actor: UUID, *, summary: str, evidence: Any) -> int:
        problem = self.get_problem(problem_id)
        problem.complete(actor, summary=summary, evidence=evidence)
        return self._save(problem)

    def verify_rectification(self, problem_id: UUID, actor: UUID, note: str = "") -> int:
        problem = self.get_problem(problem_id)
        problem.verify(actor, note)
        return self._save(problem)

    def reopen_problem(self, problem_id: UUID, actor: UUID, reason: str) -> int:
        problem = self.get_problem(problem_id)
        problem.reopen(actor, reason)
        return self._save(problem)
