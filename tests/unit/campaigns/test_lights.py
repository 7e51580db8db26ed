"""Lights: a row's own light, a node's by the shares of its units, a problem's."""

from datetime import date

from taolun.events.campaigns import lights

QUIET = {"overdue": 0, "silent": False, "unfinished": False, "behind": False, "returned": 0, "reopened": 0}


def test_a_row_is_red_for_an_overdue_rectification_silence_or_not_finishing() -> None:
    for cause in ({"overdue": 1}, {"silent": True}, {"unfinished": True}):
        assert lights.own_light(**{**QUIET, **cause, "behind": True}) == "red"


def test_a_row_is_yellow_behind_pace_with_a_plan_returned_or_a_rectification_reopened() -> None:
    for cause in ({"behind": True}, {"returned": 1}, {"reopened": 1}):
        assert lights.own_light(**{**QUIET, **cause}) == "yellow"
    assert lights.own_light(**QUIET) == "green"


def test_a_node_is_lit_by_the_shares_of_its_units_not_by_one_of_them() -> None:
    assert lights.share_light("green", {"green": 9, "red": 1}) == "green"  # 10% red
    assert lights.share_light("green", {"green": 3, "red": 1}) == "red"  # 25% red > 20%
    assert lights.share_light("green", {"green": 6, "yellow": 4}) == "yellow"  # 40% > 30%
    assert lights.share_light("green", {"green": 9, "red": 1}, {"red_share": 5}) == "red"


def test_a_nodes_own_worse_light_wins_and_without_units_its_own_is_its_light() -> None:
    assert lights.share_light("yellow", {"green": 10}) == "yellow"
    assert lights.share_light("red", {}) == "red"


def test_a_measured_node_counts_itself_among_its_units() -> None:
    # A branch with one branch below: itself red and the one below green is 50% red.
    assert lights.node_light("branch", "red", {"green": 1}) == "red"
    assert lights.node_light("school", "green", {"green": 1}) == "green"


def test_a_problem_shows_once_red_before_yellow_before_blue() -> None:
    on = date(2026, 3, 10)
    assert lights.problem_light("rectifying", "2026-03-09", 1, on) == "red"
    assert lights.problem_light("rectifying", "2026-03-12", 1, on) == "yellow"
    assert lights.problem_light("rectifying", "2026-03-17", 0, on) == "blue"  # 7 days left
    assert lights.problem_light("rectifying", "2026-03-18", 0, on) == "none"
    assert lights.problem_light("open", None, 0, on) == "none"
    assert lights.problem_light("verified", "2026-03-01", 0, on) == "green"


def test_node_lights_are_green_yellow_red_and_blue_is_a_problems_only() -> None:
    assert lights.LIGHTS == ("green", "yellow", "red")
    assert set(lights.LIGHTS) < set(lights.PROBLEM_LIGHTS) and "blue" in lights.PROBLEM_LIGHTS
