"""The write side's storage rules, shared by every aggregate (events/values.py)."""

from decimal import Decimal

import pytest

from taolun.events.campaigns import rules
from taolun.events.kernel import DomainError
from taolun.events.values import MAX_INT, bounded_int, check_hours, clean_text
from taolun.tenants.domainmodel import check_text


def code_of(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.details["field"]
    return refused.value.code


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfffy", "a\x07b", "a\x1bb", "a\x7fb", "a\x85b"])
def test_nul_lone_surrogates_and_control_characters_are_refused_in_any_text(text):
    assert code_of(lambda: clean_text(text, "content", max_length=100)) == "invalid_characters"
    assert code_of(lambda: rules.text(text, "content")) == "invalid_characters"
    assert code_of(lambda: check_text("name", text)) == "invalid_characters"


def test_multi_line_text_keeps_tabs_and_newlines_but_one_line_values_refuse_them():
    assert rules.text("第一行\n\t第二行\r\n", "content") == "第一行\n\t第二行"
    assert code_of(lambda: check_text("name", "甲\n乙")) == "invalid_characters"
    assert code_of(lambda: check_text("code", "a\tb", 64)) == "invalid_characters"


def test_text_longer_than_its_column_is_refused_and_characters_count_not_bytes():
    assert check_text("name", "讨" * 200) == "讨" * 200
    assert code_of(lambda: check_text("name", "讨" * 201)) == "field_too_long"
    assert code_of(lambda: rules.text("x" * 501, "title", max_length=500)) == "text_too_long"


@pytest.mark.parametrize("value", [MAX_INT + 1, 2**63, 2**64, -1])
def test_integers_beyond_an_integer_column_are_refused(value):
    assert code_of(lambda: bounded_int(value, "participants")) == "number_out_of_range"


def test_numbers_are_refused_before_a_huge_exponent_becomes_an_int():
    assert code_of(lambda: rules.number("1e999999999", "minimum")) == "number_out_of_range"
    assert code_of(lambda: rules.number(2**31, "minimum")) == "number_out_of_range"
    assert rules.number(MAX_INT, "minimum") == MAX_INT
    assert rules.number("2.50", "hours") == Decimal("2.50")


@pytest.mark.parametrize("value, code", [
    ("100000000", "number_out_of_range"), ("1.125", "too_many_decimal_places"),
    ("0.001", "too_many_decimal_places"),
])
def test_hours_must_fit_decimal_10_2_exactly(value, code):
    assert code_of(lambda: rules.hours(value)) == code


def test_hours_that_fit_are_kept_as_given():
    assert rules.hours("99999999.99") == Decimal("99999999.99")
    assert rules.hours("1.50") == Decimal("1.50")
    assert rules.hours(3) == 3
    assert check_hours(Decimal("2.5"), "hours") == Decimal("2.5")


def test_an_overlong_activity_time_is_refused():
    assert code_of(lambda: rules.iso_datetime("2026-01-01T08:00:00." + "0" * 60, "start")) == "invalid_datetime"
    assert rules.iso_datetime("2026-01-01T08:30:00+08:00", "start") == "2026-01-01T08:30:00+08:00"
