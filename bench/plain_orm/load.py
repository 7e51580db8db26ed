"""python -m plain_orm.load SPEC.json: create the tables and bulk-load the city that
bench_campaign.py gave Taolun (nodes, users with grants and tokens, the campaign with its
phases, tasks, topics and requirements, plans, activities with their topics, rectifications)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plain_orm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from plain_orm import models as m

    with open(args.spec, encoding="utf-8") as f:
        spec = json.load(f)
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    batch = 2000
    paths: dict[str, str] = {}
    nodes = []
    for node_id, parent_id, kind, code, name in spec["nodes"]:  # parents first
        paths[node_id] = paths.get(parent_id, "") + node_id.replace("-", "") + "/"
        nodes.append(m.PlainNode(id=node_id, parent_id=parent_id, kind=kind, code=code, name=name,
                                 path=paths[node_id], depth=paths[node_id].count("/") - 1))
    far = timezone.now() + timedelta(days=90)
    with transaction.atomic():
        m.PlainNode.objects.bulk_create(nodes, batch_size=batch)
        for u in spec["users"]:
            user = m.PlainUser.objects.create(id=u["id"], name=u["name"], is_operator=u["is_operator"])
            m.PlainGrant.objects.bulk_create(
                [m.PlainGrant(user=user, path=paths[n], role=r) for n, r in u["grants"]])
            m.PlainToken.objects.create(user=user, token_hash=hashlib.sha256(u["token"].encode()).hexdigest(),
                                        expires_at=far)
        c = spec["campaign"]
        campaign = m.PlainCampaign.objects.create(
            id=c["id"], node_id=c["node_id"], title=c["title"], window_start=c["window"][0],
            window_end=c["window"][1], settings=c["settings"])
        m.PlainPhase.objects.bulk_create([m.PlainPhase(id=i, campaign=campaign, name=n, start=s, end=e)
                                          for i, n, s, e in c["phases"]])
        m.PlainTask.objects.bulk_create([m.PlainTask(id=i, campaign=campaign, title=t) for i, t in c["tasks"]])
        m.PlainTopic.objects.bulk_create([m.PlainTopic(id=i, campaign=campaign, title=t) for i, t in c["topics"]])
        m.PlainRequirement.objects.bulk_create([m.PlainRequirement(campaign=campaign, kind=k, minimum=n)
                                                for k, n in c["requirements"]])
        m.PlainPlan.objects.bulk_create([m.PlainPlan(id=i, campaign=campaign, node_id=n, path=paths[n], status=s)
                                         for i, n, s in spec["plans"]], batch_size=batch)
    links = m.PlainActivity.topics.through
    rows = spec["activities"]
    for at in range(0, len(rows), batch):
        chunk = rows[at:at + batch]
        with transaction.atomic():
            m.PlainActivity.objects.bulk_create([m.PlainActivity(
                id=i, node_id=n, campaign=campaign, plan_id=p, phase_id=ph, task_id=t, logged_by_id=by,
                kind=k, title=title, start=s, end=e, participants=people, hours=h)
                for i, n, p, ph, t, _, by, k, title, s, e, people, h in chunk])
            links.objects.bulk_create([links(plainactivity_id=r[0], plaintopic_id=topic)
                                       for r in chunk for topic in r[5]])
    rows = spec["rectifications"]
    for at in range(0, len(rows), batch):
        with transaction.atomic():
            m.PlainRectification.objects.bulk_create([m.PlainRectification(
                id=i, node_id=n, campaign=campaign, plan_id=p, description=d, deadline=dl, status=s,
                reopened=r) for i, n, p, d, dl, s, r in rows[at:at + batch]])
    print(json.dumps({"nodes": len(nodes), "activities": len(spec["activities"]),
                      "rectifications": len(rows)}), flush=True)


if __name__ == "__main__":
    main()
