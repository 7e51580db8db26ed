"""Server-rendered pages (Jinja2): a neutral landing page and the plan import page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from jinja2 import Environment
from uuid import UUID

from taolun.projections.models import OrgNode


def jinja_environment(**options) -> Environment:
    """Autoescaped (Django's Jinja2 backend turns autoescape on); ``_()`` is Django's
    gettext, so pages share the translation catalogues with the rest of the project."""
    from django.utils import translation

    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals.update({"static": static, "url": reverse, "language": translation.get_language})
    env.filters["local"] = lambda dt: timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")
    return env


def home(request: HttpRequest) -> HttpResponse:
    """A neutral landing page: nothing tenant-specific (no cities, no units, no counts) for
    an anonymous visitor; how to sign in and where the API is documented."""
    html = render_to_string(
        "taolun/home.html", {"lang": request.GET.get("lang", "zh")}, request=request, using="jinja2"
    )
    return HttpResponse(html)


@csrf_exempt  # no ambient authority: saving takes the token typed into the form, not a cookie
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload or paste a 实施方案: see what was extracted (anonymous, throttled per IP,
    parsed in the worker pool); with a token and a unit, save it as that unit's draft (the
    same service the API and the CLI use). Saving needs a token: sign-in is the token."""
    from taolun.events.kernel import DomainError
    from taolun.platform.api.access import BearerToken
    from taolun.platform.api.errors import ApiError
    from taolun.platform.plan_imports import extract, import_plan
    from taolun.platform.runtime import get_runtime
    from taolun.platform.security import throttle_import_previews

    context: dict = {"form": request.POST, "result": None, "saved": None, "error": None}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        text = request.POST.get("text", "")
        data, name = (upload.read(), upload.name) if upload else (text.encode("utf-8"), "pasted.txt")
        try:
            throttle_import_previews(request)
            context["result"] = extract(data, name)
            tenant = request.POST.get("tenant_id", "").strip()
            if tenant:
                who = BearerToken().authenticate(request, request.POST.get("token", "").strip())
                node = OrgNode.objects.filter(pk=UUID(tenant)).first() if who else None
                if who is None or node is None or not who.may(node.path, "admin"):
                    raise DomainError("forbidden", "令牌无效，或您不是该单位的管理员")
                parent_text = request.POST.get("parent_plan_id", "").strip()
                parent = UUID(parent_text) if parent_text else None
                context["saved"] = import_plan(
                    get_runtime(), actor=who.user_id, tenant_id=node.id, data=data,
                    filename=name, parent_plan_id=parent, extracted=context["result"],
                )
                get_runtime().after_command(context["saved"]["notification_id"])
                # A derived plan without a year of its own was read again in the campaign's year.
                context["result"] = {**context["result"], **context["saved"]["extracted"]}
        except (DomainError, ApiError) as error:
            context["error"] = error
            status = getattr(error, "status", 400)
        except ValueError:  # a malformed id
            context["error"] = DomainError("invalid_input", "编号格式不正确，应为 UUID")
            status = 400
    html = render_to_string("taolun/import.html", context, request=request, using="jinja2")
    return HttpResponse(html, status=status)
