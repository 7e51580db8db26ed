"""A browser-like client for the pages: cookies, forms with their CSRF token, no scripts
(stdlib only)."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Page:
    status: int
    text: str
    location: str | None  # where a redirect points
    headers: dict[str, str]

    def csrf(self) -> str:
        found = CSRF_FIELD.search(self.text)
        assert found, "the page has no form with a CSRF token"
        return found.group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # answer 302 to the test, as a browser sees it
        return None


class WebClient:
    timeout = 30.0

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        return Page(status, body.decode("utf-8", "replace"), headers.get("Location"), dict(headers))

    def get(self, path: str, headers: dict[str, str] | None = None) -> Page:
        return self._open(urllib.request.Request(self.base_url + path, headers=headers or {}))

    def post(self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> Page:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        return self._open(request)

    def submit(self, form_page: str, action: str, fields: dict[str, str]) -> Page:
        """Open ``form_page``, then post ``fields`` with its CSRF token to ``action``."""
        token = self.get(form_page).csrf()
        return self.post(action, {"csrfmiddlewaretoken": token, **fields})

    def sign_in(self, email: str, password: str) -> Page:
        return self.submit("/sign-in", "/sign-in", {"email": email, "password": password})

    def cookie(self, name: str):
        return next((c for c in self.cookies if c.name == name), None)


def text_of(page_html: str) -> str:
    """The visible text, tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page_html))
