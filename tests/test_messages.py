"""Message drafts: short, warm, never pushy, addressed to the contact's first name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_xl.errors import NotADateError
from followup_xl.messages import WEEKDAYS, draft, first_name, greeting, natural_date, subject


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
    assert "Thank you again for our conversation on Thursday, November 19 about" in text  # a Thursday
    assert dt.date(2026, 11, 19).strftime("%A") == "Thursday"


def test_draft_says_the_three_things_and_stays_short():
    text = draft("Jane", "Acme", "Engineer", dt.date(2026, 11, 19))
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


# --------------------------------------------------------------------------- situations (SPEC: "Message drafts")

NOV19 = dt.date(2026, 11, 19)  # a Thursday


def _sentences(text: str) -> set[str]:
    body = text.split("\n\n")[1:-1]  # between the greeting and the signature
    return {s.strip() for para in body for s in re.split(r"(?<=[.?!])\s+", para) if s.strip()}


def test_first_follow_up_after_an_interview_thanks_for_it():
    text = draft("Jane Smith", "Acme", "Data Analyst", NOV19, followups_sent=0, status="Interviewing")
    assert ("Thank you again for our conversation on Thursday, November 19 about the Data Analyst "
            "role at Acme.") in text
    assert "still very interested" in text and "meet again" in text and "where things stand" in text


def test_a_later_follow_up_is_a_shorter_check_in_that_does_not_repeat_the_first():
    first = draft("Jane", "Acme", "Data Analyst", NOV19, followups_sent=0)
    later = draft("Jane", "Acme", "Data Analyst", NOV19, followups_sent=2)
    assert "A short note to check in on the Data Analyst role at Acme." in later
    assert "Is there any news on the timing?" in later
    assert "Thank you again" not in later and "November 19" not in later
    assert len(later) < len(first)
    assert not _sentences(first) & _sentences(later)


def test_on_hold_acknowledges_the_pause():
    text = draft("Ken Ito", "Litware", "Data Engineer", NOV19, followups_sent=2, status="On hold")
    assert "I understand the hiring for the Data Engineer role at Litware is on hold for now" in text
    assert "once things move" in text
    by_meaning = draft("Ken", "Litware", "Data Engineer", NOV19, status="Einstellungsstopp", meaning="on hold")
    assert "is on hold for now" in by_meaning


def test_no_interview_yet_never_says_meet_again():
    for sent in (0, 1, 3):
        for status in ("Applied", None, "On hold"):
            text = draft("Jane", "Proseware", "Junior Data Scientist", None, followups_sent=sent, status=status)
            assert "meet again" not in text, (sent, status)
            assert "interview" not in text.lower() and "conversation" not in text
    assert "I wanted to follow up on my application for the Junior Data Scientist role at Proseware." in \
        draft("Jane", "Proseware", "Junior Data Scientist")
    assert "A short note to check in on my application for the Junior Data Scientist role at Proseware." in \
        draft("Jane", "Proseware", "Junior Data Scientist", followups_sent=1)


@pytest.mark.parametrize("status", ["Offer", "offer received", "Negotiating"])
def test_an_offer_asks_about_next_steps(status):
    text = draft("Elena Novak", "Wide World Importers", "Supply Chain Analyst", NOV19, status=status)
    assert "Thank you again for the offer for the Supply Chain Analyst role at Wide World Importers." in text
    assert "next steps" in text and "where things stand" not in text
    later = draft("Elena", "Wide World Importers", None, NOV19, status=status, followups_sent=1)
    assert "A short note about the offer for the position at Wide World Importers." in later
    assert "next steps" in later and "Thank you again" not in later


def test_signed_with_your_name():
    text = draft("Jane", "Acme", "Engineer", NOV19, your_name="  Pat   Lee ")
    assert text.endswith("\n\nBest regards,\nPat Lee")
    assert draft("Jane", "Acme", your_name=None).endswith("\n\nBest regards,")
    assert draft("Jane", "Acme", your_name="").endswith("\n\nBest regards,")


@pytest.mark.parametrize("country, expected", [
    ("US", "Thursday, November 19"), ("GB", "Thursday 19 November"), ("DE", "Thursday 19 November"),
    ("AU", "Thursday 19 November"), (None, "Thursday, November 19"),
])
def test_dates_are_written_the_country_s_way(country, expected):
    assert f"our conversation on {expected} about" in draft("Jane", "Acme", None, NOV19, country=country)
    assert natural_date(NOV19, country) == expected


def test_no_weekday_for_a_weekend_or_holiday(us):
    saturday, thanksgiving = dt.date(2026, 11, 21), dt.date(2026, 11, 26)
    assert "our conversation on November 21 about" in draft("Jane", "Acme", None, saturday)
    assert "our conversation on 21 November about" in draft("Jane", "Acme", None, saturday, country="GB")
    assert "our conversation on November 26 about" in draft("Jane", "Acme", None, thanksgiving, calendar=us)
    assert "Thursday, November 26" in draft("Jane", "Acme", None, thanksgiving)  # no calendar: a weekday
    for day in (saturday, thanksgiving, dt.date(2026, 11, 22)):
        text = draft("Jane", "Acme", None, day, calendar=us)
        assert not any(w in text for w in WEEKDAYS), day


@pytest.mark.parametrize("company, role", [("Acme Inc.", "Analyst"), ("Acme Inc.", None),
                                           ("Globex Corp.", "Sr. Eng."), ("Initech!", "Dev?")])
def test_no_doubled_punctuation(company, role):
    for kw in (dict(), dict(followups_sent=1), dict(status="On hold"), dict(status="Offer"),
               dict(status="Offer", followups_sent=1)):
        for day in (None, NOV19):
            text = draft("Jane", company, role, day, **kw)
            assert not re.search(r"[.!?]\.|\.\.|,,|\?\?", text), (kw, day, text)
            assert company in text


def test_weekly_items_get_the_right_draft(tmp_path):
    from trackers import write_tracker

    from followup_xl.weekly import build_weekly

    headers = ("Company", "Role", "Contact name", "Interview date", "Last contact", "Follow-ups sent", "Status")
    write_tracker(tmp_path / "t.xlsx", [
        ["First Co", "Analyst", "Ann", dt.date(2026, 11, 16), None, None, "Interviewing"],
        ["Later Co", "Analyst", "Bob", dt.date(2026, 11, 2), dt.date(2026, 11, 16), 2, "Waiting"],
        ["Hold Co", "Analyst", "Cy", dt.date(2026, 11, 2), dt.date(2026, 11, 9), 1, "On hold"],
        ["Applied Co", "Analyst", "Di", None, dt.date(2026, 11, 16), 0, "Applied"],
        ["Offer Co", "Analyst", "Ed", dt.date(2026, 11, 12), dt.date(2026, 11, 16), 0, "Offer"],
        ["Own Co", "Analyst", "Flo", dt.date(2026, 11, 2), dt.date(2026, 11, 9), 1, "Einstellungsstopp"],
    ], headers=headers, settings={"Country": "GB", "Subdivision": "ENG", "YourName": "Pat Lee"})
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    own = wb.create_sheet("Statuses")
    own.append(["Status", "Meaning"])
    own.append(["Einstellungsstopp", "On hold"])
    wb.save(tmp_path / "t.xlsx")
    result = build_weekly([tmp_path / "t.xlsx"], as_of=dt.date(2026, 11, 23))
    drafts = {i.company: i.message for i in result.items}
    assert "Thank you again for our conversation on Monday 16 November about" in drafts["First Co"]
    assert "A short note to check in on the Analyst role at Later Co." in drafts["Later Co"]
    assert "is on hold for now" in drafts["Hold Co"]
    assert "my application for" in drafts["Applied Co"] and "meet again" not in drafts["Applied Co"]
    assert "next steps" in drafts["Offer Co"]
    assert "is on hold for now" in drafts["Own Co"]  # the workbook's own status, by its meaning
    assert all(d.endswith("Best regards,\nPat Lee") for d in drafts.values())
    assert {i.your_name for i in result.items} == {"Pat Lee"}


@given(st.one_of(st.none(), st.text(max_size=30)), st.text(max_size=30), st.one_of(st.none(), st.text(max_size=30)),
       st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))),
       st.one_of(st.none(), st.integers(-3, 50), st.floats(allow_nan=True), st.text(max_size=3)),
       st.sampled_from([None, "", "Interviewing", "On hold", "Offer", "Applied", "Rejected", "whatever"]),
       st.one_of(st.none(), st.text(max_size=20)), st.sampled_from([None, "US", "GB", "DE", "il"]))
def test_every_situation_never_crashes(name, company, role, day, sent, status, your_name, country):
    text = draft(name, company, role, day, followups_sent=sent, status=status, your_name=your_name,
                 country=country)
    assert "\t" not in text and "\r" not in text
    lines = text.split("\n")
    signed = " ".join(str(your_name or "").split())
    assert lines[-1] == (signed or "Best regards,")
    if day is None:
        assert "meet again" not in text.replace(str(company), "").replace(str(role), "")
