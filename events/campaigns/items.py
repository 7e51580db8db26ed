"""The items of a plan's sections (topics, phases, tasks, requirements): their names in
messages and the error for a missing one, shared by the aggregates that refer to them."""

from __future__ import annotations

from taolun.events.kernel import NotFound

ITEM_NAMES = {"topics": "讨论题目", "phases": "阶段", "tasks": "任务", "requirements": "要求"}


def item_not_found(section: str, iid: str) -> NotFound:
    return NotFound(f"{section[:-1]}_not_found", f"{ITEM_NAMES[section]}不存在", id=iid)
