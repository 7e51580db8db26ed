"""Turn an imported document into a campaign draft or a derived-plan draft.

Every item goes through the Plan aggregate's own guards, on one in-memory aggregate that
the caller saves once: an import is atomic. An item a guard refuses (a date outside the
parent's window, a phase without dates …) is not dropped silently: it is reported in
``notes`` with the reason, so the user can fix it in the editor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from taolun.events.campaigns import Plan
from taolun.events.kernel import DomainError

DEFAULT_TITLE = "导入的实施方案"


@dataclass
class Draft:
    plan: Plan
    notes: list[dict[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def attempt(self, what: str, source: str, action, why: str | None = None) -> Any:
        """``why``: how the item's dates were read, kept in the note when a guard refuses them."""
        try:
            result = action()
        except DomainError as error:
            note = {"item": what, "source": source[:200], "reason": error.message, "code": error.code}
            if why:
                note["date_reasoning"] = why
            self.notes.append(note)
            return None
        self.counts[what] = self.counts.get(what, 0) + 1
        return result


def _value(imported: dict[str, Any], *path: str) -> Any:
    node: Any = imported
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict) and "value" in node:
        return node["value"]
    return node


def header_fields(imported: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": (_value(imported, "header", "full_title") or _value(imported, "header", "title") or DEFAULT_TITLE)[:200],
        "basis_documents": [
            {"name": doc["title"], "doc_no": doc.get("document_number") or ""}
            for doc in imported.get("basis_documents") or [] if doc.get("title")
        ],
    }
    for key in ("theme", "guiding_ideology"):
        if _value(imported, key):
            fields[key] = _value(imported, key)
    if _value(imported, "goals"):
        fields["goals"] = [_value(imported, "goals")]
    principles = [p.get("text") or p.get("title") for p in imported.get("principles") or []]
    if any(principles):
        fields["principles"] = [p for p in principles if p]
    return fields


def leading_group(imported: dict[str, Any]) -> dict[str, Any] | None:
    group = imported.get("leading_group")
    if not group:
        return None
    out: dict[str, Any] = {
        role: [{"name": n} if isinstance(n, str) else n for n in group.get(role) or []]
        for role in ("leaders", "deputy_leaders", "members")
    }
    office = group.get("office") or {}
    if office:
        out["office"] = {k: v for k, v in {"location": office.get("location"), "director": office.get("director")}.items() if v}
    return out


def _task_title(task: dict[str, Any]) -> str:
    return (task.get("title") or task.get("text") or "")[:80] or "任务"


def _fill(draft: Draft, imported: dict[str, Any], actor: UUID | None, phase_ids: dict[str, str]) -> None:
    """Topics, tasks and requirements: the same for a campaign and a derived plan."""
    plan = draft.plan
    for group in imported.get("topic_groups") or []:
        for topic in group.get("topics") or []:
            draft.attempt("topics", topic.get("text", ""), lambda g=group, t=topic: plan.add_topic(
                actor, group=g.get("title") or "", title=t.get("text", "")[:500], mandatory=False,
            ))
    for phase in imported.get("phases") or []:
        phase_id = phase_ids.get(phase.get("name") or "")
        for task in phase.get("tasks") or []:
            draft.attempt("tasks", task.get("text", ""), lambda t=task, p=phase_id: plan.add_task(
                actor, title=_task_title(t), phase_id=p, description=t.get("text", ""),
                responsible_units=t.get("responsible_units") or [],
            ))
    for row in imported.get("schedule") or []:
        phase_id = phase_ids.get(row.get("phase") or "")
        draft.attempt("schedule", row.get("content", ""), lambda r=row, p=phase_id: plan.add_task(
            actor, title=(r.get("content") or "工作安排")[:80], phase_id=p,
            description=f"{r.get('time_text') or ''} {r.get('content') or ''}".strip(),
            responsible_units=r.get("responsible_units") or [],
        ))
    for req in imported.get("requirements") or []:
        phase_id = phase_ids.get(req.get("phase") or "")
        draft.attempt("requirements", req.get("scope") or "", lambda r=req, p=phase_id: plan.add_requirement(
            actor, kind=r["activity_kind"], metric=r["metric"], minimum=r["minimum"],
            scope="phase" if p else "campaign", phase_id=p,
            description=r.get("scope") or r.get("period") or "",
        ))
    group = leading_group(imported)
    if group:
        draft.attempt("leading_group", "领导小组", lambda: plan.set_leading_group(actor, group))


def campaign_draft(imported: dict[str, Any], *, tenant_id: UUID, actor: UUID | None) -> Draft:
    """A bureau's campaign draft from its document."""
    fields = header_fields(imported)
    plan = Plan.author(tenant_id=tenant_id, actor=actor, **fields)
    draft = Draft(plan)
    phase_ids: dict[str, str] = {}
    for phase in imported.get("phases") or []:
        if not (phase.get("start") and phase.get("end")):
            draft.notes.append({"item": "phases", "source": phase.get("name") or "", "reason": "阶段缺少起止日期，请补充", "code": "phase_dates_missing"})
            continue
        new_id = draft.attempt("phases", phase.get("name") or "", lambda p=phase: plan.add_phase(
            actor, name=p.get("name") or f"第{p.get('number')}阶段", start=p["start"], end=p["end"],
        ), phase.get("date_reasoning"))
        if new_id:
            phase_ids[phase.get("name") or ""] = str(new_id)
    _fill(draft, imported, actor, phase_ids)
    return draft


def derived_draft(imported: dict[str, Any], *, parent: Plan, tenant_id: UUID, actor: UUID | None) -> Draft:
    """A unit's derived plan: inherited phases are matched by name and narrowed to the
    document's dates where they fit the parent's window; the rest is added as local items."""
    fields = header_fields(imported)
    plan = Plan.derive(parent=parent, tenant_id=tenant_id, actor=actor, title=fields.pop("title"))
    draft = Draft(plan)
    draft.attempt("header", "标题与依据", lambda: plan.revise_header(actor, **fields))
    inherited = {p["name"]: p["id"] for p in plan.phases.values()}
    phase_ids: dict[str, str] = {}
    for phase in imported.get("phases") or []:
        name = phase.get("name") or ""
        match = inherited.get(name) or next(
            (pid for pname, pid in inherited.items() if pname[:2] and pname[:2] == name[:2]), None
        )
        if match:
            phase_ids[name] = match
            if phase.get("start") and phase.get("end"):
                draft.attempt("phases", name, lambda m=match, p=phase: plan.revise_phase(
                    actor, m, start=p["start"], end=p["end"],
                ), phase.get("date_reasoning"))
        elif phase.get("start") and phase.get("end"):
            new_id = draft.attempt("phases", name, lambda p=phase: plan.add_phase(
                actor, name=name or "本单位阶段", start=p["start"], end=p["end"],
            ), phase.get("date_reasoning"))
            if new_id:
                phase_ids[name] = str(new_id)
        else:
            draft.notes.append({"item": "phases", "source": name, "reason": "阶段缺少起止日期，请补充", "code": "phase_dates_missing"})
    _fill(draft, imported, actor, phase_ids)
    return draft
