"""Rules of the campaign context: fixed vocabularies and pure validation functions, by
concern. Every function either answers a normalised, JSON-storable value or raises a
:class:`DomainError` with a stable code.

- :mod:`.values` — texts, ids, dates, times, numbers (and "today" in Asia/Shanghai).
- :mod:`.vocabularies` — activity kinds, requirement terms, problem categories, header fields.
- :mod:`.windows` — phase ranges, inside the parent's window, a plan's overall span.
- :mod:`.plan_content` — header, leading group, requirements, light thresholds.
- :mod:`.evidence` — evidence references (sha256, name, size, type).
- :mod:`.compliance` — how far a unit's activities go towards a requirement.

The names are gathered here so callers write ``rules.text(...)`` whatever the concern.
"""

from taolun.events.campaigns.rules.compliance import (
    activity_days,
    requirement_met_changes,
    requirement_progress,
)
from taolun.events.campaigns.rules.evidence import MAX_EVIDENCE_SIZE, evidence
from taolun.events.campaigns.rules.plan_content import (
    PROGRESS_SETTINGS,
    basis_documents,
    header_changes,
    leading_group,
    progress_settings,
    requirement,
)
from taolun.events.campaigns.rules.values import (
    MAX_DATETIME_LENGTH,
    PLANNED_AHEAD_DAYS,
    TIME_ZONE,
    hours,
    iso_date,
    iso_datetime,
    item_id,
    number,
    optional_iso_date,
    text,
    text_list,
    to_datetime,
    today,
    uuid_list,
)
from taolun.events.campaigns.rules.vocabularies import (
    ACTIVITY_KINDS,
    HEADER_FIELDS,
    LEADING_GROUP_ROLES,
    LOGGERS,
    PROBLEM_CATEGORIES,
    REQUIREMENT_METRICS,
    REQUIREMENT_SCOPES,
    REQUIREMENT_SUBJECTS,
    activity_kind,
    problem_category,
)
from taolun.events.campaigns.rules.windows import check_inside, check_window
from taolun.events.campaigns.window import overall_window  # its one home: window.py

__all__ = [
    "ACTIVITY_KINDS", "HEADER_FIELDS", "LEADING_GROUP_ROLES", "LOGGERS", "MAX_DATETIME_LENGTH",
    "MAX_EVIDENCE_SIZE", "PLANNED_AHEAD_DAYS", "PROBLEM_CATEGORIES", "PROGRESS_SETTINGS",
    "REQUIREMENT_METRICS", "REQUIREMENT_SCOPES", "REQUIREMENT_SUBJECTS", "TIME_ZONE",
    "activity_days", "activity_kind", "basis_documents", "check_inside", "check_window",
    "evidence", "header_changes", "hours", "iso_date", "iso_datetime", "item_id",
    "leading_group", "number", "optional_iso_date", "overall_window", "problem_category",
    "progress_settings", "requirement", "requirement_met_changes", "requirement_progress",
    "text", "text_list", "to_datetime", "today", "uuid_list",
]
