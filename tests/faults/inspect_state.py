"""Prints, as JSON, what one installation's log and read models hold (run with its
TAOLUN_* environment): ``python -m tests.faults.inspect_state``.

- ``log``: how many times each identity was recorded (tenant codes, user emails, grants);
- ``read``: every read-model table, rows without surrogate ids (to compare with a rebuild);
- ``read_identities``: the same identities counted in the read models;
- ``inbox``: inbox messages per user; ``outbox_undone``: rows whose effect is pending.

``--outbox`` prints only the outbox figure (cheap, for waiting until it drains).
"""

from __future__ import annotations

import json
import sys
from collections import Counter


def log_identities(runtime) -> dict[str, dict[str, int]]:
    from taolun.tenants.domainmodel import Tenant, User

    counts: dict[str, Counter] = {"tenant": Counter(), "user": Counter(), "grant": Counter()}
    recorder, mapper = runtime.apps.recorder, runtime.apps.mapper
    start = 0
    while True:
        batch = recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False)
        if not batch:
            break
        for notification in batch:
            event = mapper.to_domain_event(notification)
            if isinstance(event, Tenant.Registered):
                counts["tenant"][event.code] += 1
            elif isinstance(event, User.Registered):
                counts["user"][event.email] += 1
            elif isinstance(event, User.RoleGranted):
                counts["grant"][f"{event.originator_id}:{event.node_id}:{event.role}"] += 1
        start = batch[-1].id
    return {kind: dict(counter) for kind, counter in counts.items()}


def read_models() -> dict[str, list]:
    from django.apps import apps
    from django.db.models import AutoField, BigAutoField

    tables = {}
    for model in apps.get_app_config("projections").get_models():
        if model.__name__ == "ProjectionPosition":
            continue
        fields = [f.attname for f in model._meta.concrete_fields
                  if not isinstance(f, (AutoField, BigAutoField))]
        rows = [[str(v) for v in row] for row in model.objects.values_list(*fields)]
        tables[model.__name__] = sorted(rows)
    return tables


def read_identities() -> dict[str, dict[str, int]]:
    from taolun.projections.models import Grant, OrgNode, UserAccount

    grants = Grant.objects.values_list("user_id", "node_id", "role")
    return {
        "tenant": dict(Counter(OrgNode.objects.values_list("code", flat=True))),
        "user": dict(Counter(UserAccount.objects.values_list("email", flat=True))),
        "grant": dict(Counter(f"{u}:{n}:{r}" for u, n, r in grants)),
    }


def main() -> int:
    from taolun.platform.cli import setup_django

    setup_django()
    from taolun.notifications.models import InboxMessage
    from taolun.projections.models import OutboxMessage

    undone = OutboxMessage.objects.filter(done_at__isnull=True).count()
    if "--outbox" in sys.argv:
        json.dump({"outbox_undone": undone}, sys.stdout)
        return 0
    from taolun.platform.runtime import get_runtime

    runtime = get_runtime()
    state = {
        "log": log_identities(runtime),
        "read": read_models(),
        "read_identities": read_identities(),
        "inbox": dict(Counter(str(u) for u in InboxMessage.objects.values_list("user_id", flat=True))),
        "outbox_undone": undone,
    }
    json.dump(state, sys.stdout, ensure_ascii=False)
    runtime.apps.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
