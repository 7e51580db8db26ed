"""The branch secretary's phone form: log an activity, exactly once.

The same service as ``POST /api/v1/activities`` (``Campaigns.log_activity``), reached after
the same access helper (``access_node`` with the API's loggers). The plan is not typed by
the user: an activity is logged against the unit's governing plan in the chosen campaign
(the nearest released plan at or above the unit, as the progress view measures it), which
is at or above the unit by construction.

Exactly once: the form carries a key made when it was rendered; a second submission of the
same form (a double tap, a retry after the network dropped, the page restored from the
phone's storage by ``site.js``) is answered from the log by the API's idempotency machinery
(``run_once``), so one activity results.
"""

from __future__ import annotations

import hashlib
import uuid
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from taolun.events.campaigns.rules import ACTIVITY_KINDS
from taolun.events.kernel import Claim, DomainError
from taolun.platform.api.access import LOGGERS, access_node
from taolun.platform.api.errors import ApiError
from taolun.platform.api.idempotency import KeyedRequest, run_once
from taolun.platform.runtime import get_runtime
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import ActivityRow, PlanRow, ProgressRow

FIELDS = ("campaign", "kind", "title", "start", "end", "participants", "hours", "summary")


def running_campaigns(node_id: UUID, on) -> list[dict]:
    """Released campaigns the unit takes part in and that have not ended, with the plan that
    governs the unit in each."""
    rows = {r["campaign_id"]: r["governing_plan_id"] for r in
            ProgressRow.objects.filter(node_id=node_id).values("campaign_id", "governing_plan_id")}
    return [{"id": c["id"], "title": c["title"], "plan_id": rows[c["id"]]}
            for c in PlanRow.objects.filter(pk__in=rows, kind="campaign", released_version__gt=0)
            .order_by("-updated_at").values("id", "title", "window_end")
            if not c["window_end"] or c["window_end"] >= on.isoformat()]


@signed_in
@pages_errors
def log_activity(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    node = access_node(request, unit_id, *LOGGERS)  # 404 outside the grants, 403 for a viewer
    on = figures.today(time_zone())
    campaigns = running_campaigns(node.id, on)
    form = {"start": on.isoformat(), "end": on.isoformat(), "request_key": uuid.uuid4().hex}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in (*FIELDS, "request_key")}
        created, errors = _submit(request, node, campaigns, form)
        if created is not None:  # redirect after POST: a reload does not post again
            return HttpResponseRedirect(f"{reverse('web:log_activity', args=[node.id])}?logged={created}")
    logged = ActivityRow.objects.filter(pk=_uuid(request.GET.get("logged")), node_id=node.id).first()
    return render(request, "activity_form.html", {
        "unit": node, "campaigns": campaigns, "kinds": ACTIVITY_KINDS, "form": form, "errors": errors,
        "logged": logged,
    }, status=422 if errors else 200)


def _submit(request: HttpRequest, node, campaigns: list[dict], form: dict) -> tuple[UUID | None, dict]:
    who = request.auth  # type: ignore[attr-defined]
    plan = next((c["plan_id"] for c in campaigns if str(c["id"]) == form["campaign"]), None)
    if plan is None:
        return None, {"campaign": _("请选择活动方案")}
    fields: dict = {k: form[k] for k in ("kind", "title", "start", "summary") if form[k]}
    fields["end"] = form["end"] or form["start"]
    if form["hours"]:
        fields["hours"] = form["hours"]
    if form["participants"]:
        if not form["participants"].isdigit():
            return None, {"participants": _("请输入整数")}
        fields["participants"] = int(form["participants"])
    key = form["request_key"][:64] or uuid.uuid4().hex
    fingerprint = hashlib.sha256(repr(sorted((k, form[k]) for k in FIELDS)).encode()).hexdigest()
    state = KeyedRequest(Claim(str(who.user_id), f"web:activity:{key}", fingerprint, actor=who.user_id))
    runtime = get_runtime()
    try:
        notification_id, created = run_once(runtime, state, lambda rt: rt.campaigns.log_activity(
            who.user_id, node.id, plan, **fields))
    except (DomainError, ApiError) as error:
        field = (error.details or {}).get("field") or "form"
        return None, {field if field in FIELDS else "form": error.message}
    runtime.after_command(notification_id)
    return created, {}


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
