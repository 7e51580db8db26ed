"""The demo city as a newcomer meets it: loaded into a fresh data folder the way `taolun demo`
loads it (twice), then served and read through the API. It shows a campaign in full swing
whatever day it is loaded: checked on the real today, on a leap day and on a year end."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from taolun.platform import demo_plans, demo_script
from tests.conftest import Server
from tests.e2e.client import Client

ROOT = Path(__file__).resolve().parents[2]


class DemoServer(Server):
    entry = "tests.e2e.shifted_today"  # the taolun command, with "today" moved


class DemoCity:
    def __init__(self, label: str, today: str) -> None:
        self.server = DemoServer(f"demo-{label}", {"TAOLUN_TEST_TODAY": today, "PYTHONPATH": str(ROOT)})
        self.runs = [self.server.taolun("load-demo").stdout for _ in range(2)]
        self.today = date.fromisoformat(re.search(r"today (\d{4}-\d\d-\d\d)", self.runs[0])[1])
        users = [line.split() for line in self.runs[1].splitlines() if "@demo.taolun" in line]
        self.tokens = {columns[1]: columns[3] for columns in users}  # role, e-mail, password, token
        self.passwords = {columns[1]: columns[2] for columns in users}
        self.first_passwords = {line.split()[1]: line.split()[2]
                                for line in self.runs[0].splitlines() if "@demo.taolun" in line}
        self.server.start()
        self.admin = self.client("city.admin@demo.taolun")
        tree = self.admin.get(f"/api/v1/tenants/{self.root()['id']}?depth=3").body
        self.ids: dict[tuple, str] = {}
        self._index(tree, ())
        [self.campaign] = [p for p in self.plans() if p["kind"] == "campaign"]

    def client(self, email: str) -> Client:
        return Client(self.server.url, self.tokens[email])

    def root(self) -> dict:
        reply = self.admin.get("/api/v1/tenants")
        assert reply.status == 200, reply.body
        return reply.body["items"][0]

    def _index(self, node: dict, path: tuple) -> None:
        self.ids[path] = node["id"]
        for child in node["children"]:
            self._index(child, (*path, child["code"]))

    def plans(self) -> list[dict]:
        return self.admin.get(f"/api/v1/tenants/{self.ids[()]}/plans?limit=500").body["items"]

    def progress(self, path: tuple = (), suffix: str = "") -> dict:
        reply = self.admin.get(f"/api/v1/campaigns/{self.campaign['id']}/progress/{self.ids[path]}{suffix}")
        assert reply.status == 200, reply.body
        return reply.body

    @staticmethod
    def counts(output: str) -> dict:
        """Events and read-model rows after a load, apart from the fresh tokens each load
        prints (a new token is a new event and a new row, by design)."""
        counts = json.loads(output.rsplit("COUNTS ", 1)[1])
        counts["events"] = {k: v for k, v in counts["events"].items() if not k.endswith(".TokenIssued")}
        counts["rows"].pop("ApiToken")
        return counts


@pytest.fixture(scope="module", params=["", "2028-02-29", "2026-12-31"],
                ids=["today", "leap-day", "year-end"])
def demo(request):
    city = DemoCity(request.param or "today", request.param)
    yield city
    city.server.stop()


def lights(children: list[dict]) -> set[str]:
    return {c["light"] for c in children}


def test_a_second_load_adds_nothing_but_fresh_tokens(demo):
    first, second = (DemoCity.counts(run) for run in demo.runs)
    assert first == second
    assert any(topic.endswith("Activity.Logged") and n > 50 for topic, n in first["events"].items())
    assert "this run added 0 events" in demo.runs[1]
    assert demo.root()["subtree_counts"] == {"bureau": 3, "school": 6, "branch": 16, "office": 14}


def test_the_city_roots_children_show_green_yellow_and_red(demo):
    city = demo.progress()
    assert lights(city["children"]) == {"green", "yellow", "red"}
    # the day it was loaded (on the real clock, midnight in Shanghai may have passed since)
    assert 0 <= (date.fromisoformat(city["today"]) - demo.today).days <= 1
    by_name = {c["name"]: c for c in city["children"]}
    # two of the vocational centre's four units have been silent since the campaign began
    assert by_name["扬州市职业教育中心"]["light"] == "red"
    assert by_name["扬州市职业教育中心"]["silent_units"] == 2


def test_a_district_and_a_school_each_show_a_mix_of_lights(demo):
    district = demo.progress(("hj",))
    assert lights(district["children"]) == {"green", "yellow", "red"}
    school = demo.progress(("hj", "hj-zx"))
    assert lights(school["children"]) == {"green", "yellow", "red"}
    # the school is red for its 教务处's overdue rectification, while the district around it,
    # with one red unit in nine, is yellow
    assert (district["light"], school["light"]) == ("yellow", "red")
    assert {c["name"]: c["problems"]["red"] for c in school["children"]}["教务处"] == 1


def test_each_unit_is_lit_as_the_story_of_its_weeks_calls_for(demo):
    path_of = {i: p for p, i in demo.ids.items()}
    shown = {path_of[c["node_id"]]: c["light"]
             for parent in {p[:-1] for p in demo_script.LIGHTS} for c in demo.progress(parent)["children"]}
    assert {p: shown[p] for p in demo_script.LIGHTS} == demo_script.LIGHTS


def test_plans_are_in_every_status_and_one_school_has_not_derived(demo):
    statuses = {p["status"] for p in demo.plans() if p["kind"] == "derived"}
    assert {"draft", "submitted", "approved", "returned"} <= statuses
    [returned] = [p for p in demo.plans() if p["status"] == "returned"]
    assert returned["return_reasons"]
    missing = demo.progress(suffix="/units?kind=school&plan_status=not_derived")
    assert [u["name"] for u in missing["items"]] == ["扬州市职业教育中心"]


def test_schools_that_have_not_taken_the_amendment_are_flagged_upstream_changed(demo):
    assert demo.campaign["released_version"] == 2  # published, then amended once
    flagged = demo.progress(suffix="/units?kind=school&plan_status=upstream_changed")["items"]
    assert {u["name"] for u in flagged} == {"广陵区汶河小学", "邗江区实验学校"}
    assert {u["plan_status"] for u in flagged} == {"returned", "submitted"}  # flag beside the status
    rebased = demo.progress(("hj",))["children"]
    assert {c["name"]: c["upstream_changed"] for c in rebased}["邗江中学"] is False


def test_one_rectification_is_overdue_on_the_problem_list(demo):
    problems = demo.admin.get(f"/api/v1/tenants/{demo.ids[()]}/problems").body["items"]
    overdue = [p for p in problems if p["light"] == "red"]
    assert len(overdue) == 1 and overdue[0]["days_left"] < 0 and overdue[0]["status"] == "rectifying"
    assert {p["status"] for p in problems} >= {"open", "rectifying", "completed", "verified"}


def test_the_demo_users_have_workflow_notices_and_reminders_and_the_school_a_delivery_log(demo):
    def rules(email: str) -> dict[str, set[str]]:
        items = demo.client(email).get("/api/v1/me/inbox?limit=100").body["items"]
        found: dict[str, set[str]] = {}
        for m in items:
            found.setdefault(m["rule"], set()).add(m["level"])
        return found

    school, district = rules("school.admin@demo.taolun"), rules("hj.admin@demo.taolun")
    workflow = {"plan_submitted", "plan_approved", "plan_returned", "upstream_changed", "campaign_published"}
    assert workflow & set(school) and workflow & set(district), (school, district)
    reminders = {**rules("secretary@demo.taolun"), **school, **rules("city.admin@demo.taolun")}
    assert {"rectification_due", "phase_ends", "phase_begins", "requirement_behind"} & set(reminders), reminders
    assert any(levels & {"blue", "yellow", "red"} for levels in reminders.values()), reminders  # 督办
    unit = demo.ids[("hj", "hj-zx")]
    log = demo.client("school.admin@demo.taolun").get(f"/api/v1/tenants/{unit}/webhooks/deliveries")
    assert log.status == 200 and log.body["count"] >= 1, log.body


def test_activity_photos_download_as_png_images(demo):
    activities = demo.admin.get(f"/api/v1/tenants/{demo.ids[()]}/activities?limit=500").body["items"]
    # dated in the past, but for one planned ahead (counted as planned, not done)
    assert sum(1 for a in activities if a["start"][:10] > demo.today.isoformat()) == 1
    assert demo.progress()["activities_planned"] == 1
    photo = next(e for a in activities for e in a["evidence"])
    reply = demo.admin.get(f"/api/v1/evidence/{photo['sha256']}")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "image/png"
    assert int(reply.headers["Content-Length"]) == photo["size"]


def test_the_plans_phases_are_where_their_documents_put_them_around_today(demo):
    def phases(plan: dict) -> list[tuple]:
        full = demo.admin.get(f"/api/v1/plans/{plan['id']}").body
        return [(p["name"], p["start"], p["end"]) for p in sorted(full["phases"], key=lambda p: p["start"])]

    def expected(document) -> list[tuple]:
        return [(n, a.isoformat(), b.isoformat()) for n, a, b in demo_plans.phase_dates(document, demo.today)]

    by_unit = {p["tenant_id"]: p for p in demo.plans()}
    assert phases(demo.campaign) == expected(demo_plans.CITY)
    assert phases(by_unit[demo.ids[("hj",)]]) == expected(demo_plans.DISTRICT)
    assert phases(by_unit[demo.ids[("hj", "hj-zx")]]) == expected(demo_plans.SCHOOL)
    # the first phase ended a week ago, the second runs now
    first, second = expected(demo_plans.CITY)[:2]
    assert first[2] == (demo.today - timedelta(days=8)).isoformat()
    assert second[1] <= demo.today.isoformat() <= second[2]
    full = demo.admin.get(f"/api/v1/plans/{demo.campaign['id']}").body
    assert sorted(r["kind"] for r in full["requirements"]) == ["专题学习", "主题党日", "党课", "座谈会"]


def test_each_demo_user_signs_in_with_the_password_the_demo_printed(demo):
    from tests.e2e.web_client import WebClient

    assert demo.first_passwords == demo.passwords  # the same passwords on every load
    for email in ("secretary@demo.taolun", "city.admin@demo.taolun"):
        web = WebClient(demo.server.url)
        assert web.sign_in(email, demo.passwords[email]).status == 302
        assert "我的待办" in web.get("/").text


def test_every_role_sees_only_its_part_of_the_city(demo):
    secretary = demo.client("secretary@demo.taolun")
    assert secretary.get(f"/api/v1/tenants/{demo.ids[()]}").status == 404
    page = Client(demo.server.url).get("/")
    assert page.status == 200 and "扬州市教育局" not in page.body  # nothing for anonymous eyes


PINNED = "2027-03-15"


@pytest.fixture(scope="module")
def clean_load() -> dict:
    """The counts of one uninterrupted load on a pinned day."""
    server = DemoServer("demo-clean", {"TAOLUN_TEST_TODAY": PINNED, "PYTHONPATH": str(ROOT)})
    return DemoCity.counts(server.taolun("load-demo").stdout)


# The demo makes about 155 writes: 12 falls among the first reviews, 40 among the rebases
# after the amendment, 145 among the rectifications.
@pytest.mark.parametrize("writes", [12, 40, 145])
def test_a_load_killed_midway_is_completed_by_the_next_with_nothing_twice(clean_load, writes):
    env = {"TAOLUN_TEST_TODAY": PINNED, "PYTHONPATH": str(ROOT), "TAOLUN_TEST_CRASH_AFTER": str(writes)}
    server = DemoServer(f"demo-killed-{writes}", env)
    killed = server.taolun("load-demo", check=False)
    assert killed.returncode != 0 and "interrupted by the test" in killed.stderr
    del server.env["TAOLUN_TEST_CRASH_AFTER"]
    assert DemoCity.counts(server.taolun("load-demo").stdout) == clean_load


def test_the_demo_auditor_reads_the_city_history_with_names(demo):
    auditor = demo.client("auditor@demo.taolun")
    reply = auditor.get(f"/api/v1/tenants/{demo.ids[()]}/history?event_type=Activity.Logged&limit=5")
    assert reply.status == 200, reply.body
    items = reply.body["items"]
    assert len(items) == 5 and reply.body["next_cursor"]
    assert all(e["event"] == "登记活动" and e["unit"] and e["actor"] not in ("系统", e["actor_id"]) for e in items)
    assert demo.admin.get(f"/api/v1/tenants/{demo.ids[()]}/history").status == 404
