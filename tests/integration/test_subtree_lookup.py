"""``path__under`` selects a node's subtree exactly, on both backends (a byte range on
SQLite, LIKE on PostgreSQL): the node and everything below it, nothing beside it."""

from uuid import uuid4

import pytest

from taolun.projections.models import CampaignUnit
from taolun.tenants import paths

pytestmark = pytest.mark.usefixtures("django_ready")


def unit(parent: CampaignUnit | None) -> CampaignUnit:
    node_id = uuid4()
    path = paths.child_path(parent.path if parent else "", node_id)
    return CampaignUnit.objects.create(id=node_id, parent_id=parent.id if parent else None, path=path,
                                       depth=paths.depth(path), kind="school", name="单位")


def test_under_a_path_is_the_node_and_its_descendants_only():
    root = unit(None)
    school, other = unit(root), unit(root)
    branch = unit(school)
    deeper = unit(branch)
    unit(other)

    under_school = set(CampaignUnit.objects.filter(path__under=school.path).values_list("id", flat=True))
    under_root = CampaignUnit.objects.filter(path__under=root.path).count()

    assert under_school == {school.id, branch.id, deeper.id}
    assert under_root == 6
    assert not CampaignUnit.objects.filter(path__under=paths.child_path(school.path, uuid4())).exists()
    CampaignUnit.objects.filter(path__under=root.path).delete()
