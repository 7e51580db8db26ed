"""A phase the plan's guards refuse (outside the campaign's window) is reported with how its
dates were read, so the user fixing it in the editor sees why the importer chose them."""

from __future__ import annotations

from uuid import uuid4

from taolun.events.campaigns import Plan
from taolun.events.plan_import import parse_plan
from taolun.events.plan_import.to_draft import derived_draft

CITY, SCHOOL, ACTOR = uuid4(), uuid4(), uuid4()


def test_a_refused_phase_keeps_its_date_reasoning_in_the_note():
    parent = Plan.author(tenant_id=CITY, actor=ACTOR, title="解放思想大讨论")
    parent.add_phase(ACTOR, name="学习讨论阶段", start="2019-03-01", end="2019-05-31")
    parent.add_topic(ACTOR, group="（一）", title="必选题目", mandatory=True)  # what a campaign needs to publish
    parent.add_requirement(ACTOR, kind="专题学习", metric="days", minimum=3)
    parent.publish(ACTOR, unit_ids=None, derive_deadline="2019-02-20")
    text = "学校大讨论活动实施方案\n益高技党〔2019〕8号\n一、实施步骤\n（一）学习讨论阶段（2月中旬至4月）。学习。\n"
    draft = derived_draft(parse_plan(text).to_dict(), parent=parent, tenant_id=SCHOOL, actor=ACTOR)
    [note] = [n for n in draft.notes if n["item"] == "phases"]
    assert note["source"] == "学习讨论阶段"
    assert note["date_reasoning"] == "2月中旬 → 11日至20日；4月 → 至4月30日；年份取自文号“益高技党〔2019〕8号”"
