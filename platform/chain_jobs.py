""""Verify now": a verification of the audit chain run in the background of the web process
(a thread with its own database connection), its progress written to its
``ChainVerification`` row, which the page and the API poll. One at a time: asking while
one runs answers the running one."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from uuid import UUID

from django.db import connections, transaction
from django.utils import timezone

from taolun.projections.chain.models import ChainVerification
from taolun.projections.chain.verify import run_verification

log = logging.getLogger("taolun.chain")
# A run that shows no end after this long died with its process; another may start.
STALE_AFTER = timedelta(hours=1)


def start_verification(runtime, requested_by: UUID | None) -> ChainVerification:
    with transaction.atomic():
        running = (ChainVerification.objects.select_for_update()
                   .filter(status=ChainVerification.RUNNING, started_at__gt=timezone.now() - STALE_AFTER).first())
        if running is not None:
            return running
        record = ChainVerification.objects.create(started_at=timezone.now(), requested_by=requested_by)
    public_key = runtime.signer.key.public_key()

    def run() -> None:
        try:
            run_verification(runtime.apps.recorder, public_key, record=record)
        except Exception:
            log.exception("chain verification %s failed", record.pk)
        finally:
            connections.close_all()  # this thread's own connections

    threading.Thread(target=run, name=f"taolun-chain-verify-{record.pk}", daemon=True).start()
    return record
