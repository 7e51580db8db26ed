"""Server-rendered pages (Jinja2): the landing page with the organisation tree."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment

from taolun.projections.models import OrgNode


def jinja_environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update({"static": static, "url": reverse})
    env.filters["local"] = lambda dt: timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")
    return env


def home(request: HttpRequest) -> HttpResponse:
    roots = OrgNode.objects.filter(parent__isnull=True, archived=False).order_by("code")
    children = OrgNode.objects.filter(depth=1, archived=False).order_by("kind", "code")
    by_parent: dict = {}
    for child in children:
        by_parent.setdefault(child.parent_id, []).append(child)
    html = render_to_string(
        "taolun/home.html",
        {"roots": roots, "children": by_parent, "lang": request.GET.get("lang", "zh")},
        request=request,
        using="jinja2",
    )
    return HttpResponse(html)
