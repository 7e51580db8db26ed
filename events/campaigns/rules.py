"""Rules of the campaign context: fixed vocabularies and pure validation functions.

Every function here either answers a normalised, JSON-storable value (str, int, Decimal,
list, dict, ``None``) or raises a :class:`DomainError` with a stable code. Dates travel in
events as ISO strings (``YYYY-MM-DD``; activity times as ISO date-times), because the
library's default JSON transcoder stores ``datetime``, ``UUID`` and ``Decimal`` but not ``date``.
ISO date strings of one shape order like the dates they name, so windows compare as strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from taolun.events.campaigns.window import overall_window  # noqa: F401 (its home: window.py)
from taolun.events.kernel import DomainError, NotFound
from taolun.events.values import MAX_INT, check_hours, clean_text, out_of_range

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

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The read models keep activity times as given, in a 40-character column; the longest
# canonical form ("2026-01-01T08:30:00.000000+08:00") has 32.
MAX_DATETIME_LENGTH = 40
# Evidence sizes live in JSON: keep them exact for every JSON reader (2^53 - 1).
MAX_EVIDENCE_SIZE = 2**53 - 1

# An activity may be entered ahead as planned (it counts from its date), up to this many days.
PLANNED_AHEAD_DAYS = 60
# "Today" of the campaigns (DESIGN: time-dependent figures use today in Asia/Shanghai).
TIME_ZONE = "Asia/Shanghai"


def today() -> date:
    return datetime.now(ZoneInfo(TIME_ZONE)).date()


# ---------------------------------------------------------------- scalars


def text(value: Any, field: str, *, required: bool = True, max_length: int = 20000) -> str:
    """A stripped string that fits its column; ``required_field_missing`` when empty and
    required."""
    return clean_text(value, field, max_length=max_length, required=required)


def text_list(values: Any, field: str, *, required: bool = False) -> list[str]:
    if values is None:
        values = []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise DomainError("invalid_list", f"{field} 必须是列表", field=field)
    result = [text(v, field) for v in values]
    if required and not result:
        raise DomainError("required_field_missing", f"{field} 不能为空", field=field)
    return result


def item_id(value: Any, field: str = "id") -> str:
    """An item id (UUID) in its canonical string form, as stored in events and state."""
    try:
        return str(value if isinstance(value, UUID) else UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise DomainError("invalid_id", f"{field} 不是有效的标识", field=field) from None


def uuid_list(values: Any, field: str) -> list[UUID]:
    if values is None:
        return []
    if isinstance(values, (str, UUID)) or not isinstance(values, Iterable):
        raise DomainError("invalid_list", f"{field} 必须是列表", field=field)
    return [UUID(item_id(v, field)) for v in values]


def iso_date(value: Any, field: str) -> str:
    """A calendar date as ``YYYY-MM-DD`` (accepts ``date``, ``datetime`` or an ISO string)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise DomainError("invalid_date", f"{field} 不是有效日期", field=field, value=str(value))


def optional_iso_date(value: Any, field: str) -> str | None:
    return None if value in (None, "") else iso_date(value, field)


def iso_datetime(value: Any, field: str) -> str:
    """A moment as an ISO string; a bare date stays a bare date (a whole-day entry)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value.strip()) <= MAX_DATETIME_LENGTH:
        try:
            datetime.fromisoformat(value.strip())
            return value.strip()
        except ValueError:
            pass
    raise DomainError("invalid_datetime", f"{field} 不是有效时间", field=field, value=str(value))


def to_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


def number(value: Any, field: str, *, positive: bool = False) -> int | Decimal:
    """A non-negative (or positive) int or Decimal, never a float (floats do not round-trip),
    no larger than an integer column holds."""
    if isinstance(value, bool) or value is None:
        raise DomainError("invalid_number", f"{field} 必须是数字", field=field)
    if isinstance(value, int):
        result: int | Decimal = value
    else:
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            raise DomainError("invalid_number", f"{field} 必须是数字", field=field) from None
        if not result.is_finite():
            raise DomainError("invalid_number", f"{field} 必须是数字", field=field)
    if result < 0 or (positive and result == 0):
        raise DomainError(
            "invalid_number", f"{field} 必须{'大于' if positive else '不小于'}0", field=field
        )
    if result > MAX_INT:  # checked before int(): "1e999999999" must not become an int
        raise out_of_range(field, 0, MAX_INT)
    if isinstance(result, Decimal) and result == result.to_integral_value():
        result = int(result)
    return result


def hours(value: Any, field: str = "hours", *, positive: bool = False) -> int | Decimal:
    """Hours as the read models store them: DECIMAL(10, 2), exactly."""
    return check_hours(number(value, field, positive=positive), field)


# Light thresholds a campaign may set (defaults: lights.DEFAULT_SETTINGS): name -> range.
PROGRESS_SETTINGS: dict[str, tuple[int, int]] = {
    "silent_days": (1, 365),
    "pace_tolerance": (0, 100),
    "red_share": (0, 100),
    "yellow_share": (0, 100),
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


# ---------------------------------------------------------------- windows


def check_window(start: Any, end: Any, *, field: str = "phase") -> tuple[str, str]:
    """Normalise a date range; ``phase_ends_before_start`` when it is inverted."""
    s, e = iso_date(start, f"{field}.start"), iso_date(end, f"{field}.end")
    if e < s:
        raise DomainError(
            "phase_ends_before_start", "结束日期早于开始日期", field=field, start=s, end=e
        )
    return s, e


def check_inside(
    start: str, end: str, outer_start: str, outer_end: str, *, code: str, **details: Any
) -> None:
    """``code`` unless ``[start, end]`` lies inside ``[outer_start, outer_end]``."""
    if start < outer_start or end > outer_end:
        raise DomainError(
            code,
            f"日期 {start}～{end} 超出上级时间范围 {outer_start}～{outer_end}",
            start=start,
            end=end,
            window_start=outer_start,
            window_end=outer_end,
            **details,
        )


# ---------------------------------------------------------------- vocabularies


def activity_kind(kind: Any) -> str:
    if kind not in ACTIVITY_KINDS:
        raise DomainError(
            "unknown_activity_kind",
            f"未知的活动类型：{kind}",
            kind=str(kind),
            allowed=list(ACTIVITY_KINDS),
        )
    return str(kind)


def problem_category(category: Any) -> str:
    if category not in PROBLEM_CATEGORIES:
        raise DomainError(
            "unknown_problem_category",
            f"未知的问题类别：{category}",
            category=str(category),
            allowed=list(PROBLEM_CATEGORIES),
        )
    return str(category)


# ---------------------------------------------------------------- structured values


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


def evidence(values: Any) -> list[dict[str, Any]]:
    """Evidence references (the blob lives elsewhere, addressed by sha256)."""
    if values is None:
        return []
    if isinstance(values, Mapping):
        values = [values]
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise DomainError("invalid_evidence", "佐证材料格式错误", field="evidence")
    refs = []
    for v in values:
        if not isinstance(v, Mapping):
            raise DomainError("invalid_evidence", "佐证材料格式错误", field="evidence")
        sha = str(v.get("sha256", "")).lower()
        if not _SHA256.match(sha):
            raise DomainError("invalid_evidence", "佐证材料缺少有效的 sha256", field="evidence.sha256")
        size = v.get("size")
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_EVIDENCE_SIZE:
            raise DomainError("invalid_evidence", "佐证材料大小无效", field="evidence.size")
        refs.append(
            {
                "sha256": sha,
                "filename": text(v.get("filename"), "evidence.filename", max_length=255),
                "size": size,
                "content_type": text(v.get("content_type"), "evidence.content_type", max_length=255),
            }
        )
    return refs


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
    if metric not in REQUIREMENT_METRICS:
        raise DomainError(
            "unknown_requirement_metric", f"未知的要求口径：{metric}", metric=str(metric),
            allowed=list(REQUIREMENT_METRICS),
        )
    if per not in REQUIREMENT_SUBJECTS:
        raise DomainError(
            "unknown_requirement_subject", f"未知的要求对象：{per}", per=str(per),
            allowed=list(REQUIREMENT_SUBJECTS),
        )
    if scope not in REQUIREMENT_SCOPES:
        raise DomainError(
            "unknown_requirement_scope", f"未知的要求范围：{scope}", scope=str(scope),
            allowed=list(REQUIREMENT_SCOPES),
        )
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


# ---------------------------------------------------------------- compliance


def activity_days(start: str, end: str) -> int:
    """Calendar days an activity covers (a three-day retreat counts 3)."""
    return (to_datetime(end).date() - to_datetime(start).date()).days + 1


def requirement_progress(
    req: Mapping[str, Any],
    activities: Iterable[Mapping[str, Any]],
    phases: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """How far one unit's activities go towards ``req``.

    ``activities`` are dicts with the attributes of ``Activity.Logged`` (as corrected):
    ``kind``, ``start``, ``end``, ``hours``, ``leaders``, ``phase_id``, ``status``. Retracted
    and returned entries do not count. A phase-scoped requirement counts the activities that
    start inside the phase (by the link only when ``phases`` does not know the phase). Answers
    ``{"achieved", "minimum", "met"}`` for a unit, plus ``"by_leader"`` when per leader.
    """

    def counts(a: Mapping[str, Any]) -> bool:
        if a.get("status", "logged") != "logged" or a["kind"] != req["kind"]:
            return False
        if req["scope"] != "phase":
            return True
        # The date decides (the phase link is a hint): an activity counts for the phase it
        # started in, so moving a phase's dates recounts what falls inside it.
        phase = (phases or {}).get(req["phase_id"])
        if phase is None:
            return a.get("phase_id") == req["phase_id"]
        return phase["start"] <= a["start"][:10] <= phase["end"]

    def measure(items: list[Mapping[str, Any]]) -> int | Decimal:
        if req["metric"] == "count":
            return len(items)
        if req["metric"] == "days":
            days: set[int] = set()
            for a in items:
                first = to_datetime(a["start"]).date().toordinal()
                days.update(range(first, first + activity_days(a["start"], a["end"])))
            return len(days)
        return sum((Decimal(str(a.get("hours") or 0)) for a in items), Decimal(0))

    matching = [a for a in activities if counts(a)]
    if req["per"] == "leader":
        leaders = sorted({leader for a in matching for leader in a.get("leaders") or []})
        by_leader = {
            leader: measure([a for a in matching if leader in (a.get("leaders") or [])])
            for leader in leaders
        }
        met = bool(by_leader) and all(v >= req["minimum"] for v in by_leader.values())
        return {"by_leader": by_leader, "minimum": req["minimum"], "met": met,
                "achieved": min(by_leader.values(), default=0)}
    achieved = measure(matching)
    return {"achieved": achieved, "minimum": req["minimum"], "met": achieved >= req["minimum"]}


def requirement_met_changes(
    req: Mapping[str, Any],
    activities: Iterable[Mapping[str, Any]],
    phases: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, int]:
    """``{date: +1 | -1}``: the days on which ``req`` becomes met (+1) or unmet again (-1,
    possible per leader: a new leader starts at zero), counting each activity from its start
    date. Summing the changes up to a day tells whether it is met on that day."""
    items = list(activities)
    changes: dict[str, int] = {}
    met = False
    for on in sorted({a["start"][:10] for a in items}):
        now = requirement_progress(req, [a for a in items if a["start"][:10] <= on], phases)["met"]
        if now != met:
            changes[on], met = (1 if now else -1), now
    return changes
