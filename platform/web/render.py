"""Rendering a page, and the error pages (a 404 outside the caller's grants looks exactly
like a missing object's)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from taolun.events.kernel import DomainError
from taolun.notifications.inbox import unread_count
from taolun.platform.api.errors import ApiError
from taolun.platform.web.labels import GLOBALS
from taolun.projections.models import OrgNode


def render(request: HttpRequest, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    """A page; the header's user, units (for the switcher) and labels come with it."""
    who = getattr(request, "auth", None)
    full = {**GLOBALS, "who": who, "units": my_units(who) if who else [],
            "unread": unread_count(who.user_id) if who else 0,
            "current_unit": request.GET.get("unit", ""), **(context or {})}
    html = render_to_string(f"taolun/{template}", full, request=request, using="jinja2")
    return HttpResponse(html, status=status)


def my_units(who) -> list[dict]:
    """The units the user holds a grant on (the top of each), by name."""
    return list(OrgNode.objects.filter(path__in=who.top_paths, archived=False)
                .order_by("path").values("id", "name", "path"))


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    titles = {403: _("没有权限"), 404: _("页面不存在"), 429: _("请稍后再试")}
    return render(request, "error.html", {"status": status, "title": titles.get(status, _("出错了")),
                                          "message": message}, status=status)


def not_found_page(request: HttpRequest) -> HttpResponse:
    return error_page(request, 404, _("您要找的页面不存在，或您无权查看。"))


def pages_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's access helpers raise ApiError: a 404 (missing or foreign) becomes the one
    404 page, the rest an error page with the message."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (ApiError, DomainError) as error:
            status = error.status
            if status == 404:
                return not_found_page(request)
            return error_page(request, status, error.message)

    return wrapper
