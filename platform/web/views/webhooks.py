"""A unit's webhooks page, for its admins: the endpoints (add one; "send test"), and the
delivery log. The same rules as ``/api/v1/tenants/{id}/webhooks`` (``notifications/webhooks.py``)
behind the same access helper (``access_node`` with admin: 404 outside the grants)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from taolun.notifications.models import Delivery, WebhookEndpoint
from taolun.notifications.webhooks import KINDS, InvalidEndpoint, create_endpoint, queue_test
from taolun.platform.api.access import access_node
from taolun.platform.web.render import not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in

LOG_LENGTH = 50


@signed_in
@pages_errors
def unit_webhooks(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    node = access_node(request, unit_id, "admin")
    form = {"url": "", "kind": "json", "secret": ""}
    errors: dict[str, str] = {}
    created = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:500] for k in form}
        try:
            created = create_endpoint(node.id, form["url"], form["kind"], form["secret"],
                                      request.auth.user_id)  # type: ignore[attr-defined]
            form = {"url": "", "kind": "json", "secret": ""}
        except InvalidEndpoint as invalid:
            errors[invalid.field] = invalid.message
    return render(request, "webhooks.html", {
        "node": node, "form": form, "errors": errors, "created": created, "kinds": KINDS,
        "endpoints": WebhookEndpoint.objects.filter(node_id=node.id).order_by("id"),
        "deliveries": Delivery.objects.filter(node_id=node.id, channel="webhook")[:LOG_LENGTH],
    }, status=422 if errors else 200)


@signed_in
@require_POST
@pages_errors
def send_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    endpoint = WebhookEndpoint.objects.filter(pk=webhook_id).first()
    if endpoint is None:
        return not_found_page(request)
    access_node(request, endpoint.node_id, "admin")
    queue_test(endpoint)
    return HttpResponseRedirect(reverse("web:webhooks", args=[endpoint.node_id]))
