"""The packages depend on each other without cycles, and the domain imports no framework:
read from the source's import statements (``ast``), each failure naming the import."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("platform", "tenants", "events", "projections", "notifications", "infra")
DOMAIN = ("events", "tenants")
# What the domain may not import: the web framework, storage and broker clients, and the
# outer layers of this project.
FORBIDDEN_IN_DOMAIN = ("django", "ninja", "psycopg", "psycopg_pool", "dramatiq", "redis", "pika",
                       "taolun.infra", "taolun.platform", "taolun.projections", "taolun.notifications")


def modules(package: str):
    """The package's modules: files inside folders with an ``__init__.py`` (deployment
    scripts beside them are not part of it)."""
    for source in sorted((ROOT / package).rglob("*.py")):
        if (source.parent / "__init__.py").exists():
            yield source


def imports(source: Path):
    """(line, imported module) for each absolute import, wherever it stands (function-level
    imports are dependencies too)."""
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def where(source: Path, line: int, module: str) -> str:
    return f"{source.relative_to(ROOT)}:{line} imports {module}"


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package -> package it imports -> the imports that make the edge."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for package in PACKAGES:
        for source in modules(package):
            for line, module in imports(source):
                parts = module.split(".")
                if parts[0] == "taolun" and len(parts) > 1 and parts[1] in PACKAGES and parts[1] != package:
                    graph[package][parts[1]].append(where(source, line, module))
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == "open":
                return [*trail[trail.index(nxt):], nxt] if nxt in trail else [*trail, nxt]
            if nxt not in state and (cycle := visit(nxt, [*trail, nxt])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_packages_import_each_other_without_a_cycle() -> None:
    graph = package_graph()
    cycle = find_cycle(graph)
    if cycle:
        edges = [f"{a} -> {b}: {graph[a][b][0]}" for a, b in zip(cycle, cycle[1:])]
        raise AssertionError("package cycle " + " -> ".join(cycle) + "\n  " + "\n  ".join(edges))


def test_the_domain_imports_no_framework_storage_or_outer_layer() -> None:
    offending = [
        where(source, line, module)
        for package in DOMAIN for source in modules(package) for line, module in imports(source)
        if any(module == f or module.startswith(f + ".") for f in FORBIDDEN_IN_DOMAIN)
    ]
    assert offending == []


def test_the_cycle_finder_reports_a_cycle_it_is_given() -> None:
    graph = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": ["x"]}, "b": {}}) is None
