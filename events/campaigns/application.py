"""The ``Campaigns`` application: the commands and queries of the campaign context.

Every command is get → check → call → save, spelled out (no method looked up by name): the
rules that need the organisation tree or the evidence store are checked here through the
ports the composition root hands in (:mod:`.ports`, :mod:`.tree_rules`), the rules of one
aggregate by the aggregate itself. Every entry point (API, pages, import, CLI, worker) calls
these methods, so each rule has this one home. The module is longer than ~400 lines for
that reason: it is the one application service of the context, one short method per
command.

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
from taolun.events.campaigns import rules
from taolun.events.campaigns import tree_rules as tree
from taolun.events.campaigns import window
from taolun.events.campaigns.activity import Activity
from taolun.events.campaigns.plan import Plan
from taolun.events.campaigns.ports import EvidenceStore, OrgTree
from taolun.events.campaigns.problem import Problem
from taolun.events.campaigns.suggestion import Suggestion
from taolun.events.campaigns.unit_plan import UnitPlan
from taolun.events.kernel import Conflict, DomainError, NotFound, TaolunApplication
from taolun.events.topics import every_topic
from taolun.events.shared_aggregates import SharedAggregates

# Plans kept for :meth:`Campaigns._read_plan` (a city has one per school and bureau).
PLANS_READ_CACHE = 5000
PLAN_EXISTS = ("plan_exists", "本单位已有该活动的实施方案")


class Campaigns(TaolunApplication):
    snapshotting_intervals: ClassVar[dict[type[Aggregate], int]] = {
        Plan: 50,
        Activity: 20,
        Problem: 20,
        Suggestion: 20,
    }

    def __init__(self, env: Mapping[str, str] | None = None, *, org: OrgTree | None = None,
                 evidence: EvidenceStore | None = None) -> None:
        super().__init__(env)
        self._org = org
        self._evidence = evidence
        # Plans a command reads and never changes (the plan an entry is logged against, the
        # campaign whose window bounds it), shared across requests: one query for the
        # events after the kept version instead of the snapshot and the events, decoded.
        self._plans_read = SharedAggregates(self, PLANS_READ_CACHE)

    # ------------------------------------------------------------ helpers

    @property
    def org(self) -> OrgTree:
        if self._org is None:  # a rule must never be skipped for want of its port
            raise RuntimeError("Campaigns was built without the organisation tree (org=...)")
        return self._org

    @property
    def evidence(self) -> EvidenceStore:
        if self._evidence is None:
            raise RuntimeError("Campaigns was built without the evidence store (evidence=...)")
        return self._evidence

    def _save(self, *aggregates: Aggregate | None, created: UUID | None = None) -> int:
        try:
            return self.save_all(*aggregates, created=created)
        except IntegrityError:
            raise Conflict("version_conflict", "记录已被他人同时修改，请刷新后重试") from None

    def _plan(self, plan_id: UUID, expected_version: int | None = None) -> Plan:
        plan = self.get_aggregate(Plan, plan_id, "plan_not_found", "方案不存在")
        plan.check_version(expected_version)
        return plan

    def _read_plan(self, plan_id: UUID) -> Plan:
        """The plan now, shared and READ-ONLY (:mod:`taolun.events.shared_aggregates`): never
        mutate it; a command that changes a plan loads it with :meth:`_plan`."""
        plan = self._plans_read.find(plan_id, Plan)
        return plan if plan is not None else self._plan(plan_id)  # refused as every lookup of a plan is

    def _stored(self, aggregate_id: UUID) -> bool:
        return bool(list(self.events.get(originator_id=aggregate_id, limit=1)))

    def _check_evidence(self, actor: UUID | None, refs: Any) -> None:
        """Only files the actor may cite (see :class:`EvidenceStore`); the shape of the
        references is the aggregate's to check."""
        items = [refs] if isinstance(refs, Mapping) else refs
        if items is None or isinstance(items, str) or not isinstance(items, Iterable):
            return
        for ref in items:
            if not isinstance(ref, Mapping):
                continue
            sha = str(ref.get("sha256", ""))
            if not self.evidence.citable(actor, sha.lower()):
                raise DomainError("evidence_not_found", "佐证材料未上传或已丢失，请先上传文件",
                                  field="evidence.sha256", sha256=sha[:64])

    def campaign_window(self, plan: Plan) -> tuple[str, str] | None:
        """The overall window of the campaign at the top of ``plan``'s chain (latest release)."""
        campaign = plan if plan.campaign_id is None else self._read_plan(plan.campaign_id)
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

    # ------------------------------------------------------------ plans: creation

    def author_campaign(self, actor: UUID, tenant_id: UUID, title: str, **header: Any) -> tuple[UUID, int]:
        plan = Plan.author(tenant_id=tenant_id, actor=actor, title=title, **header)
        return plan.id, self.store_new_plan(plan)

    def derive_plan(self, parent_id: UUID, actor: UUID, tenant_id: UUID,
                    title: str | None = None) -> tuple[UUID, int]:
        parent = self._plan(parent_id)
        tree.check_may_derive(self.org, parent, tenant_id)
        plan = Plan.derive(parent=parent, tenant_id=tenant_id, actor=actor, title=title)
        return plan.id, self.store_new_plan(plan)

    def store_new_plan(self, plan: Plan) -> int:
        """The one way a new plan is stored (authored, derived or imported): where it may be
        created is checked, and a derived plan claims its unit's place in the campaign
        (:class:`UnitPlan`) in the same atomic append. A unit that has a plan in the
        campaign, or a racing writer that stored one first, answers 409 ``plan_exists``."""
        if plan.parent_id is None:
            tree.check_may_author(self.org, plan.tenant_id)
            return self._save(plan)
        tree.check_may_derive(self.org, self._plan(plan.parent_id), plan.tenant_id)
        index_id = UnitPlan.id_for(plan.root_id, plan.tenant_id)
        if self._stored(index_id):
            raise Conflict(*PLAN_EXISTS, field="tenant_id")
        created = plan.pending_events[0]
        index = UnitPlan(tenant_id=plan.tenant_id, actor=created.actor, campaign_id=plan.root_id,  # type: ignore[attr-defined]
                         plan_id=plan.id)
        try:
            return self.save_all(plan, index)
        except IntegrityError:
            if self._stored(index_id):  # the other writer's index (version 1) came first
                raise Conflict(*PLAN_EXISTS, field="tenant_id") from None
            raise Conflict("version_conflict", "记录已被他人同时修改，请刷新后重试") from None

    def index_earlier_plans(self) -> int:
        """Derived plans stored before the :class:`UnitPlan` index existed claim their
        unit's place now (the first plan of a unit in a campaign; history is not rewritten,
        so a second one from that time stays). Idempotent, safe for processes starting at
        once; answers how many places were claimed."""
        claimed, start = 0, 1
        topics = sorted(every_topic(Plan.Created))
        while batch := self.recorder.select_notifications(start=start, limit=500, topics=topics):
            for notification in batch:
                created = self.mapper.to_domain_event(notification)
                index_id = UnitPlan.id_for(created.campaign_id, created.tenant_id)
                if created.kind != "derived" or self._stored(index_id):
                    continue
                try:
                    self.save(UnitPlan(tenant_id=created.tenant_id, actor=None,
                                       campaign_id=created.campaign_id, plan_id=created.originator_id))
                    claimed += 1
                except IntegrityError:  # another process claimed it first
                    pass
            start = batch[-1].id + 1
        return claimed

    # ------------------------------------------------------------ plans: authoring

    def revise_header(self, plan_id: UUID, actor: UUID, *, expected_version: int | None = None,
                      **fields: Any) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.revise_header(actor, **fields)
        return self._save(plan)

    def set_leading_group(self, plan_id: UUID, actor: UUID, leading_group: Mapping[str, Any], *,
                          expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.set_leading_group(actor, leading_group)
        return self._save(plan)

    def add_topic(self, plan_id: UUID, actor: UUID, *, group: str, title: str, description: str = "",
                  mandatory: bool = False, expected_version: int | None = None) -> tuple[UUID, int]:
        plan = self._plan(plan_id, expected_version)
        topic_id = plan.add_topic(actor, group=group, title=title, description=description,
                                  mandatory=mandatory)
        return topic_id, self._save(plan, created=topic_id)

    def revise_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, *,
                     expected_version: int | None = None, **fields: Any) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.revise_topic(actor, topic_id, **fields)
        return self._save(plan)

    def remove_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, *,
                     expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.remove_topic(actor, topic_id)
        return self._save(plan)

    def decline_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, reason: str, *,
                      expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.decline_topic(actor, topic_id, reason)
        return self._save(plan)

    def accept_topic(self, plan_id: UUID, actor: UUID, topic_id: UUID, *,
                     expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.accept_topic(actor, topic_id)
        return self._save(plan)

    def add_phase(self, plan_id: UUID, actor: UUID, *, name: str, start: Any, end: Any,
                  expected_version: int | None = None) -> tuple[UUID, int]:
        plan = self._plan(plan_id, expected_version)
        phase_id = plan.add_phase(actor, name=name, start=start, end=end)
        return phase_id, self._save(plan, created=phase_id)

    def revise_phase(self, plan_id: UUID, actor: UUID, phase_id: UUID, *, name: str | None = None,
                     start: Any = None, end: Any = None, expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.revise_phase(actor, phase_id, name=name, start=start, end=end)
        return self._save(plan)

    def remove_phase(self, plan_id: UUID, actor: UUID, phase_id: UUID, *,
                     expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.remove_phase(actor, phase_id)
        return self._save(plan)

    def add_task(self, plan_id: UUID, actor: UUID, *, title: str, phase_id: UUID | None = None,
                 description: str = "", responsible_units: Iterable[str] = (),
                 evidence_expected: str = "", due: Any = None,
                 expected_version: int | None = None) -> tuple[UUID, int]:
        plan = self._plan(plan_id, expected_version)
        task_id = plan.add_task(actor, title=title, phase_id=phase_id, description=description,
                                responsible_units=responsible_units,
                                evidence_expected=evidence_expected, due=due)
        return task_id, self._save(plan, created=task_id)

    def revise_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *,
                    expected_version: int | None = None, **fields: Any) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.revise_task(actor, task_id, **fields)
        return self._save(plan)

    def remove_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *,
                    expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.remove_task(actor, task_id)
        return self._save(plan)

    def assign_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *, unit_id: UUID, owner: str,
                    due: Any = None, note: str = "", expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        tree.check_assignee(self.org, plan, UUID(rules.item_id(unit_id, "unit_id")))
        plan.assign_task(actor, task_id, unit_id=unit_id, owner=owner, due=due, note=note)
        return self._save(plan)

    def unassign_task(self, plan_id: UUID, actor: UUID, task_id: UUID, *, unit_id: UUID,
                      expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.unassign_task(actor, task_id, unit_id=unit_id)
        return self._save(plan)

    def add_requirement(self, plan_id: UUID, actor: UUID, *, kind: str, metric: str, minimum: Any,
                        per: str = "unit", scope: str = "campaign", phase_id: UUID | None = None,
                        description: str = "", expected_version: int | None = None) -> tuple[UUID, int]:
        plan = self._plan(plan_id, expected_version)
        requirement_id = plan.add_requirement(actor, kind=kind, metric=metric, minimum=minimum,
                                              per=per, scope=scope, phase_id=phase_id,
                                              description=description)
        return requirement_id, self._save(plan, created=requirement_id)

    def remove_requirement(self, plan_id: UUID, actor: UUID, requirement_id: UUID, *,
                           expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.remove_requirement(actor, requirement_id)
        return self._save(plan)

    def set_progress_settings(self, plan_id: UUID, actor: UUID, *, expected_version: int | None = None,
                              **settings: Any) -> int:
        """A campaign's light thresholds: silent_days, pace_tolerance, red_share, yellow_share."""
        plan = self._plan(plan_id, expected_version)
        plan.set_progress_settings(actor, **settings)
        return self._save(plan)

    # ------------------------------------------------------------ plans: lifecycle

    def publish(self, plan_id: UUID, actor: UUID, *, unit_ids: Iterable[UUID] | None = None,
                derive_deadline: Any, expected_version: int | None = None) -> int:
        """To the whole subtree (``unit_ids=None``) or to the given units below the plan's."""
        plan = self._plan(plan_id, expected_version)
        if unit_ids is not None:
            unit_ids = rules.uuid_list(unit_ids, "unit_ids")
            tree.check_publication_targets(self.org, plan, unit_ids)
        plan.publish(actor, unit_ids=unit_ids, derive_deadline=derive_deadline)
        return self._save(plan)

    def reopen(self, plan_id: UUID, actor: UUID, reason: str, *,
               expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.reopen(actor, reason)
        return self._save(plan)

    def publish_amendment(self, plan_id: UUID, actor: UUID, summary: str, *,
                          expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.publish_amendment(actor, summary)
        return self._save(plan)

    def submit(self, plan_id: UUID, actor: UUID, *, expected_version: int | None = None) -> int:
        plan = self._plan(plan_id, expected_version)
        plan.submit(actor)
        return self._save(plan)

    def _under_review(self, plan_id: UUID, actor: UUID | None, expected_version: int | None) -> Plan:
        """A derived plan, read for its parent unit's admin (a campaign has no reviewer: the
        aggregate refuses it)."""
        plan = self._plan(plan_id, expected_version)
        if plan.parent_id is not None:
            tree.check_parent_admin(self.org, actor, self._plan(plan.parent_id))
        return plan

    def approve(self, plan_id: UUID, actor: UUID, comment: str = "", *,
                expected_version: int | None = None) -> int:
        plan = self._under_review(plan_id, actor, expected_version)
        plan.approve(actor, comment)
        return self._save(plan)

    def return_plan(self, plan_id: UUID, actor: UUID, reasons: Iterable[str], *,
                    expected_version: int | None = None) -> int:
        plan = self._under_review(plan_id, actor, expected_version)
        plan.return_plan(actor, reasons)
        return self._save(plan)

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
        plan = self._plan(plan_id, expected_version)
        plan.rebase(actor)
        return self._save(plan)

    # ------------------------------------------------------------ activities

    def get_activity(self, activity_id: UUID) -> Activity:
        return self.get_aggregate(Activity, activity_id, "activity_not_found", "活动记录不存在")

    def log_activity(self, actor: UUID, tenant_id: UUID, plan_id: UUID, **fields: Any) -> tuple[UUID, int]:
        """Fields: kind, title, start, end (required); location, participants, roster, leaders,
        hours, summary, outcomes, phase_id, task_id, topic_ids, evidence."""
        plan = self._read_plan(plan_id)
        tree.check_plan_for_unit(self.org, plan, tenant_id)
        self._check_evidence(actor, fields.get("evidence"))
        activity = Activity.log(tenant_id=tenant_id, actor=actor, plan=plan,
                                window=self.campaign_window(plan), **fields)
        return activity.id, self._save(activity)

    def correct_activity(self, activity_id: UUID, actor: UUID, reason: str, **changes: Any) -> int:
        activity = self.get_activity(activity_id)
        tree.check_own_entry(self.org, actor, activity.logged_by, activity.tenant_id)
        self._check_evidence(actor, changes.get("evidence"))
        plan = self._plan(activity.plan_id)
        activity.correct(actor, reason=reason, window=self.campaign_window(plan), plan=plan, **changes)
        return self._save(activity)

    def retract_activity(self, activity_id: UUID, actor: UUID, reason: str) -> int:
        activity = self.get_activity(activity_id)
        tree.check_own_entry(self.org, actor, activity.logged_by, activity.tenant_id)
        activity.retract(actor, reason)
        return self._save(activity)

    def return_activity(self, activity_id: UUID, actor: UUID, reason: str) -> int:
        """驳回 by the parent."""
        activity = self.get_activity(activity_id)
        tree.check_supervisor(self.org, actor, activity.tenant_id)
        activity.return_entry(actor, reason)
        return self._save(activity)

    # ------------------------------------------------------------ suggestions

    def get_suggestion(self, suggestion_id: UUID) -> Suggestion:
        return self.get_aggregate(Suggestion, suggestion_id, "suggestion_not_found", "建议不存在")

    def submit_suggestion(self, actor: UUID, tenant_id: UUID, plan_id: UUID, *, title: str,
                          content: str, anonymous: bool = False,
                          topic_ids: Iterable[UUID] = ()) -> tuple[UUID, int]:
        plan = self._plan(plan_id)
        tree.check_plan_for_unit(self.org, plan, tenant_id)
        suggestion = Suggestion.submit(tenant_id=tenant_id, actor=actor, plan=plan,
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
        plan = self._plan(plan_id)
        tree.check_plan_for_unit(self.org, plan, tenant_id)
        problem = Problem.record(tenant_id=tenant_id, actor=actor, plan=plan,
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
        self._check_evidence(actor, evidence)
        problem.report_progress(actor, note=note, percent=percent, evidence=evidence)
        return self._save(problem)

    def complete_rectification(self, problem_id: UUID, actor: UUID, *, summary: str, evidence: Any) -> int:
        problem = self.get_problem(problem_id)
        self._check_evidence(actor, evidence)
        problem.complete(actor, summary=summary, evidence=evidence)
        return self._save(problem)

    def verify_rectification(self, problem_id: UUID, actor: UUID, note: str = "") -> int:
        problem = self.get_problem(problem_id)
        tree.check_supervisor(self.org, actor, problem.tenant_id)
        problem.verify(actor, note)
        return self._save(problem)

    def reopen_problem(self, problem_id: UUID, actor: UUID, reason: str) -> int:
        problem = self.get_problem(problem_id)
        tree.check_supervisor(self.org, actor, problem.tenant_id)
        problem.reopen(actor, reason)
        return self._save(problem)
