"""Working-day calendar: weekends in every WORKDAY.INTL form, public holidays, and
WORKDAY.INTL / NETWORKDAYS.INTL semantics. Expected values are worked out by hand from
the Excel documentation (start date not counted by WORKDAY.INTL, days = 0 gives the
start itself, NETWORKDAYS.INTL counts both ends and is negative when end < start)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from followup_xl.calendar import (WEEKEND_CODES, WorkCalendar, country_weekend, get_calendar,
                                  holidays_in_year, parse_weekend)
from followup_xl.errors import CalendarError, UsageError

from conftest import d

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The WORKDAY.INTL weekend-number table, as the Excel documentation words it.
DOC_WEEKENDS = {
    1: ("Sat", "Sun"), 2: ("Sun", "Mon"), 3: ("Mon", "Tue"), 4: ("Tue", "Wed"),
    5: ("Wed", "Thu"), 6: ("Thu", "Fri"), 7: ("Fri", "Sat"),
    11: ("Sun",), 12: ("Mon",), 13: ("Tue",), 14: ("Wed",), 15: ("Thu",), 16: ("Fri",), 17: ("Sat",),
}


def _mask(names: tuple[str, ...]) -> str:
    return "".join("1" if day in names else "0" for day in DAYS)


# ------------------------------------------------------------------ weekends

@pytest.mark.parametrize("code,names", sorted(DOC_WEEKENDS.items()))
def test_weekend_codes_match_excel_table(code, names):
    assert set(WEEKEND_CODES) == set(DOC_WEEKENDS)
    assert parse_weekend(code) == _mask(names)
    assert parse_weekend(str(code)) == _mask(names)  # typed as text in a cell
    assert parse_weekend(float(code)) == _mask(names)  # a number cell arrives as float


@pytest.mark.parametrize("code,names", sorted(DOC_WEEKENDS.items()))
def test_weekend_code_drives_working_days(code, names):
    # AQ (Antarctica) has no public holiday in January 2012 after New Year's Day.
    cal = get_calendar("AQ", weekend=code)
    week = [d("2012-01-09") + dt.timedelta(days=i) for i in range(7)]  # Mon..Sun
    assert [not cal.is_workday(day) for day in week] == [n in names for n in DAYS]


@pytest.mark.parametrize("mask", ["0000011", "0000110", "1000001", "0000000", "0101010", "1111110",
                                  " 0000011 "])
def test_weekend_masks(mask):
    assert parse_weekend(mask) == mask.strip()


@pytest.mark.parametrize("country,expected", [
    ("US", "0000011"), ("GB", "0000011"), ("DE", "0000011"),
    ("IL", "0000110"),  # Friday-Saturday, from the holidays package
    ("il", "0000110"), (" IL ", "0000110"),
])
def test_country_default_weekend(country, expected):
    assert parse_weekend(None, country) == expected
    assert parse_weekend("", country) == expected
    assert get_calendar(country).weekend == expected


def test_country_weekend_is_the_holidays_package_weekend():
    import holidays
    for cc in ("US", "IL", "GB", "SA", "NP"):
        days = holidays.country_holidays(cc).weekend
        assert country_weekend(cc) == "".join("1" if i in days else "0" for i in range(7))


@pytest.mark.parametrize("bad", ["00011", "00000111", "0000012", "abcdefg", "1111111", 0, 8, 10, 18,
                                 1.5, True, "weekend", "-1"])
def test_bad_weekend_is_one_clear_error(bad):
    with pytest.raises(CalendarError) as info:
        parse_weekend(bad)
    assert isinstance(info.value, UsageError)
    message = str(info.value)
    assert "\n" not in message and message.endswith(".")
    assert "eekend" in message


# ------------------------------------------------------------------ holidays

@pytest.mark.parametrize("country,sub,day,is_holiday", [
    ("US", None, "2026-11-26", True),    # Thanksgiving
    ("US", None, "2026-11-27", False),   # day after: not federal
    ("US", "CA", "2026-11-27", True),    # ... but a California state holiday
    ("US", None, "2026-07-03", True),    # 4 July 2026 is a Saturday: observed Friday
    ("US", None, "2026-07-04", True),
    ("US", None, "2026-12-25", True),
    ("US", None, "2026-12-24", False),
    ("US", None, "2027-01-01", True),
    ("GB", None, "2026-12-25", True),
    ("GB", None, "2026-12-28", True),    # Boxing Day (Sat 26th) observed on Monday
    ("GB", None, "2026-12-24", False),
    ("DE", None, "2026-12-25", True),
    ("DE", None, "2026-12-26", True),
    ("DE", None, "2027-01-06", False),   # Epiphany: regional only
    ("DE", "BY", "2027-01-06", True),    # ... Bavaria
    ("DE", "Augsburg", "2026-08-08", True),  # a city subdivision, spelled as the package does
    ("DE", "augsburg", "2026-08-08", True),  # ... in any capitals
    ("DE", "BY", "2026-08-08", False),
    ("IL", None, "2026-09-21", True),    # Yom Kippur
    ("FR", None, "2026-07-14", True),
    ("JP", None, "2026-01-01", True),
])
def test_public_holidays(country, sub, day, is_holiday):
    cal = get_calendar(country, sub)
    assert (d(day) in cal.public_holidays(d(day).year)) is is_holiday
    if d(day).weekday() < 5:  # a weekday: working day exactly when not a holiday
        assert cal.is_workday(d(day)) is not is_holiday


def test_holidays_in_year_sorted_with_names():
    rows = holidays_in_year(2026, "US", "CA")
    assert rows == sorted(rows)
    assert (d("2026-11-27"), "Day After Thanksgiving") in rows
    assert (d("2026-07-03"), "Independence Day (observed)") in rows
    assert all(day.year == 2026 and name for day, name in rows)


@pytest.mark.parametrize("country,sub,fragment", [
    ("XX", None, "Unknown country code 'XX'"),
    ("ZZZ", "CA", "Unknown country code 'ZZZ'"),
    # codes that name constants of the holidays module (it looks codes up with getattr)
    ("jan", None, "Unknown country code 'JAN'"),
    ("MON", None, "Unknown country code 'MON'"),
    ("Weekend", "CA", "Unknown country code 'WEEKEND'"),
    ("US", "ZZ", "Unknown subdivision 'ZZ' for country US"),
    ("GB", "XX", "Unknown subdivision 'XX' for country GB"),
    ("IL", "XX", "Unknown subdivision 'XX' for country IL"),
])
def test_unknown_codes(country, sub, fragment):
    with pytest.raises(CalendarError) as info:
        get_calendar(country, sub)
    message = str(info.value)
    assert fragment in message and "\n" not in message
    assert "one of ," not in message  # no empty list of choices


@pytest.mark.parametrize("country,sub", [("FR", "zone a"), ("BE", "FLEMISH"), ("NL", "noord"), ("us", "ca")])
def test_subdivisions_match_case_insensitively(country, sub):
    import holidays
    canonical = next((s for s in holidays.list_supported_countries()[country.upper()]
                      if s.casefold() == sub.casefold()), None)
    if canonical is None:  # Zone A, Flemish and Noord: known to holidays 0.109, not to 0.107
        pytest.skip(f"holidays {holidays.__version__} has no subdivision {sub!r} for {country.upper()}")
    cal = get_calendar(country, sub)
    assert dict(cal.public_holidays(2026)) == dict(
        sorted(holidays.country_holidays(country.upper(), subdiv=canonical, years=2026).items()))


def test_calendars_are_cached_and_normalised():
    assert get_calendar("us", " ca ") is get_calendar("US", "CA")
    assert get_calendar("US", weekend=1) is get_calendar("US", weekend="0000011")
    assert get_calendar("US", weekend=None) is get_calendar("US", weekend="0000011")
    assert get_calendar("US", extra=[d("2026-12-24")]) is not get_calendar("US")
    assert get_calendar(None).country == "US"


def test_extra_holidays_are_closures():
    base = get_calendar("US")
    cal = get_calendar("US", extra=[d("2026-12-24"), dt.datetime(2026, 12, 31, 9, 30),
                                    np.datetime64("2026-12-30")])
    for day in ("2026-12-24", "2026-12-30", "2026-12-31"):
        assert base.is_workday(d(day)) and not cal.is_workday(d(day))


def test_extra_holidays_column_with_blanks():
    """A Holidays column arrives with blank rows, text and serials: blanks are skipped."""
    import pandas as pd
    column = [None, "", float("nan"), pd.NaT, np.datetime64("NaT"), "2026-12-24", 46387,
              pd.Timestamp("2026-12-30 00:00")]
    cal = get_calendar("US", extra=column)
    assert sorted(cal.extra) == [d("2026-12-24"), d("2026-12-30"), d("2026-12-31")]
    assert get_calendar("US", extra=[None, ""]) is get_calendar("US")
    assert get_calendar("US", extra=None) is get_calendar("US")


def test_extra_holiday_that_is_not_a_date():
    from followup_xl.errors import NotADateError
    with pytest.raises(NotADateError, match="'company picnic' is not a date"):
        get_calendar("US", extra=["company picnic"])


# ------------------------------------------------------------------ WORKDAY.INTL

@pytest.mark.parametrize("cal_args,start,days,expected", [
    # Microsoft's own examples (no holidays in AQ over these weeks)
    (("AQ", None, 11), "2012-01-01", 90, "2012-04-14"),
    (("AQ", None, 17), "2012-01-01", 30, "2012-02-05"),
    # days = 0: the start itself, even on a holiday or a weekend
    (("US",), "2026-11-26", 0, "2026-11-26"),
    (("US",), "2026-11-28", 0, "2026-11-28"),
    # a start on a holiday / weekend is not counted
    (("US",), "2026-11-26", 1, "2026-11-27"),
    (("US", "CA"), "2026-11-26", 1, "2026-11-30"),
    (("US",), "2026-11-26", -1, "2026-11-25"),
    (("US",), "2026-11-28", 1, "2026-11-30"),
    (("US",), "2026-11-28", -1, "2026-11-27"),
    (("US", "CA"), "2026-11-28", -1, "2026-11-25"),
    (("US",), "2026-11-29", -1, "2026-11-27"),
    # across holidays
    (("US",), "2026-12-18", 5, "2026-12-28"),
    (("US",), "2026-12-28", -3, "2026-12-22"),
    (("GB",), "2026-12-24", 1, "2026-12-29"),
    (("GB",), "2026-12-29", -1, "2026-12-24"),
    (("DE",), "2026-12-23", 2, "2026-12-28"),
    (("US",), "2026-07-02", 1, "2026-07-06"),
    (("US",), "2026-07-06", -1, "2026-07-02"),
    (("US",), "2026-11-23", 10, "2026-12-08"),
    # Friday-Saturday weekend: Thursday + 1 = Sunday
    (("IL",), "2026-11-19", 1, "2026-11-22"),
    (("IL",), "2026-11-22", -1, "2026-11-19"),
    (("US", None, "0000110"), "2026-11-19", 1, "2026-11-22"),  # US holidays, Fri/Sat weekend
    (("US", None, "0000110"), "2026-11-25", 1, "2026-11-29"),  # Thu 26 holiday, Fri/Sat off
    (("US", None, 7), "2026-11-25", 1, "2026-11-29"),
    (("US", None, "0000000"), "2026-11-27", 1, "2026-11-28"),
])
def test_workday_known_answers(cal_args, start, days, expected):
    cal = get_calendar(*cal_args)
    assert cal.workday(d(start), days) == d(expected)
    got = cal.workday_many(np.array([d(start)], dtype="datetime64[D]"), np.array([days]))
    assert got[0] == np.datetime64(expected)


def test_workday_many_nat_and_broadcast(us):
    start = np.array(["2026-11-26", "NaT", "2026-11-28"], dtype="datetime64[D]")
    out = us.workday_many(start, 1)
    assert out[0] == np.datetime64("2026-11-27") and np.isnat(out[1]) and out[2] == np.datetime64("2026-11-30")
    assert us.workday_many(np.array([], dtype="datetime64[D]"), np.array([], dtype=int)).shape == (0,)


def test_scalar_helpers(us_ca):
    assert us_ca.next_workday_after(d("2026-11-25")) == d("2026-11-30")
    assert us_ca.last_workday_before(d("2026-11-30")) == d("2026-11-25")
    assert us_ca.next_workday_after(dt.datetime(2026, 11, 25, 23, 59)) == d("2026-11-30")
    with pytest.raises(TypeError):
        us_ca.is_workday("2026-11-25")  # the calendar takes dates; coercion is dates.py's job


@pytest.mark.parametrize("cal_args,day,expected", [
    (("US",), "2026-11-25", "2026-11-25"), (("US",), "2026-11-26", "2026-11-27"),
    (("US", "CA"), "2026-11-26", "2026-11-30"), (("US",), "2026-11-28", "2026-11-30"),
])
def test_forward_backward(cal_args, day, expected):
    cal = get_calendar(*cal_args)
    assert cal.forward_many(np.array([day], dtype="datetime64[D]"))[0] == np.datetime64(expected)
    back = cal.backward_many(np.array([expected], dtype="datetime64[D]"))[0]
    assert back == np.datetime64(expected)  # a working day rolls to itself


# ------------------------------------------------------------------ NETWORKDAYS.INTL

@pytest.mark.parametrize("cal_args,start,end,expected", [
    (("US",), "2026-11-23", "2026-11-29", 4),     # Mon-Sun, Thanksgiving off
    (("US", "CA"), "2026-11-23", "2026-11-29", 3),  # and the day after in CA
    (("US",), "2026-11-29", "2026-11-23", -4),    # reversed: negative
    (("US",), "2026-11-25", "2026-11-25", 1),     # same working day: both ends counted
    (("US",), "2026-11-26", "2026-11-26", 0),     # same day, a holiday
    (("US",), "2026-11-28", "2026-11-29", 0),     # a weekend
    (("US",), "2026-11-26", "2026-11-30", 2),     # start on a holiday
    (("US",), "2026-11-25", "2026-11-26", 1),     # end on a holiday
    (("US",), "2026-12-21", "2027-01-03", 8),     # Christmas + New Year
    (("GB",), "2026-12-21", "2027-01-03", 7),     # + Boxing Day observed
    (("DE",), "2026-12-21", "2027-01-03", 8),
    (("IL",), "2026-11-15", "2026-11-21", 5),     # Sun-Thu
    (("US", None, 7), "2026-11-15", "2026-11-21", 5),  # US week with Fri/Sat off: Sun-Thu
    (("US", None, 7), "2026-11-22", "2026-11-28", 4),  # ... minus Thanksgiving
    (("AQ", None, 1), "2006-01-01", "2006-01-31", 22),
    (("AQ", None, 1), "2006-02-28", "2006-01-31", -21),
    (("AQ", None, 7), "2006-02-28", "2006-01-31", -21),
    (("AQ", None, "0010001"), "2006-01-01", "2006-01-31", 22),
])
def test_networkdays_known_answers(cal_args, start, end, expected):
    cal = get_calendar(*cal_args)
    assert cal.networkdays(d(start), d(end)) == expected
    arr = cal.networkdays_many(np.array([start], dtype="datetime64[D]"), np.array([end], dtype="datetime64[D]"))
    assert arr[0] == expected


def test_networkdays_many_nat_is_zero(us):
    out = us.networkdays_many(np.array(["NaT", "2026-11-23"], dtype="datetime64[D]"),
                              np.array(["2026-11-29", "NaT"], dtype="datetime64[D]"))
    assert out.tolist() == [0, 0]


def test_years_far_apart_are_covered():
    cal = WorkCalendar("US")
    assert not cal.is_workday(d("2001-12-25"))
    assert not cal.is_workday(d("2099-12-25"))  # calendar grows to cover later years
    assert not cal.is_workday(d("2001-07-04"))
    assert cal.workday(d("2099-12-24"), 1) == d("2099-12-28")


# Holidays before 1950, known from history (not from the package): Memorial Day and
# Washington's Birthday fell on fixed dates until 1971, Thanksgiving was the last Thursday
# of November until 1939 ("Franksgiving": the fourth, 23 Nov, in 1939), Labor Day the
# first Monday of September since 1894, Armistice Day a federal holiday from 1938.
@pytest.mark.parametrize("country, day, is_holiday", [
    ("US", "1900-01-01", True),
    ("US", "1900-02-22", True), ("US", "1900-02-19", False),  # not the third Monday yet
    ("US", "1900-05-30", True), ("US", "1900-05-28", False),  # not the last Monday yet
    ("US", "1920-09-06", True),
    ("US", "1930-11-27", True), ("US", "1939-11-23", True), ("US", "1939-11-30", False),
    ("US", "1935-11-11", False), ("US", "1945-11-12", False), ("US", "1945-11-11", True),
    ("GB", "1935-12-26", True), ("GB", "1935-04-19", True),  # Boxing Day, Good Friday
])
def test_public_holidays_before_1950(country, day, is_holiday):
    cal = get_calendar(country)
    assert (d(day) in cal.public_holidays(d(day).year)) is is_holiday
    if d(day).weekday() < 5:
        assert cal.is_workday(d(day)) is not is_holiday


def test_working_days_around_a_fixed_memorial_day_in_1900(us):
    assert us.workday(d("1900-05-29"), 1) == d("1900-05-31")
    assert us.networkdays(d("1900-05-28"), d("1900-06-01")) == 4


@pytest.mark.parametrize("country, first, last", [
    ("US", "1900-01-01", "2100-12-31"),  # the package starts in 1777: the spreadsheet range first
    ("JP", "1949-01-01", "2099-12-31"),
    ("LK", "2003-01-01", "2026-12-31"),  # Poya days are published a few years ahead
    ("DE", "1991-01-01", "2100-12-31"),
])
def test_where_each_calendar_ends(country, first, last):
    cal = get_calendar(country)
    assert cal.known_range == (d(first), d(last))
    inside = np.array([first, last], dtype="datetime64[D]")
    outside = inside + np.array([-1, 1])
    assert cal.known_many(inside).all() and not cal.known_many(outside).any()
    assert cal.public_holidays(d(last).year + 1) == {}
    with pytest.raises(CalendarError, match=f"{d(last).year + 1}.*known from {d(first).year} to {d(last).year}"):
        holidays_in_year(d(last).year + 1, country)


def test_a_date_past_the_end_is_refused_by_name(us):
    with pytest.raises(CalendarError, match="2150-12-25, outside 1900-2100.*US"):
        us.require_known(d("2150-12-25"), "The day")
    with pytest.raises(CalendarError, match="10000-01-03.*9999-12-31"):
        us.workday(d("9999-12-31"), 1)
    assert us.require_known(d("2100-12-31")) == d("2100-12-31")
