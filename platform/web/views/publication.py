"""Sending a campaign down and following it: publish (to all of the unit's children or to
the ones picked, with a deadline to derive), reopen and publish an amendment with a change
summary, and who has taken which version.

The commands are the API's (``Campaigns.publish``, ``reopen``, ``publish_amendment``, then
the router's ``tell_children``); the follow-up list reads the ``PlanRow`` and
``ProgressRow`` read models, as ``GET /api/v1/plans/{id}/children`` does."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.platform.api.access import access_own_plan, access_plan
from taolun.platform.api.routers.campaigns import tell_children
from taolun.platform.runtime import get_runtime
from taolun.platform.web.forms import perform
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.platform.web.views.campaign_editor import editor_context, form_write
from taolun.projections.models import OrgNode, PlanRow, ProgressRow


def _children(node_id: UUID) -> list[dict]:
    return list(OrgNode.objects.filter(parent_id=node_id, archived=False).order_by("kind", "code", "name")
                .values("id", "name", "kind"))


@signed_in
@pages_errors
def publish(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """The unit picker (every child checked by default) and the derive deadline."""
    row = access_plan(request, plan_id, "admin")
    children = _children(row.node_id)
    form = {"derive_deadline": "", "units": [str(c["id"]) for c in children]}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {"derive_deadline": request.POST.get("derive_deadline", "").strip(),
                "units": request.POST.getlist("units")}
        # Every child picked is the whole subtree (later units too); fewer is a list.
        units = None if set(form["units"]) >= {str(c["id"]) for c in children} and children else form["units"]
        who = request.auth  # type: ignore[attr-defined]
        _, errors = perform(request, lambda rt: rt.campaigns.publish(
            plan_id, who.user_id, unit_ids=units, derive_deadline=form["derive_deadline"]),
            ("derive_deadline", "unit_ids"), {"unit_ids": "units", "plan_incomplete": "form"})
        if not errors:
            return HttpResponseRedirect(reverse("web:campaign_takers", args=[plan_id]))
    context = editor_context(request, plan_id, children=children, form=form, errors=errors)
    return render(request, "bureau/publish.html", context, status=422 if errors else 200)


@require_POST
@signed_in
@pages_errors
def reopen(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """Open a published campaign for amendment (the reason is kept in its history)."""
    return form_write(request, plan_id, "lifecycle", ("reason",), lambda rt, actor, form: rt.campaigns.reopen(
        plan_id, actor, form["reason"]))


@require_POST
@signed_in
@pages_errors
def amend(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """Release the amendment with its change summary; every derived plan learns of it."""
    answer = form_write(request, plan_id, "lifecycle", ("summary",), lambda rt, actor, form:
                        rt.campaigns.publish_amendment(plan_id, actor, form["summary"]),
                        {"plan_incomplete": "summary"}, done=reverse("web:campaign_takers", args=[plan_id]))
    if answer.status_code == 302:
        tell_children(plan_id, get_runtime().campaigns.get_plan(plan_id).released_version)
    return answer


@signed_in
@pages_errors
def takers(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """Who has derived from the campaign, from which version, in what state; and the units
    it reached that have not derived yet."""
    row = access_own_plan(request, plan_id)
    plan = get_runtime().campaigns.get_plan(plan_id)
    kids = list(PlanRow.objects.filter(parent_id=plan_id).order_by("path"))
    names = dict(OrgNode.objects.filter(pk__in=[k.node_id for k in kids]).values_list("id", "name"))
    taken = [{"row": k, "name": names.get(k.node_id, ""),
              "latest": k.parent_version == row.released_version and not k.upstream_version} for k in kids]
    waiting = list(ProgressRow.objects.filter(campaign_id=row.campaign_id, parent_id=row.node_id, expected=True)
                   .exclude(node_id__in=[k.node_id for k in kids]).order_by("path").values("node_id", "name"))
    return render(request, "bureau/takers.html", {
        "row": row, "plan": plan, "taken": taken, "waiting": waiting,
        "behind": sum(1 for t in taken if not t["latest"]),
        "versions": plan.versions, "title": _("谁采用了哪一版"),
    })
