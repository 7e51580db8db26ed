"""The words of every notice: one (subject, body) pair of templates per rule.

The templates are Simplified Chinese msgids; English comes from the gettext catalogue
(``platform/web/locale``). A notice is stored with its rule and parameters, so it is shown
in the reader's language (:func:`render`) and sent in Chinese by default.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.utils.translation import gettext, gettext_noop, override

TEMPLATES: dict[str, tuple[str, str]] = {
    "campaign_published": (
        gettext_noop("上级下发了“%(title)s”"),
        gettext_noop("%(unit)s 收到上级下发的“%(title)s”，请于 %(deadline)s 前制定本单位实施方案。"),
    ),
    "plan_submitted": (
        gettext_noop("“%(title)s”已报送，待您审核"),
        gettext_noop("%(unit)s 报送了实施方案“%(title)s”，请审核。"),
    ),
    "plan_approved": (
        gettext_noop("您的实施方案“%(title)s”已审核通过"),
        gettext_noop("%(unit)s 的实施方案“%(title)s”已审核通过。%(comment)s"),
    ),
    "plan_returned": (
        gettext_noop("您的实施方案“%(title)s”被退回"),
        gettext_noop("%(unit)s 的实施方案“%(title)s”被退回，退回理由：%(reasons)s"),
    ),
    "upstream_changed": (
        gettext_noop("上级方案已修订：“%(title)s”"),
        gettext_noop("“%(title)s”的上级方案发布了第 %(version)s 版，请查看变更并同步。"),
    ),
    "activity_returned": (
        gettext_noop("您登记的活动“%(title)s”被驳回"),
        gettext_noop("活动“%(title)s”被驳回，理由：%(reason)s。请补充后重新提交。"),
    ),
    "suggestion_answered": (
        gettext_noop("您的建议“%(title)s”已有答复"),
        gettext_noop("答复：%(answer)s"),
    ),
    "rectification_verified": (
        gettext_noop("整改事项已验收销号"),
        gettext_noop("%(unit)s 的整改事项“%(what)s”已通过验收。%(note)s"),
    ),
    "rectification_reopened": (
        gettext_noop("整改事项被重新打开"),
        gettext_noop("%(unit)s 的整改事项“%(what)s”被重新打开，理由：%(reason)s"),
    ),
    "derive_deadline": (
        gettext_noop("【督办】“%(title)s”实施方案制定%(when)s"),
        gettext_noop("%(unit)s 尚未制定“%(title)s”的实施方案，截止日期 %(due)s（%(when)s）。"),
    ),
    "phase_begins": (
        gettext_noop("阶段“%(phase)s”将于 %(days)s 天后开始"),
        gettext_noop("“%(title)s”的“%(phase)s”阶段将于 %(due)s 开始。"),
    ),
    "phase_ends": (
        gettext_noop("阶段“%(phase)s”将于 %(days)s 天后结束"),
        gettext_noop("“%(title)s”的“%(phase)s”阶段将于 %(due)s 结束。"),
    ),
    "rectification_due": (
        gettext_noop("【督办】整改事项%(when)s"),
        gettext_noop("%(unit)s 的整改事项“%(what)s”截止日期 %(due)s（%(when)s）。"),
    ),
    "task_due": (
        gettext_noop("【督办】任务“%(what)s”%(when)s"),
        gettext_noop("%(unit)s 的任务“%(what)s”（责任人：%(owner)s）完成时限 %(due)s（%(when)s）。"),
    ),
    "requirement_behind": (
        gettext_noop("%(kind)s 已完成 %(done)s / %(need)s，距阶段结束还有 %(days)s 天"),
        gettext_noop("%(unit)s：%(kind)s 已完成 %(done)s / %(need)s，距阶段结束还有 %(days)s 天。"),
    ),
    "branch_silent": (
        gettext_noop("%(unit)s 已 %(days)s 天没有登记活动"),
        gettext_noop("%(unit)s 在“%(title)s”中已 %(days)s 天没有登记活动，请督促。"),
    ),
}

# What each kind of notice is called on the settings page (a user chooses channels per kind).
RULE_NAMES: dict[str, str] = {
    "campaign_published": gettext_noop("上级下发活动方案"),
    "plan_submitted": gettext_noop("方案报送待审核"),
    "plan_approved": gettext_noop("方案审核通过"),
    "plan_returned": gettext_noop("方案被退回"),
    "upstream_changed": gettext_noop("上级方案修订"),
    "activity_returned": gettext_noop("活动被驳回"),
    "suggestion_answered": gettext_noop("建议已答复"),
    "rectification_verified": gettext_noop("整改验收销号"),
    "rectification_reopened": gettext_noop("整改被重新打开"),
    "derive_deadline": gettext_noop("督办：方案制定期限"),
    "phase_begins": gettext_noop("阶段即将开始"),
    "phase_ends": gettext_noop("阶段即将结束"),
    "rectification_due": gettext_noop("督办：整改时限"),
    "task_due": gettext_noop("督办：任务完成时限"),
    "requirement_behind": gettext_noop("要求未达标"),
    "branch_silent": gettext_noop("支部长期未登记活动"),
}

WHEN_LEFT = gettext_noop("还剩 %(n)d 天")
WHEN_TODAY = gettext_noop("今天到期")
WHEN_OVERDUE = gettext_noop("已逾期 %(n)d 天")


def when(days_left: int) -> str:
    """"还剩 3 天" / "今天到期" / "已逾期 2 天", in the active language."""
    if days_left > 0:
        return gettext(WHEN_LEFT) % {"n": days_left}
    if days_left == 0:
        return gettext(WHEN_TODAY)
    return gettext(WHEN_OVERDUE) % {"n": -days_left}


class _Params(dict):
    """Missing parameters show as empty rather than failing a whole page."""

    def __missing__(self, key: str) -> str:
        return ""


def render(rule: str, params: dict[str, Any], language: str | None = None) -> tuple[str, str]:
    """The notice's (subject, body) in ``language`` (default: the active one)."""
    subject, body = TEMPLATES[rule]
    with override(language) if language else nullcontext():
        values = _Params(params)
        if "days_left" in params:
            values["when"] = when(int(params["days_left"]))
        return gettext(subject) % values, gettext(body) % values

