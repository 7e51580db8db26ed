"""A campaign's window: the span of its phases, the released one in force, and what it
says about a day."""

from datetime import date

from taolun.events.campaigns import window

PHASES = {"a": {"start": "2026-03-10", "end": "2026-03-20"}, "b": {"start": "2026-03-01", "end": "2026-03-12"}}
WINDOW = ("2026-03-01", "2026-03-20")


def test_the_window_runs_from_the_earliest_start_to_the_latest_end() -> None:
    assert window.overall_window(PHASES.values()) == WINDOW
    assert window.overall_window([]) is None


def test_the_window_in_force_is_the_latest_releases_not_the_drafts() -> None:
    draft = {"a": {"start": "2026-01-01", "end": "2026-12-31"}}
    versions = [{"content": {"phases": {}}}, {"content": {"phases": PHASES}}]
    assert window.campaign_window(versions, draft) == WINDOW
    assert window.campaign_window([], draft) == ("2026-01-01", "2026-12-31")


def test_days_left_count_down_to_the_last_day_and_go_negative_after_it() -> None:
    assert window.days_left(WINDOW, date(2026, 3, 18)) == 2
    assert window.days_left(WINDOW, date(2026, 3, 22)) == -2
    assert window.days_left(None, date(2026, 3, 18)) is None


def test_a_window_has_started_on_its_first_day_and_ended_after_its_last() -> None:
    assert not window.has_started(WINDOW, date(2026, 2, 28))
    assert window.has_started(WINDOW, date(2026, 3, 1))
    assert not window.has_ended(WINDOW, date(2026, 3, 20))
    assert window.has_ended(WINDOW, date(2026, 3, 21))
    assert not window.has_started(None, date(2026, 3, 1)) and not window.has_ended(None, date(2026, 3, 1))


def test_the_elapsed_share_counts_today_and_exists_only_while_the_window_runs() -> None:
    assert window.elapsed_pct(WINDOW, date(2026, 3, 1)) == 5  # day 1 of 20
    assert window.elapsed_pct(WINDOW, date(2026, 3, 10)) == 50
    assert window.elapsed_pct(WINDOW, date(2026, 3, 20)) == 100
    assert window.elapsed_pct(WINDOW, date(2026, 2, 28)) is None
    assert window.elapsed_pct(WINDOW, date(2026, 3, 21)) is None
