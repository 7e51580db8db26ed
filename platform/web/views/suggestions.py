"""献一策: a unit's suggestions on the pages — the form to offer one (admins, secretaries and
viewers of the unit, as ``POST /api/v1/suggestions``), and the inbox of the unit's subtree
where its admin categorises, adopts and answers them (the API's ``access_suggestion`` with
"admin" and the same ``Campaigns`` commands). An anonymous author is shown exactly as the
API shows it (``suggestion_out``)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.platform.api.access import access_node, access_suggestion
from taolun.platform.api.routers.activities import suggestion_out
from taolun.platform.web import forms
from taolun.platform.web.forms import FormErrors, required, uuid_or_none
from taolun.platform.web.render import not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.platform.web.views.activities import running_campaigns
from taolun.platform.web.views.entries import page_of
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import OrgNode, SuggestionRow, UserAccount

OFFER_ROLES = ("admin", "secretary", "viewer")
FIELDS = ("campaign", "title", "content")


@signed_in
@pages_errors
def unit_suggestions(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    node = access_node(request, unit_id)
    who = request.auth  # type: ignore[attr-defined]
    campaigns = _campaigns(who, node)
    form: dict = {"anonymous": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        access_node(request, unit_id, *OFFER_ROLES)
        form = {k: request.POST.get(k, "").strip() for k in (*FIELDS, "anonymous")}
        try:
            _offer(request, node, campaigns, form)
            return HttpResponseRedirect(f"{reverse('web:unit_suggestions', args=[node.id])}?sent=1")
        except FormErrors as refused:
            errors = refused.errors
    return _inbox(request, node, campaigns, form, errors)


def _inbox(request: HttpRequest, node, campaigns: list[dict], form: dict, errors: dict,
           failed: dict | None = None) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    listed = page_of(request, SuggestionRow.objects.filter(path__under=node.path).order_by("-submitted_at", "id"))
    shown = [suggestion_out(request, r) for r in listed]
    authors = dict(UserAccount.objects.filter(pk__in=[s["author"] for s in shown if s["author"]])
                   .values_list("id", "name"))
    units = dict(OrgNode.objects.filter(pk__in=[s["tenant_id"] for s in shown]).values_list("id", "name"))
    return render(request, "feedback/suggestions.html", {
        "unit": node, "page": listed, "items": shown, "authors": {str(k): v for k, v in authors.items()},
        "units": {str(k): v for k, v in units.items()}, "campaigns": campaigns, "may_offer": who.may(node.path, *OFFER_ROLES),
        "may_handle": who.may(node.path, "admin"), "form": form, "errors": errors,
        "sent": request.GET.get("sent") == "1", "failed": failed or {},
    }, status=422 if errors or failed else 200)


def _campaigns(who, node) -> list[dict]:
    """Where the user may offer a suggestion at this unit (none if they may not)."""
    return running_campaigns(node.id, figures.today(time_zone())) if who.may(node.path, *OFFER_ROLES) else []


def _offer(request: HttpRequest, node, campaigns: list[dict], form: dict) -> None:
    plan = next((c["plan_id"] for c in campaigns if str(c["id"]) == form["campaign"]), None)
    if plan is None:
        raise FormErrors({"campaign": _("请选择活动方案")})
    required(form, "title", "content", message=_("此项不能为空"))
    who = request.auth  # type: ignore[attr-defined]
    forms.run(request, lambda rt: rt.campaigns.submit_suggestion(
        who.user_id, node.id, plan, title=form["title"], content=form["content"],
        anonymous=form["anonymous"] == "on", topic_ids=[]), FIELDS)


@require_POST
@signed_in
@pages_errors
def suggestion_action(request: HttpRequest, suggestion_id: UUID, action: str) -> HttpResponse:
    """Categorise, adopt or answer: the admin of the suggestion's unit or above."""
    command = ACTIONS.get(action)
    if command is None:
        return not_found_page(request)
    row = access_suggestion(request, suggestion_id, "admin")
    # The inbox it was handled from (the user's unit at or above the suggestion's).
    inbox = access_node(request, uuid_or_none(request.POST.get("unit")) or row.node_id)
    if not row.path.startswith(inbox.path):
        return not_found_page(request)
    text = request.POST.get("text", "").strip()
    who = request.auth  # type: ignore[attr-defined]
    try:
        if action != "adopt":
            required({"text": text}, "text", message=_("此项不能为空"))
        forms.run(request, lambda rt: command(rt.campaigns)(suggestion_id, who.user_id, text), ("text",))
    except FormErrors as refused:
        failed = {"id": str(row.id), "action": action, "text": text,
                  "error": refused.errors.get("text") or refused.errors.get("form")}
        return _inbox(request, inbox, _campaigns(who, inbox), {"anonymous": ""}, {}, failed)
    return HttpResponseRedirect(f"{reverse('web:unit_suggestions', args=[inbox.id])}#s-{row.id}")



ACTIONS: dict[str, Callable] = {
    "categorise": lambda c: c.categorise_suggestion, "adopt": lambda c: c.adopt_suggestion,
    "answer": lambda c: c.answer_suggestion,
}
