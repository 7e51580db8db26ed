"""Aggregates the read-only rules share across requests (events/shared_aggregates.py): they
see every write, including another process's, and what was handed out never changes."""

from taolun.events.shared_aggregates import SharedAggregates
from taolun.tenants.application import Tenancy


def test_a_shared_aggregate_sees_later_writes_and_the_copy_handed_out_stays_as_it_was(tmp_path):
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db")}
    mine, other = Tenancy(env=env), Tenancy(env=env)  # two processes on one store
    city, _ = mine.register_tenant(None, "bureau", "yz", "扬州市教育局")
    shared = SharedAggregates(mine, maxsize=10)
    before = shared.get(city)
    assert shared.get(city) is before  # nothing new in the store: the same object, no copy

    other.rename_tenant(None, city, "扬州市教育局（新）")
    school, _ = other.register_tenant(None, "school", "s1", "学校", city)
    after = shared.get(city)
    assert (after.name, after.children) == ("扬州市教育局（新）", [school])
    assert (before.name, before.children) == ("扬州市教育局", [])  # copy on write


def test_the_lineage_follows_a_move_made_elsewhere(tmp_path):
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db")}
    mine, other = Tenancy(env=env), Tenancy(env=env)
    city, _ = mine.register_tenant(None, "bureau", "yz", "市")
    a, _ = mine.register_tenant(None, "school", "a", "甲校", city)
    b, _ = mine.register_tenant(None, "school", "b", "乙校", city)
    branch, _ = mine.register_tenant(None, "branch", "z", "支部", a)
    assert mine.lineage(branch) == [branch, a, city]
    other.move_tenant(None, branch, b)
    assert mine.lineage(branch) == [branch, b, city]
    assert mine.get_tenant(a).children == [] and mine.get_tenant(b).children == [branch]
