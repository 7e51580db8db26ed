"""A few weeks of the demo city's campaign, played through the application services.

Everything is dated relative to ``today`` (the campaign's first phase ended a week ago, the
second runs now), so the progress view shows a campaign in full swing whatever day the demo
is loaded: most schools' plans approved, one returned with reasons, one waiting for review,
one still a draft and one school without a plan; the city amended its campaign once, two
plans took the amendment and the others show "upstream changed"; branches and offices
logged activities with photos, sent suggestions (some answered or adopted) and rectify
problems, one of them overdue. The script is ``taolun.platform.demo_script``; the lights
come out mixed at every level (its ``LIGHTS``).

Idempotent: what exists is looked up first (plans by unit, activities and suggestions by
unit and title, problems by unit and description, in the read models, caught up first), and
each plan and problem is only moved on towards its target state, so a second run — or a run
after an interrupted one — adds nothing that is already there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO
from uuid import UUID

from taolun.infra.blobs import blob_store
from taolun.platform import demo_plans
from taolun.platform.demo_images import picture
from taolun.platform.demo_script import (
    ACTIVITIES, AMENDMENT_SUMMARY, AMENDMENT_TASK, AMENDMENT_TOPIC, PLANS, PROBLEMS, SUGGESTIONS,
    THEME, Act, Path, PlanStory, Problem,
)
from taolun.platform.plan_imports import import_plan
from taolun.projections.models import ActivityRow, PlanRow, ProblemRow, SuggestionRow


class History:
    """Plays the script for ``today``; ``ids`` maps unit paths to tenant ids, ``actor_for``
    answers the demo user who acts for a unit (its own admin or secretary, or the nearest
    one above)."""

    def __init__(self, runtime, ids: dict[Path, UUID], actor_for: Callable[[Path], UUID],
                 today: date, out: TextIO) -> None:
        self.rt, self.c = runtime, runtime.campaigns
        self.ids, self.actor_for, self.today, self.out = ids, actor_for, today, out
        self.plans: dict[Path, UUID] = {}

    def day(self, offset: int) -> str:
        return (self.today + timedelta(days=offset)).isoformat()

    # -- plans ---------------------------------------------------------------------------

    def campaign(self) -> UUID:
        """The city's campaign: imported from the city's document and published, once."""
        city = self.ids[()]
        found = (PlanRow.objects.filter(node_id=city, kind="campaign", title__contains=THEME)
                 .order_by("-updated_at").values_list("id", flat=True).first())
        if found is None:
            document = demo_plans.CITY
            result = import_plan(self.rt, actor=self.actor_for(()), tenant_id=city,
                                 filename=document.filename, data=demo_plans.render(document, self.today))
            found = result["plan_id"]
        if self.c.get_plan(found).status == "draft":
            self.c.publish(found, self.actor_for(()), unit_ids=None,
                           derive_deadline=self.day(demo_plans.PLANS_DUE))
        self.plans[()] = found
        return found

    def derived_plans(self, campaign_id: UUID) -> None:
        known = {r["node_id"]: r["id"] for r in PlanRow.objects.filter(
            campaign_id=campaign_id, kind="derived").values("node_id", "id")}
        for story in PLANS:
            plan_id = known.get(self.ids[story.unit]) or self._derive(story)
            self.plans[story.unit] = plan_id
            self._advance(story)

    def _derive(self, story: PlanStory) -> UUID:
        parent, unit, actor = self.plans[story.parent], self.ids[story.unit], self.actor_for(story.unit)
        if story.document is None:
            return self.c.derive_plan(parent, actor, unit)[0]
        return import_plan(self.rt, actor=actor, tenant_id=unit, parent_plan_id=parent,
                           filename=story.document.filename,
                           data=demo_plans.render(story.document, self.today))["plan_id"]

    def _advance(self, story: PlanStory) -> None:
        """Move the plan on towards its target: take a pending amendment first (reopen,
        rebase) if the story says so, then submit, then the parent's review."""
        plan_id, author = self.plans[story.unit], self.actor_for(story.unit)
        reviewer = self.actor_for(story.parent)
        for _ in range(8):  # each turn takes one step; a story has at most five
            plan = self.c.get_plan(plan_id)
            if story.rebase and plan.upstream is not None and plan.status == "approved":
                self.c.reopen(plan_id, author, "同步上级方案修订")
            elif story.rebase and plan.upstream is not None and plan.status != "submitted":
                self.c.rebase(plan_id, author)
            elif plan.status == story.target:
                break
            elif plan.status == "draft":
                self.c.submit(plan_id, author)
            elif plan.status == "submitted" and story.target == "approved":
                self.c.approve(plan_id, reviewer, "符合上级方案要求，同意实施")
            elif plan.status == "submitted" and story.target == "returned":
                self.c.return_plan(plan_id, reviewer, story.reasons)
            else:
                break
        self._tell_children(story.unit)

    def _tell_children(self, unit: Path) -> None:
        """A plan released anew marks the plans derived from it (idempotent; the outbox
        policy does the same when the server runs)."""
        version = self.c.get_plan(self.plans[unit]).released_version
        if version < 2:
            return
        for story in PLANS:
            if story.parent == unit and story.unit in self.plans:
                self.c.mark_upstream_changed(self.plans[story.unit], version)

    def amend(self, campaign_id: UUID) -> None:
        """The city amends its campaign once: a topic and a task more."""
        admin = self.actor_for(())
        plan = self.c.get_plan(campaign_id)
        if plan.released_version < 2:
            if plan.status == "published":
                self.c.reopen(campaign_id, admin, AMENDMENT_SUMMARY)
                plan = self.c.get_plan(campaign_id)
            if not any(t["title"] == AMENDMENT_TOPIC for t in plan.topics.values()):
                self.c.add_topic(campaign_id, admin, group="补充专题", title=AMENDMENT_TOPIC)
            if not any(t["title"] == AMENDMENT_TASK for t in plan.tasks.values()):
                phase = next(p["id"] for p in plan.phases.values() if p["name"] == demo_plans.PHASE_NAMES[2])
                self.c.add_task(
                    campaign_id, admin, title=AMENDMENT_TASK, phase_id=phase,
                    description="对问题清单逐项开展“回头看”，防止问题反弹。", responsible_units=["督导室"])
            self.c.publish_amendment(campaign_id, admin, AMENDMENT_SUMMARY)
        self._tell_children(())

    def take_amendment(self) -> None:
        """After the amendment: the plans whose story says so take it (parents first, so a
        district's new approval reaches its schools before they rebase)."""
        for story in PLANS:
            self._advance(story)

    # -- what units do ----------------------------------------------------------------------

    def governing(self, unit: Path) -> UUID:
        """The plan a unit logs against: the nearest released plan at or above it."""
        for n in range(len(unit), -1, -1):
            plan_id = self.plans.get(unit[:n])
            if plan_id is not None and self.c.get_plan(plan_id).released_version:
                return plan_id
        raise LookupError(unit)

    def activities(self, campaign_id: UUID) -> None:
        done = set(ActivityRow.objects.filter(campaign_id=campaign_id).values_list("node_id", "title"))
        for n, (unit, acts) in enumerate(ACTIVITIES.items(), start=1):
            plan = self.c.get_plan(self.governing(unit))
            for act in acts:
                if (self.ids[unit], act.title) not in done:
                    self._log(unit, plan, act)
            if n % 10 == 0 or n == len(ACTIVITIES):
                self.out.write(f"      {n}/{len(ACTIVITIES)} 个支部、处室 units\n")
                self.out.flush()

    def _log(self, unit: Path, plan, act: Act) -> None:
        on = self.day(act.day)
        actor = self.actor_for(unit)
        phase = next((p["id"] for p in plan.phases.values() if p["start"] <= on <= p["end"]), None)
        topics = [t for t in plan.topics if not plan.topics[t].get("declined")][:1]
        evidence = []
        if act.photo:  # named after the kind of event, as a phone's upload would be renamed
            evidence.append(self.photo(actor, f"{'/'.join(unit)}/{act.title}", f"{act.title.split('：')[0]}.png"))
        self.c.log_activity(
            actor, self.ids[unit], plan.id, kind=act.kind, title=act.title,
            start=f"{on}T15:00:00+08:00", end=f"{on}T17:00:00+08:00", participants=act.participants,
            hours=Decimal(2), location="学校会议室" if unit[-1] != "jgdzb" else "机关会议室",
            summary=f"{act.title}。参加人员围绕讨论专题交流发言，形成会议纪要。", phase_id=phase,
            topic_ids=topics if act.kind in ("座谈会", "主题党日") else [], evidence=evidence)

    def photo(self, uploader: UUID, seed: str, filename: str) -> dict:
        """A generated picture in the evidence store, as an upload would leave it."""
        return blob_store().put([picture(seed)], filename, uploader=uploader).ref()

    def suggestions(self, campaign_id: UUID) -> None:
        done = set(SuggestionRow.objects.filter(campaign_id=campaign_id).values_list("node_id", "title"))
        for s in SUGGESTIONS:
            if (self.ids[s.unit], s.title) in done:
                continue
            suggestion_id = self.c.submit_suggestion(
                self.actor_for(s.unit), self.ids[s.unit], self.governing(s.unit),
                title=s.title, content=s.content, anonymous=s.anonymous)[0]
            answerer = self.actor_for(s.unit[:-1])
            if s.outcome == "adopted":
                self.c.adopt_suggestion(suggestion_id, answerer, s.reply)
            elif s.outcome == "answered":
                self.c.answer_suggestion(suggestion_id, answerer, s.reply)

    def problems(self, campaign_id: UUID) -> None:
        known = {(r["node_id"], r["description"]): r for r in ProblemRow.objects.filter(
            campaign_id=campaign_id).values("node_id", "description", "id", "reopened")}
        for p in PROBLEMS:
            row = known.get((self.ids[p.unit], p.description))
            if row is None:
                problem_id = self.c.record_problem(
                    self.actor_for(p.unit), self.ids[p.unit], self.governing(p.unit),
                    description=p.description, category=p.category, source="大讨论查摆")[0]
                row = {"id": problem_id, "reopened": 0}
            self._rectify(p, row["id"], reopened=row["reopened"] > 0)

    def _rectify(self, p: Problem, problem_id: UUID, *, reopened: bool) -> None:
        """Move a problem on towards its target: measures and deadline, progress, completion
        with a photo, the parent's verification (销号), and for one a reopening."""
        actor, parent = self.actor_for(p.unit), self.actor_for(p.unit[:-1])
        order = ("open", "rectifying", "completed", "verified", "reopened")
        goal = order.index(p.target)
        for _ in range(5):
            problem = self.c.get_problem(problem_id)
            if problem.status == "open" and goal > 0:
                self.c.plan_rectification(
                    problem_id, actor, measures=p.measures, lead_leader="分管负责同志",
                    responsible_units=[self.rt.tenancy.get_tenant(self.ids[p.unit]).name],
                    deadline=self.day(p.deadline))
            elif problem.status == "rectifying" and p.percent and not problem.progress:
                self.c.report_rectification_progress(
                    problem_id, actor, note="整改措施正在推进", percent=p.percent)
            elif problem.status == "rectifying" and goal >= 2 and not reopened:
                self.c.complete_rectification(
                    problem_id, actor, summary="整改措施已全部落实",
                    evidence=[self.photo(actor, f"整改/{p.description}", "整改佐证.png")])
            elif problem.status == "completed" and goal >= 3:
                self.c.verify_rectification(problem_id, parent, "经核查整改到位，同意销号")
            elif problem.status == "verified" and goal == 4:
                self.c.reopen_problem(problem_id, parent, "回访发现仍有部分岗位未落实，重新整改")
                reopened = True
            else:
                break


def play(runtime, ids: dict[Path, UUID], actor_for: Callable[[Path], UUID], today: date,
         out: TextIO) -> History:
    """Play the whole script (each part only does what is still to do)."""
    history = History(runtime, ids, actor_for, today, out)
    runtime.runner.catch_up()  # the lookups read the read models
    out.write("[2/5] 方案 Plans: the city's campaign, derived plans and their reviews, an amendment\n")
    out.flush()
    campaign_id = history.campaign()
    history.derived_plans(campaign_id)
    history.amend(campaign_id)
    history.take_amendment()
    out.write("[3/5] 活动 Activities (with photos) over the last five weeks\n")
    out.flush()
    history.activities(campaign_id)
    out.write("[4/5] 建议与问题整改 Suggestions and rectifications\n")
    out.flush()
    history.suggestions(campaign_id)
    history.problems(campaign_id)
    return history
