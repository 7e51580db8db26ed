"""The tenancy application's rules, as one narrative plus focused cases.

The narrative runs on every persistence the product supports: in memory, SQLite and (in
the postgres leg) PostgreSQL.
"""

import os
import uuid

import pytest

from taolun.events.kernel import Conflict, DomainError, NotFound
from taolun.tenants.application import Tenancy, hash_token


def persistence_envs(tmp_path):
    yield "memory", {}
    yield "sqlite", {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db")}
    if os.environ.get("TAOLUN_TEST_BACKEND") == "postgres":
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(dbname="postgres", host="127.0.0.1", user="postgres", autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {schema}")
        yield "postgres", {
            "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": "postgres",
            "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432", "POSTGRES_USER": "postgres",
            "POSTGRES_PASSWORD": "", "POSTGRES_SCHEMA": schema,
        }
        with psycopg.connect(dbname="postgres", host="127.0.0.1", user="postgres", autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture()
def app():
    return Tenancy()


def test_the_story_of_a_city_tree_on_every_store(tmp_path):
    for label, env in persistence_envs(tmp_path):
        app = Tenancy(env={"PERSISTENCE_MODULE": "eventsourcing.popo", **env})
        ops, _ = app.register_user(None, f"ops-{label}@x.cn", "运维", None, is_operator=True)
        city, _ = app.register_tenant(ops, "bureau", "yz", "扬州市教育局")
        district, _ = app.register_tenant(ops, "bureau", "hj", "邗江区教育局", city)
        school, _ = app.register_tenant(ops, "school", "hjzx", "邗江中学", district)
        branch, nid = app.register_tenant(ops, "branch", "dzb1", "第一党支部", school)
        assert nid > 0, label
        assert app.get_tenant(district).children == [school]
        assert [t.id for t in app.ancestors(branch)] == [branch, school, district, city]

        other, _ = app.register_tenant(ops, "bureau", "gl", "广陵区教育局", city)
        app.move_tenant(ops, school, other)
        assert app.get_tenant(school).parent_id == other
        assert app.get_tenant(district).children == []
        # the code moved with the school: it is free again under the old parent
        app.register_tenant(ops, "school", "hjzx", "新邗江中学", district)

        with pytest.raises(Conflict):
            app.archive_tenant(ops, other)
        app.archive_tenant(ops, other, cascade=True)
        assert app.get_tenant(branch).archived and app.get_tenant(school).archived

        secretary, _ = app.register_user(ops, f"s-{label}@x.cn", "书记", district)
        app.grant_role(ops, secretary, district, "secretary")
        issued = app.issue_token(ops, secretary, "phone", days=30)
        user = app.get_user(secretary)
        assert user.grants == [[str(district), "secretary"]]
        assert user.tokens[issued.token_id]["hash"] == hash_token(issued.token)
        app.revoke_token(ops, secretary, issued.token_id)
        assert app.get_user(secretary).tokens[issued.token_id]["revoked"]
        app.close()


def test_every_event_carries_its_tenant_and_actor(app):
    ops, _ = app.register_user(None, "ops@x.cn", "运维", None, is_operator=True)
    city, _ = app.register_tenant(ops, "bureau", "yz", "扬州市教育局")
    app.rename_tenant(ops, city, "扬州市教育局（新）")
    for event in app.events.get(city):
        assert event.tenant_id == city and event.actor == ops


def test_a_code_is_unique_among_siblings_but_not_across_parents(app):
    city, _ = app.register_tenant(None, "bureau", "yz", "扬州")
    a, _ = app.register_tenant(None, "bureau", "a", "A区", city)
    b, _ = app.register_tenant(None, "bureau", "b", "B区", city)
    app.register_tenant(None, "school", "s1", "一中", a)
    app.register_tenant(None, "school", "s1", "一中", b)
    with pytest.raises(Conflict) as error:
        app.register_tenant(None, "school", "S1", "又一中", a)
    assert error.value.code == "duplicate_code"
    assert len(app.get_tenant(a).children) == 1


def test_a_node_cannot_move_under_itself_or_its_descendants(app):
    city, _ = app.register_tenant(None, "bureau", "yz", "扬州")
    district, _ = app.register_tenant(None, "bureau", "hj", "邗江", city)
    sub, _ = app.register_tenant(None, "bureau", "sub", "下级", district)
    for target in (district, sub):
        with pytest.raises(DomainError) as error:
            app.move_tenant(None, district, target)
        assert error.value.code == "move_into_own_subtree"
    assert app.get_tenant(district).parent_id == city


def test_kinds_nest_only_where_they_make_sense(app):
    city, _ = app.register_tenant(None, "bureau", "yz", "扬州")
    school, _ = app.register_tenant(None, "school", "s", "学校", city)
    branch, _ = app.register_tenant(None, "branch", "b", "支部", school)
    for kind, parent in (("school", branch), ("bureau", school), ("office", branch)):
        with pytest.raises(DomainError) as error:
            app.register_tenant(None, kind, "x", "x", parent)
        assert error.value.code == "invalid_parent_kind"
    with pytest.raises(DomainError):
        app.register_tenant(None, "school", "root-school", "没有上级的学校")


def test_unknown_parents_and_bad_values_append_nothing(app):
    head = app.recorder.max_notification_id() or 0
    with pytest.raises(NotFound):
        app.register_tenant(None, "school", "s", "学校", uuid.uuid4())
    with pytest.raises(DomainError) as blank:
        app.register_tenant(None, "bureau", "  ", "名称")
    assert blank.value.details["field"] == "code"
    with pytest.raises(DomainError):
        app.register_tenant(None, "castle", "c", "城堡")
    with pytest.raises(DomainError):
        app.register_user(None, "not-an-email", "x", None)
    assert (app.recorder.max_notification_id() or 0) == head


def test_an_email_belongs_to_one_user(app):
    app.register_user(None, "Zhang@X.cn", "张三", None)
    with pytest.raises(Conflict) as error:
        app.register_user(None, "zhang@x.cn", "张三二号", None)
    assert error.value.code == "duplicate_email"


def test_granting_twice_changes_nothing_and_revoking_an_absent_grant_is_refused(app):
    city, _ = app.register_tenant(None, "bureau", "yz", "扬州")
    user, _ = app.register_user(None, "a@x.cn", "甲", city)
    first = app.grant_role(None, user, city, "admin")
    assert app.grant_role(None, user, city, "admin") == 0  # nothing appended
    assert app.recorder.max_notification_id() == first
    with pytest.raises(DomainError):
        app.revoke_role(None, user, city, "viewer")
    with pytest.raises(DomainError) as bad_role:
        app.grant_role(None, user, city, "emperor")
    assert bad_role.value.code == "invalid_role"


def test_token_lifetimes_are_bounded(app):
    user, _ = app.register_user(None, "a@x.cn", "甲", None)
    for days in (0, 367):
        with pytest.raises(DomainError):
            app.issue_token(None, user, days=days)


def test_long_streams_are_snapshotted(app):
    city, _ = app.register_tenant(None, "bureau", "yz", "扬州")
    for i in range(60):
        app.register_tenant(None, "school", f"s{i}", f"学校{i}", city)
    snapshots = list(app.snapshots.get(city))
    assert snapshots, "a parent with 60 children must have a snapshot"
    assert len(app.get_tenant(city).children) == 60


# -- who may act on whom (issue 7: privilege escalation through tokens and grants) ------


@pytest.fixture()
def city(app):
    """An operator, a city with a district and a school, a school admin, and a user homed
    at the school who is a city admin."""
    ops, _ = app.register_user(None, "ops@x.cn", "运维", None, is_operator=True)
    city, _ = app.register_tenant(ops, "bureau", "yz", "扬州市教育局")
    district, _ = app.register_tenant(ops, "bureau", "hj", "邗江区教育局", city)
    school, _ = app.register_tenant(ops, "school", "hjzx", "邗江中学", district)
    school_admin, _ = app.register_user(ops, "sa@x.cn", "校管理员", school)
    app.grant_role(ops, school_admin, school, "admin")
    big, _ = app.register_user(ops, "big@x.cn", "市管理员", school)
    app.grant_role(ops, big, city, "admin")
    plain, _ = app.register_user(ops, "plain@x.cn", "教师", school)
    app.grant_role(ops, plain, school, "viewer")
    return type("City", (), dict(
        ops=ops, city=city, district=district, school=school, school_admin=school_admin,
        big=big, plain=plain,
    ))


def test_only_the_user_or_an_operator_may_issue_a_users_token(app, city):
    for target in (city.big, city.plain):
        with pytest.raises(DomainError) as refused:
            app.issue_token(city.school_admin, target, "stolen")
        assert refused.value.status == 403
        assert app.get_user(target).tokens == {}
    assert app.issue_token(city.plain, city.plain, "mine").token
    assert app.issue_token(city.ops, city.big, "by ops").token
    assert app.issue_token(None, city.big, "by the CLI").token


def test_an_admin_manages_tokens_only_of_users_whose_every_grant_is_in_its_subtree(app, city):
    big_token = app.issue_token(city.big, city.big, "phone")
    plain_token = app.issue_token(city.plain, city.plain, "phone")
    assert not app.may_manage_tokens(city.school_admin, city.big)
    with pytest.raises(DomainError) as refused:
        app.revoke_token(city.school_admin, city.big, big_token.token_id)
    assert refused.value.status == 403
    assert not app.get_user(city.big).tokens[big_token.token_id]["revoked"]
    assert app.may_manage_tokens(city.school_admin, city.plain)
    app.revoke_token(city.school_admin, city.plain, plain_token.token_id)
    assert app.get_user(city.plain).tokens[plain_token.token_id]["revoked"]
    assert not app.may_manage_tokens(city.school_admin, city.ops)


def test_granting_oneself_a_role_is_refused_even_to_an_admin_above_the_node(app, city):
    with pytest.raises(DomainError) as refused:
        app.grant_role(city.school_admin, city.school_admin, city.school, "auditor")
    assert refused.value.code == "self_grant" and refused.value.status == 403
    assert app.get_user(city.school_admin).grants == [[str(city.school), "admin"]]


def test_a_grant_or_revocation_needs_an_admin_at_or_above_the_node(app, city):
    with pytest.raises(DomainError) as above:
        app.grant_role(city.school_admin, city.plain, city.district, "admin")
    assert above.value.status == 403
    with pytest.raises(DomainError) as revoke_above:
        app.revoke_role(city.school_admin, city.big, city.city, "admin")
    assert revoke_above.value.status == 403
    assert [str(city.city), "admin"] in app.get_user(city.big).grants
    app.grant_role(city.school_admin, city.plain, city.school, "secretary")
    app.revoke_role(city.school_admin, city.plain, city.school, "secretary")
    app.revoke_role(city.school_admin, city.school_admin, city.school, "admin")  # giving up is fine
