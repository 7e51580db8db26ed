"""The campaign aggregates moved out of ``events/campaigns/domainmodel.py`` (one module per
aggregate). Logs written before the move keep the old topics and must still load."""

from dataclasses import replace
from uuid import uuid4

from taolun.events.campaigns import Plan
from taolun.events.campaigns.application import Campaigns
from taolun.events.topics import every_topic

OLD = "taolun.events.campaigns.domainmodel"


def as_stored_before_the_move(app, aggregate):
    """The aggregate's pending events, stored exactly as the old module wrote them."""
    stored = []
    for event in aggregate.collect_events():
        record = app.mapper.to_stored_event(event)
        state = app.mapper.transcoder.decode(record.state)
        if "originator_topic" in state:
            state["originator_topic"] = f"{OLD}:{state['originator_topic'].split(':')[1]}"
        stored.append(replace(record, topic=f"{OLD}:{record.topic.split(':')[1]}",
                              state=app.mapper.transcoder.encode(state)))
    return stored


def test_a_plan_stored_under_the_old_module_topics_still_loads():
    app = Campaigns(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    plan = Plan.author(tenant_id=uuid4(), actor=uuid4(), title="旧日志里的方案")
    plan.add_topic(uuid4(), group="一", title="旧题目")
    records = as_stored_before_the_move(app, plan)
    assert all(r.topic.startswith(f"{OLD}:Plan.") for r in records)
    app.recorder.insert_events(records)

    loaded = app.get_plan(plan.id)
    assert loaded.header["title"] == "旧日志里的方案"
    assert [t["title"] for t in loaded.topics.values()] == ["旧题目"]


def test_readers_that_select_by_topic_see_the_old_and_the_new_topics():
    both = {f"{OLD}:Plan.Created", "taolun.events.campaigns.plan:Plan.Created"}
    assert every_topic(Plan.Created) == both
