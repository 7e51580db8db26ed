"""The organisation tree: register, rename, move, archive; read a node with its subtree."""


from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from taolun.platform.api.access import access_node, principal
from taolun.platform.api.errors import not_found
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.read_cache import cached_json
from taolun.platform.api.schemas import (
    ERRORS,
    ArchiveIn,
    KindName,
    MoveIn,
    NodeOut,
    RenameIn,
    TenantIn,
    TreeOut,
)
from taolun.platform.api.time_travel import AS_OF, in_view, moment, stamped
from taolun.platform.runtime import get_runtime
from taolun.projections.models import OrgNode
from taolun.projections.org_tree import OrgTreeProjection

router = Router(tags=["tenants 单位"])
ORG = OrgTreeProjection.name  # the tree view's projection: its cache follows this position


@router.post("/tenants", response={201: NodeOut, **ERRORS}, summary="登记单位（顶层教育局由平台运维人员登记）")
def register_tenant(request: HttpRequest, payload: TenantIn):
    """Register a unit under a parent (operators may register a root city bureau)."""
    if payload.parent_id is not None:
        access_node(request, payload.parent_id, "admin")
    tenant_id = run_command(request, lambda rt: rt.tenancy.register_tenant(
        actor(request), payload.kind, payload.code, payload.name, payload.parent_id
    ))
    # The projection hands over the row it just wrote when this process applied it.
    org = get_runtime().runner.projection("org")
    written = org.take_written(tenant_id) if org is not None else None  # type: ignore[attr-defined]
    return Status(201, written or OrgNode.objects.get(pk=tenant_id))


class ListFilters(Schema):
    kind: KindName | None = None
    q: str | None = None
    archived: bool = False


@router.get("/tenants", response={200: list[NodeOut], **ERRORS}, summary="我可见的顶层单位")
@paginate
def list_tenants(request: HttpRequest, filters: Query[ListFilters]):
    """The top nodes the caller holds grants on (operators: the root bureaus)."""
    who = principal(request)
    if who.is_operator:
        nodes = OrgNode.objects.filter(parent__isnull=True)
    else:
        nodes = OrgNode.objects.filter(path__in=who.top_paths)
    return _filter(nodes, filters)


@router.get("/tenants/{tenant_id}", response={200: TreeOut, **ERRORS}, summary="读取单位及其下级（depth 层）")
def read_tenant(request: HttpRequest, tenant_id: UUID, depth: int = Query(1, ge=0, le=3),
                as_of: str | None = Query(None, description=AS_OF)):
    """A node with its live descendants down to ``depth`` levels, each with subtree counts.
    With ``as_of``: the tree as it stood then (the log replayed up to that moment; not cached)."""
    when = moment(as_of)
    if when is None:
        return cached_json(request, ORG, "read_tenant", (tenant_id, depth),
                           lambda: _tree(access_node(request, tenant_id), depth))
    access_node(request, tenant_id)
    who = principal(request)

    def read() -> dict | None:
        then = OrgNode.objects.filter(pk=tenant_id).first()
        return _tree(then, depth) if then is not None and who.sees(then.path) else None

    position, tree = in_view(when, read)
    if tree is None:
        raise not_found("单位")
    return JsonResponse(stamped(tree, when, position), json_dumps_params={"ensure_ascii": False})


def _tree(node: OrgNode, depth: int) -> dict:
    # Two indexed queries in all (the node, then its subtree by path prefix), rows read as
    # plain tuples and nested in one pass: no model instances, no second validation of
    # trusted rows; the documented shape is still TreeOut.
    rows = OrgNode.objects.filter(
        path__under=node.path, depth__gt=node.depth, depth__lte=node.depth + depth,
        archived=False,
    ).order_by("depth", "kind", "code").values_list(*NODE_FIELDS)
    root = {field: getattr(node, field) for field in NODE_FIELDS}
    root["children"] = []
    placed = {node.id: root["children"]}
    for row in rows:
        out = dict(zip(NODE_FIELDS, row))
        out["children"] = placed[out["id"]] = []
        siblings = placed.get(out["parent_id"])
        if siblings is not None:
            siblings.append(out)
    return root


NODE_FIELDS = [name for name in NodeOut.model_fields if name != "children"]


@router.get("/tenants/{tenant_id}/subtree", response={200: list[NodeOut], **ERRORS}, summary="列出下级单位（可按类型、名称筛选）", operation_id="list_tenant_subtree")
@paginate
def list_subtree(request: HttpRequest, tenant_id: UUID, filters: Query[ListFilters]):
    """Every node below this one (one indexed prefix query), filtered by kind or name."""
    node = access_node(request, tenant_id)
    return _filter(OrgNode.objects.filter(path__under=node.path).exclude(pk=node.pk), filters)


def _filter(nodes, filters: ListFilters):
    nodes = nodes.filter(archived=filters.archived)
    if filters.kind:
        nodes = nodes.filter(kind=filters.kind)
    if filters.q:
        nodes = nodes.filter(Q(name__icontains=filters.q) | Q(code__iexact=filters.q))
    return nodes.order_by("path")


@router.patch("/tenants/{tenant_id}", response={200: NodeOut, **ERRORS}, summary="单位改名")
def rename_tenant(request: HttpRequest, tenant_id: UUID, payload: RenameIn):
    access_node(request, tenant_id, "admin")
    run_command(request, lambda rt: rt.tenancy.rename_tenant(actor(request), tenant_id, payload.name))
    return OrgNode.objects.get(pk=tenant_id)


@router.post("/tenants/{tenant_id}/move", response={200: NodeOut, **ERRORS}, summary="移动单位（连同其下级）")
def move_tenant(request: HttpRequest, tenant_id: UUID, payload: MoveIn):
    """Move a unit (with its subtree) under another parent; never into its own subtree."""
    node = access_node(request, tenant_id, "admin")
    if node.parent_id is not None:
        access_node(request, node.parent_id, "admin")
    access_node(request, payload.parent_id, "admin")
    run_command(
        request, lambda rt: rt.tenancy.move_tenant(actor(request), tenant_id, payload.parent_id)
    )
    return OrgNode.objects.get(pk=tenant_id)


@router.post("/tenants/{tenant_id}/archive", response={200: NodeOut, **ERRORS}, summary="归档单位")
def archive_tenant(request: HttpRequest, tenant_id: UUID, payload: ArchiveIn):
    """Archive a unit; refused while it has live children unless ``cascade`` is true."""
    access_node(request, tenant_id, "admin")
    run_command(
        request, lambda rt: rt.tenancy.archive_tenant(actor(request), tenant_id, payload.cascade)
    )
    return OrgNode.objects.get(pk=tenant_id)

