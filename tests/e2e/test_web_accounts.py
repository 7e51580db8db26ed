"""Signing in to the pages with e-mail and password, against a real server process: the
session, CSRF, lockout, password changes and one's own API tokens."""

from __future__ import annotations

import re

import pytest

from tests.e2e.client import Client
from tests.e2e.conftest import Org, own_server
from tests.e2e.web_client import WebClient, text_of

PASSWORD = "correct-horse-battery"


def person(server, org: Org, node: dict, role: str) -> tuple[Client, str]:
    """A user with a role on ``node`` and a password an operator set with the CLI."""
    api = org.user_with_role(node, role)
    email = api.user["email"]  # type: ignore[attr-defined]
    server.taolun("set-password", email, input=PASSWORD + "\n")
    return api, email


def test_a_user_signs_in_with_the_password_an_operator_set_and_signs_out(server, org):
    _, email = person(server, org, org.branch_a, "secretary")
    web = WebClient(server.url)
    signed_in = web.sign_in(email, PASSWORD)
    assert (signed_in.status, signed_in.location) == (302, "/")
    session = web.cookie("sessionid")
    assert session.has_nonstandard_attr("HttpOnly") and session.get_nonstandard_attr("SameSite") == "Lax"
    assert not session.secure  # plain http: a Secure cookie would never come back
    home = web.get("/")
    assert home.status == 200 and "我的待办" in home.text and "测试用户" in home.text

    out = web.post("/sign-out", {"csrfmiddlewaretoken": home.csrf()})
    assert (out.status, out.location) == (302, "/sign-in")
    assert "我的待办" not in web.get("/").text
    replayed = WebClient(server.url)  # the old session id no longer opens anything
    replayed.cookies.set_cookie(session)
    assert "我的待办" not in replayed.get("/").text
    assert web.get("/profile").status == 302


def test_sign_out_is_a_post_with_its_csrf_token(server, org):
    _, email = person(server, org, org.branch_a, "secretary")
    web = WebClient(server.url)
    web.sign_in(email, PASSWORD)
    assert web.get("/sign-out").status == 405
    assert web.post("/sign-out", {}).status == 403  # a forged sign-out from another site
    assert "我的待办" in web.get("/").text


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(server, org):
    _, email = person(server, org, org.branch_a, "secretary")
    wrong = WebClient(server.url).sign_in(email, "not-the-password")
    unknown = WebClient(server.url).sign_in("nobody@nowhere.test", "not-the-password")
    assert wrong.status == unknown.status == 401
    assert "电子邮箱或密码不正确" in wrong.text and "电子邮箱或密码不正确" in unknown.text
    assert f'value="{email}"' in wrong.text  # the e-mail is kept in the form


def test_an_account_is_locked_after_repeated_failures_and_an_ip_is_throttled():
    env = {"TAOLUN_SIGN_IN_FAILURES_PER_ACCOUNT": "3", "TAOLUN_AUTH_FAILURES_PER_MINUTE": "6"}
    with own_server("web-lockout", **env) as srv:
        org = Org(Client(srv.url, srv.taolun("operator", "create", "ops@lockout.test").stdout.strip()))
        (_, locked), (_, other), (_, third) = (person(srv, org, org.school_a, "admin") for _ in range(3))
        for _ in range(3):
            assert WebClient(srv.url).sign_in(locked, "wrong-password").status == 401
        refused = WebClient(srv.url).sign_in(locked, PASSWORD)  # right, but locked
        assert refused.status == 429 and "已暂时锁定" in refused.text
        assert WebClient(srv.url).sign_in(other, PASSWORD).status == 302  # another account is not
        for _ in range(3):  # six failures from this address in all
            WebClient(srv.url).sign_in(third, "wrong-password")
        throttled = WebClient(srv.url).sign_in(other, PASSWORD)
        assert throttled.status == 429 and "登录失败次数过多" in throttled.text
        bearer = Client(srv.url, "tl_guessed").get("/api/v1/me")  # one counter with bad tokens
        assert bearer.status == 429 and bearer.code == "auth_throttled"


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(server, org):
    api, email = person(server, org, org.branch_a, "secretary")
    me = api.get("/api/v1/me").body["id"]
    before = api.get(f"/api/v1/users/{me}/tokens").body
    web = WebClient(server.url)
    assert web.post("/sign-in", {"email": email, "password": PASSWORD}).status == 403
    web.sign_in(email, PASSWORD)
    refused = web.post("/tokens/new", {"label": "forged"})
    assert refused.status == 403 and "表单已过期" in refused.text
    assert api.get(f"/api/v1/users/{me}/tokens").body == before


def test_the_token_page_shows_a_new_token_once_and_revokes_it(server, org):
    api, email = person(server, org, org.branch_a, "secretary")
    web = WebClient(server.url)
    web.sign_in(email, PASSWORD)
    issued = web.submit("/tokens", "/tokens/new", {"label": "周报脚本", "days": "30"})
    assert issued.status == 201
    token = re.search(r'id="new-token">(tl_[\w-]+)<', issued.text).group(1)
    script = Client(server.url, token)
    assert script.get("/api/v1/me").body["email"] == email
    listing = web.get("/tokens")
    assert token not in listing.text and "周报脚本" in listing.text  # shown once only
    token_id = re.search(r'data-token="(\w+)"[^<]*<strong>周报脚本', listing.text).group(1)
    revoked = web.post(f"/tokens/{token_id}/revoke", {"csrfmiddlewaretoken": listing.csrf()})
    assert (revoked.status, revoked.location) == (302, "/tokens")
    assert script.get("/api/v1/me").status == 401
    assert "已吊销" in web.get("/tokens").text


def test_a_token_page_refuses_another_users_token_like_a_missing_one(server, org):
    other_api, _ = person(server, org, org.school_a, "admin")
    other_id = other_api.get("/api/v1/me").body["id"]
    theirs = other_api.get(f"/api/v1/users/{other_id}/tokens").body[0]["token_id"]
    _, email = person(server, org, org.branch_a, "secretary")
    web = WebClient(server.url)
    web.sign_in(email, PASSWORD)
    token = web.get("/tokens").csrf()
    foreign = web.post(f"/tokens/{theirs}/revoke", {"csrfmiddlewaretoken": token})
    missing = web.post("/tokens/0123456789abcdef/revoke", {"csrfmiddlewaretoken": token})
    assert foreign.status == missing.status == 404
    assert text_of(foreign.text) == text_of(missing.text)
    assert other_api.get("/api/v1/me").status == 200  # still works


def test_changing_the_password_ends_the_other_sessions(server, org):
    _, email = person(server, org, org.branch_a, "secretary")
    phone, desk = WebClient(server.url), WebClient(server.url)
    phone.sign_in(email, PASSWORD)
    desk.sign_in(email, PASSWORD)
    weak = desk.submit("/profile", "/profile", {"current": PASSWORD, "new": "12345678", "confirm": "12345678"})
    assert weak.status == 422 and "密码不能全是数字" in weak.text
    changed = desk.submit("/profile", "/profile", {"current": PASSWORD, "new": "a-new-long-secret",
                                                   "confirm": "a-new-long-secret"})
    assert changed.status == 200 and "密码已修改" in changed.text
    assert "我的待办" in desk.get("/").text  # this session goes on
    assert "我的待办" not in phone.get("/").text  # the other one ended
    assert WebClient(server.url).sign_in(email, PASSWORD).status == 401
    assert WebClient(server.url).sign_in(email, "a-new-long-secret").status == 302


def test_set_password_refuses_a_weak_password_and_an_unknown_user(server, org):
    _, email = person(server, org, org.branch_a, "secretary")
    weak = server.taolun("set-password", email, input="password\n", check=False)
    assert weak.returncode == 1 and "weak_password" in weak.stderr
    unknown = server.taolun("set-password", "nobody@nowhere.test", input=PASSWORD + "\n", check=False)
    assert unknown.returncode == 1 and "no user" in unknown.stderr


@pytest.mark.parametrize("path", ["/", "/sign-in", "/profile", "/tokens", "/progress"])
def test_pages_carry_the_security_headers_and_no_inline_script(server, org, path):
    _, email = person(server, org, org.branch_a, "secretary")
    web = WebClient(server.url)
    web.sign_in(email, PASSWORD)
    page = web.get(path)
    assert page.status == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["X-Frame-Options"] == "DENY"
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == []  # every script is a file


def test_revoking_from_the_list_with_htmx_answers_the_list_alone(server, org):
    _, email = person(server, org, org.branch_a, "secretary")
    web = WebClient(server.url)
    web.sign_in(email, PASSWORD)
    web.submit("/tokens", "/tokens/new", {"label": "一次性"})
    listing = web.get("/tokens")
    token_id = re.search(r'data-token="(\w+)"[^<]*<strong>一次性', listing.text).group(1)
    partial = web.post(f"/tokens/{token_id}/revoke", {"csrfmiddlewaretoken": listing.csrf()},
                       headers={"HX-Request": "true"})
    assert partial.status == 200 and partial.text.lstrip().startswith('<div id="token-list">')
    assert "<html" not in partial.text and "已吊销" in partial.text


def test_after_sign_in_the_user_goes_back_to_the_page_asked_for_but_never_off_site(server, org):
    _, email = person(server, org, org.branch_a, "secretary")
    asked = WebClient(server.url).get("/tokens")
    assert (asked.status, asked.location) == (302, "/sign-in?next=%2Ftokens")
    web = WebClient(server.url)
    token = web.get("/sign-in?next=/tokens").csrf()
    back = web.post("/sign-in", {"csrfmiddlewaretoken": token, "email": email, "password": PASSWORD,
                                 "next": "/tokens"})
    assert back.location == "/tokens"
    web = WebClient(server.url)
    token = web.get("/sign-in").csrf()
    away = web.post("/sign-in", {"csrfmiddlewaretoken": token, "email": email, "password": PASSWORD,
                                 "next": "https://evil.example/phish"})
    assert away.location == "/"
