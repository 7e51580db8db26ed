"""Outside channels: each new inbox notice is queued (claimed) once per channel and target,
then sent by :func:`send_due` (the scheduler's ``send_deliveries`` job).

Sending: a row is claimed with a lease in its own committed update (so two workers never
send it at once), sent outside any transaction, and its outcome recorded. A failure is
retried with backoff (30 s doubling, at most an hour, :data:`MAX_ATTEMPTS` in all) and never
holds up another row or channel. A worker killed mid-send leaves the lease to run out and
the row is sent again: outside channels are at least once, so each message carries its
delivery key (``Message-ID``, ``X-Taolun-Delivery``) for the receiver to drop a repeat.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.db.models import F, Q
from django.utils import timezone

from taolun.notifications import robots
from taolun.notifications.models import Delivery, InboxMessage, WebhookEndpoint
from taolun.notifications.preferences import email_mode, quiet_until
from taolun.notifications.webhooks import signed_headers

log = logging.getLogger("taolun.notifications")

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
TIMEOUT_SECONDS = 10


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def delivery_key(channel: str, target: Any, claim: str) -> str:
    return hashlib.sha256(f"{channel}\n{target}\n{claim}".encode()).hexdigest()


def _claim(key: str, **fields: Any) -> bool:
    _, created = Delivery.objects.get_or_create(key=key, defaults={**fields, "next_attempt_at": timezone.now()})
    return created


def queue(notice: InboxMessage, shared_claim: str) -> None:
    """Queue a new notice for e-mail to its recipient (held, for a digest reader) and for the webhooks of the unit it
    concerns (``params["unit_id"]``). Webhooks are claimed by ``shared_claim`` (the notice's
    key without the recipient), so a unit's group hears of one thing once, however many of
    its people are told."""
    from taolun.projections.models import UserAccount

    common = {"rule": notice.rule, "level": notice.level, "subject": notice.subject,
              "body": notice.body, "params": notice.params}
    email = UserAccount.objects.filter(pk=notice.user_id).values_list("email", flat=True).first()
    mode = email_mode(notice.user_id, notice.rule) if email else None
    if mode is not None:  # a digest reader's e-mail is held for the day's summary
        _claim(delivery_key("email", email, notice.key), channel="email", target=email,
               user_id=notice.user_id, status="held" if mode == "digest" else "pending", **common)
    unit = notice.params.get("unit_id")
    if unit:
        for endpoint in WebhookEndpoint.objects.filter(node_id=unit, active=True):
            _claim(delivery_key("webhook", endpoint.id, shared_claim), channel="webhook", target=endpoint.url,
                   endpoint_id=endpoint.id, node_id=endpoint.node_id, **common)


# -- sending ---------------------------------------------------------------------------


def send_email(row: Delivery, smtp_url: str) -> None:
    url = urlparse(smtp_url)
    options = {k: v[-1] for k, v in parse_qs(url.query).items()}
    message = EmailMessage()  # UTF-8 throughout: RFC 2047 subject, 8-bit or base64 body
    message["Subject"] = row.subject
    message["From"] = formataddr(("讨论平台", options.get("from", "noreply@taolun.local")))
    message["To"] = row.target
    message["Message-ID"] = f"<{row.key}@taolun>"
    message.set_content(row.body)
    client = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with client(url.hostname, url.port or (465 if url.scheme == "smtps" else 25), timeout=TIMEOUT_SECONDS) as smtp:
        if options.get("starttls") in ("1", "true"):
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def webhook_body(row: Delivery) -> bytes:
    return json.dumps({"id": row.key, "rule": row.rule, "level": row.level, "subject": row.subject,
                       "body": row.body, "params": row.params, "created_at": row.created_at.isoformat()},
                      ensure_ascii=False, sort_keys=True).encode()


def _generic(url: str, secret: str, row: Delivery) -> tuple[str, bytes, dict[str, str]]:
    body = webhook_body(row)
    return url, body, {"Content-Type": "application/json; charset=utf-8", "X-Taolun-Delivery": row.key,
                       **signed_headers(secret, body)}


FORMATS = {"json": _generic, "wecom": robots.wecom, "dingtalk": robots.dingtalk}


def send_webhook(row: Delivery) -> None:
    endpoint = WebhookEndpoint.objects.get(pk=row.endpoint_id)
    url, body, headers = FORMATS[endpoint.kind](endpoint.url, endpoint.secret, row)
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https only)
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")
        answer = response.read(4096)
    if endpoint.kind != "json":
        robots.check_errcode(answer)


def _senders(smtp_url: str) -> dict[str, Callable[[Delivery], None] | None]:
    return {"email": (lambda row: send_email(row, smtp_url)) if smtp_url else None, "webhook": send_webhook}


def _take(row_id: int, now: datetime) -> bool:
    """Claim one due row with a lease (committed before anything is sent)."""
    return Delivery.objects.filter(pk=row_id, status="pending").filter(
        Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    ).update(lease_until=now + LEASE, attempts=F("attempts") + 1) == 1


def send_due(now: datetime | None = None, smtp_url: str | None = None, limit: int = 200) -> int:
    """Send the due rows; answer how many were sent. ``smtp_url`` defaults to the
    installation's (``TAOLUN_SMTP_URL``); without one, e-mail rows are marked skipped."""
    from django.conf import settings

    now = now or timezone.now()
    senders = _senders(settings.CONFIG.smtp_url if smtp_url is None else smtp_url)
    sent = 0
    due = Delivery.objects.filter(status="pending", next_attempt_at__lte=now).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lte=now)).order_by("next_attempt_at", "id")
    for row in list(due[:limit]):
        send = senders.get(row.channel)
        if send is None:
            Delivery.objects.filter(pk=row.pk).update(status="skipped", last_error="no channel configured")
            continue
        later = quiet_until(row.user_id, now) if row.channel == "email" and row.user_id else None
        if later is not None:  # the recipient's quiet hours: wait, no attempt counted
            Delivery.objects.filter(pk=row.pk).update(next_attempt_at=later)
            continue
        if not _take(row.pk, now):
            continue  # another worker holds it
        row.refresh_from_db()
        try:
            send(row)
        except Exception as error:  # this row only: the others go on
            failed = row.attempts >= MAX_ATTEMPTS
            Delivery.objects.filter(pk=row.pk).update(
                status="failed" if failed else "pending", lease_until=None,
                next_attempt_at=now + backoff(row.attempts), last_error=f"{type(error).__name__}: {error}"[:1000])
            log.warning("delivery %s over %s failed (attempt %d): %s", row.key, row.channel, row.attempts, error)
            continue
        Delivery.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now(), lease_until=None,
                                                  last_error="")
        sent += 1
    return sent


def send_deliveries() -> None:
    """The scheduler's job."""
    log.info("sent %d deliveries", send_due())
