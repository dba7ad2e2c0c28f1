"""Date coercion (SPEC "Dates in cells"): every form a spreadsheet cell can hold, the two
Excel date systems with the 1900 leap-year bug, text in ISO / month-name / numeric form,
and one error type for everything else whose message quotes the value."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from followup_xl.dates import (coerce_date, date_to_serial, parse_date_text,
                               serial_to_date)
from followup_xl.errors import NotADateError, UsageError

from conftest import d

NOV30 = d("2026-11-30")
SERIAL_NOV30 = 46356  # 2024-01-01 is 45292; + 366 + 365 + 333 days


# ------------------------------------------------------------------ typed values

@pytest.mark.parametrize("value,expected", [
    (NOV30, NOV30),
    (dt.datetime(2026, 11, 30, 23, 59, 59), NOV30),
    (pd.Timestamp("2026-11-30 15:00"), NOV30),
    (pd.Timestamp("2026-11-30 15:00", tz="Europe/Berlin"), NOV30),
    (np.datetime64("2026-11-30"), NOV30),
    (np.datetime64("2026-11-30T10:00:00.123456789"), NOV30),
    (SERIAL_NOV30, NOV30),
    (SERIAL_NOV30 + 0.75, NOV30),  # a date-time serial: the time is dropped
    (np.int64(SERIAL_NOV30), NOV30),
    (np.float64(SERIAL_NOV30), NOV30),
    (None, None), ("", None), ("   ", None), (float("nan"), None), (np.nan, None),
    (pd.NaT, None), (np.datetime64("NaT"), None), (pd.NA, None),
])
def test_typed_values(value, expected):
    assert coerce_date(value) == expected


def test_datetime_result_is_plain_date():
    got = coerce_date(pd.Timestamp("2026-11-30 15:00"))
    assert type(got) is dt.date


# ------------------------------------------------------------------ serials

@pytest.mark.parametrize("serial,expected", [
    (1, "1900-01-01"),
    (2, "1900-01-02"),
    (59, "1900-02-28"),
    (61, "1900-03-01"),   # serial 60 is Excel's fake 29 Feb 1900
    (367, "1901-01-01"),
    (18264, "1950-01-01"),
    (25569, "1970-01-01"),
    (45292, "2024-01-01"),
    (SERIAL_NOV30, "2026-11-30"),
    (2958465, "9999-12-31"),
])
def test_serial_1900_system(serial, expected):
    assert serial_to_date(serial, plausible=False) == d(expected)
    assert date_to_serial(d(expected)) == serial


def test_serial_60_is_the_fake_leap_day():
    with pytest.raises(NotADateError, match="60.*29 Feb 1900"):
        serial_to_date(60, plausible=False)


@pytest.mark.parametrize("serial,expected", [
    (0, "1904-01-01"), (1, "1904-01-02"), (59, "1904-02-29"),  # 1904 is a real leap year
    (SERIAL_NOV30 - 1462, "2026-11-30"),
])
def test_serial_1904_system(serial, expected):
    assert serial_to_date(serial, date1904=True, plausible=False) == d(expected)
    assert date_to_serial(d(expected), date1904=True) == serial


def test_1904_number_cell():
    assert coerce_date(SERIAL_NOV30 - 1462, date1904=True) == NOV30
    assert coerce_date(SERIAL_NOV30 - 1462) == d("2022-11-29")  # same number, other system


@pytest.mark.parametrize("serial", [1, 59, 61, 18263, 109575, 123456, 3])
def test_implausible_serials_rejected_by_default(serial):
    with pytest.raises(NotADateError) as info:
        coerce_date(serial)
    assert str(serial) in str(info.value) and "1950-2199" in str(info.value)


@pytest.mark.parametrize("serial, expected", [
    (18264, "1950-01-01"),  # the first plausible serial (1950-01-01 counted from 1899-12-30)
    (109574, "2199-12-31"),  # the last
])
def test_plausible_bounds(serial, expected):
    assert coerce_date(serial) == d(expected)
    assert coerce_date(float(serial) + 0.99) == d(expected)


@pytest.mark.parametrize("serial", [0, 0.5, -1, 3_000_000, math.inf, -math.inf, math.nan])
def test_out_of_range_serials(serial):
    with pytest.raises(NotADateError):
        serial_to_date(serial, plausible=False)


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)), st.booleans())
def test_serial_round_trip(day, date1904):
    if date1904 and day < dt.date(1904, 1, 1):
        return
    assert serial_to_date(date_to_serial(day, date1904), date1904, plausible=False) == day


def test_serial_against_independent_epoch():
    # From 1 March 1900 on, Excel serial n is n days after 30 Dec 1899.
    for n in (61, 1000, 36526, 50000):
        assert serial_to_date(n, plausible=False) == dt.date(1899, 12, 30) + dt.timedelta(days=n)


# ------------------------------------------------------------------ text

@pytest.mark.parametrize("text", [
    "2026-11-30", " 2026-11-30 ", "2026-11-30T14:05:00", "2026-11-30 14:05", "2026-11-30T14:05:00Z",
    "2026-11-30T14:05:00+01:00", "2026-11-30 14:05:06.250",
    "30 Nov 2026", "Nov 30, 2026", "Monday, 30 November 2026", "30-Nov-26", "30 november 2026",
    "NOV 30 2026", "30th November 2026", "November 30th, 2026", "2026 Nov 30", "30 Nov 2026 10:30 am",
    "Mon 30 Nov 2026", "30. November 2026", "the 30th of November 2026",
    "2026/11/30", "46356",
])
def test_text_forms_of_nov_30(text):
    assert coerce_date(text) == NOV30
    assert coerce_date(text, date_order="DMY") == NOV30  # none of these depend on DateOrder


@pytest.mark.parametrize("text,order,expected", [
    ("11/30/2026", "MDY", "2026-11-30"),
    ("30/11/2026", "DMY", "2026-11-30"),
    ("30.11.2026", "DMY", "2026-11-30"),
    ("30-11-2026", "DMY", "2026-11-30"),
    ("01/02/2026", "MDY", "2026-01-02"),
    ("01/02/2026", "DMY", "2026-02-01"),
    ("1/2/2026", "mdy", "2026-01-02"),
    ("11/30/26", "MDY", "2026-11-30"),
    ("30/11/26", "DMY", "2026-11-30"),
    ("1/2/29", "MDY", "2029-01-02"),   # Excel's two-digit year rule: 00-29 -> 20xx
    ("1/2/30", "MDY", "1930-01-02"),   # ... 30-99 -> 19xx
    ("1/2/99", "DMY", "1999-02-01"),
    ("1/2/00", "DMY", "2000-02-01"),
    ("11/30/2026 9:15", "MDY", "2026-11-30"),
    ("11/30/2026 9:15 PM", "MDY", "2026-11-30"),
    ("1 Feb 29", "DMY", "2029-02-01"),
    ("1 Feb 30", "MDY", "1930-02-01"),
])
def test_numeric_text_by_date_order(text, order, expected):
    assert coerce_date(text, date_order=order) == d(expected)


@pytest.mark.parametrize("value,order,why", [
    ("31/02/2026", "DMY", "day is out of range"),
    ("02/31/2026", "MDY", "day is out of range"),
    ("11/30/2026", "DMY", "month must be in 1..12"),
    ("13/13/2026", "MDY", "month"),
    ("2026-02-30", "MDY", "day is out of range"),
    ("2026-13-01", "MDY", "month"),
    ("1/2/202", "MDY", "2 or 4 digits"),
    ("soon", "MDY", "expected a date"),
    ("next week", "MDY", "expected a date"),
    ("Nov 2026", "MDY", "expected a date"),
    ("30 Nov", "MDY", "expected a date"),
    ("30 Nov 2026 Dec", "MDY", "expected a date"),
    ("30 Nov 2026 maybe", "MDY", "expected a date"),  # a trailing word: not a date
    ("maybe 30 Nov 2026", "MDY", "expected a date"),
    ("Nov 30 2026 the", "MDY", "expected a date"),
    ("30 Nov 2026 Monday", "DMY", "expected a date"),  # a weekday only leads
    ("Monday Tuesday 30 Nov 2026", "DMY", "expected a date"),
    ("the the 30 Nov 2026", "DMY", "expected a date"),
    ("30 10:30 Nov 2026", "DMY", "expected a date"),  # a time only at the end
    ("30 Nov 2026 10:30 pm pm", "DMY", "expected a date"),
    ("10:30", "MDY", "expected a date"),
    ("60", "MDY", "29 Feb 1900"),
    ("3", "MDY", "1950-2199"),
    (True, "MDY", "TRUE/FALSE"),
    (False, "MDY", "TRUE/FALSE"),
    (dt.time(10, 30), "MDY", "time of day"),
    ([2026, 11, 30], "MDY", "list"),
    (object(), "MDY", "object"),
])
def test_not_a_date(value, order, why):
    with pytest.raises(NotADateError) as info:
        coerce_date(value, date_order=order)
    message = str(info.value)
    assert isinstance(info.value, UsageError)
    expected_quote = repr(value) if isinstance(value, str) else str(value)
    assert expected_quote[:30] in message  # the value, quoted as the user typed it
    assert why in message
    assert "\n" not in message and message.endswith(".")


def test_long_value_is_shortened_in_message():
    with pytest.raises(NotADateError) as info:
        coerce_date("x" * 500)
    assert len(str(info.value)) < 160 and "…" in str(info.value)


def test_parse_date_text_empty_is_an_error():
    with pytest.raises(NotADateError, match="empty"):
        parse_date_text("   ")


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_text_renderings_round_trip(day):
    assert coerce_date(day.isoformat()) == day
    assert coerce_date(day.strftime("%d %b %Y")) == day
    assert coerce_date(day.strftime("%B %d, %Y")) == day
    assert coerce_date(day.strftime("%A, %d %B %Y")) == day
    assert coerce_date(day.strftime("%m/%d/%Y"), date_order="MDY") == day
    assert coerce_date(day.strftime("%d/%m/%Y"), date_order="DMY") == day
    assert coerce_date(date_to_serial(day)) == day
    assert coerce_date(float(date_to_serial(day, True)), date1904=True) == day
