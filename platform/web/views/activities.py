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

Photos: ``photos.js`` shrinks camera photos in the browser (a canvas, JPEG) before the form
is sent; a photo the browser cannot decode (HEIC on most non-Apple browsers) is sent as it
is. The server stores each through the evidence store the API's ``POST /api/v1/evidence``
uses (the same sniffer and size limit, a receipt for the uploader) and cites them in the
activity's ``evidence``. Phase, task and topics are picked from the governing plan.
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
from taolun.infra.blobs import blob_store
from taolun.platform.api.access import LOGGERS, access_node
from taolun.platform.language import localise
from taolun.platform.api.errors import ApiError
from taolun.platform.api.idempotency import KeyedRequest, run_once
from taolun.platform.runtime import get_runtime
from taolun.platform.web.forms import uuid_or_none
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import ActivityRow, PlanRow, ProgressRow

FIELDS = ("campaign", "kind", "title", "start", "end", "participants", "hours", "summary", "phase_id", "task_id")
LINKS = ("phase_id", "task_id")
MAX_PHOTOS = 9  # one WeChat-sized batch


def running_campaigns(node_id: UUID, on) -> list[dict]:
    """Released campaigns the unit takes part in and that have not ended, with the plan that
    governs the unit in each."""
    rows = {r["campaign_id"]: r["governing_plan_id"] for r in
            ProgressRow.objects.filter(node_id=node_id).values("campaign_id", "governing_plan_id")}
    return [{"id": c["id"], "title": c["title"], "plan_id": rows[c["id"]], **plan_items(rows[c["id"]])}
            for c in PlanRow.objects.filter(pk__in=rows, kind="campaign", released_version__gt=0)
            .order_by("-updated_at").values("id", "title", "window_end")
            if not c["window_end"] or c["window_end"] >= on.isoformat()]


def plan_items(plan_id: UUID) -> dict[str, list[dict]]:
    """The phases, tasks and topics of a plan an activity may be linked to."""
    plan = get_runtime().campaigns.get_plan(plan_id)
    phases = sorted(plan.phases.values(), key=lambda p: (p["start"], p["end"]))
    return {"phases": [{"id": p["id"], "name": p["name"]} for p in phases],
            "tasks": [{"id": t["id"], "title": t["title"]} for t in plan.tasks.values()],
            "topics": [{"id": t["id"], "title": t["title"]} for t in plan.topics.values() if not t.get("declined")]}


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
        form["topic_ids"] = request.POST.getlist("topic_ids")
        created, errors = _submit(request, node, campaigns, form)
        if created is not None:  # redirect after POST: a reload does not post again
            return HttpResponseRedirect(f"{reverse('web:log_activity', args=[node.id])}?logged={created}")
    logged = ActivityRow.objects.filter(pk=uuid_or_none(request.GET.get("logged")), node_id=node.id).first()
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
    for link in LINKS:
        if form[link]:
            fields[link] = form[link]
    if form["topic_ids"]:
        fields["topic_ids"] = form["topic_ids"]
    try:
        photos = store_photos(request, request.FILES.getlist("photos"))
    except DomainError as error:
        return None, {"photos": localise(request, error.code, error.message)}
    if photos:
        fields["evidence"] = photos
    key = form["request_key"][:64] or uuid.uuid4().hex
    # Photos are not part of it: a retry after a lost answer (the photos not kept by the
    # phone) is the same entry, answered from the log.
    described = (sorted((k, form[k]) for k in FIELDS), sorted(form["topic_ids"]))
    fingerprint = hashlib.sha256(repr(described).encode()).hexdigest()
    state = KeyedRequest(Claim(str(who.user_id), f"web:activity:{key}", fingerprint, actor=who.user_id))
    runtime = get_runtime()
    try:
        notification_id, created = run_once(runtime, state, lambda rt: rt.campaigns.log_activity(
            who.user_id, node.id, plan, **fields))
    except (DomainError, ApiError) as error:
        field = (error.details or {}).get("field") or "form"
        return None, {field if field in FIELDS else "form": localise(request, error.code, error.message)}
    runtime.after_command(notification_id)
    return created, {}


def store_photos(request: HttpRequest, files) -> list[dict]:
    """Each file into the evidence store (as ``POST /api/v1/evidence``: sniffed, size-limited,
    a receipt for the uploader); the references to cite."""
    who = request.auth  # type: ignore[attr-defined]
    return [blob_store().put(f.chunks(), f.name or "", uploader=who.user_id).ref() for f in files[:MAX_PHOTOS]]
