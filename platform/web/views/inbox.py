"""The inbox page: my notices, newest first, a page at a time, each marked read or unread
with a button (the same functions as ``/api/v1/me/inbox``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from taolun.notifications import inbox
from taolun.platform.web.render import not_found_page, render
from taolun.platform.web.session import signed_in
from taolun.projections.models import OrgNode

PAGE = 20


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


@signed_in
def index(request: HttpRequest) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    unread_only = request.GET.get("unread") == "1"
    number = _page_number(request)
    rows = inbox.messages(who.user_id, unread_only)
    total = rows.count()
    notices = [{"id": m.id, "subject": s, "body": b, "level": m.level, "created_at": m.created_at,
                "read": m.read_at is not None}
               for m in rows[(number - 1) * PAGE:number * PAGE] for s, b in [inbox.shown(m)]]
    administered = OrgNode.objects.filter(path__in=[p for p, role in who.grants if role == "admin"],
                                          archived=False).order_by("path").values("id", "name")
    return render(request, "inbox.html", {
        "notices": notices, "unread_only": unread_only, "page": number,
        "pages": max(1, -(-total // PAGE)), "total": total, "administered": list(administered)})


@signed_in
@require_POST
def mark(request: HttpRequest, message_id: int) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    read = request.POST.get("read") != "0"
    if inbox.mark(who.user_id, message_id, read) is None:
        return not_found_page(request)
    return HttpResponseRedirect(reverse("web:inbox"))


@signed_in
@require_POST
def mark_all(request: HttpRequest) -> HttpResponse:
    inbox.mark_all_read(request.auth.user_id)  # type: ignore[attr-defined]
    return HttpResponseRedirect(reverse("web:inbox"))
