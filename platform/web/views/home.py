"""The home page: the landing page for visitors, the to-do list for signed-in users."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from taolun.platform import pages
from taolun.platform.api.access import LOGGERS
from taolun.platform.web.render import render
from taolun.platform.web.session import session_principal
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import OrgNode
from taolun.projections.todo import todo


def home(request: HttpRequest) -> HttpResponse:
    who = session_principal(request)
    if who is None:
        return pages.home(request)
    request.auth = who  # type: ignore[attr-defined]
    on = figures.today(time_zone())
    # The same service as GET /api/v1/me/todo.
    loggers = [p for p, role in who.grants if role in LOGGERS]
    log_units = OrgNode.objects.filter(path__in=loggers, archived=False).order_by("path").values("id", "name")
    return render(request, "todo.html", {"items": todo(who.grants, on), "today": on.isoformat(),
                                         "log_units": list(log_units)})
