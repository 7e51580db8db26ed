"""What a user's grants reach: campaigns published to their units, plans of their subtree.

Read by ``GET /api/v1/me/campaigns`` and ``/me/plans`` and by the pages; every query is
bounded by the grants' paths (tenant isolation by construction).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from taolun.projections.models import OrgNode, PlanRow, ProgressRow
from taolun.projections.subtree import within_any


def published_campaigns(grant_paths: Iterable[str]) -> QuerySet:
    """Released campaigns that reach one of my units: published to it (it should derive a
    plan, or is bound by the per-unit requirements: the publication's coverage, as the
    progress view counts it), or authored in my subtree."""
    paths = set(grant_paths)
    node_ids = OrgNode.objects.filter(path__in=paths).values("id")
    reached = ProgressRow.objects.filter(node_id__in=node_ids).filter(
        Q(expected=True) | Q(obliged=True)).values("campaign_id")
    return PlanRow.objects.filter(kind="campaign", released_version__gt=0).filter(
        Q(pk__in=reached) | within_any(paths)).order_by("-updated_at", "id")


def subtree_plans(grant_paths: Iterable[str]) -> QuerySet:
    """Every plan (campaigns and derived plans, any status) of my units and below."""
    return PlanRow.objects.filter(within_any(set(grant_paths))).order_by("path", "id")
