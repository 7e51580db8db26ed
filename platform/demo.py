"""The demo city: a small but real-shaped organisation tree with a user for every role, and
a campaign in full swing (``taolun.platform.demo_history``: plans imported from the
documents in ``taolun.platform.demo_plans``, dated relative to today, and a few weeks of
what units did).

Loading is idempotent: the tree is created once (found again by its codes), the history only
adds what is not there yet, and each run prints fresh tokens for the demo users.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TextIO
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from taolun.platform import demo_history, demo_reports
from taolun.platform.demo_notices import make_notices
from taolun.platform.runtime import get_runtime
from taolun.tenants.domainmodel import SiblingCode

CITY = ("bureau", "yz-jyj", "扬州市教育局")
CITY_UNITS = [("office", "bgs", "办公室"), ("office", "jcjy", "基础教育处"), ("branch", "jgdw", "机关党委")]
DISTRICTS = {
    ("bureau", "gl", "广陵区教育局"): [("school", "gl-sz", "扬州市广陵区实验中学"), ("school", "gl-xx", "广陵区汶河小学")],
    ("bureau", "hj", "邗江区教育局"): [("school", "hj-zx", "邗江中学"), ("school", "hj-sx", "邗江区实验学校")],
    ("bureau", "jd", "江都区教育局"): [("school", "jd-zx", "江都中学")],
}
DISTRICT_UNITS = [("branch", "jgdzb", "机关党支部")]
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
    ("gl.admin@demo.taolun", "广陵区管理员黄蕾", ["gl"], "admin"),
    ("hj.admin@demo.taolun", "邗江区管理员陈静", ["hj"], "admin"),
    ("jd.admin@demo.taolun", "江都区管理员许峰", ["jd"], "admin"),
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


def build_tree(tenancy) -> dict[tuple, UUID]:
    """The tree (created where missing); answers unit paths (codes from the city down) → ids."""
    city = _ensure(tenancy, None, *CITY)
    ids: dict[tuple, UUID] = {(): city}

    def units(parent: tuple, kids) -> None:
        for kind, code, name in kids:
            ids[(*parent, code)] = _ensure(tenancy, ids[parent], kind, code, name)

    units((), CITY_UNITS)
    for district, schools in DISTRICTS.items():
        units((), [district])
        units((district[1],), DISTRICT_UNITS + schools)
        for school in schools:
            units((district[1], school[1]), SCHOOL_UNITS)
    for school in DIRECT_SCHOOLS:
        units((), [school])
        units((school[1],), SCHOOL_UNITS)
    return ids


def ensure_users(tenancy, ids: dict[tuple, UUID]) -> dict[tuple, UUID]:
    """The demo users with their grants; answers unit path → the user who acts there."""
    acting: dict[tuple, UUID] = {}
    for email, name, where, role in USERS:
        node_id = ids[tuple(where)]
        user = tenancy.find_user_by_email(email)
        user_id = user.id if user else tenancy.register_user(None, email, name, node_id)[0]
        tenancy.grant_role(None, user_id, node_id, role)
        if role in ("admin", "secretary"):
            acting.setdefault(tuple(where), user_id)
    return acting


def load_demo(out: TextIO, today: date | None = None,
              base_url: str = "http://127.0.0.1:8000") -> dict[str, str]:
    """Load (or complete) the demo city with its history dated relative to ``today`` (by
    default today in the configured zone); print what it holds, the users' tokens and where
    to look; answer the tokens by email."""
    from taolun.projections import progress as figures
    from taolun.projections.campaigns import refresh_lights, time_zone

    runtime = get_runtime()
    tenancy = runtime.tenancy
    today = today or figures.today(time_zone())
    runtime.runner.catch_up()
    before = runtime.apps.recorder.max_notification_id() or 0
    out.write("[1/5] 组织架构与账号 Organisation tree and users\n")
    out.flush()
    ids = build_tree(tenancy)
    acting = ensure_users(tenancy, ids)

    def actor_for(unit: tuple) -> UUID:  # the unit's own admin or secretary, or the nearest above
        return next(acting[unit[:n]] for n in range(len(unit), -1, -1) if unit[:n] in acting)

    history = demo_history.play(runtime, ids, actor_for, today, out)
    out.write("[5/5] 进度投影 Projecting progress and lights\n")
    out.flush()
    runtime.runner.catch_up()
    refresh_lights()  # the stored lights of schools and bureaus, as the scheduler keeps them
    out.write("  报表 Reports (built by the report worker's actor; the district's 阶段总结 submitted to the city):\n")
    demo_reports.load_reports(runtime, ids, actor_for, history.plans[()], today, out)
    added = (runtime.apps.recorder.max_notification_id() or 0) - before

    tokens: dict[str, str] = {}
    last = 0
    for email, _, where, _ in USERS:
        user = tenancy.find_user_by_email(email)
        issued = tenancy.issue_token(None, user.id, label="demo", days=30)
        tokens[email] = issued.token
        last = issued.notification_id
    runtime.runner.catch_up(last)
    passwords = set_demo_passwords(runtime, [email for email, *_ in USERS])
    school = ids[("hj", "hj-zx")]
    make_notices(runtime, school, tenancy.find_user_by_email("school.admin@demo.taolun").id, today)
    summary(out, history.plans[()], ids, today, added, base_url)
    notices_summary(out, school, base_url)
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
def notices_summary(out: TextIO, school: UUID, base_url: str) -> None:
    from taolun.notifications.models import Delivery, InboxMessage
    from taolun.notifications.reminders import RULES

    notices = InboxMessage.objects.exclude(rule="")
    out.write(f"  消息 notices: {notices.count()} in inboxes ({notices.filter(rule__in=RULES).count()} reminders, "
              f"督办 {notices.exclude(level='').count()}); 邗江中学's webhook log: "
              f"{Delivery.objects.filter(node_id=school).count()} deliveries at {base_url}/units/{school}/webhooks\n")


def summary(out: TextIO, campaign_id: UUID, ids: dict[tuple, UUID], today: date, added: int,
            base_url: str) -> None:
    """What the demo city holds (from the read models, as the API shows it) and where to look."""
    from taolun.projections.progress_read import FIELDS, node_figures
    from taolun.projections.campaigns import campaign_frame
    from taolun.projections.models import ActivityRow, PlanRow, ProblemRow, ProgressRow, SuggestionRow

    plans = PlanRow.objects.filter(campaign_id=campaign_id, kind="derived")
    statuses = Counter(plans.values_list("status", flat=True))
    flagged = plans.filter(upstream_version__isnull=False).count()
    acts = list(ActivityRow.objects.filter(campaign_id=campaign_id, status="logged").values_list("start", "data"))
    done = sum(1 for start, _ in acts if start[:10] <= today.isoformat())
    photos = sum(len(data.get("evidence") or []) for _, data in acts)
    suggestions = Counter(SuggestionRow.objects.filter(campaign_id=campaign_id).values_list("status", flat=True))
    answered = SuggestionRow.objects.filter(campaign_id=campaign_id, answer__isnull=False).count()
    problems = ProblemRow.objects.filter(campaign_id=campaign_id)
    overdue = problems.filter(status__in=("open", "rectifying"), deadline__lt=today.isoformat()).count()
    row = ProgressRow.objects.filter(campaign_id=campaign_id, node_id=ids[()]).values(*FIELDS).get()
    city = node_figures(campaign_id, row, campaign_frame(campaign_id), today)
    lights = ", ".join(f"{k} {v}" for k, v in city["children_lights"].items())
    out.write(
        f"演示城市已就绪 Demo city ready: {CITY[2]} (code {CITY[1]}), today {today.isoformat()}; "
        f"this run added {added} events\n"
        f"  单位 units: {len(ids)}\n"
        f"  方案 plans: the city's campaign (amended once), {plans.count()} derived plans "
        f"({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}; {flagged} upstream changed)\n"
        f"  活动 activities: {done} done, {len(acts) - done} planned, {photos} photos\n"
        f"  建议 suggestions: {sum(suggestions.values())} ({suggestions.get('adopted', 0)} adopted, "
        f"{answered} answered)\n"
        f"  问题 problems: {problems.count()} ({problems.filter(status='verified').count()} closed, "
        f"{overdue} overdue)\n"
        f"  灯 lights of the city's children: {lights}; "
        f"of its units: {', '.join(f'{k} {v}' for k, v in city['units_lights'].items())}\n"
        f"去哪里看 Where to look: sign in at {base_url}/sign-in, or with the city admin's token:\n"
        f"  {base_url}/api/v1/docs\n"
        f"  {base_url}/api/v1/campaigns/{campaign_id}/progress/{ids[()]}\n"
        f"  {base_url}/api/v1/campaigns/{campaign_id}/progress/{ids[()]}/units?kind=branch&light=red\n"
        f"  {base_url}/api/v1/tenants/{ids[()]}/plans\n"
        f"  {base_url}/api/v1/tenants/{ids[()]}/problems\n"
        f"  事件历史 event history (the auditor auditor@demo.taolun, page and token): {base_url}/history, "
        f"{base_url}/api/v1/tenants/{ids[()]}/history\n"
    )
