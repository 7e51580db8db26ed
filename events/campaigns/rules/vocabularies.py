"""The fixed vocabularies of the campaign context (activity kinds, requirement terms,
problem categories, header fields) and the checks that a value belongs to one."""

from __future__ import annotations

from typing import Any

from taolun.events.kernel import DomainError

ACTIVITY_KINDS: tuple[str, ...] = (
    "专题学习",
    "中心组学习",
    "主题党日",
    "座谈会",
    "研讨会",
    "交流会",
    "论坛/讲座",
    "征文",
    "献策",
    "调研走访",
    "组织生活会",
    "党课",
    "参观学习",
    "其他",
)

# What a requirement measures: number of activities, calendar days covered, hours.
REQUIREMENT_METRICS: tuple[str, ...] = ("count", "days", "hours")
# Whom it binds: each unit (支部/科室/学校), or each leader (领导干部).
REQUIREMENT_SUBJECTS: tuple[str, ...] = ("unit", "leader")
# Over what span it is measured.
REQUIREMENT_SCOPES: tuple[str, ...] = ("campaign", "phase")

PROBLEM_CATEGORIES: tuple[str, ...] = ("思想观念", "体制机制", "工作作风", "能力素质", "其他")

LEADING_GROUP_ROLES: tuple[str, ...] = ("leaders", "deputy_leaders", "members", "office")

# The unit roles that log activities and work on rectifications (API, pages, to-do list).
LOGGERS: tuple[str, ...] = ("admin", "secretary")

HEADER_FIELDS: tuple[str, ...] = (
    "title",
    "slogan",
    "theme",
    "basis_documents",
    "guiding_ideology",
    "general_requirements",
    "goals",
    "principles",
)


def one_of(value: Any, allowed: tuple[str, ...], field: str, code: str, label: str) -> str:
    """``value`` if it is one of ``allowed``; ``code`` (naming the allowed values) if not."""
    if value not in allowed:
        raise DomainError(code, f"未知的{label}：{value}", **{field: str(value)}, allowed=list(allowed))
    return str(value)


def activity_kind(kind: Any) -> str:
    return one_of(kind, ACTIVITY_KINDS, "kind", "unknown_activity_kind", "活动类型")


def problem_category(category: Any) -> str:
    return one_of(category, PROBLEM_CATEGORIES, "category", "unknown_problem_category", "问题类别")
