"""Lights: the one home of how a unit, a node and a problem are lit (docs/progress.md).

Node lights are green, yellow and red (:data:`LIGHTS`, best first). Blue exists only for a
problem: a rectification due within :data:`DUE_SOON_DAYS` days. The thresholds are per
campaign (``Plan.ProgressSettingsChanged``) over :data:`DEFAULT_SETTINGS`. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

LIGHTS = ("green", "yellow", "red")  # node lights, best first
PROBLEM_LIGHTS = ("none", "green", "blue", "yellow", "red")
DUE_SOON_DAYS = 7  # a rectification due within this many days is blue (problems only)
# The units a node's light is made of: the ones measured by the per-unit requirements.
MEASURED_KINDS = ("branch", "office")
DEFAULT_SETTINGS = {
    "silent_days": 30,  # a unit with no activity for this long is silent (while the campaign runs)
    "pace_tolerance": 20,  # percentage points of compliance a unit may lag the elapsed share
    "red_share": 20,  # a node is red when more than this % of its units are red
    "yellow_share": 30,  # … yellow when more than this % are red or yellow
}


def settings_of(stored: Mapping[str, Any] | None) -> dict[str, int]:
    """A campaign's thresholds: its own settings over the defaults."""
    return {**DEFAULT_SETTINGS, **(stored or {})}


def worst(*lights: str) -> str:
    return max(lights, key=LIGHTS.index)


def own_light(*, overdue: int, silent: bool, unfinished: bool, behind: bool, returned: int,
              reopened: int) -> str:
    """A row's own light: red for a rectification overdue, silence while the campaign runs
    or, after it, not finished; yellow for behind pace, a plan returned or a rectification
    reopened (not overdue); green otherwise."""
    if overdue or silent or unfinished:
        return "red"
    if behind or returned or reopened:
        return "yellow"
    return "green"


def share_light(own: str, units: Mapping[str, int], settings: Mapping[str, Any] | None = None) -> str:
    """The light of a node with measured units below it, by shares of their lights (not by
    a single item anywhere below): red when more than ``red_share`` % of them are red, yellow
    when more than ``yellow_share`` % are red or yellow; the node's own light (its own plan
    returned, its own rectification overdue) when that is worse."""
    cfg = settings_of(settings)
    n = sum(units.get(k, 0) for k in LIGHTS)
    if not n:
        return own
    red, yellow = units.get("red", 0), units.get("yellow", 0)
    if 100 * red > cfg["red_share"] * n:
        shared = "red"
    elif 100 * (red + yellow) > cfg["yellow_share"] * n:
        shared = "yellow"
    else:
        shared = "green"
    return worst(shared, own)


def node_light(kind: str, own: str, units: Mapping[str, int], settings: Mapping[str, Any] | None = None) -> str:
    """The light of a node with measured units below (``units``: their lights counted); a
    measured node (a branch with branches below) counts itself among them."""
    if kind in MEASURED_KINDS:
        units = {k: units.get(k, 0) + (k == own) for k in LIGHTS}
    return share_light(own, units, settings)


def problem_light(status: str, deadline: str | None, reopened: int, on: date) -> str:
    """One problem on the problem list, shown once: green when done; else red when its
    rectification is overdue, yellow when reopened, blue when due within
    :data:`DUE_SOON_DAYS` days; ``none`` without a deadline (yellow if reopened)."""
    if status in ("completed", "verified"):
        return "green"
    if deadline:
        left = (date.fromisoformat(deadline) - on).days
        if left < 0:
            return "red"
        if reopened:
            return "yellow"
        if left <= DUE_SOON_DAYS:
            return "blue"
    return "yellow" if reopened else "none"
