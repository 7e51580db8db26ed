"""The structured parts of a plan: its header, leading group, requirements and the
campaign's light thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from taolun.events.campaigns.rules.values import hours, item_id, number, text, text_list
from taolun.events.campaigns.rules.vocabularies import (
    HEADER_FIELDS,
    LEADING_GROUP_ROLES,
    REQUIREMENT_METRICS,
    REQUIREMENT_SCOPES,
    REQUIREMENT_SUBJECTS,
    activity_kind,
    one_of,
)
from taolun.events.kernel import DomainError, NotFound

# Light thresholds a campaign may set (defaults: lights.DEFAULT_SETTINGS): name -> range.
PROGRESS_SETTINGS: dict[str, tuple[int, int]] = {
    "silent_days": (1, 365),
    "pace_tolerance": (0, 100),
    "red_share": (0, 100),
    "yellow_share": (0, 100),
    # Reminders (defaults: taolun.notifications.reminders.DEFAULTS): days ahead, cadences.
    "remind_lead_days": (1, 60),
    "remind_yellow_days": (0, 30),
    "remind_blue_every": (1, 30),
    "remind_yellow_every": (1, 30),
    "remind_red_every": (1, 30),
    "remind_silent_every": (1, 90),
    # Each deadline rule on (1, the default) or off (0) for the campaign.
    **{f"remind_{rule}": (0, 1) for rule in (
        "derive_deadline", "phase_begins", "phase_ends", "task_due", "rectification_due",
        "requirement_behind", "branch_silent")},
}


def progress_settings(values: Mapping[str, Any]) -> dict[str, int]:
    """Validated light thresholds: whole numbers within their ranges."""
    unknown = sorted(set(values) - set(PROGRESS_SETTINGS))
    if unknown:
        raise DomainError("unknown_field", f"未知字段：{', '.join(unknown)}", fields=unknown)
    out = {}
    for key, value in values.items():
        low, high = PROGRESS_SETTINGS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError("invalid_number", f"{key} 必须是 {low}～{high} 之间的整数", field=key,
                              minimum=low, maximum=high)
        out[key] = value
    return out


def basis_documents(values: Any) -> list[dict[str, str]]:
    """依据文件: ``[{"name": "关于开展解放思想大讨论活动的方案", "doc_no": "益办发电〔2018〕101号"}]``."""
    if values is None:
        return []
    if not isinstance(values, Iterable) or isinstance(values, (str, Mapping)):
        raise DomainError("invalid_list", "依据文件必须是列表", field="basis_documents")
    docs = []
    for v in values:
        if not isinstance(v, Mapping):
            raise DomainError("invalid_basis_document", "依据文件格式错误", field="basis_documents")
        docs.append(
            {
                "name": text(v.get("name"), "basis_documents.name"),
                "doc_no": text(v.get("doc_no"), "basis_documents.doc_no", required=False),
            }
        )
    return docs


def header_changes(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a partial header (title, slogan, theme, basis documents, ideology, …)."""
    unknown = sorted(set(fields) - set(HEADER_FIELDS))
    if unknown:
        raise DomainError("unknown_field", f"未知字段：{', '.join(unknown)}", fields=unknown)
    changes: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "title":
            changes[key] = text(value, "title", max_length=200)
        elif key == "basis_documents":
            changes[key] = basis_documents(value)
        elif key in ("goals", "principles"):
            changes[key] = text_list(value, key)
        else:
            changes[key] = text(value, key, required=False)
    return changes


def _member(value: Any, field: str) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, Mapping):
        raise DomainError("invalid_leading_group", "领导小组成员格式错误", field=field)
    user_id = value.get("user_id")
    return {
        "name": text(value.get("name"), f"{field}.name", max_length=100),
        "position": text(value.get("position"), f"{field}.position", required=False),
        "user_id": item_id(user_id, f"{field}.user_id") if user_id else None,
    }


def leading_group(value: Any) -> dict[str, Any]:
    """领导小组: 组长 ``leaders``, 副组长 ``deputy_leaders``, 成员 ``members``, and 办公室
    ``office`` (``{"location": "设在党建科", "director": member, "members": [...]}``)."""
    if not isinstance(value, Mapping):
        raise DomainError("invalid_leading_group", "领导小组格式错误", field="leading_group")
    unknown = sorted(set(value) - set(LEADING_GROUP_ROLES))
    if unknown:
        raise DomainError("unknown_field", f"未知字段：{', '.join(unknown)}", fields=unknown)
    group: dict[str, Any] = {}
    for role in ("leaders", "deputy_leaders", "members"):
        members = value.get(role) or []
        if isinstance(members, (str, Mapping)):
            members = [members]
        group[role] = [_member(m, f"leading_group.{role}") for m in members]
    if not group["leaders"]:
        raise DomainError("leading_group_without_leader", "领导小组必须有组长", field="leading_group.leaders")
    office = value.get("office") or {}
    if not isinstance(office, Mapping):
        raise DomainError("invalid_leading_group", "领导小组办公室格式错误", field="leading_group.office")
    director = office.get("director")
    group["office"] = {
        "location": text(office.get("location"), "leading_group.office.location", required=False),
        "director": _member(director, "leading_group.office.director") if director else None,
        "members": [_member(m, "leading_group.office.members") for m in office.get("members") or []],
    }
    return group


def requirement(
    *,
    requirement_id: str,
    kind: Any,
    metric: Any,
    minimum: Any,
    per: Any = "unit",
    scope: Any = "campaign",
    phase_id: str | None = None,
    description: Any = "",
    phases: Mapping[str, Any] = {},
) -> dict[str, Any]:
    """A machine-checkable requirement, e.g. 集中学习不少于3天 =
    ``kind="专题学习", metric="days", minimum=3, per="unit", scope="campaign"``."""
    kind = activity_kind(kind)
    metric = one_of(metric, REQUIREMENT_METRICS, "metric", "unknown_requirement_metric", "要求口径")
    per = one_of(per, REQUIREMENT_SUBJECTS, "per", "unknown_requirement_subject", "要求对象")
    scope = one_of(scope, REQUIREMENT_SCOPES, "scope", "unknown_requirement_scope", "要求范围")
    minimum = (hours(minimum, "minimum", positive=True) if metric == "hours"
               else number(minimum, "minimum", positive=True))
    if metric != "hours" and not isinstance(minimum, int):
        raise DomainError("invalid_number", "次数和天数必须是整数", field="minimum")
    if scope == "phase":
        if phase_id is None:
            raise DomainError("required_field_missing", "按阶段的要求必须指定阶段", field="phase_id")
        if phase_id not in phases:
            raise NotFound("phase_not_found", "阶段不存在", phase_id=phase_id)
    elif phase_id is not None:
        raise DomainError("phase_not_allowed", "全程要求不能指定阶段", field="phase_id")
    return {
        "id": requirement_id,
        "kind": kind,
        "metric": metric,
        "minimum": minimum,
        "per": per,
        "scope": scope,
        "phase_id": phase_id,
        "description": text(description, "description", required=False),
    }

