"""The Plan aggregate: a campaign (活动方案) or a derived 实施方案.

Style as in the eventsourcing examples: each public command method checks its rules and then
calls a private ``@event``-decorated method, whose body is the only place state changes (it
runs again on replay). A violated rule raises :class:`DomainError` before anything is
triggered, so a failed command appends nothing.

Why this module is long (~720 lines): a plan is ONE consistency boundary — its header,
sections, lifecycle, versions and upstream changes are guarded together (a phase's dates
bound its tasks' due dates, a pending upstream change blocks submission, a release freezes
the visible content). Splitting the class would spread one invariant over several files;
the pure parts already live elsewhere (:mod:`.rules`, :mod:`.diff`, :mod:`.items`).

Event attributes are plain JSON values (str, int, Decimal, bool, list, dict, UUID); dates are
ISO strings (see :mod:`taolun.events.campaigns.rules`). Every event has ``tenant_id`` (the node
the aggregate belongs to) and ``actor`` (the user).


Plan lifecycle
--------------
A *campaign* (``kind="campaign"``) is authored by a bureau: ``draft`` → ``publish`` →
``published`` (version 1) → ``reopen`` → ``amending`` → ``publish_amendment`` → ``published``
(version 2, with a change summary and a diff) …

A *derived* plan (``kind="derived"``) starts from a released version of its parent (a campaign
or another derived plan): ``draft`` → ``submit`` → ``submitted`` → ``approve`` → ``approved``
(which releases a version its own children can derive from) | ``return_plan`` → ``returned``
→ ``submit`` (a resubmission) … An approved plan is changed again after ``reopen`` (→ draft).
Content is editable only in ``draft``, ``returned`` and ``amending``.

Every ``VersionReleased`` event holds the released (visible) content, so the diff between any
two versions of a parent can be computed from the parent alone.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from taolun.events.campaigns import diff as diffs
from taolun.events.campaigns import rules
from taolun.events.campaigns.items import ITEM_NAMES, item_not_found
from taolun.events.kernel import Conflict, DomainError, Forbidden, NotFound, TaolunAggregate

EDITABLE = ("draft", "returned", "amending")


class Plan(TaolunAggregate):
    """A campaign or a derived 实施方案."""

    @event("Created")
    def __init__(
        self,
        *,
        tenant_id: UUID,
        actor: UUID,
        kind: str,
        header: dict[str, Any],
        parent_id: UUID | None,
        parent_version: int | None,
        campaign_id: UUID | None,
        sections: dict[str, dict[str, dict[str, Any]]],
    ) -> None:
        self.tenant_id = tenant_id
        self.kind = kind
        self.header = {
            "title": "", "slogan": "", "theme": "", "basis_documents": [],
            "guiding_ideology": "", "general_requirements": "", "goals": [], "principles": [],
            **header,
        }
        self.leading_group: dict[str, Any] | None = None
        self.parent_id = parent_id
        self.parent_version = parent_version
        self.campaign_id = campaign_id
        self.sections = sections
        self.status = "draft"
        self.versions: list[dict[str, Any]] = []
        self.publication: dict[str, Any] | None = None
        self.upstream: dict[str, Any] | None = None
        self.return_reasons: list[str] = []
        self.submissions = 0

    # ------------------------------------------------------------ creation

    @classmethod
    def author(cls, *, tenant_id: UUID, actor: UUID, title: str, **header: Any) -> Plan:
        """A bureau authors a new campaign (a draft)."""
        changes = rules.header_changes({"title": title, **header})
        return cls(
            tenant_id=tenant_id, actor=actor, kind="campaign", header=changes,
            parent_id=None, parent_version=None, campaign_id=None,
            sections=diffs.empty_sections(),
        )

    @classmethod
    def derive(
        cls, *, parent: Plan, tenant_id: UUID, actor: UUID, title: str | None = None
    ) -> Plan:
        """A unit derives its own plan from the parent's latest released version."""
        if not parent.versions:
            raise DomainError("parent_not_released", "上级方案尚未发布，不能制定实施方案")
        pub = parent.publication
        if pub and pub["scope"] == "units" and tenant_id not in pub["unit_ids"]:
            raise Forbidden("not_a_publication_target", "上级方案未下发到本单位", tenant_id=str(tenant_id))
        if tenant_id == parent.tenant_id:
            raise DomainError("derive_from_own_plan", "不能从本单位自己的方案派生")
        latest = parent.versions[-1]
        header = {k: copy.deepcopy(v) for k, v in parent.header.items()}
        header["title"] = rules.text(title, "title", max_length=200) if title else header["title"]
        return cls(
            tenant_id=tenant_id, actor=actor, kind="derived", header=header,
            parent_id=parent.id, parent_version=latest["number"], campaign_id=parent.root_id,
            sections=diffs.inherit(latest["content"]),
        )

    # ------------------------------------------------------------ queries

    @property
    def root_id(self) -> UUID:
        """The campaign at the top of this plan's derivation chain."""
        return self.campaign_id or self.id

    @property
    def topics(self) -> dict[str, dict[str, Any]]:
        return self.sections["topics"]

    @property
    def phases(self) -> dict[str, dict[str, Any]]:
        return self.sections["phases"]

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        return self.sections["tasks"]

    @property
    def requirements(self) -> dict[str, dict[str, Any]]:
        return self.sections["requirements"]

    @property
    def released_version(self) -> int:
        return self.versions[-1]["number"] if self.versions else 0

    def window(self) -> tuple[str, str] | None:
        """The plan's overall window (earliest phase start … latest phase end)."""
        return rules.overall_window(self.phases.values())

    def version_content(self, number: int) -> dict[str, Any]:
        for v in self.versions:
            if v["number"] == number:
                return v["content"]
        raise NotFound("version_not_found", f"版本 {number} 不存在", version=number)

    def conflicts(self) -> list[dict[str, Any]]:
        """What blocks a rebase onto the pending upstream change (empty if none pending)."""
        if self.upstream is None:
            return []
        return diffs.apply_upstream(self.sections, self.upstream["diff"])[1]

    def missing_items(self) -> list[dict[str, Any]]:
        """What must be there before the plan is published or submitted."""
        missing = []
        if not self.header["title"]:
            missing.append({"item": "title", "message": "缺少标题"})
        if not self.phases:
            missing.append({"item": "phases", "message": "至少需要一个阶段"})
        if not [t for t in self.topics.values() if not t.get("declined")]:
            missing.append({"item": "topics", "message": "至少需要一个讨论题目"})
        for iid, t in self.topics.items():
            if t["origin"] == "inherited" and t["mandatory"] and t.get("declined"):
                missing.append({"item": "topics", "id": iid, "message": f"必选题目“{t['title']}”未采纳"})
        return missing

    def check_version(self, expected_version: int | None) -> None:
        if expected_version is not None and expected_version != self.version:
            raise Conflict(
                "version_conflict", "方案已被他人修改，请刷新后重试",
                expected_version=expected_version, actual_version=self.version,
            )

    # ------------------------------------------------------------ guards

    def _check_editable(self) -> None:
        if self.status not in EDITABLE:
            raise DomainError(
                "plan_not_editable", f"方案当前状态（{self.status}）不可修改", status=self.status
            )

    def _get(self, section: str, iid: Any) -> dict[str, Any]:
        key = rules.item_id(iid)
        try:
            return self.sections[section][key]
        except KeyError:
            raise item_not_found(section, key) from None

    def _local(self, section: str, iid: Any) -> dict[str, Any]:
        item = self._get(section, iid)
        if item["origin"] != "local":
            raise DomainError(
                "inherited_item_readonly", f"继承自上级的{ITEM_NAMES[section]}不能修改",
                section=section, id=item["id"],
            )
        return item

    def _effective_phases(self) -> dict[str, dict[str, Any]]:
        """Phases with their parent windows as they will be once the pending change is taken.

        While an upstream change is pending, date edits are checked against the parent's
        *new* windows: that is how a conflict gets resolved before the rebase.
        """
        if self.upstream is None:
            return self.phases
        merged = diffs.apply_upstream(self.sections, self.upstream["diff"])[0]["phases"]
        return {**{k: v for k, v in self.phases.items() if k not in merged}, **merged}

    def _parent_window(self) -> tuple[str, str] | None:
        if self.kind == "campaign":
            return None
        return rules.overall_window(
            {"start": p["parent_start"], "end": p["parent_end"]}
            for p in self._effective_phases().values()
            if p["origin"] == "inherited"
        )

    def _check_phase_dates(self, phase: Mapping[str, Any] | None, start: str, end: str) -> None:
        if phase is not None and phase["origin"] == "inherited":
            eff = self._effective_phases().get(phase["id"], phase)
            rules.check_inside(
                start, end, eff["parent_start"], eff["parent_end"],
                code="outside_parent_window", phase_id=phase["id"],
            )
            return
        window = self._parent_window()
        if window:
            rules.check_inside(start, end, *window, code="outside_parent_window")

    def _check_due(self, phase_id: str | None, due: str | None) -> None:
        if due is None:
            return
        if phase_id is not None:
            phase = self._effective_phases().get(phase_id, self.phases[phase_id])
            if not phase["start"] <= due <= phase["end"]:
                raise DomainError(
                    "task_due_outside_phase", f"完成时限 {due} 不在所属阶段内",
                    due=due, phase_start=phase["start"], phase_end=phase["end"],
                )
            return
        window = self.window() or self._parent_window()
        if window and not window[0] <= due <= window[1]:
            raise DomainError(
                "task_due_outside_plan", f"完成时限 {due} 不在方案时间范围内",
                due=due, window_start=window[0], window_end=window[1],
            )

    def _phase_ref(self, phase_id: Any) -> str | None:
        if phase_id is None:
            return None
        return self._get("phases", phase_id)["id"]

    # ------------------------------------------------------------ header, leading group

    def revise_header(self, actor: UUID, **fields: Any) -> None:
        self._check_editable()
        changes = rules.header_changes(fields)
        changes = {k: v for k, v in changes.items() if self.header.get(k) != v}
        if changes:
            self._header_revised(tenant_id=self.tenant_id, actor=actor, changes=changes)

    @event("HeaderRevised")
    def _header_revised(self, tenant_id: UUID, actor: UUID, changes: dict[str, Any]) -> None:
        self.header.update(changes)

    def set_leading_group(self, actor: UUID, leading_group: Mapping[str, Any]) -> None:
        self._check_editable()
        self._leading_group_set(
            tenant_id=self.tenant_id, actor=actor, leading_group=rules.leading_group(leading_group)
        )

    @event("LeadingGroupSet")
    def _leading_group_set(self, tenant_id: UUID, actor: UUID, leading_group: dict[str, Any]) -> None:
        self.leading_group = leading_group

    # ------------------------------------------------------------ topics

    def add_topic(
        self, actor: UUID, *, group: str, title: str, description: str = "",
        mandatory: bool = False, topic_id: UUID | None = None,
    ) -> UUID:
        self._check_editable()
        iid = rules.item_id(topic_id or uuid4())
        if iid in self.topics:
            raise Conflict("duplicate_id", "标识已存在", id=iid)
        topic = {
            "id": iid, "group": rules.text(group, "group", required=False),
            "title": rules.text(title, "title", max_length=500),
            "description": rules.text(description, "description", required=False),
            "mandatory": bool(mandatory), "origin": "local", "declined": None,
        }
        self._topic_added(tenant_id=self.tenant_id, actor=actor, topic=topic)
        return UUID(iid)

    @event("TopicAdded")
    def _topic_added(self, tenant_id: UUID, actor: UUID, topic: dict[str, Any]) -> None:
        self.topics[topic["id"]] = topic

    def revise_topic(self, actor: UUID, topic_id: Any, **fields: Any) -> None:
        self._check_editable()
        topic = self._local("topics", topic_id)
        allowed = {"group", "title", "description", "mandatory"}
        if set(fields) - allowed:
            raise DomainError("unknown_field", "未知字段", fields=sorted(set(fields) - allowed))
        changes: dict[str, Any] = {}
        for k, v in fields.items():
            if k == "mandatory":
                changes[k] = bool(v)
            else:
                changes[k] = rules.text(v, k, required=(k == "title"))
        self._topic_revised(tenant_id=self.tenant_id, actor=actor, topic_id=topic["id"], changes=changes)

    @event("TopicRevised")
    def _topic_revised(self, tenant_id: UUID, actor: UUID, topic_id: str, changes: dict[str, Any]) -> None:
        self.topics[topic_id].update(changes)

    def remove_topic(self, actor: UUID, topic_id: Any) -> None:
        self._check_editable()
        topic = self._get("topics", topic_id)
        if topic["origin"] == "inherited":
            if topic["mandatory"]:
                raise DomainError("mandatory_item_cannot_be_removed", "必选题目不能删除", id=topic["id"])
            raise DomainError("inherited_item_cannot_be_removed", "继承的可选题目只能不采纳（需说明理由）", id=topic["id"])
        self._topic_removed(tenant_id=self.tenant_id, actor=actor, topic_id=topic["id"])

    @event("TopicRemoved")
    def _topic_removed(self, tenant_id: UUID, actor: UUID, topic_id: str) -> None:
        del self.topics[topic_id]

    def decline_topic(self, actor: UUID, topic_id: Any, reason: str) -> None:
        """Decline an inherited optional topic, with a reason."""
        self._check_editable()
        topic = self._get("topics", topic_id)
        if topic["origin"] != "inherited":
            raise DomainError("only_inherited_topics_can_be_declined", "本级题目请直接删除", id=topic["id"])
        if topic["mandatory"]:
            raise DomainError("mandatory_topic_cannot_be_declined", "必选题目不能不采纳", id=topic["id"])
        reason = rules.text(reason, "reason")
        self._topic_declined(tenant_id=self.tenant_id, actor=actor, topic_id=topic["id"], reason=reason)

    @event("TopicDeclined")
    def _topic_declined(self, tenant_id: UUID, actor: UUID, topic_id: str, reason: str) -> None:
        self.topics[topic_id]["declined"] = reason

    def accept_topic(self, actor: UUID, topic_id: Any) -> None:
        """Take back a decline (e.g. because the topic has become mandatory upstream)."""
        self._check_editable()
        topic = self._get("topics", topic_id)
        if not topic.get("declined"):
            raise DomainError("topic_not_declined", "该题目未被标记为不采纳", id=topic["id"])
        self._topic_accepted(tenant_id=self.tenant_id, actor=actor, topic_id=topic["id"])

    @event("TopicAccepted")
    def _topic_accepted(self, tenant_id: UUID, actor: UUID, topic_id: str) -> None:
        self.topics[topic_id]["declined"] = None

    # ------------------------------------------------------------ phases

    def add_phase(
        self, actor: UUID, *, name: str, start: Any, end: Any, phase_id: UUID | None = None
    ) -> UUID:
        self._check_editable()
        iid = rules.item_id(phase_id or uuid4())
        if iid in self.phases:
            raise Conflict("duplicate_id", "标识已存在", id=iid)
        s, e = rules.check_window(start, end)
        self._check_phase_dates(None, s, e)
        phase = {"id": iid, "name": rules.text(name, "name", max_length=200), "start": s, "end": e,
                 "origin": "local"}
        self._phase_added(tenant_id=self.tenant_id, actor=actor, phase=phase)
        return UUID(iid)

    @event("PhaseAdded")
    def _phase_added(self, tenant_id: UUID, actor: UUID, phase: dict[str, Any]) -> None:
        self.phases[phase["id"]] = phase

    def revise_phase(
        self, actor: UUID, phase_id: Any, *, name: str | None = None,
        start: Any = None, end: Any = None,
    ) -> None:
        """Rename a local phase or move/narrow any phase (an inherited one only inside the
        parent's window)."""
        self._check_editable()
        phase = self._get("phases", phase_id)
        changes: dict[str, Any] = {}
        if name is not None:
            if phase["origin"] != "local":
                raise DomainError("inherited_item_readonly", "继承的阶段不能改名", id=phase["id"])
            changes["name"] = rules.text(name, "name", max_length=200)
        if start is not None or end is not None:
            s, e = rules.check_window(
                phase["start"] if start is None else start, phase["end"] if end is None else end
            )
            self._check_phase_dates(phase, s, e)
            for t in self.tasks.values():
                if t["phase_id"] == phase["id"] and t.get("due") and not s <= t["due"] <= e:
                    raise DomainError(
                        "task_due_outside_phase", f"任务“{t['title']}”的完成时限将不在阶段内",
                        task_id=t["id"], due=t["due"],
                    )
            changes.update(start=s, end=e)
        changes = {k: v for k, v in changes.items() if phase[k] != v}
        if changes:
            self._phase_revised(tenant_id=self.tenant_id, actor=actor, phase_id=phase["id"], changes=changes)

    @event("PhaseRevised")
    def _phase_revised(self, tenant_id: UUID, actor: UUID, phase_id: str, changes: dict[str, Any]) -> None:
        self.phases[phase_id].update(changes)

    def remove_phase(self, actor: UUID, phase_id: Any) -> None:
        self._check_editable()
        phase = self._local("phases", phase_id)
        users = [i for s in ("tasks", "requirements") for i in self.sections[s].values()
                 if i.get("phase_id") == phase["id"]]
        if users:
            raise DomainError("phase_in_use", "阶段下还有任务或要求", id=phase["id"],
                              items=[u["id"] for u in users])
        self._phase_removed(tenant_id=self.tenant_id, actor=actor, phase_id=phase["id"])

    @event("PhaseRemoved")
    def _phase_removed(self, tenant_id: UUID, actor: UUID, phase_id: str) -> None:
        del self.phases[phase_id]

    # ------------------------------------------------------------ tasks

    def _task_fields(self, fields: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
        allowed = {"title", "description", "phase_id", "responsible_units", "evidence_expected", "due"}
        if set(fields) - allowed:
            raise DomainError("unknown_field", "未知字段", fields=sorted(set(fields) - allowed))
        out: dict[str, Any] = {}
        for k, v in fields.items():
            if k == "phase_id":
                out[k] = self._phase_ref(v)
            elif k == "responsible_units":
                out[k] = rules.text_list(v, k)
            elif k == "due":
                out[k] = rules.optional_iso_date(v, k)
            else:
                out[k] = rules.text(v, k, required=(k == "title"), max_length=5000)
        merged = {**(current or {}), **out}
        self._check_due(merged.get("phase_id"), merged.get("due"))
        return out

    def add_task(
        self, actor: UUID, *, title: str, phase_id: Any = None, description: str = "",
        responsible_units: Iterable[str] = (), evidence_expected: str = "", due: Any = None,
        task_id: UUID | None = None,
    ) -> UUID:
        self._check_editable()
        iid = rules.item_id(task_id or uuid4())
        if iid in self.tasks:
            raise Conflict("duplicate_id", "标识已存在", id=iid)
        fields = self._task_fields(
            {"title": title, "phase_id": phase_id, "description": description,
             "responsible_units": list(responsible_units), "evidence_expected": evidence_expected,
             "due": due},
            None,
        )
        task = {"id": iid, **fields, "origin": "local", "assignments": []}
        self._task_added(tenant_id=self.tenant_id, actor=actor, task=task)
        return UUID(iid)

    @event("TaskAdded")
    def _task_added(self, tenant_id: UUID, actor: UUID, task: dict[str, Any]) -> None:
        self.tasks[task["id"]] = task

    def revise_task(self, actor: UUID, task_id: Any, **fields: Any) -> None:
        self._check_editable()
        task = self._local("tasks", task_id)
        changes = self._task_fields(fields, task)
        changes = {k: v for k, v in changes.items() if task[k] != v}
        if changes:
            self._task_revised(tenant_id=self.tenant_id, actor=actor, task_id=task["id"], changes=changes)

    @event("TaskRevised")
    def _task_revised(self, tenant_id: UUID, actor: UUID, task_id: str, changes: dict[str, Any]) -> None:
        self.tasks[task_id].update(changes)

    def remove_task(self, actor: UUID, task_id: Any) -> None:
        self._check_editable()
        task = self._get("tasks", task_id)
        if task["origin"] != "local":
            raise DomainError("mandatory_item_cannot_be_removed", "继承的任务不能删除", id=task["id"])
        self._task_removed(tenant_id=self.tenant_id, actor=actor, task_id=task["id"])

    @event("TaskRemoved")
    def _task_removed(self, tenant_id: UUID, actor: UUID, task_id: str) -> None:
        del self.tasks[task_id]

    def assign_task(
        self, actor: UUID, task_id: Any, *, unit_id: UUID, owner: str, due: Any = None, note: str = ""
    ) -> None:
        """Give a task (inherited or local) to one of this unit's branches or offices."""
        self._check_editable()
        task = self._get("tasks", task_id)
        unit = rules.item_id(unit_id, "unit_id")
        if unit == str(self.tenant_id):
            raise DomainError("assign_to_own_unit", "任务应分配给本单位的支部或科室", unit_id=unit)
        if any(a["unit_id"] == unit for a in task["assignments"]):
            raise Conflict("already_assigned", "该任务已分配给此单位", unit_id=unit)
        due_iso = rules.optional_iso_date(due, "due")
        self._check_due(task["phase_id"], due_iso)
        assignment = {"unit_id": unit, "owner": rules.text(owner, "owner", max_length=100),
                      "due": due_iso, "note": rules.text(note, "note", required=False)}
        self._task_assigned(tenant_id=self.tenant_id, actor=actor, task_id=task["id"], assignment=assignment)

    @event("TaskAssigned")
    def _task_assigned(self, tenant_id: UUID, actor: UUID, task_id: str, assignment: dict[str, Any]) -> None:
        self.tasks[task_id]["assignments"].append(assignment)

    def unassign_task(self, actor: UUID, task_id: Any, *, unit_id: UUID) -> None:
        self._check_editable()
        task = self._get("tasks", task_id)
        unit = rules.item_id(unit_id, "unit_id")
        if not any(a["unit_id"] == unit for a in task["assignments"]):
            raise NotFound("assignment_not_found", "该任务未分配给此单位", unit_id=unit)
        self._task_unassigned(tenant_id=self.tenant_id, actor=actor, task_id=task["id"], unit_id=unit)

    @event("TaskUnassigned")
    def _task_unassigned(self, tenant_id: UUID, actor: UUID, task_id: str, unit_id: str) -> None:
        task = self.tasks[task_id]
        task["assignments"] = [a for a in task["assignments"] if a["unit_id"] != unit_id]

    # ------------------------------------------------------------ requirements

    def add_requirement(
        self, actor: UUID, *, kind: str, metric: str, minimum: int | Decimal | str,
        per: str = "unit", scope: str = "campaign", phase_id: Any = None, description: str = "",
        requirement_id: UUID | None = None,
    ) -> UUID:
        self._check_editable()
        iid = rules.item_id(requirement_id or uuid4())
        if iid in self.requirements:
            raise Conflict("duplicate_id", "标识已存在", id=iid)
        req = rules.requirement(
            requirement_id=iid, kind=kind, metric=metric, minimum=minimum, per=per, scope=scope,
            phase_id=None if phase_id is None else rules.item_id(phase_id, "phase_id"),
            description=description, phases=self.phases,
        )
        self._requirement_added(tenant_id=self.tenant_id, actor=actor, requirement={**req, "origin": "local"})
        return UUID(iid)

    @event("RequirementAdded")
    def _requirement_added(self, tenant_id: UUID, actor: UUID, requirement: dict[str, Any]) -> None:
        self.requirements[requirement["id"]] = requirement

    def remove_requirement(self, actor: UUID, requirement_id: Any) -> None:
        self._check_editable()
        req = self._get("requirements", requirement_id)
        if req["origin"] != "local":
            raise DomainError("mandatory_item_cannot_be_removed", "上级要求不能删除", id=req["id"])
        self._requirement_removed(tenant_id=self.tenant_id, actor=actor, requirement_id=req["id"])

    @event("RequirementRemoved")
    def _requirement_removed(self, tenant_id: UUID, actor: UUID, requirement_id: str) -> None:
        del self.requirements[requirement_id]

    # ------------------------------------------------------------ progress settings

    @property
    def progress_settings(self) -> dict[str, int]:
        """The campaign's light thresholds over the defaults (older snapshots have none)."""
        return self.__dict__.get("_progress_settings", {})

    def set_progress_settings(self, actor: UUID, **settings: Any) -> None:
        """A campaign's light thresholds (silent days, pace tolerance, red/yellow shares)."""
        if self.kind != "campaign":
            raise DomainError("not_a_campaign", "只有活动方案可以设置进度阈值")
        values = rules.progress_settings(settings)
        changed = {k: v for k, v in values.items() if self.progress_settings.get(k) != v}
        if not changed:
            raise DomainError("nothing_changed", "没有需要修改的阈值")
        self._progress_settings_changed(tenant_id=self.tenant_id, actor=actor, settings=changed)

    @event("ProgressSettingsChanged")
    def _progress_settings_changed(self, tenant_id: UUID, actor: UUID, settings: dict[str, int]) -> None:
        self._progress_settings = {**self.progress_settings, **settings}

    # ------------------------------------------------------------ versions and publication

    def _release(self, actor: UUID, summary: str) -> None:
        content = diffs.visible_content(self.sections)
        previous = self.versions[-1]["content"] if self.versions else None
        change = diffs.content_diff(previous, content) if previous is not None else None
        self._version_released(
            tenant_id=self.tenant_id, actor=actor, number=self.released_version + 1,
            summary=summary, content=content, diff=change,
        )

    @event("VersionReleased")
    def _version_released(
        self, tenant_id: UUID, actor: UUID, number: int, summary: str,
        content: dict[str, Any], diff: dict[str, Any] | None,
    ) -> None:
        self.versions.append({"number": number, "summary": summary, "content": content})

    def _check_complete(self, code: str) -> None:
        missing = self.missing_items()
        if missing:
            raise DomainError(code, "方案缺少必备内容", missing=missing)

    def publish(
        self, actor: UUID, *, unit_ids: Iterable[UUID] | None, derive_deadline: Any
    ) -> None:
        """Send the plan down: to the whole subtree (``unit_ids=None``) or to chosen units.

        A campaign's first publication releases version 1; a derived plan must be approved
        (its approval released the version its children derive from).
        """
        deadline = rules.iso_date(derive_deadline, "derive_deadline")
        units = None if unit_ids is None else rules.uuid_list(unit_ids, "unit_ids")
        if units is not None and not units:
            raise DomainError("required_field_missing", "请选择下发单位", field="unit_ids")
        if self.kind == "campaign":
            if self.status != "draft":
                raise DomainError("plan_already_published", "方案已发布，修改请走修订", status=self.status)
            self._check_complete("plan_incomplete")
        elif self.status != "approved":
            raise DomainError("plan_not_approved", "实施方案审核通过后才能下发", status=self.status)
        self._published(
            tenant_id=self.tenant_id, actor=actor, scope="subtree" if units is None else "units",
            unit_ids=units or [], derive_deadline=deadline,
        )
        if self.kind == "campaign":
            self._release(actor, "首次发布")

    @event("Published")
    def _published(
        self, tenant_id: UUID, actor: UUID, scope: str, unit_ids: list[UUID], derive_deadline: str
    ) -> None:
        self.publication = {"scope": scope, "unit_ids": unit_ids, "derive_deadline": derive_deadline}
        if self.kind == "campaign":
            self.status = "published"

    def reopen(self, actor: UUID, reason: str) -> None:
        """Open a published campaign for amendment, or an approved plan for revision."""
        reason = rules.text(reason, "reason")
        if (self.kind, self.status) not in (("campaign", "published"), ("derived", "approved")):
            raise DomainError("plan_cannot_be_reopened", "当前状态不能重新修订", status=self.status)
        self._reopened(tenant_id=self.tenant_id, actor=actor, reason=reason)

    @event("Reopened")
    def _reopened(self, tenant_id: UUID, actor: UUID, reason: str) -> None:
        self.status = "amending" if self.kind == "campaign" else "draft"

    def publish_amendment(self, actor: UUID, summary: str) -> None:
        """Release the amended campaign as the next numbered version."""
        summary = rules.text(summary, "summary")
        if self.status != "amending":
            raise DomainError("plan_not_amending", "方案不在修订状态", status=self.status)
        self._check_complete("plan_incomplete")
        self._amendment_published(tenant_id=self.tenant_id, actor=actor, summary=summary)
        self._release(actor, summary)

    @event("AmendmentPublished")
    def _amendment_published(self, tenant_id: UUID, actor: UUID, summary: str) -> None:
        self.status = "published"

    # ------------------------------------------------------------ review of derived plans

    def _check_derived(self) -> None:
        if self.kind != "derived":
            raise DomainError("not_a_derived_plan", "该操作只适用于实施方案")

    def submit(self, actor: UUID) -> None:
        self._check_derived()
        if self.status not in ("draft", "returned"):
            raise DomainError("plan_not_editable", f"方案当前状态（{self.status}）不能报送", status=self.status)
        if self.upstream is not None:
            raise DomainError(
                "upstream_change_pending", "上级方案已修订，请先同步上级修订再报送",
                parent_version=self.upstream["parent_version"],
            )
        self._check_complete("plan_missing_mandatory_items")
        self._submitted(tenant_id=self.tenant_id, actor=actor, resubmission=self.status == "returned")

    @event("Submitted")
    def _submitted(self, tenant_id: UUID, actor: UUID, resubmission: bool) -> None:
        self.status = "submitted"
        self.submissions += 1

    def approve(self, actor: UUID, comment: str = "") -> None:
        self._check_derived()
        if self.status != "submitted":
            raise DomainError("plan_not_submitted", "方案未报送，不能审核", status=self.status)
        comment = rules.text(comment, "comment", required=False)
        self._approved(tenant_id=self.tenant_id, actor=actor, comment=comment)
        self._release(actor, comment or "审核通过")

    @event("Approved")
    def _approved(self, tenant_id: UUID, actor: UUID, comment: str) -> None:
        self.status = "approved"
        self.return_reasons = []

    def return_plan(self, actor: UUID, reasons: Iterable[str]) -> None:
        """退回 with reasons."""
        self._check_derived()
        if self.status != "submitted":
            raise DomainError("plan_not_submitted", "方案未报送，不能退回", status=self.status)
        reason_list = rules.text_list(list(reasons) if not isinstance(reasons, str) else [reasons],
                                      "reasons", required=True)
        self._returned(tenant_id=self.tenant_id, actor=actor, reasons=reason_list)

    @event("Returned")
    def _returned(self, tenant_id: UUID, actor: UUID, reasons: list[str]) -> None:
        self.status = "returned"
        self.return_reasons = reasons

    # ------------------------------------------------------------ following upstream

    def mark_upstream_changed(self, actor: UUID | None, *, parent_version: int, diff: dict[str, Any]) -> bool:
        """Record that the parent released ``parent_version``; ``diff`` is relative to the
        version this plan is based on. Idempotent: answers False (and appends nothing) when
        this plan already knows of that version or a later one."""
        self._check_derived()
        known = self.upstream["parent_version"] if self.upstream else self.parent_version
        if parent_version <= (known or 0):
            return False
        self._upstream_changed(
            tenant_id=self.tenant_id, actor=actor, parent_version=parent_version, diff=diff,
            conflicts=diffs.apply_upstream(self.sections, diff)[1],
        )
        return True

    @event("UpstreamChanged")
    def _upstream_changed(
        self, tenant_id: UUID, actor: UUID | None, parent_version: int, diff: dict[str, Any],
        conflicts: list[dict[str, Any]],
    ) -> None:
        self.upstream = {"parent_version": parent_version, "diff": diff}

    def rebase(self, actor: UUID) -> None:
        """Take the pending upstream change; blocked while conflicts remain."""
        self._check_derived()
        if self.upstream is None:
            raise DomainError("no_upstream_change", "没有待同步的上级修订")
        self._check_editable()
        merged, conflicts = diffs.apply_upstream(self.sections, self.upstream["diff"])
        if conflicts:
            raise DomainError(
                "rebase_conflicts", f"与上级修订存在 {len(conflicts)} 处冲突，请先解决",
                conflicts=conflicts,
            )
        self._rebased(
            tenant_id=self.tenant_id, actor=actor,
            parent_version=self.upstream["parent_version"], sections=merged,
        )

    @event("Rebased")
    def _rebased(self, tenant_id: UUID, actor: UUID, parent_version: int, sections: dict[str, Any]) -> None:
        self.sections = sections
        self.parent_version = parent_version
        self.upstream = None

