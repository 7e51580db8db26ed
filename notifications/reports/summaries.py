"""简报, 阶段总结 and 总结报告: what they say, from the facts folded at one position.

Every word comes from :func:`taolun.notifications.reports.history.facts_at` and the photos
from the evidence store (content-addressed), so a document built at position ``at`` is
built again, identically, at ``at`` (the frozen version of a summary submitted upward).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from taolun.notifications.reports.documents.paper import Paper
from taolun.notifications.reports.history import SHANGHAI, Facts

NUMERALS = "一二三四五六七八九十"
PROBLEM_STATUSES = {"open": "待整改", "rectifying": "整改中", "completed": "已完成", "verified": "已销号"}
PHOTO_TYPES = {"image/png": "png", "image/jpeg": "jpg"}
NOTABLE = 5  # activities told at length
WITH_PHOTO = 2  # of which shown with a photo
LISTED = 20  # rows of the problem and suggestion lists
Photo = Callable[[str], bytes | None]  # sha256 -> the image's bytes (None: not stored)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _day(text: str | None) -> str:
    return (text or "")[:10]


def campaign_name(facts: Facts) -> str:
    """The campaign's name as a document says it: its plan's title without 实施方案."""
    title = facts.campaign.header.get("title") or "活动"
    return title.removesuffix("实施方案").removesuffix("方案") or title


def campaign_phases(facts: Facts) -> dict[str, dict[str, Any]]:
    """The phases as the units see them: the campaign's latest release (else its draft)."""
    plan = facts.campaign
    if plan.versions:
        return plan.version_content(plan.released_version).get("phases") or {}
    return plan.phases


@dataclass
class Window:
    start: str  # ISO dates, inclusive; "" = open
    end: str

    def holds(self, day: str) -> bool:
        return bool(day) and (not self.start or day >= self.start) and (not self.end or day <= self.end)

    def words(self) -> str:
        return f"{self.start}至{self.end}" if self.start or self.end else "活动开展以来"


def _hours(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _figures(facts: Facts, acts: list, suggestions: list, problems: list) -> list[list[Any]]:
    """Per unit directly below (and the unit itself): activities, 人次, 学时, suggestions,
    adopted, problems, closed — each counted where it happened in the subtree."""
    children = sorted((u for u in facts.units.values() if u.parent_id == facts.unit.id),
                      key=lambda u: (u.code, str(u.id)))
    top = {uid: _top(facts, uid) for uid in facts.units}
    rows = []
    for unit in [facts.unit, *children]:
        own = unit.id == facts.unit.id
        mine = (lambda e: True) if own else (lambda e, u=unit.id: top[e.tenant_id] == u)  # noqa: E731
        unit_acts = [a for a in acts if mine(a)]
        unit_suggestions = [s for s in suggestions if mine(s)]
        unit_problems = [p for p in problems if mine(p)]
        rows.append([
            f"{unit.name}（合计）" if own else unit.name, len(unit_acts),
            sum(a.participants or 0 for a in unit_acts), str(sum((_hours(a.hours) for a in unit_acts), Decimal(0))),
            len(unit_suggestions), sum(1 for s in unit_suggestions if s.status == "adopted"),
            len(unit_problems), sum(1 for p in unit_problems if p.status == "verified"),
        ])
    return rows


FIGURE_HEADER = ["单位", "活动次数", "参与人次", "学时", "建议", "采纳建议", "问题", "已销号"]


def _top(facts: Facts, unit_id: Any) -> Any:
    """The unit directly below the report's unit that ``unit_id`` lies under (itself at the top)."""
    unit = facts.units[unit_id]
    while unit.parent_id is not None and unit.parent_id != facts.unit.id and unit.parent_id in facts.units:
        unit = facts.units[unit.parent_id]
    return unit.id


def _notable(acts: list) -> list:
    """The largest activities first, one per title (many units hold the same 主题党日)."""
    seen: set[str] = set()
    chosen = []
    for act in sorted(acts, key=lambda a: (-(a.participants or 0), _day(a.start), str(a.id))):
        if act.title not in seen:
            seen.add(act.title)
            chosen.append(act)
    return chosen


def _photo_of(activity: Any, photo: Photo) -> tuple[bytes, str] | None:
    for ref in activity.evidence or []:
        extension = PHOTO_TYPES.get(ref.get("content_type", ""))
        content = photo(ref["sha256"]) if extension else None
        if content:
            return content, extension
    return None


def bulletin(facts: Facts, window: Window, issue_no: int, photo: Photo) -> Paper:
    """简报: a period's highlights under the unit — figures, notable activities (the first
    ones with a photo from their evidence), adopted suggestions."""
    acts = [a for a in facts.activities if a.status == "logged" and window.holds(_day(a.start))]
    adopted = [s for s in facts.suggestions if s.status == "adopted"
               and window.holds(facts.adopted_on.get(s.id, date.min).isoformat())]
    suggestions = [s for s in facts.suggestions if window.holds(s.created_on.astimezone(SHANGHAI).date().isoformat())]
    problems = [p for p in facts.problems if window.holds(p.created_on.astimezone(SHANGHAI).date().isoformat())]
    paper = Paper(title=f"{campaign_name(facts)}简报", issuer=facts.unit.name,
                  date=chinese_date(facts.as_of), masthead="简报", issue=f"第{issue_no}期",
                  subtitle=f"（{window.words()}）")
    units = len({a.tenant_id for a in acts})
    paper.h1("一、工作动态")
    paper.p(f"{window.words()}，{facts.unit.name}及所属单位中有{units}个单位开展活动{len(acts)}次，"
            f"参与{sum(a.participants or 0 for a in acts)}人次，累计{sum((_hours(a.hours) for a in acts), Decimal(0))}学时；"
            f"收到意见建议{len(suggestions)}条，采纳{len(adopted)}条；查摆问题{len(problems)}个。")
    paper.h1("二、活动掠影")
    if not acts:
        paper.p("本期没有登记的活动。")
    shown = 0
    for n, act in enumerate(_notable(acts)[:NOTABLE], 1):
        paper.p(f"{n}. {facts.unit_name(act.tenant_id)}：{act.title}（{_day(act.start)}，{act.participants or 0}人参加）。"
                + (act.summary or ""))
        picture = _photo_of(act, photo) if shown < WITH_PHOTO else None
        if picture is not None:
            shown += 1
            paper.photo(picture[0], picture[1], f"{facts.unit_name(act.tenant_id)}　{act.title}")
    paper.h1("三、数据速览")
    paper.table(FIGURE_HEADER, _figures(facts, acts, suggestions, problems))
    paper.h1("四、意见建议采纳")
    if not adopted:
        paper.p("本期没有新采纳的意见建议。")
    for n, s in enumerate(adopted[:LISTED], 1):
        note = f"：{s.adoption_note}" if getattr(s, "adoption_note", "") else ""
        paper.p(f"{n}. {s.title}（{facts.unit_name(s.tenant_id)}）{note}")
    return paper


def summary(facts: Facts, window: Window, phase_name: str | None) -> Paper:
    """阶段总结 (``phase_name`` given) or 总结报告: what was done, the figures, the problems
    found and rectified, the outcomes."""
    acts = [a for a in facts.activities if a.status == "logged" and window.holds(_day(a.start))]
    suggestions = [s for s in facts.suggestions if window.holds(s.created_on.astimezone(SHANGHAI).date().isoformat())]
    problems = [p for p in facts.problems if window.holds(p.created_on.astimezone(SHANGHAI).date().isoformat())]
    adopted = [s for s in suggestions if s.status == "adopted"]
    closed = [p for p in problems if p.status == "verified"]
    name = campaign_name(facts)
    phase_name = phase_name.removesuffix("阶段") if phase_name else None
    title = (f"{facts.unit.name}{name}{phase_name}阶段工作总结" if phase_name
             else f"{facts.unit.name}{name}总结报告")
    paper = Paper(title=title, issuer=facts.unit.name, date=chinese_date(facts.as_of), signature=True,
                  subtitle=f"（{window.words()}）")
    participants = sum(a.participants or 0 for a in acts)
    hours = sum((_hours(a.hours) for a in acts), Decimal(0))
    paper.p(f"按照{name}的部署，{facts.unit.name}{'在' + phase_name + '阶段' if phase_name else ''}"
            f"扎实推进各项工作，现将有关情况总结如下。")

    def done() -> None:
        paper.p(f"{window.words()}，{facts.unit.name}及所属{len(facts.units) - 1}个单位共开展活动{len(acts)}次，"
                f"参与{participants}人次，累计{hours}学时。")
        kinds: dict[str, list] = {}
        for act in acts:
            kinds.setdefault(act.kind, []).append(act)
        if kinds:
            paper.table(["活动类型", "次数", "参与人次", "学时"], [
                [kind, len(items), sum(a.participants or 0 for a in items),
                 str(sum((_hours(a.hours) for a in items), Decimal(0)))]
                for kind, items in sorted(kinds.items())])
        for n, act in enumerate(_notable(acts)[:NOTABLE], 1):
            paper.p(f"{n}. {_day(act.start)}，{facts.unit_name(act.tenant_id)}开展“{act.title}”，"
                    f"{act.participants or 0}人参加。" + (act.summary or ""))

    def figures() -> None:
        paper.table(FIGURE_HEADER, _figures(facts, acts, suggestions, problems))

    def rectified() -> None:
        paper.p(f"共查摆问题{len(problems)}个，已整改销号{len(closed)}个，"
                f"整改中{sum(1 for p in problems if p.status in ('rectifying', 'completed'))}个，"
                f"待整改{sum(1 for p in problems if p.status == 'open')}个。")
        if problems:
            paper.table(["序号", "单位", "问题", "类别", "整改措施", "状态"], [
                [n, facts.unit_name(p.tenant_id), p.description, p.category,
                 "；".join((p.rectification or {}).get("measures") or []), PROBLEM_STATUSES.get(p.status, p.status)]
                for n, p in enumerate(problems[:LISTED], 1)])

    def outcomes() -> None:
        paper.p(f"收集意见建议{len(suggestions)}条，采纳{len(adopted)}条；问题整改销号{len(closed)}个。")
        for n, s in enumerate(adopted[:LISTED], 1):
            note = f"：{s.adoption_note}" if getattr(s, "adoption_note", "") else ""
            paper.p(f"{n}. 采纳建议“{s.title}”（{facts.unit_name(s.tenant_id)}）{note}")
        results = [a for a in _notable(acts) if a.outcomes][:NOTABLE]
        for act in results:
            paper.p(f"{facts.unit_name(act.tenant_id)}“{act.title}”：{act.outcomes}")

    sections = [("工作开展情况", done), ("主要数据", figures), ("查摆问题及整改情况", rectified),
                ("取得的成效", outcomes)]
    for n, (heading, write) in enumerate(sections):
        paper.h1(f"{NUMERALS[n]}、{heading}")
        write()
    return paper

