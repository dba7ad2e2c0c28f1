"""The follow-up rules (SPEC "The rules"): known answers over many countries and edge
weeks, the follow-up states, and hypothesis properties against an independent day-by-day
oracle written here from the spec's words (it uses the `holidays` package directly, not
followup_xl.calendar)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays as holidays_lib
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from followup_xl import schema
from followup_xl.calendar import get_calendar
from followup_xl.errors import UsageError
from followup_xl.rules import (days_overdue, evaluate_arrays, evaluate_many, evaluate_row, followup_state,
                               next_contact_date, next_contact_many, status_flags,
                               validate_cadence, validate_max_days, week_bounds)
from followup_xl.schema import Settings

from conftest import d

ONE = dt.timedelta(days=1)
SHUTDOWN = tuple(d("2026-12-21") + i * ONE for i in range(11))  # 21-31 Dec 2026


# ------------------------------------------------------------------ step 5, known answers

@pytest.mark.parametrize("cal_args,base,cadence,max_days,expected,why", [
    # Thanksgiving week: Thu 26 Nov 2026 (federal), Fri 27 (California only)
    (("US",), "2026-11-19", 7, 10, "2026-11-27", "Thanksgiving: next working day, 8 days"),
    (("US", "CA"), "2026-11-19", 7, 10, "2026-11-25", "Mon 30 is 11 days > 10: back to Wed"),
    (("US", "CA"), "2026-11-19", 7, 11, "2026-11-30", "a wider window accepts Monday"),
    (("US",), "2026-11-19", 7, 7, "2026-11-25", "MaxDays below cadence: window = cadence"),
    (("US",), "2026-11-19", 7, 0, "2026-11-25", "MaxDays 0: window = cadence"),
    (("US",), "2026-11-18", 7, 10, "2026-11-25", "target is a working day"),
    (("US",), "2026-11-20", 7, 10, "2026-11-27", "target is a working day"),
    (("US", "CA"), "2026-11-20", 7, 10, "2026-11-30", "Fri 27 off in CA: Monday, 10 days"),
    (("US", "CA"), "2026-11-25", 1, 10, "2026-11-30", "cadence 1 over the long weekend"),
    (("US",), "2026-11-20", 1, 10, "2026-11-23", "cadence 1 from a Friday"),
    # start on a holiday / a weekend
    (("US",), "2026-11-26", 7, 10, "2026-12-03", "base on Thanksgiving"),
    (("US",), "2026-11-28", 7, 10, "2026-12-07", "base on a Saturday: Sat target -> Monday"),
    # Christmas: US Fri 25; GB Fri 25 + Boxing Day observed Mon 28; DE 25 + 26
    (("US",), "2026-12-18", 7, 10, "2026-12-28", "Christmas Friday: Monday is 10 days"),
    (("GB",), "2026-12-18", 7, 10, "2026-12-24", "GB: Tue 29 is 11 days: back to Thu 24"),
    (("GB",), "2026-12-18", 7, 11, "2026-12-29", "GB with an 11-day window"),
    (("DE",), "2026-12-18", 7, 10, "2026-12-28", "DE: 26 Dec is a Saturday anyway"),
    (("US",), "2026-12-18", 7, 10, "2026-12-28", "US"),
    # New Year: Fri 1 Jan 2027 everywhere; Epiphany (Wed 6 Jan) in Bavaria only
    (("US",), "2026-12-25", 7, 10, "2027-01-04", "New Year's Day on Friday"),
    (("GB",), "2026-12-25", 7, 10, "2027-01-04", "GB"),
    (("DE",), "2026-12-25", 7, 10, "2027-01-04", "DE"),
    (("DE",), "2026-12-30", 7, 10, "2027-01-06", "DE national: Epiphany is a working day"),
    (("DE", "BY"), "2026-12-30", 7, 10, "2027-01-07", "Bavaria: Epiphany off"),
    # 4 July 2026 is a Saturday, observed Friday 3 July
    (("US",), "2026-06-26", 7, 10, "2026-07-06", "observed Friday: Monday is 10 days"),
    (("US",), "2026-06-26", 7, 9, "2026-07-02", "9-day window: back to Thursday"),
    (("US",), "2026-06-27", 7, 10, "2026-07-06", "target Sat 4 July itself"),
    (("GB",), "2026-06-26", 7, 10, "2026-07-03", "no 4 July in GB"),
    # Friday-Saturday weekend
    (("IL",), "2026-11-15", 5, 10, "2026-11-22", "IL: Fri 20 -> Sun 22"),
    (("IL",), "2026-11-19", 7, 10, "2026-11-26", "IL: Thanksgiving is a working Thursday"),
    (("IL",), "2026-09-14", 7, 10, "2026-09-22", "IL: Yom Kippur Mon 21 Sep"),
    (("IL",), "2026-09-06", 7, 10, "2026-09-14", "IL: Rosh Hashanah Sun 13 Sep"),
    (("US", None, "0000110"), "2026-11-19", 7, 10, "2026-11-29", "US holidays, Fri-Sat mask"),
    (("US", None, 7), "2026-11-19", 7, 10, "2026-11-29", "same, weekend number 7"),
    (("US", None, 7), "2026-11-15", 5, 10, "2026-11-22", "Fri 20 off with weekend 7"),
    (("US", None, 11), "2026-11-21", 7, 10, "2026-11-28", "Sunday-only weekend: Sat 28 works"),
    (("US", None, 17), "2026-11-22", 6, 10, "2026-11-29", "Saturday-only: Sat 28 off -> Sun 29"),
    # cadence longer than MaxDays: window = cadence, so a non-working target moves back
    (("US",), "2026-11-12", 14, 10, "2026-11-25", "f = Fri 27 is 15 > 14 days"),
    (("US",), "2026-11-17", 13, 10, "2026-11-30", "working target 13 days out is kept"),
    (("US",), "2026-12-04", 21, 10, "2026-12-24", "3 weeks to Christmas: back to Thu 24"),
    (("US",), "2026-09-01", 90, 10, "2026-11-30", "longest cadence"),
    (("US",), "2026-09-27", 90, 10, "2026-12-24", "90 days lands on Sat 26 Dec"),
    # no working day before the target after base: forward even past the window
    (("US", None, None, SHUTDOWN), "2026-12-18", 7, 10, "2027-01-04", "office shutdown"),
    (("US", None, None, SHUTDOWN), "2026-12-11", 7, 10, "2026-12-18", "before the shutdown"),
    (("US", None, None, SHUTDOWN), "2026-12-17", 7, 10, "2026-12-18", "back to the last day before"),
])
def test_next_contact_known_answers(cal_args, base, cadence, max_days, expected, why):
    cal = get_calendar(*cal_args)
    assert next_contact_date(d(base), cadence, max_days, cal) == d(expected), why
    vec = next_contact_many(np.array([base], dtype="datetime64[D]"), cadence, max_days, cal)
    assert vec[0] == np.datetime64(expected), why


def test_next_contact_many_nat_passthrough(us):
    out = next_contact_many(np.array(["2026-11-19", "NaT"], dtype="datetime64[D]"), 7, 10, us)
    assert out[0] == np.datetime64("2026-11-27") and np.isnat(out[1])


# ------------------------------------------------------------------ states

AS_OF = d("2026-11-25")  # a Wednesday: its week ends Sunday 29


@pytest.mark.parametrize("nxt,status,as_of,sent,limit,state,overdue", [
    ("2026-11-24", "Waiting", AS_OF, 0, None, schema.OVERDUE, 1),
    ("2026-11-01", None, AS_OF, 0, None, schema.OVERDUE, 24),
    ("2026-11-25", "Applied", AS_OF, 0, None, schema.DUE_TODAY, 0),
    ("2026-11-26", "", AS_OF, 0, None, schema.DUE_THIS_WEEK, 0),
    ("2026-11-29", "Offer", AS_OF, 0, None, schema.DUE_THIS_WEEK, 0),  # Sunday: still this week
    ("2026-11-30", "Offer", AS_OF, 0, None, schema.UPCOMING, 0),       # Monday: next week
    ("2026-11-22", "Waiting", d("2026-11-22"), 0, None, schema.DUE_TODAY, 0),  # as-of a Sunday
    ("2026-11-23", "Waiting", d("2026-11-22"), 0, None, schema.UPCOMING, 0),
    ("2026-11-29", "Waiting", d("2026-11-23"), 0, None, schema.DUE_THIS_WEEK, 0),  # as-of Monday
    ("2026-11-24", " accepted ", AS_OF, 0, None, schema.CLOSED, 0),
    ("2026-11-24", "REJECTED", AS_OF, 0, None, schema.CLOSED, 0),
    ("2026-11-24", "\tWithdrawn\n", AS_OF, 0, None, schema.CLOSED, 0),
    (None, "Withdrawn", AS_OF, 5, 3, schema.CLOSED, 0),                  # Closed wins
    (None, "Waiting", AS_OF, 5, 3, schema.NEEDS_DATE, 0),                # then Needs date
    ("2026-11-24", "Waiting", AS_OF, 3, 3, schema.LIMIT_REACHED, 0),     # then the limit
    ("2026-11-24", "Waiting", AS_OF, 2, 3, schema.OVERDUE, 1),
    ("2026-11-24", "Waiting", AS_OF, None, 0, schema.LIMIT_REACHED, 0),  # MaxFollowups 0
    ("2026-11-24", "Phone screen", AS_OF, 0, None, schema.OVERDUE, 1),   # unknown text = active
    ("2026-11-24", " on HOLD ", AS_OF, 0, None, schema.OVERDUE, 1),
    # statuses by meaning (SPEC's table), spelt as people spell them
    ("2026-11-24", "Ghosted", AS_OF, 0, None, schema.CLOSED, 0),
    ("2026-11-24", "No response", AS_OF, 0, None, schema.CLOSED, 0),
    ("2026-11-24", "Position-filled", AS_OF, 0, None, schema.CLOSED, 0),
    ("2026-11-24", "On-hold", AS_OF, 0, None, schema.OVERDUE, 1),
    (None, "Wishlist", AS_OF, 5, 3, schema.NOT_APPLIED, 0),               # Not applied before Needs date
    ("2026-11-24", "not\xa0 started", AS_OF, 0, None, schema.NOT_APPLIED, 0),
    ("2026-11-24", "TO APPLY!", AS_OF, 0, None, schema.NOT_APPLIED, 0),
    ("2026-11-24", "Rej*", AS_OF, 0, None, schema.OVERDUE, 1),           # unknown = active, no wildcard
])
def test_followup_state(nxt, status, as_of, sent, limit, state, overdue):
    day = d(nxt) if nxt else None
    assert followup_state(day, status, as_of, sent, limit) == state
    if state not in (schema.LIMIT_REACHED,):
        assert days_overdue(day, status, as_of) == overdue


def test_week_bounds():
    assert week_bounds(d("2026-11-25")) == (d("2026-11-23"), d("2026-11-29"))
    assert week_bounds(d("2026-11-23")) == (d("2026-11-23"), d("2026-11-29"))
    assert week_bounds(d("2026-11-29")) == (d("2026-11-23"), d("2026-11-29"))


# ------------------------------------------------------------------ evaluate_row / evaluate_many

CA = Settings(country="US", subdivision="CA")


@pytest.mark.parametrize("row,settings,as_of,expected", [
    (dict(last_contact="2026-11-19"), CA, "2026-11-25", ("2026-11-25", schema.DUE_TODAY, 0)),
    (dict(last_contact="2026-11-19"), CA, "2026-11-30", ("2026-11-25", schema.OVERDUE, 5)),
    (dict(last_contact="2026-11-19"), CA, "2026-11-23", ("2026-11-25", schema.DUE_THIS_WEEK, 0)),
    (dict(last_contact="2026-11-19"), CA, "2026-11-22", ("2026-11-25", schema.UPCOMING, 0)),
    (dict(last_contact="2026-11-19"), Settings(), "2026-11-25", ("2026-11-27", schema.DUE_THIS_WEEK, 0)),
    # Last contact wins over the interview date; the interview date is the fallback
    (dict(last_contact="2026-11-19", interview_date="2026-11-02"), CA, "2026-11-25",
     ("2026-11-25", schema.DUE_TODAY, 0)),
    (dict(interview_date="2026-11-19"), CA, "2026-11-25", ("2026-11-25", schema.DUE_TODAY, 0)),
    (dict(), CA, "2026-11-25", (None, schema.NEEDS_DATE, 0)),
    # On hold: OnHoldCadence (14) replaces the row's cadence
    (dict(last_contact="2026-11-02", status="On hold", cadence=3), CA, "2026-11-25",
     ("2026-11-16", schema.OVERDUE, 9)),
    (dict(last_contact="2026-11-02", status=" ON HOLD", cadence=3), Settings(on_hold_cadence=21),
     "2026-11-25", ("2026-11-23", schema.OVERDUE, 2)),
    # the row's cadence, else the default
    (dict(last_contact="2026-11-02", cadence=3), CA, "2026-11-25", ("2026-11-05", schema.OVERDUE, 20)),
    (dict(last_contact="2026-11-02"), Settings(default_cadence=10), "2026-11-25",
     ("2026-11-12", schema.OVERDUE, 13)),
    # limit and closed
    (dict(last_contact="2026-11-19", followups_sent=3), Settings(max_followups=3), "2026-11-25",
     (None, schema.LIMIT_REACHED, 0)),
    (dict(last_contact="2026-11-19", followups_sent=2), Settings(max_followups=3), "2026-11-25",
     ("2026-11-27", schema.DUE_THIS_WEEK, 0)),
    (dict(last_contact="2026-11-01", status="Rejected "), CA, "2026-11-25", (None, schema.CLOSED, 0)),
    (dict(status="accepted"), CA, "2026-11-25", (None, schema.CLOSED, 0)),
    # base = the latest of Last contact, Interview date and Applied date (worked by hand):
    # an interview still to come: Tue 1 Dec + 7 = Tue 8 Dec, a working day; next week's
    (dict(last_contact="2026-11-02", interview_date="2026-12-01"), CA, "2026-11-25",
     ("2026-12-08", schema.UPCOMING, 0)),
    # applied only: Mon 9 Nov + 7 = Mon 16 Nov; 9 days overdue on Wed 25 Nov
    (dict(applied_date="2026-11-09"), CA, "2026-11-25", ("2026-11-16", schema.OVERDUE, 9)),
    # applied only, Thu 19 Nov + 7 = Thanksgiving 26 Nov; CA also closes Fri 27, so the first
    # working day after is Mon 30 (11 days > 10): the last one before, Wed 25
    (dict(applied_date="2026-11-19"), CA, "2026-11-25", ("2026-11-25", schema.DUE_TODAY, 0)),
    # applied after the last contact (a second application): Thu 19 Nov counts
    (dict(last_contact="2026-11-10", applied_date="2026-11-19"), Settings(), "2026-11-25",
     ("2026-11-27", schema.DUE_THIS_WEEK, 0)),
    # an old application, a newer interview: Fri 13 Nov + 7 = Fri 20 Nov
    (dict(applied_date="2026-10-01", interview_date="2026-11-13"), CA, "2026-11-25",
     ("2026-11-20", schema.OVERDUE, 5)),
    # not-applied statuses give no date, whatever the dates
    (dict(applied_date="2026-11-19", status="Wishlist"), CA, "2026-11-25", (None, schema.NOT_APPLIED, 0)),
    (dict(status="Researching"), CA, "2026-11-25", (None, schema.NOT_APPLIED, 0)),
    (dict(last_contact="2026-11-19", status="bookmarked", followups_sent=9), Settings(max_followups=3),
     "2026-11-25", (None, schema.NOT_APPLIED, 0)),
    # "Ghosted" is closed; "On-hold" and "Hiring freeze" are on hold: Mon 2 Nov + 14 = Mon 16 Nov
    (dict(last_contact="2026-11-02", status="Ghosted"), CA, "2026-11-25", (None, schema.CLOSED, 0)),
    (dict(last_contact="2026-11-02", status="On-hold", cadence=3), CA, "2026-11-25",
     ("2026-11-16", schema.OVERDUE, 9)),
    (dict(last_contact="2026-11-02", status="hiring\xa0freeze"), CA, "2026-11-25",
     ("2026-11-16", schema.OVERDUE, 9)),
])
def test_evaluate_row_and_many_known(row, settings, as_of, expected):
    cal = get_calendar(settings.country, settings.subdivision, settings.weekend, settings.holidays)
    typed = dict(last_contact=None, interview_date=None, applied_date=None, status=None, cadence=None,
                 followups_sent=None)
    typed.update({k: d(v) if k.endswith(("contact", "date")) else v for k, v in row.items()})
    out = evaluate_row(**typed, settings=settings, calendar=cal, as_of=d(as_of))
    nxt, state, overdue = expected
    assert (out.next_contact, out.state, out.days_overdue) == (d(nxt) if nxt else None, state, overdue)
    frame = evaluate_many(**{k: [v] for k, v in typed.items()}, settings=settings, calendar=cal,
                          as_of=d(as_of))
    got = frame.iloc[0]
    assert (None if pd.isna(got.next_contact) else got.next_contact.date()) == out.next_contact
    assert (got.followup_state, got.days_overdue) == (state, overdue)


def test_evaluate_many_accepts_series_and_arrays(us_ca):
    last = pd.Series([d("2026-11-19"), None, d("2026-11-02")])
    frame = evaluate_many(last_contact=last, interview_date=np.array(["NaT", "NaT", "NaT"], dtype="datetime64[D]"),
                          status=pd.Series(["Waiting", None, "On hold"]), cadence=pd.Series([None, 7, None]),
                          followups_sent=None, settings=CA, calendar=us_ca, as_of=AS_OF)
    assert list(frame.columns) == ["next_contact", "followup_state", "days_overdue"]
    assert frame.followup_state.tolist() == [schema.DUE_TODAY, schema.NEEDS_DATE, schema.OVERDUE]
    assert frame.days_overdue.tolist() == [0, 0, 9]
    assert frame.next_contact.dtype.kind == "M"


def test_statuses_by_meaning_and_a_workbook_s_own():
    assert schema.status_meaning(None) == schema.status_meaning("  ") == "active"
    assert schema.status_meaning("Something new") == "active"
    assert schema.status_meaning("ON\u00a0HOLD.") == "on hold"
    assert schema.status_meaning("Ghosted") == "closed"
    assert schema.status_meaning("Wish-list") == "not applied"
    own = {"En attente": "On hold", "Refusé": "closed", "Offer": "closed", "Odd": "maybe"}
    assert schema.status_meaning("en  attente", own) == "on hold"
    assert schema.status_meaning("REFUSÉ", own) == "closed"
    assert schema.status_meaning("Offer", own) == "closed"  # the workbook's own win
    assert schema.status_meaning("Odd", own) == "active"  # a meaning that is none of the four
    assert schema.canonical_status("on-hold") == "On hold" and schema.canonical_status("x") is None
    cal = get_calendar("US", "CA")
    out = evaluate_row(last_contact=d("2026-11-02"), interview_date=None, status="En attente", cadence=None,
                       followups_sent=None, settings=CA, calendar=cal, as_of=AS_OF, statuses=own)
    assert (out.next_contact, out.state) == (d("2026-11-16"), schema.OVERDUE)
    frame = evaluate_many(last_contact=[d("2026-11-02")] * 2, interview_date=[None] * 2,
                          status=["En attente", "refusé"], settings=CA, calendar=cal, as_of=AS_OF, statuses=own)
    assert frame.followup_state.tolist() == [schema.OVERDUE, schema.CLOSED]


def test_status_flags():
    closed, on_hold = status_flags(["Accepted", " rejected", "WITHDRAWN ", "On Hold", None, "", "x", np.nan])
    assert closed.tolist() == [True, True, True, False, False, False, False, False]
    assert on_hold.tolist() == [False, False, False, True, False, False, False, False]


def test_status_flags_of_unhashable_cells_look_at_each_cell():
    """A cell holding a list or a dict (an odd reader's value) cannot key the table of distinct
    statuses: each cell is looked at on its own, with the same answers."""
    cells = ["Rejected", ["Rejected"], "On hold", {"a": 1}, None, " on HOLD"]
    closed, on_hold = status_flags(cells)
    assert closed.tolist() == [True, False, False, False, False, False]
    assert on_hold.tolist() == [False, False, True, False, False, True]
    assert closed.dtype == bool and on_hold.dtype == bool


def test_a_sunday_due_date_in_a_friday_saturday_country_is_due_this_week():
    """Israel works on Sunday: Sunday 29 Nov 2026 (Sunday 22 + 7) is the next contact, and,
    being the last day of the as-of date's Monday-to-Sunday week, it is due this week, in the
    whole-column path and the one-row path alike (never Upcoming)."""
    il = get_calendar("IL")
    settings = Settings(country="IL")
    as_of = d("2026-11-25")  # Wednesday
    next_, states, late = evaluate_arrays(
        last_contact=np.array(["2026-11-22", "2026-11-23", "2026-11-15"], dtype="datetime64[D]"),
        interview_date=np.array(["NaT"] * 3, dtype="datetime64[D]"), status=[None, None, None],
        settings=settings, calendar=il, as_of=as_of)
    # 23 Nov + 7 = Monday 30 Nov: the next week; 15 Nov + 7 = Sunday 22: overdue by 3 days
    assert next_.tolist() == [d("2026-11-29"), d("2026-11-30"), d("2026-11-22")]
    assert states.tolist() == [schema.DUE_THIS_WEEK, schema.UPCOMING, schema.OVERDUE]
    assert late.tolist() == [0, 0, 3]
    one = evaluate_row(last_contact=d("2026-11-22"), interview_date=None, status=None, cadence=None,
                       followups_sent=0, settings=settings, calendar=il, as_of=as_of)
    assert (one.next_contact, one.state) == (d("2026-11-29"), schema.DUE_THIS_WEEK)
    on_sunday = evaluate_arrays(
        last_contact=np.array(["2026-11-22"], dtype="datetime64[D]"),
        interview_date=np.array(["NaT"], dtype="datetime64[D]"), status=[None], settings=settings,
        calendar=il, as_of=d("2026-11-29"))
    assert on_sunday[1].tolist() == [schema.DUE_TODAY]


@pytest.mark.parametrize("value,ok", [(1, 1), (90, 90), ("7", 7), (14.0, 14), (0, None), (91, None),
                                      (7.5, None), ("soon", None), (None, None), (-3, None)])
def test_validate_cadence(value, ok):
    if ok is None:
        with pytest.raises(UsageError) as info:
            validate_cadence(value)
        assert str(value) in str(info.value) and "1 to 90" in str(info.value)
    else:
        assert validate_cadence(value) == ok


def test_validate_max_days():
    assert validate_max_days(0) == 0 and validate_max_days("10") == 10
    for bad in (-1, 2.5, "x", None):
        with pytest.raises(UsageError):
            validate_max_days(bad)


# ------------------------------------------------------------------ independent oracle

# (country, subdivision, weekend argument, extra closures, the weekend mask we expect)
EXTRA = tuple(d("2000-01-03") + i * 17 * ONE for i in range(1300)) + SHUTDOWN
CONFIGS = [
    ("US", None, None, (), "0000011"),
    ("US", "CA", None, (), "0000011"),
    ("IL", None, None, (), "0000110"),   # the country's own Friday-Saturday weekend
    ("GB", None, None, (), "0000011"),
    ("DE", "BY", "0000001", (), "0000001"),
    ("US", "CA", "1000001", EXTRA, "1000001"),
    ("JP", None, 13, SHUTDOWN, "0100000"),
    ("IL", None, "0010101", EXTRA, "0010101"),
]


@lru_cache(maxsize=None)
def _off_days(i: int) -> frozenset[dt.date]:
    country, sub, _, extra, _ = CONFIGS[i]
    public = holidays_lib.country_holidays(country, subdiv=sub, years=range(1998, 2066))
    return frozenset(public) | frozenset(extra)


def _cal(i: int):
    country, sub, weekend, extra, _ = CONFIGS[i]
    return get_calendar(country, sub, weekend, extra)


def works(i: int, day: dt.date) -> bool:
    return CONFIGS[i][4][day.weekday()] == "0" and day not in _off_days(i)


def naive_workday(i: int, start: dt.date, n: int) -> dt.date:
    day, step = start, (1 if n > 0 else -1)
    for _ in range(abs(n)):
        day += step * ONE
        while not works(i, day):
            day += step * ONE
    return day


def naive_networkdays(i: int, start: dt.date, end: dt.date) -> int:
    lo, hi = min(start, end), max(start, end)
    count = sum(works(i, lo + k * ONE) for k in range((hi - lo).days + 1))
    return count if start <= end else -count


def naive_next(i: int, base: dt.date, cadence: int, max_days: int) -> dt.date:
    window = max(max_days, cadence)
    target = base + cadence * ONE
    if works(i, target):
        return target
    after = target + ONE
    while not works(i, after):
        after += ONE
    if (after - base).days <= window:
        return after
    before = target - ONE
    while not works(i, before):
        before -= ONE
    return before if before > base else after


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
config = st.integers(0, len(CONFIGS) - 1)
cadences = st.one_of(st.integers(1, 14), st.integers(1, 90))  # mostly the 7-10 day regime
max_days_st = st.one_of(st.integers(5, 14), st.integers(0, 30))
FAST = hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(config, dates, cadences, max_days_st)
def test_next_contact_matches_oracle_and_properties(i, base, cadence, max_days):
    cal = _cal(i)
    got = next_contact_date(base, cadence, max_days, cal)
    assert got == naive_next(i, base, cadence, max_days)
    assert works(i, got) and got > base  # a working day strictly after base
    window = max(max_days, cadence)
    if any(works(i, base + k * ONE) for k in range(1, window + 1)):
        assert (got - base).days <= window  # within the window whenever it can be


@FAST
@given(config, st.lists(st.tuples(dates, cadences), min_size=1, max_size=40), max_days_st)
def test_next_contact_many_equals_scalar(i, rows, max_days):
    cal = _cal(i)
    base = np.array([b for b, _ in rows], dtype="datetime64[D]")
    cad = np.array([c for _, c in rows])
    vec = next_contact_many(base, cad, max_days, cal)
    assert [v.item() for v in vec] == [next_contact_date(b, c, max_days, cal) for b, c in rows]


@pytest.mark.parametrize("i", range(len(CONFIGS)))
@pytest.mark.parametrize("cadence,max_days", [(7, 10), (10, 10), (3, 10), (14, 10)])
def test_next_contact_every_day_of_2026(i, cadence, max_days):
    """Exhaustive over a year of bases, scalar and vector, against the oracle."""
    cal = _cal(i)
    bases = [d("2026-01-01") + k * ONE for k in range(365)]
    expected = [naive_next(i, b, cadence, max_days) for b in bases]
    assert [next_contact_date(b, cadence, max_days, cal) for b in bases] == expected
    vec = next_contact_many(np.array(bases, dtype="datetime64[D]"), cadence, max_days, cal)
    assert [v.item() for v in vec] == expected


@FAST
@given(config, st.lists(st.tuples(dates, st.integers(-40, 40)), min_size=1, max_size=30))
def test_workday_many_matches_oracle(i, rows):
    cal = _cal(i)
    start = np.array([s for s, _ in rows], dtype="datetime64[D]")
    got = cal.workday_many(start, np.array([n for _, n in rows]))
    assert [g.item() for g in got] == [naive_workday(i, s, n) for s, n in rows]


@FAST
@given(config, st.lists(st.tuples(dates, st.integers(-60, 60)), min_size=1, max_size=30))
def test_networkdays_many_matches_oracle(i, rows):
    cal = _cal(i)
    start = np.array([s for s, _ in rows], dtype="datetime64[D]")
    end = np.array([s + k * ONE for s, k in rows], dtype="datetime64[D]")
    got = cal.networkdays_many(start, end)
    assert got.tolist() == [naive_networkdays(i, s, s + k * ONE) for s, k in rows]


@FAST
@given(config, dates)
def test_is_workday_matches_oracle(i, day):
    assert _cal(i).is_workday(day) is works(i, day)


# ------------------------------------------------------------------ scalar == vector, whole rows

STATUS_TEXT = list(schema.STATUSES) + [None, "", "  on hold ", "ACCEPTED", " rejected\t", "Phone screen", "?",
                                        "On-hold", "not\xa0applied", "Rej*", "wish list"]
# The on-hold statuses of the spec's table, as their matching keys (written out here, not
# taken from the code under test).
ON_HOLD_KEYS = {"onhold", "paused", "hiringfreeze", "postponed"}
maybe_date = st.one_of(st.none(), dates)
row = st.fixed_dictionaries({
    "last_contact": maybe_date,
    "interview_date": maybe_date,
    "applied_date": maybe_date,
    "status": st.sampled_from(STATUS_TEXT),
    "cadence": st.one_of(st.none(), st.just(float("nan")), cadences),
    "followups_sent": st.one_of(st.none(), st.just(float("nan")), st.integers(0, 10)),
})
settings_st = st.builds(
    lambda i, dc, md, oh, mf: (i, Settings(country=CONFIGS[i][0], subdivision=CONFIGS[i][1],
                                           weekend=CONFIGS[i][2], holidays=CONFIGS[i][3],
                                           default_cadence=dc, max_days=md, on_hold_cadence=oh,
                                           max_followups=mf)),
    config, cadences, max_days_st, cadences, st.one_of(st.none(), st.integers(0, 6)))


@FAST
@given(settings_st, st.lists(row, min_size=1, max_size=40), dates, st.booleans())
def test_evaluate_many_equals_evaluate_row(cfg, rows, as_of, as_arrays):
    i, settings = cfg
    cal = _cal(i)
    scalar = [evaluate_row(**r, settings=settings, calendar=cal, as_of=as_of) for r in rows]
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    if as_arrays:  # the typed-array path the reader uses
        for k in ("last_contact", "interview_date", "applied_date"):
            cols[k] = np.array([np.datetime64(v) if v else np.datetime64("NaT") for v in cols[k]],
                               dtype="datetime64[D]")
        for k in ("cadence", "followups_sent"):
            cols[k] = np.array([np.nan if v is None else v for v in cols[k]], dtype=float)
    elif as_of.day % 2:  # a pandas column, as a DataFrame gives it
        cols = {k: pd.Series(v, dtype=object) for k, v in cols.items()}
    frame = evaluate_many(**cols, settings=settings, calendar=cal, as_of=as_of)
    vector = [(None if pd.isna(n) else n.date(), s, int(o))
              for n, s, o in zip(frame.next_contact, frame.followup_state, frame.days_overdue)]
    assert vector == [(o.next_contact, o.state, o.days_overdue) for o in scalar]
    for (nxt, state, overdue), r in zip(vector, rows):
        if nxt is not None:  # the oracle agrees on every scheduled row
            base = max(d for d in (r["last_contact"], r["interview_date"], r["applied_date"]) if d)
            blank = r["cadence"] is None or r["cadence"] != r["cadence"]
            key = "".join(ch for ch in (r["status"] or "").casefold() if ch.isalnum())
            cad = settings.on_hold_cadence if key in ON_HOLD_KEYS \
                else (settings.default_cadence if blank else r["cadence"])
            assert nxt == naive_next(i, base, cad, settings.max_days)
            assert overdue == max(0, (as_of - nxt).days)
