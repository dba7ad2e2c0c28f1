"""messages.drafts (the weekly list's batch) writes exactly what messages.draft writes, row by
row: the known answer is draft itself, over rows chosen to reach every branch and cache."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_xl.calendar import get_calendar
from followup_xl.messages import draft, drafts

NAMES = ["Jane Smith", "Dr. Jane Smith", "Smith, Jane", "Smith, Jane, PhD", "JANE", "jane",
         "Mr Lee", "Dr. Smith", "J. R. Smith", "jane.smith@example.com", "n/a", "?", "HR", "",
         None, "  Jane \n Smith ", "=Jane!", "Prof. Dr. Hans Müller", "Ōtsuka Haruki",
         "mary-jane", 12345, 1, 1.0, True, "Jane\x00", "Jane\x01 Smith"]
COMPANIES = ["Acme", "Acme Inc.", "Yahoo!", "Who?", "Dots…", "", None, "  Acme \t Corp ",
             "Acme, Inc", 1, 1.0, True, "Acme\x00", "Acme\x01", "Acme\u3000", "Müller GmbH",
             "ACME (UK) Ltd.", "a"]
ROLES = ["Data Analyst", "Engineering position", "Analyst role", "", None, "Sr. Eng.",
         "Engineer!", "Engineer?", "Job", 3, "x\x00"]
# Weekdays, weekends, a Friday, public holidays (US Thanksgiving, Christmas, New Year, UK
# Boxing Day, Israel's Yom Kippur 2026-09-21), years apart; blanks; text and serial dates.
INTERVIEWS = [dt.date(2026, 11, 19), dt.date(2026, 11, 20), dt.date(2026, 11, 21),
              dt.date(2026, 11, 22), dt.date(2026, 11, 26), dt.date(2026, 12, 25),
              dt.date(2026, 12, 26), dt.date(2027, 1, 1), dt.date(2026, 9, 21),
              dt.date(2024, 2, 29), dt.date(1999, 12, 31), None, None, None]
LOOSE_INTERVIEWS = [float("nan"), "", "2026-11-19", 46345, dt.datetime(2026, 11, 21, 14, 30),
                    np.datetime64("2026-11-26"), np.datetime64("NaT")]
SENT = [0, 1, 2, 7, 0, 1]
LOOSE_SENT = [None, float("nan"), -1, 1.0, True, "2", "x", float("inf"), 0.5]
STATUSES = [None, "Applied", "Interviewing", "Offer", "offer received", "NEGOTIATING",
            "On hold", "on hold", "Waiting", "Paused", "Interview done", 1, True]
MEANINGS = [None, None, None, "on hold", "On Hold ", "active", "closed"]
PLACES = [("US", None), ("GB", None), ("IL", None), ("DE", None), ("us", None), (None, None),
          ("US", "0000011"), ("GB", "1000001")]


def _rows(n: int, *, loose: bool) -> list[tuple]:
    """n rows, each field cycling through its pool at its own pace (so values meet in many
    combinations and repeat, as in a long tracker)."""
    interviews = INTERVIEWS + (LOOSE_INTERVIEWS if loose else [])
    sent = SENT + (LOOSE_SENT if loose else [])
    pools = [NAMES, COMPANIES, ROLES, interviews, sent, STATUSES, MEANINGS]
    steps = [1, 7, 5, 3, 11, 13, 17]
    return [tuple(pool[(k * step + k // len(pool)) % len(pool)] for pool, step in zip(pools, steps))
            for k in range(n)]


def _one_by_one(rows, **tracker) -> list[str]:
    return [draft(name, company, role, day, followups_sent=sent, status=status, meaning=meaning,
                  **tracker)
            for name, company, role, day, sent, status, meaning in rows]


@pytest.mark.parametrize("country, weekend", PLACES)
@pytest.mark.parametrize("your_name", [None, "Sam Lee", "  "])
def test_drafts_equal_draft_row_by_row(country, weekend, your_name):
    rows = _rows(1500, loose=True)
    for calendar in (None, get_calendar(country or "US", None, weekend, [dt.date(2026, 11, 19)])):
        tracker = {"your_name": your_name, "country": country, "calendar": calendar}
        expected = _one_by_one(rows, **tracker)
        assert drafts(*zip(*rows), **tracker) == expected
        assert len(set(expected)) > 300  # the rows really differ


@pytest.mark.parametrize("country, weekend", PLACES)
def test_drafts_take_a_datetime64_column(country, weekend):
    """The weekly list passes the interview dates as the reader's datetime64[D] column."""
    rows = _rows(800, loose=False)
    calendar = get_calendar(country or "US", None, weekend)
    names, companies, roles, days, sent, statuses, meanings = zip(*rows)
    column = np.array(days, dtype="datetime64[D]")
    got = drafts(names, companies, roles, column, sent, statuses, meanings, your_name="Sam",
                 country=country, calendar=calendar)
    assert got == _one_by_one(rows, your_name="Sam", country=country, calendar=calendar)


def test_drafts_known_texts():
    """Two drafts spelled out: a holiday interview loses its weekday, a position that ends in
    a full stop gets no second one."""
    us = get_calendar("US")
    got = drafts(["Dr. Jane Smith", "Smith, Jane"], ["Acme Inc.", "Acme"], ["Data Analyst", None],
                 [dt.date(2026, 11, 26), None], [0, 2], [None, "On hold"], [None, None],
                 your_name="Sam Lee", country="US", calendar=us)
    assert got == [
        ("Hi Jane,\n\nThank you again for our conversation on November 26 about the Data Analyst "
        "role at Acme Inc. I enjoyed learning more about the team, and I am still very interested "
        "in the opportunity. I would be glad to meet again if that would be helpful.\n\nCould you "
        "let me know where things stand when you have a moment? I understand these decisions can "
        "take time.\n\nBest regards,\nSam Lee"),
        ("Hi Jane,\n\nI hope you are doing well. I understand the hiring for the position at Acme "
        "is on hold for now, and I wanted to say that I remain interested.\n\nI would be glad to "
        "talk once things move. If it helps, just let me know when it would make sense for me to "
        "check in again.\n\nBest regards,\nSam Lee"),
    ]
    assert got[0] == draft("Dr. Jane Smith", "Acme Inc.", "Data Analyst", dt.date(2026, 11, 26),
                           your_name="Sam Lee", calendar=us)


def test_drafts_of_nothing():
    assert drafts([], [], [], [], [], [], []) == []
    assert drafts([], [], [], np.array([], dtype="datetime64[D]"), [], [], [],
                  calendar=get_calendar("US")) == []


_TEXT = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(COMPANIES + ROLES + NAMES[:-6]),
                  st.text(alphabet=".!?… \t\x00\x01\x85ab", max_size=5))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(rows=st.lists(st.tuples(_TEXT, _TEXT, _TEXT, st.sampled_from(INTERVIEWS),
                               st.sampled_from(SENT + LOOSE_SENT), st.sampled_from(STATUSES),
                               st.sampled_from(MEANINGS)), max_size=8),
       place=st.sampled_from(PLACES))
def test_drafts_equal_draft_on_any_text(rows, place):
    calendar = get_calendar(place[0] or "US", None, place[1])
    tracker = {"your_name": "Sam", "country": place[0], "calendar": calendar}
    columns = list(zip(*rows)) or [()] * 7
    assert drafts(*columns, **tracker) == _one_by_one(rows, **tracker)
