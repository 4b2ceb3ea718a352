"""Deadlines are periods: a month-deadline is overdue only after the month ends."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trienkhai.lib.dates import (
    DAY,
    MONTH,
    PRECISIONS,
    QUARTER,
    YEAR,
    format_deadline,
    format_deadline_vi,
    period_end,
    period_start,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "precision", "end", "text", "text_vi"),
    [
        (D(2020, 9, 20), DAY, D(2020, 9, 20), "2020-09-20", "20-9-2020"),
        (D(2020, 12, 1), MONTH, D(2020, 12, 31), "2020-12", "tháng 12-2020"),
        (D(2020, 2, 10), MONTH, D(2020, 2, 29), "2020-02", "tháng 2-2020"),
        (D(2025, 10, 1), QUARTER, D(2025, 12, 31), "2025-Q4", "quý IV/2025"),
        (D(2025, 5, 5), QUARTER, D(2025, 6, 30), "2025-Q2", "quý II/2025"),
        (D(2025, 3, 3), YEAR, D(2025, 12, 31), "2025", "năm 2025"),
    ],
)
def test_a_deadline_ends_with_its_period(day, precision, end, text, text_vi):
    assert period_end(day, precision) == end
    assert format_deadline(day, precision) == text
    assert format_deadline_vi(day, precision) == text_vi


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)), st.sampled_from(PRECISIONS))
def test_every_day_lies_inside_its_period(day, precision):
    assert period_start(day, precision) <= day <= period_end(day, precision)
    assert period_end(period_start(day, precision), precision) == period_end(day, precision)
