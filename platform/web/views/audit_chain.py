"""The audit chain's page (auditors, admins): its verification status, its last signed
checkpoint, "verify now" (a background run whose progress the page polls with htmx), and
the bundle download. The same access helpers and services as the API
(``platform/api/routers/audit_chain.py``)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from taolun.platform.api.access import access_chain
from taolun.platform.api.routers.audit_chain import bundle_response
from taolun.platform.chain_jobs import start_verification
from taolun.platform.runtime import get_runtime
from taolun.platform.web.render import my_units, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections.chain.status import chain_status


@signed_in
@pages_errors
def chain_page(request: HttpRequest) -> HttpResponse:
    who = access_chain(request)
    if request.method == "POST":
        start_verification(get_runtime(), who.user_id)
        return HttpResponseRedirect(reverse("web:audit_chain"))
    status = chain_status(get_runtime().apps.recorder.max_notification_id() or 0, get_runtime().signer.key_id)
    audited = [u for u in my_units(who) if who.may(u["path"], "auditor")]
    template = "web/chain_status.html" if request.headers.get("HX-Request") else "audit_chain.html"
    return render(request, template, {"status": status, "audited": audited,
                                      "public_key": get_runtime().signer.public_key_pem})


@signed_in
@pages_errors
def chain_export(request: HttpRequest) -> HttpResponse:
    unit = request.GET.get("unit") or None
    try:
        node_id = UUID(unit) if unit else None
    except ValueError:
        node_id = UUID(int=0)  # answers like any unit outside the caller's grants
    return bundle_response(request, node_id)
