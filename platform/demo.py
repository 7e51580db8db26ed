"""The demo city: a small but real-shaped organisation tree with a user for every role.

Loading is idempotent: the tree is created once (found again by its root code), and each
run prints fresh tokens for the demo users.
"""

from __future__ import annotations

from typing import TextIO
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from taolun.platform import sample_plans
from taolun.platform.runtime import get_runtime
from taolun.tenants.domainmodel import SiblingCode

CITY = ("bureau", "yz-jyj", "扬州市教育局")
CITY_UNITS = [("office", "bgs", "办公室"), ("office", "jcjy", "基础教育处"), ("branch", "jgdw", "机关党委")]
DISTRICTS = {
    ("bureau", "gl", "广陵区教育局"): [("school", "gl-sz", "扬州市广陵区实验中学"), ("school", "gl-xx", "广陵区汶河小学")],
    ("bureau", "hj", "邗江区教育局"): [("school", "hj-zx", "邗江中学"), ("school", "hj-sx", "邗江区实验学校")],
    ("bureau", "jd", "江都区教育局"): [("school", "jd-zx", "江都中学")],
}
SCHOOL_UNITS = [
    ("branch", "dzb-1", "第一党支部"), ("branch", "dzb-2", "第二党支部"),
    ("office", "jwc", "教务处"), ("office", "xsc", "学生处"),
]
DIRECT_SCHOOLS = [("school", "yz-zj", "扬州市职业教育中心")]

USERS = [  # email, name, unit path (codes from the city down), role
    ("city.admin@demo.taolun", "王局长", [], "admin"),
    ("inspector@demo.taolun", "督查员李明", [], "inspector"),
    ("auditor@demo.taolun", "审计员赵华", [], "auditor"),
    ("viewer@demo.taolun", "访客周琳", [], "viewer"),
    ("hj.admin@demo.taolun", "邗江区管理员陈静", ["hj"], "admin"),
    ("school.admin@demo.taolun", "邗江中学管理员刘洋", ["hj", "hj-zx"], "admin"),
    ("secretary@demo.taolun", "第一党支部书记孙强", ["hj", "hj-zx", "dzb-1"], "secretary"),
    ("office.head@demo.taolun", "教务处主任吴敏", ["hj", "hj-zx", "jwc"], "secretary"),
]


def _find(tenancy, parent_id, code):
    try:
        return tenancy.repository.get(SiblingCode.id_for(parent_id, code)).owner
    except AggregateNotFoundError:
        return None


def _ensure(tenancy, parent_id, kind, code, name):
    found = _find(tenancy, parent_id, code)
    if found is not None:
        return found
    tenant_id, _ = tenancy.register_tenant(None, kind, code, name, parent_id)
    return tenant_id


# Example plan -> the unit that imports it (codes from the city down). Both derive from the
# city's campaign: the district's .docx and the school's GB18030 text go through the importer
# exactly as an upload would.
DERIVED_PLANS = {
    sample_plans.DISTRICT: ["hj"],
    sample_plans.SCHOOL: ["hj", "hj-zx"],
}


def seed_plans(runtime, ids: dict[tuple, UUID], out: TextIO) -> int:
    """The city's example plan becomes its published campaign; the district's and the
    school's become derived drafts. All through the importer, from the plans the package ships."""
    from taolun.platform.plan_imports import import_plan

    campaigns = runtime.campaigns
    result = import_plan(runtime, actor=None, tenant_id=ids[()], filename=sample_plans.CITY,
                         data=sample_plans.read(sample_plans.CITY))
    campaign_id = result["plan_id"]
    last = campaigns.publish(campaign_id, None, unit_ids=None, derive_deadline="2026-03-31")
    out.write(f"已导入并发布市级方案 Imported and published the city campaign: {campaign_id}\n")
    for name, where in DERIVED_PLANS.items():
        derived = import_plan(runtime, actor=None, tenant_id=ids[tuple(where)], filename=name,
                              data=sample_plans.read(name), parent_plan_id=campaign_id)
        last = derived["notification_id"]
        out.write(f"已导入派生方案草稿 Imported a derived draft from {name}: {derived['plan_id']}"
                  f" ({len(derived['notes'])} 项待人工处理)\n")
    return last


def load_demo(out: TextIO) -> dict[str, str]:
    runtime = get_runtime()
    tenancy = runtime.tenancy
    fresh = _find(tenancy, None, CITY[1]) is None
    city = _ensure(tenancy, None, *CITY)
    ids = {(): city}
    for unit in CITY_UNITS:
        _ensure(tenancy, city, *unit)
    for district, schools in DISTRICTS.items():
        district_id = _ensure(tenancy, city, *district)
        ids[(district[1],)] = district_id
        for school in schools:
            school_id = _ensure(tenancy, district_id, *school)
            ids[(district[1], school[1])] = school_id
            for unit in SCHOOL_UNITS:
                ids[(district[1], school[1], unit[1])] = _ensure(tenancy, school_id, *unit)
    for school in DIRECT_SCHOOLS:
        school_id = _ensure(tenancy, city, *school)
        ids[(school[1],)] = school_id
        for unit in SCHOOL_UNITS:
            _ensure(tenancy, school_id, *unit)
    if fresh:  # plans are seeded with the tree, once
        runtime.runner.catch_up(seed_plans(runtime, ids, out))

    tokens: dict[str, str] = {}
    last = 0
    for email, name, where, role in USERS:
        node_id = ids[tuple(where)]
        user = tenancy.find_user_by_email(email)
        user_id = user.id if user else tenancy.register_user(None, email, name, node_id)[0]
        tenancy.grant_role(None, user_id, node_id, role)
        issued = tenancy.issue_token(None, user_id, label="demo", days=30)
        tokens[email] = issued.token
        last = issued.notification_id
    runtime.runner.catch_up(last)
    passwords = set_demo_passwords(runtime, [email for email, *_ in USERS])
    out.write("演示城市已就绪 Demo city ready: 扬州市教育局 (code yz-jyj)\n")
    out.write("演示账号、密码与令牌 Demo users, passwords (sign in at /sign-in) and API tokens (Authorization: Bearer <token>):\n")
    for email, name, where, role in USERS:
        out.write(f"  {role:<10} {email:<28} {passwords[email]:<22} {tokens[email]}\n")
    out.flush()
    return tokens


# -- sign-in passwords -------------------------------------------------------------------


def demo_password(email: str) -> str:
    """A demo user's password: public on purpose (it is printed), distinct per user."""
    return f"{email.split('@')[0]}-taolun-demo"


def set_demo_passwords(runtime, emails: list[str]) -> dict[str, str]:
    """Give each demo user their demo password, idempotently: a password already in place
    is left alone (no new ``PasswordSet`` event on every start). Answers email -> password."""
    from taolun.platform.web.passwords import set_password, verify

    out, last = {}, 0
    for email in emails:
        password = out[email] = demo_password(email)
        if verify(email, password) is None:
            last = set_password(runtime, None, runtime.tenancy.find_user_by_email(email).id, password)
    runtime.runner.catch_up(last or None)
    return out
