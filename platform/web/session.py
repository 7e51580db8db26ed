"""Who is signed in: the session holds a user id and a fingerprint of the password hash
it was opened with (changing the password ends every other session), and each page request
turns it into the same ``Principal`` the API's bearer tokens give, so the API's ``access_*``
helpers answer pages exactly as they answer the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme

from taolun.platform.api.access import Principal
from taolun.platform.web.models import Credential
from taolun.projections.models import UserAccount

USER_KEY = "taolun_user"
FINGERPRINT_KEY = "taolun_pw"


def fingerprint(password_hash: str) -> str:
    return salted_hmac("taolun.session", password_hash, algorithm="sha256").hexdigest()


def open_session(request: HttpRequest, user_id: UUID, password_hash: str) -> None:
    request.session.cycle_key()  # a new session id at sign-in: no fixation
    request.session[USER_KEY] = str(user_id)
    request.session[FINGERPRINT_KEY] = fingerprint(password_hash)


def close_session(request: HttpRequest) -> None:
    request.session.flush()


def principal_of(user_id: UUID) -> Principal | None:
    """The user with all of their grants, in one query (as a bearer token's)."""
    rows = list(UserAccount.objects.filter(pk=user_id).values_list(
        "id", "name", "is_operator", "grants__path", "grants__role"))
    if not rows:
        return None
    grants = tuple((path, role) for *_, path, role in rows if path is not None)
    return Principal(rows[0][0], rows[0][1], rows[0][2], grants)


def session_principal(request: HttpRequest) -> Principal | None:
    raw = request.session.get(USER_KEY)
    if not raw:
        return None
    user_id = UUID(raw)
    stored = Credential.objects.filter(user_id=user_id).values_list("password_hash", flat=True).first()
    if stored is None or not constant_time_compare(
        fingerprint(stored), request.session.get(FINGERPRINT_KEY, "")
    ):
        close_session(request)  # the password changed (or was removed) since sign-in
        return None
    return principal_of(user_id)


def safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("web:home")


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for signed-in users: ``request.auth`` is their Principal (what the API's
    access helpers read); others are sent to the sign-in page and brought back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        who = session_principal(request)
        if who is None:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('web:sign_in')}?{query}")
        request.auth = who  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


class SecureCookiesOnHttpsMiddleware:
    """The session and CSRF cookies are ``Secure`` whenever the request came over HTTPS (the
    embedded server also runs on plain http://127.0.0.1, where a Secure cookie would never
    come back)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.is_secure():
            for name in ("sessionid", "csrftoken"):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response
