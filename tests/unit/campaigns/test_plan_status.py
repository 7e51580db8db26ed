"""What a plan shows: its approval status, or the pending upstream change beside it."""

from taolun.events.campaigns.plan_status import display_status, unit_plan_status


def test_a_plan_shows_upstream_changed_while_a_parents_release_waits() -> None:
    assert display_status("approved", upstream_pending=True) == "upstream_changed"
    assert display_status("approved", upstream_pending=False) == "approved"
    assert display_status("returned", upstream_pending=False) == "returned"


def test_a_unit_expected_to_derive_without_a_plan_shows_not_derived() -> None:
    assert unit_plan_status(None, expected=True) == "not_derived"
    assert unit_plan_status(None, expected=False) == ""
    assert unit_plan_status("submitted", expected=True) == "submitted"
