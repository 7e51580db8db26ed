"""The ``taolun`` command as an operator meets it."""

from tests.conftest import Server
from tests.e2e.client import Client


def test_operator_create_prints_a_token_that_works(server):
    result = server.taolun("operator", "create", "second.ops@taolun.test", "--name", "运维二")
    token = result.stdout.strip()
    assert token.startswith("tl_") and len(token) > 30
    me = Client(server.url, token).get("/api/v1/me")
    assert me.status == 200 and me.body["is_operator"] is True


def test_rebuild_replays_the_log_and_shows_progress(server, ops, org):
    before = ops.get(f"/api/v1/tenants/{org.city['id']}?depth=2").body
    result = server.taolun("rebuild", "org")
    assert "rebuilt from" in result.stderr
    assert "rebuilding org" in result.stdout  # the rich progress bar
    assert ops.get(f"/api/v1/tenants/{org.city['id']}?depth=2").body == before


def test_rebuild_names_the_projections_it_knows(server):
    result = server.taolun("rebuild", "no-such", check=False)
    assert result.returncode == 2 and "org" in result.stderr


def test_the_demo_city_loads_idempotently_and_serves_every_role():
    demo = Server("demo")
    from taolun.platform.cli import build_parser  # noqa: F401  (the CLI module imports cleanly)

    first = demo.taolun("migrate")
    assert first.returncode == 0
    loader = (
        "import sys; from taolun.platform.cli import setup_django, migrate; setup_django(); migrate();"
        "from taolun.platform.demo import load_demo; load_demo(sys.stdout)"
    )
    import subprocess
    import sys

    runs = [
        subprocess.run([sys.executable, "-c", loader], env=demo.env, capture_output=True, text=True, timeout=120, check=True)
        for _ in range(2)
    ]
    users = [line.split() for line in runs[1].stdout.splitlines() if "@demo.taolun" in line]
    tokens = {columns[1]: columns[3] for columns in users}  # role, e-mail, password, token
    passwords = {columns[1]: columns[2] for columns in users}
    assert [line.split()[2] for line in runs[0].stdout.splitlines() if "@demo.taolun" in line] == [
        passwords[columns[1]] for columns in users]  # the same passwords on every load
    demo.start()
    try:
        from tests.e2e.web_client import WebClient

        for email in ("secretary@demo.taolun", "city.admin@demo.taolun"):  # the printed password signs in
            web = WebClient(demo.url)
            assert web.sign_in(email, passwords[email]).status == 302
            assert "我的待办" in web.get("/").text
        admin = Client(demo.url, tokens["city.admin@demo.taolun"])
        reply = admin.get("/api/v1/tenants")
        assert reply.status == 200, reply.body
        roots = reply.body
        assert roots["count"] == 1 and roots["items"][0]["name"] == "扬州市教育局"
        counts = roots["items"][0]["subtree_counts"]
        assert counts == {"bureau": 3, "school": 6, "branch": 13, "office": 14}  # not doubled
        secretary = Client(demo.url, tokens["secretary@demo.taolun"])
        assert secretary.get(f"/api/v1/tenants/{roots['items'][0]['id']}").status == 404
        page = Client(demo.url).get("/")
        assert page.status == 200 and "扬州市教育局" not in page.body  # nothing for anonymous eyes
        # The plans the package ships, imported once: the city's campaign and two derived drafts.
        assert "Imported and published the city campaign" in runs[0].stdout
        plans = admin.get(f"/api/v1/tenants/{roots['items'][0]['id']}/plans").body
        assert sorted((p["kind"], p["status"]) for p in plans["items"]) == [
            ("campaign", "published"), ("derived", "draft"), ("derived", "draft")]
        [campaign] = [p for p in plans["items"] if p["kind"] == "campaign"]
        full = admin.get(f"/api/v1/plans/{campaign['id']}").body
        assert [(p["name"], p["start"], p["end"]) for p in full["phases"]][1] == ("学习讨论阶段", "2026-04-01", "2026-06-20")
        assert (len(full["topics"]), len(full["requirements"])) == (8, 5)
        drafts = [admin.get(f"/api/v1/plans/{p['id']}").body for p in plans["items"] if p["kind"] == "derived"]
        # each draft keeps the city's four phases, narrowed to the dates its own document gives
        assert sorted(tuple(p["end"] for p in d["phases"]) for d in drafts) == [
            ("2026-03-31", "2026-06-10", "2026-10-20", "2026-12-20"),  # the school's (GB18030 text)
            ("2026-03-31", "2026-06-15", "2026-10-31", "2026-12-20"),  # the district's (.docx)
        ]
    finally:
        demo.stop()


def test_clients_that_hammer_the_api_are_throttled_with_429():
    throttled = Server("throttle", {"TAOLUN_THROTTLE_RATE": "5/min"})
    throttled.taolun("migrate")
    token = throttled.taolun("operator", "create", "t@taolun.test").stdout.strip()
    throttled.start()
    try:
        client = Client(throttled.url, token)
        statuses = [client.get("/api/v1/tenants").status for _ in range(8)]
        assert statuses[:5] == [200] * 5
        assert statuses[-1] == 429
        reply = client.get("/api/v1/tenants")
        assert reply.code == "throttled"
    finally:
        throttled.stop()
