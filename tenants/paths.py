"""Materialised paths of the organisation tree: the one home of tree-path arithmetic.

A node's path is the ids of the nodes from the root down to it, each as 32 hex digits
(``UUID.hex``) followed by ``/``: ``<root>/<bureau>/<school>/``. So "at or below a node" is
"the path starts with the node's path", a node's depth is its number of ids less one, and a
moved subtree keeps its tail behind a new head. Read models store these strings and query
them with ``path__under`` (:mod:`taolun.projections.subtree`); everything that splits, joins or compares them calls these
functions. Pure: no Django.
"""

from __future__ import annotations

from uuid import UUID

SEPARATOR = "/"
ID_LENGTH = 32  # UUID.hex


def child_path(parent_path: str, node_id: UUID) -> str:
    """The path of ``node_id`` under the node at ``parent_path`` (``""`` for a root)."""
    return parent_path + node_id.hex + SEPARATOR


def node_ids(path: str) -> list[str]:
    """Hex ids of every node on the path, root first, the node itself last."""
    return path.rstrip(SEPARATOR).split(SEPARATOR) if path else []


def ancestor_ids(path: str) -> list[str]:
    """Hex ids of the nodes above the one at ``path``, root first."""
    return node_ids(path)[:-1]


def parent_path(path: str) -> str:
    """``a/b/c/`` -> ``a/b/`` (``""`` for a root)."""
    return "".join(h + SEPARATOR for h in ancestor_ids(path))


def prefixes(path: str) -> list[str]:
    """The paths of every node at or above the one at ``path``, root first."""
    ids = node_ids(path)
    return [SEPARATOR.join(ids[:i]) + SEPARATOR for i in range(1, len(ids) + 1)]


def depth(path: str) -> int:
    """0 for a root."""
    return path.count(SEPARATOR) - 1


def is_within(path: str, top: str) -> bool:
    """Whether the node at ``path`` is the one at ``top`` or below it."""
    return path.startswith(top)


def is_below(path: str, top: str) -> bool:
    """Whether the node at ``path`` is strictly below the one at ``top``."""
    return path != top and path.startswith(top)


def child_path_length(path: str) -> int:
    """The length of the paths of the children of the node at ``path``: the first that many
    characters of any path below it name the child it lies under."""
    return len(path) + ID_LENGTH + len(SEPARATOR)


def relocated(path: str, old_top: str, new_top: str) -> str:
    """Where ``path`` (at or below ``old_top``) is once that subtree moves to ``new_top``."""
    assert is_within(path, old_top), (path, old_top)
    return new_top + path[len(old_top):]


def depth_shift(old_top: str, new_top: str) -> int:
    """How much deeper (or shallower) a subtree's nodes are once it moves."""
    return depth(new_top) - depth(old_top)
