"""The bureau's campaigns: the list (its own campaigns and those published to it), a new
campaign, and importing a 实施方案 document as a new draft that opens in the editor.

Writes are the API's: ``access_node(…, "admin")`` then ``Campaigns.author_campaign`` (as
``POST /api/v1/campaigns``), or the importer's ``import_plan`` (as ``POST /api/v1/imports``)."""

from __future__ import annotations

from uuid import UUID

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from taolun.events.kernel import DomainError
from taolun.platform.api.access import access_node
from taolun.platform.api.errors import ApiError
from taolun.platform.runtime import get_runtime
from taolun.platform.web.forms import perform
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.platform.web.views.campaign_editor import IMPORT_NOTES
from taolun.projections.mine import published_campaigns
from taolun.projections.models import OrgNode, PlanRow

PAGE_SIZE = 20


def admin_units(who) -> list[dict]:
    """The bureaus the user administers (campaigns are a bureau's), top of each grant, by name."""
    paths = sorted({p for p, role in who.grants if role == "admin"})
    return list(OrgNode.objects.filter(path__in=paths, archived=False, kind="bureau")
                .order_by("path").values("id", "name", "path", "kind"))


def _campaign_rows(who, unit: dict | None):
    """Campaigns authored at the chosen unit (or any of mine) in any status, and released
    campaigns that reach it."""
    paths = [unit["path"]] if unit else [p for p, _ in who.grants]
    own = Q(pk__in=[])
    for p in paths:
        own |= Q(path=p) if unit else Q(path__under=p)
    reached = published_campaigns(paths).values("id")
    return PlanRow.objects.filter(kind="campaign").filter(own | Q(pk__in=reached)).order_by("-updated_at", "id")


@signed_in
@pages_errors
def campaign_list(request: HttpRequest) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    units = admin_units(who)
    chosen = request.GET.get("unit", "")
    unit = next((u for u in units if str(u["id"]) == chosen), None)
    if chosen and unit is None:
        access_node(request, _uuid_or_404(chosen))  # foreign or missing: the 404 page
    page = Paginator(_campaign_rows(who, unit), PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(OrgNode.objects.filter(pk__in=[r.node_id for r in page]).values_list("id", "name"))
    rows = [{"row": r, "unit_name": names.get(r.node_id, ""), "mine": who.may(r.path, "admin")} for r in page]
    return render(request, "bureau/campaign_list.html", {
        "rows": rows, "page": page, "admin_units": units, "unit": unit,
    })


@signed_in
@pages_errors
def campaign_new(request: HttpRequest) -> HttpResponse:
    """A new campaign: its unit and title; the rest is written in the editor."""
    who = request.auth  # type: ignore[attr-defined]
    units = admin_units(who)
    form = {"unit": request.GET.get("unit", str(units[0]["id"]) if units else ""), "title": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {"unit": request.POST.get("unit", ""), "title": request.POST.get("title", "").strip()}
        node = access_node(request, _uuid_or_404(form["unit"]), "admin")
        created, errors = perform(request, lambda rt: rt.campaigns.author_campaign(
            who.user_id, node.id, form["title"]), fields=("title",))
        if created is not None:
            return HttpResponseRedirect(reverse("web:campaign_edit", args=[created]))
    return render(request, "bureau/campaign_new.html", {"form": form, "errors": errors, "admin_units": units},
                  status=422 if errors else 200)


@signed_in
@pages_errors
def campaign_import(request: HttpRequest) -> HttpResponse:
    """Upload (or paste) a 实施方案: it is saved as the unit's campaign draft and opens in the
    editor, with what could not be placed listed there."""
    from taolun.platform.plan_imports import import_plan
    from taolun.platform.security import throttle_import_previews

    who = request.auth  # type: ignore[attr-defined]
    units = admin_units(who)
    form = {"unit": request.GET.get("unit", str(units[0]["id"]) if units else ""), "text": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {"unit": request.POST.get("unit", ""), "text": request.POST.get("text", "")}
        node = access_node(request, _uuid_or_404(form["unit"]), "admin")
        upload = request.FILES.get("file")
        data, name = (upload.read(), upload.name) if upload else (form["text"].encode("utf-8"), "pasted.txt")
        if not data.strip():
            errors = {"file": _("请选择文件，或粘贴方案全文")}
        else:
            try:
                throttle_import_previews(request)
                saved = import_plan(get_runtime(), actor=who.user_id, tenant_id=node.id, data=data, filename=name)
            except (DomainError, ApiError) as error:
                errors = {"file": error.message}
            else:
                get_runtime().after_command(saved["notification_id"])
                request.session[IMPORT_NOTES] = {
                    "plan_id": str(saved["plan_id"]), "imported": saved["imported"],
                    "notes": [{"item": n.get("item", ""), "source": str(n.get("source", ""))[:80],
                               "reason": n.get("reason", "")} for n in saved["notes"]],
                    "unplaced": [t[:120] for t in saved["unplaced"][:20]],
                }
                return HttpResponseRedirect(reverse("web:campaign_edit", args=[saved["plan_id"]]))
    return render(request, "bureau/campaign_import.html", {"form": form, "errors": errors, "admin_units": units},
                  status=422 if errors else 200)


def _uuid_or_404(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise ApiError(404, "not_found", _("单位不存在")) from None
