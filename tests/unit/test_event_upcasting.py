"""The rule for evolving an event's shape (see README, "Evolving events"):

stored events are never rewritten. A changed event class gets ``class_version = N + 1``
and a static ``upcast_vN_vN+1(state)`` that turns the stored dict of the old shape into
the new one; the library applies the chain whenever it reads an old event.
"""

from datetime import datetime, timezone
from uuid import uuid4

from eventsourcing.domain import event
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from taolun.events.kernel import TaolunAggregate, TaolunApplication


class Unit(TaolunAggregate):
    """Version 2: release 1 stored one ``name``; release 2 keeps a full and a short name."""

    class Registered(TaolunAggregate.Created):
        full_name: str
        short_name: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["full_name"] = state.pop("name")
            state["short_name"] = state["full_name"][:2]

    @event(Registered)
    def __init__(self, tenant_id, actor, full_name: str, short_name: str) -> None:
        self.full_name, self.short_name = full_name, short_name


def test_an_event_stored_in_the_old_shape_is_read_in_the_new_one():
    app = TaolunApplication()
    unit_id = uuid4()
    v1_state = {  # exactly what release 1 wrote: no class_version, a single "name"
        "originator_topic": get_topic(Unit),
        "timestamp": datetime(2019, 3, 5, tzinfo=timezone.utc),
        "tenant_id": None,
        "actor": None,
        "name": "扬州市教育局",
    }
    app.recorder.insert_events([
        StoredEvent(
            originator_id=unit_id, originator_version=1,
            topic=get_topic(Unit.Registered), state=app.mapper.transcoder.encode(v1_state),
        )
    ])
    unit = app.repository.get(unit_id)
    assert unit.full_name == "扬州市教育局"
    assert unit.short_name == "扬州"


def test_new_events_are_written_in_the_new_shape():
    app = TaolunApplication()
    unit = Unit(tenant_id=None, actor=None, full_name="邗江区教育局", short_name="邗江")
    app.save(unit)
    stored = app.recorder.select_events(unit.id)[0]
    state = app.mapper.transcoder.decode(stored.state)
    assert state["class_version"] == 2 and "name" not in state


def test_every_bounded_context_writes_to_one_notification_log():
    from taolun.events.campaigns.application import Campaigns
    from taolun.tenants.application import Tenancy

    assert Tenancy.name == Campaigns.name == TaolunApplication.name
