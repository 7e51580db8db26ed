"""The Activity aggregate: one activity a unit logged (a 主题党日, a 专题学习 …), its
corrections, retraction and return (驳回)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from taolun.events.campaigns import rules
from taolun.events.campaigns.items import item_not_found
from taolun.events.kernel import DomainError, TaolunAggregate
from taolun.events.values import bounded_int

if TYPE_CHECKING:
    from taolun.events.campaigns.plan import Plan


class Activity(TaolunAggregate):
    """One activity logged by a unit (支部/科室/学校), e.g. a 主题党日 or a 专题学习."""

    FIELDS = (
        "kind", "title", "start", "end", "location", "participants", "roster", "leaders", "hours",
        "summary", "outcomes", "phase_id", "task_id", "topic_ids", "evidence",
    )

    @event("Logged")
    def __init__(
        self, *, tenant_id: UUID, actor: UUID, plan_id: UUID, campaign_id: UUID,
        kind: str, title: str, start: str, end: str, location: str, participants: int,
        roster: list[dict[str, Any]], leaders: list[str], hours: Decimal | int | None,
        summary: str, outcomes: str, phase_id: str | None, task_id: str | None,
        topic_ids: list[str], evidence: list[dict[str, Any]],
    ) -> None:
        self.tenant_id = tenant_id
        self.logged_by = actor
        self.plan_id = plan_id
        self.campaign_id = campaign_id
        self.kind, self.title, self.start, self.end = kind, title, start, end
        self.location, self.participants, self.roster, self.leaders = location, participants, roster, leaders
        self.hours, self.summary, self.outcomes = hours, summary, outcomes
        self.phase_id, self.task_id, self.topic_ids, self.evidence = phase_id, task_id, topic_ids, evidence
        self.status = "logged"
        self.history: list[dict[str, Any]] = []

    @staticmethod
    def validate(fields: Mapping[str, Any], *, plan: Plan | None) -> dict[str, Any]:
        """Normalise (a subset of) the activity fields and check them against the plan."""
        unknown = set(fields) - set(Activity.FIELDS)
        if unknown:
            raise DomainError("unknown_field", "未知字段", fields=sorted(unknown))
        out: dict[str, Any] = {}
        for k, v in fields.items():
            if k == "kind":
                out[k] = rules.activity_kind(v)
            elif k == "title":
                out[k] = rules.text(v, k, max_length=500)
            elif k in ("start", "end"):
                out[k] = rules.iso_datetime(v, k)
            elif k in ("location", "summary", "outcomes"):
                out[k] = rules.text(v, k, required=False)
            elif k == "participants":
                if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                    raise DomainError("invalid_number", "参加人数必须是非负整数", field=k)
                out[k] = bounded_int(v, k)
            elif k == "roster":
                roster = []
                for p in v or []:
                    if isinstance(p, str):
                        p = {"name": p}
                    if not isinstance(p, Mapping):
                        raise DomainError("invalid_roster", "参加人员名单格式错误", field="roster")
                    roster.append({"name": rules.text(p.get("name"), "roster.name", max_length=100),
                                   "user_id": rules.item_id(p["user_id"]) if p.get("user_id") else None,
                                   "role": rules.text(p.get("role"), "roster.role", required=False)})
                out[k] = roster
            elif k == "leaders":
                out[k] = rules.text_list(v, k)
            elif k == "hours":
                out[k] = None if v is None else rules.hours(v, k)
            elif k in ("phase_id", "task_id"):
                section = "phases" if k == "phase_id" else "tasks"
                out[k] = None if v is None else rules.item_id(v, k)
                if out[k] is not None and plan is not None and out[k] not in plan.sections[section]:
                    raise item_not_found(section, out[k])
            elif k == "topic_ids":
                out[k] = [rules.item_id(t, k) for t in v or []]
                for t in out[k]:
                    if plan is not None and t not in plan.topics:
                        raise item_not_found("topics", t)
            elif k == "evidence":
                out[k] = rules.evidence(v)
        return out

    @staticmethod
    def check_dates(start: str, end: str, window: tuple[str, str] | None) -> None:
        try:
            inverted = rules.to_datetime(end) < rules.to_datetime(start)
        except TypeError:
            raise DomainError("invalid_datetime", "开始和结束时间须同为带时区或不带时区") from None
        if inverted:
            raise DomainError("activity_ends_before_start", "结束时间早于开始时间", start=start, end=end)
        if window and (start[:10] < window[0] or end[:10] > window[1]):
            raise DomainError(
                "activity_outside_campaign", f"活动日期不在活动总体时间 {window[0]}～{window[1]} 内",
                start=start, end=end, window_start=window[0], window_end=window[1],
            )
        # Planned ahead counts from its date; far ahead is a typo (2029 for 2019), refused.
        latest = (rules.today() + timedelta(days=rules.PLANNED_AHEAD_DAYS)).isoformat()
        if start[:10] > latest:
            raise DomainError(
                "activity_too_far_ahead", f"活动日期最晚可提前登记到 {latest}", field="start",
                start=start, latest=latest,
            )

    @classmethod
    def log(
        cls, *, tenant_id: UUID, actor: UUID, plan: Plan, window: tuple[str, str] | None,
        **fields: Any,
    ) -> Activity:
        """``window`` is the campaign's overall window (from its latest released version)."""
        defaults: dict[str, Any] = {
            "location": "", "participants": None, "roster": [], "leaders": [], "hours": None,
            "summary": "", "outcomes": "", "phase_id": None, "task_id": None, "topic_ids": [],
            "evidence": [],
        }
        merged = {**defaults, **fields}
        for required in ("kind", "title", "start", "end"):
            if required not in fields:
                raise DomainError("required_field_missing", f"{required} 不能为空", field=required)
        if merged["participants"] is None:
            merged["participants"] = len(merged["roster"] or [])
        values = cls.validate(merged, plan=plan)
        cls.check_dates(values["start"], values["end"], window)
        return cls(tenant_id=tenant_id, actor=actor, plan_id=plan.id, campaign_id=plan.root_id, **values)

    def _check_open(self) -> None:
        if self.status == "retracted":
            raise DomainError("activity_retracted", "该记录已撤回")

    def correct(self, actor: UUID, *, reason: str, window: tuple[str, str] | None, plan: Plan | None,
                **changes: Any) -> None:
        """Fix one's own entry (also answers a 驳回). Only the changed fields are recorded."""
        self._check_open()
        reason = rules.text(reason, "reason")
        values = self.validate(changes, plan=plan)
        self.check_dates(values.get("start", self.start), values.get("end", self.end), window)
        values = {k: v for k, v in values.items() if getattr(self, k) != v}
        if not values:
            raise DomainError("nothing_changed", "没有需要更正的内容")
        self._corrected(tenant_id=self.tenant_id, actor=actor, reason=reason, changes=values)

    @event("Corrected")
    def _corrected(self, tenant_id: UUID, actor: UUID, reason: str, changes: dict[str, Any]) -> None:
        for k, v in changes.items():
            setattr(self, k, v)
        self.status = "logged"
        self.history.append({"event": "corrected", "reason": reason})

    def retract(self, actor: UUID, reason: str) -> None:
        self._check_open()
        reason = rules.text(reason, "reason")
        self._retracted(tenant_id=self.tenant_id, actor=actor, reason=reason)

    @event("Retracted")
    def _retracted(self, tenant_id: UUID, actor: UUID, reason: str) -> None:
        self.status = "retracted"
        self.history.append({"event": "retracted", "reason": reason})

    def return_entry(self, actor: UUID, reason: str) -> None:
        """驳回: the parent sends a thin entry back; it stops counting until corrected."""
        self._check_open()
        if self.status == "returned":
            raise DomainError("activity_already_returned", "该记录已被驳回")
        reason = rules.text(reason, "reason")
        self._returned(tenant_id=self.tenant_id, actor=actor, reason=reason)

    @event("Returned")
    def _returned(self, tenant_id: UUID, actor: UUID, reason: str) -> None:
        self.status = "returned"
        self.history.append({"event": "returned", "reason": reason})

    def facts(self) -> dict[str, Any]:
        """The attributes requirement checks read (see :func:`rules.requirement_progress`)."""
        return {k: getattr(self, k) for k in ("kind", "start", "end", "hours", "leaders", "phase_id", "status")}

