"""Workflow notices, at once: who is told what when a plan, an activity, a suggestion or a
rectification moves. The notices projection writes one outbox row per event
(``projections/workflow_notices.py``); :func:`deliver_workflow_notice` finds the
recipients in the read models and posts one inbox notice to each, claimed by
(recipient, rule, subject, event position)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from taolun.notifications.inbox import holders, post

ADMINS = ("admin",)
WORKERS = ("admin", "secretary")  # who works on a unit's rectifications

Recipients = list[tuple[Any, dict[str, Any]]]  # (user id, the notice's parameters)


def _unit_name(node_id: Any) -> str:
    from taolun.projections.models import OrgNode

    return OrgNode.objects.filter(pk=node_id).values_list("name", flat=True).first() or ""


def _plan(plan_id: Any):
    from taolun.projections.models import PlanRow

    return PlanRow.objects.filter(pk=plan_id).first()


def _to_admins(node_id: Any, params: dict[str, Any]) -> Recipients:
    return [(user, params) for user in holders(node_id, ADMINS)]


def campaign_published(p: dict[str, Any]) -> Recipients:
    """The admins of each unit the publication asks to derive (its scope's units, or the
    units the plan governs that are expected to derive)."""
    from taolun.projections.models import OrgNode, ProgressRow

    plan = _plan(p["subject_id"])
    if plan is None:
        return []
    if p.get("unit_ids"):
        units = list(p["unit_ids"])
    else:
        units = list(ProgressRow.objects.filter(
            campaign_id=plan.campaign_id, governing_plan_id=plan.id, expected=True,
        ).exclude(node_id=plan.node_id).values_list("node_id", flat=True))
    names = dict(OrgNode.objects.filter(pk__in=units).values_list("id", "name"))
    out: Recipients = []
    for unit in units:
        params = {"title": plan.title, "unit": names.get(unit, ""), "deadline": p.get("derive_deadline", ""),
                  "plan_id": str(plan.id), "unit_id": str(unit)}
        out += _to_admins(unit, params)
    return out


def plan_submitted(p: dict[str, Any]) -> Recipients:
    """The reviewers: the admins of the unit of the plan above."""
    plan = _plan(p["subject_id"])
    parent = _plan(plan.parent_id) if plan is not None and plan.parent_id else None
    if parent is None:
        return []
    return _to_admins(parent.node_id, {"title": plan.title, "unit": _unit_name(plan.node_id),
                                       "plan_id": str(plan.id), "unit_id": str(parent.node_id)})


def _own_plan(p: dict[str, Any], **extra: Any) -> Recipients:
    plan = _plan(p["subject_id"])
    if plan is None:
        return []
    return _to_admins(plan.node_id, {"title": plan.title, "unit": _unit_name(plan.node_id),
                                     "plan_id": str(plan.id), "unit_id": str(plan.node_id), **extra})


def plan_approved(p: dict[str, Any]) -> Recipients:
    return _own_plan(p, comment=p.get("comment", ""))


def plan_returned(p: dict[str, Any]) -> Recipients:
    return _own_plan(p, reasons="；".join(p.get("reasons", [])))


def upstream_changed(p: dict[str, Any]) -> Recipients:
    return _own_plan(p, version=p.get("parent_version", ""))


def _to_author(model: Any, p: dict[str, Any], author: str, params: Callable[[Any], dict]) -> Recipients:
    row = model.objects.filter(pk=p["subject_id"]).first()
    return [] if row is None else [(getattr(row, author), params(row))]


def activity_returned(p: dict[str, Any]) -> Recipients:
    """The activity's author."""
    from taolun.projections.models import ActivityRow

    return _to_author(ActivityRow, p, "logged_by", lambda row: {
        "title": row.title, "reason": p.get("reason", ""), "activity_id": str(row.id)})


def suggestion_answered(p: dict[str, Any]) -> Recipients:
    """The suggestion's author (also when it was sent anonymously: only they are told)."""
    from taolun.projections.models import SuggestionRow

    return _to_author(SuggestionRow, p, "author", lambda row: {
        "title": row.title, "answer": p.get("answer", ""), "suggestion_id": str(row.id)})


def _rectification(p: dict[str, Any], **extra: Any) -> Recipients:
    """The admins and secretaries of the unit that rectifies."""
    from taolun.projections.models import ProblemRow

    row = ProblemRow.objects.filter(pk=p["subject_id"]).first()
    if row is None:
        return []
    params = {"what": row.description[:100], "unit": _unit_name(row.node_id), "problem_id": str(row.id),
              "unit_id": str(row.node_id), **extra}
    return [(user, params) for user in holders(row.node_id, WORKERS)]


def rectification_verified(p: dict[str, Any]) -> Recipients:
    return _rectification(p, note=p.get("note", ""))


def rectification_reopened(p: dict[str, Any]) -> Recipients:
    return _rectification(p, reason=p.get("reason", ""))


RULES: dict[str, Callable[[dict[str, Any]], Recipients]] = {
    "campaign_published": campaign_published,
    "plan_submitted": plan_submitted,
    "plan_approved": plan_approved,
    "plan_returned": plan_returned,
    "upstream_changed": upstream_changed,
    "activity_returned": activity_returned,
    "suggestion_answered": suggestion_answered,
    "rectification_verified": rectification_verified,
    "rectification_reopened": rectification_reopened,
}


def deliver_workflow_notice(key: str, payload: dict[str, Any]) -> None:
    """Post the notice of one event to each recipient, once per (recipient, rule, subject,
    event position), whoever runs this and however often."""
    rule = payload["rule"]
    for recipient, params in RULES[rule](payload):
        post(recipient, rule, payload["subject_id"], payload["position"], params)
