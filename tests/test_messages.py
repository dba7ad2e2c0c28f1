"""Message drafts: short, warm, never pushy, addressed to the contact's first name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_xl.errors import NotADateError
from followup_xl.messages import draft, first_name, greeting, natural_date, subject


@pytest.mark.parametrize("name, expected", [
    ("Jane Smith", "Hi Jane,"),
    ("Dr. Jane Smith", "Hi Jane,"),
    ("Smith, Jane", "Hi Jane,"),
    ("jane", "Hi Jane,"),
    ("JANE SMITH", "Hi Jane,"),
    ("  Jane \n Smith ", "Hi Jane,"),
    ("Ms Mary-Jane Watson", "Hi Mary-Jane,"),
    ("mary-jane", "Hi Mary-Jane,"),
    ("Prof. Dr. Hans Müller", "Hi Hans,"),
    ("van der Berg, Anna", "Hi Anna,"),
    ("Smith, Jane, PhD", "Hi Jane,"),
    ("José Álvarez", "Hi José,"),
    ("Ōtsuka Haruki", "Hi Ōtsuka,"),
    ("DeShawn McKay", "Hi DeShawn,"),
    ("Dr. Smith", "Hi Dr. Smith,"),
    ("Mr Lee", "Hi Mr Lee,"),
    ("J. R. Smith", "Hi J. R. Smith,"),
    ("Jane!", "Hi Jane,"),
    ("(Jane) Smith", "Hi Jane,"),
    ("Mr. O'Neil", "Hi Mr. O'Neil,"),
    ("", "Hello,"),
    (None, "Hello,"),
    ("   ", "Hello,"),
    ("jane.smith@example.com", "Hello,"),
    ("n/a", "Hello,"),
    ("?", "Hello,"),
    ("12345", "Hello,"),
])
def test_greeting(name, expected):
    assert greeting(name) == expected


def test_draft_names_person_role_company_and_date():
    text = draft("Dr. Jane Smith", "Acme Corp", "Data Analyst", dt.date(2026, 11, 19))
    assert text.startswith("Hi Jane,\n\n")
    assert "the Data Analyst role at Acme Corp" in text
    assert "Thursday, November 19" in text  # 2026-11-19 is a Thursday
    assert dt.date(2026, 11, 19).strftime("%A") == "Thursday"


def test_draft_says_the_three_things_and_stays_short():
    text = draft("Jane", "Acme", "Engineer")
    assert "still very interested" in text  # still interested
    assert "meet again" in text  # available to meet again
    assert "where things stand" in text  # curious about the status
    assert len(text) < 600 and len(text.split()) < 100
    assert "!" not in text
    for pushy in ("urgent", "asap", "immediately", "must", "demand", "deadline", "why haven"):
        assert pushy not in text.lower()


def test_draft_without_role_or_date_is_graceful():
    text = draft("Smith, Jane", "Acme")
    assert "my application for the position at Acme." in text
    assert "None" not in text and "  " not in text
    assert "the Engineering position at Acme" in draft("Jane", "Acme", "Engineering position")


def test_draft_without_contact_is_neutral():
    assert draft(None, "Acme", "Engineer").startswith("Hello,\n\n")
    assert draft("", "Acme").startswith("Hello,\n\n")


def test_draft_accepts_datetimes_and_text_dates():
    expected = draft("Jane", "Acme", None, dt.date(2026, 11, 19))
    assert draft("Jane", "Acme", None, dt.datetime(2026, 11, 19, 14, 30)) == expected
    assert draft("Jane", "Acme", None, "2026-11-19") == expected
    assert draft("Jane", "Acme", None, "") == draft("Jane", "Acme")
    with pytest.raises(NotADateError):
        draft("Jane", "Acme", None, "next Tuesday-ish")


def test_draft_keeps_text_on_one_line_per_field():
    text = draft("Jane", "Acme\nInc", "Data\tAnalyst")
    assert "the Data Analyst role at Acme Inc" in text


def test_natural_date_is_locale_independent():
    day = dt.date(2027, 1, 4)
    assert natural_date(day) == "Monday, January 4"


@pytest.mark.parametrize("company, role, expected", [
    ("Acme", "Data Analyst", "Following up: Data Analyst at Acme"),
    ("Acme", None, "Following up: Acme"),
    ("  Acme \n", "", "Following up: Acme"),
    (None, None, "Following up on my application"),
])
def test_subject(company, role, expected):
    assert subject(company, role) == expected


@given(st.one_of(st.none(), st.text(max_size=60)), st.text(max_size=40),
       st.one_of(st.none(), st.text(max_size=40)),
       st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))))
def test_draft_never_crashes(name, company, role, day):
    text = draft(name, company, role, day)
    first = text.split("\n")[0]
    assert first == "Hello," or re.fullmatch(r"Hi \S.*,", first)
    assert text.endswith("Best regards,")
    assert first_name(name) == "" or first_name(name) in first
    assert "\t" not in text and "\r" not in text
