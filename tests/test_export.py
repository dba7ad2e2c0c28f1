"""Exports of the weekly list: every format rendered and parsed back with an independent reader.

The results are built here, with the hostile text people (or attackers) put in trackers:
formula-like text, leading + - @ tab and carriage return, markup, unicode, a missing
contact, problems. Nothing may become a live formula, markup, or a broken calendar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from followup_xl import export
from followup_xl.errors import FollowupError, UsageError
from followup_xl.messages import draft, subject
from followup_xl.weekly import COUNT_KEYS, Item, Problem, WeeklyResult

D = dt.date.fromisoformat
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HOSTILE = ['=HYPERLINK("http://x","click")', "+1 555", "@SUM(A1)", "-2", "\tTabbed",
           "\rCarriage", "=cmd|' /C calc'!A0"]


def make_item(due, state, company, *, role=None, name=None, email=None, phone=None, last=None,
              tracker="ana.xlsx", row=5, status="Interviewing", overdue=0, decision=None,
              interview=None) -> Item:
    return Item(due_date=D(due), weekday=WEEKDAYS[D(due).weekday()], state=state,
                days_overdue=overdue, company=company, role=role, contact_name=name,
                contact_email=email, contact_phone=phone, last_contact=D(last) if last else None,
                followups_sent=1, status=status, decision_expected=decision, tracker=tracker,
                row=row, message=draft(name, company, role, D(interview) if interview else None))


def make_result() -> WeeklyResult:
    items = [
        make_item("2026-11-20", "Overdue", '=HYPERLINK("http://x","click")', role="+1 555",
                  name="Dr. Jane Smith", email="jane.smith+jobs@example.com", phone="+1 555 0100",
                  last="2026-11-12", overdue=10, row=5),
        make_item("2026-11-24", "Overdue", "Globex | Partners", role="@SUM(A1)",
                  name="Smith, José", email="jose@exämple.com", phone="-2", last="2026-11-16",
                  overdue=6, row=7, decision="=1+1"),
        make_item("2026-11-30", "Due today", "Zoë & Co <b>bold</b>", role="\tTabbed",
                  name="Ōtsuka Haruki", email="haruki@example.jp", phone="\rCarriage",
                  tracker="bob.xlsx", row=3, interview="2026-11-19"),
        make_item("2026-12-02", "Due this week", "Acme", role="Data Analyst", name=None, email=None,
                  tracker="bob.xlsx", row=12, status=None, last="2026-11-20"),
        make_item("2026-12-02", "Due this week", "=cmd|' /C calc'!A0", role="Engineer",
                  name="jane", email="not an email", tracker="carol.xlsx", row=4,
                  last="2026-11-21"),
    ]
    problems = [
        Problem("bob.xlsx", 9, "Last contact", "soon", "'soon' is not a date: use 2026-11-30."),
        Problem("bob.xlsx", 12, "Contact name", None,
                "No contact person: ask who to follow up with.", "warning"),
        Problem("carol.xlsx", 6, "Cadence (days)", "=2+5", "'=2+5' is not a whole number."),
        Problem("dave.xlsx", None, None, None, "dave.xlsx has no Tracker sheet.", "error"),
    ]
    counts = {"listed": 5, "not_due": 4, "closed": 2, "not_applied": 0, "needs_date": 1,
              "limit_reached": 1, "problem": 2, "skipped": 0}
    return WeeklyResult(D("2026-11-30"), D("2026-12-06"), D("2026-11-30"), items, problems,
                        counts, trackers=["ana.xlsx", "bob.xlsx", "carol.xlsx", "dave.xlsx"])


@pytest.fixture
def result() -> WeeklyResult:
    return make_result()


def empty_result() -> WeeklyResult:
    return WeeklyResult(D("2026-11-30"), D("2026-12-06"), D("2026-12-01"), trackers=["a.xlsx"])


# ----------------------------------------------------------------------------- formats

@pytest.mark.parametrize("path, fmt, expected", [
    ("week.xlsx", None, "xlsx"), ("WEEK.XLSX", None, "xlsx"), ("out/w.csv", None, "csv"),
    ("w.md", None, "md"), ("w.markdown", None, "md"), ("w.html", None, "html"),
    ("w.htm", None, "html"), ("w.ics", None, "ics"), ("w.json", None, "json"),
    ("w.txt", "json", "json"), ("w.xlsx", "CSV", "csv"), ("-", None, "md"), ("-", "ics", "ics"),
])
def test_format_for(path, fmt, expected):
    assert export.format_for(path, fmt) == expected


@pytest.mark.parametrize("path, fmt", [("week.txt", None), ("week", None), ("w.xlsx", "pdf")])
def test_format_for_unknown_is_a_usage_error(path, fmt):
    with pytest.raises(UsageError) as err:
        export.format_for(path, fmt)
    text = str(err.value)
    assert text.count(". ") == 0 and text.endswith(".")  # one sentence
    assert "csv" in text


def test_default_name_is_the_iso_week():
    r = WeeklyResult(D("2026-12-28"), D("2027-01-03"), D("2026-12-28"))
    assert export.default_name(r) == "followups-2026-W53.xlsx"
    assert export.default_name(make_result(), "ics") == "followups-2026-W49.ics"


def test_groups_put_overdue_first_then_one_per_day(result):
    groups = export.groups(result)
    assert [g.day for g in groups] == [None, D("2026-11-30"), D("2026-12-02")]
    assert [len(g.items) for g in groups] == [2, 1, 2]
    assert groups[0].title.startswith("Overdue")
    assert "today" in groups[1].title
    assert sum(len(g.items) for g in groups) == len(result.items)


# ----------------------------------------------------------------------------- json

def test_json_is_exactly_the_spec_json(result):
    data = export.render(result, "json")
    assert json.loads(data.decode("utf-8")) == result.to_json()
    assert "Zoë".encode() in data  # ensure_ascii=False: readable UTF-8
    assert data.startswith(b'{\n  "week_start": "2026-11-30"')
    parsed = json.loads(data)
    assert parsed["counts"]["rows"] == sum(parsed["counts"][k] for k in COUNT_KEYS) == 15


# ----------------------------------------------------------------------------- csv

def neutralised(value):
    """OWASP: a text cell starting with = + - @ tab or CR gets a leading single quote."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return str(value)


def test_csv_opens_cleanly_and_neutralises_formulas(result):
    data = export.render(result, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [f.header for f in export.FIELDS]
    assert rows[0][:3] == ["Due date", "Weekday", "State"]
    assert len(rows) == 1 + len(result.items)
    for item, row in zip(result.items, rows[1:]):
        expected = [neutralised(getattr(item, f.key)) for f in export.FIELDS]
        assert row == expected
        for cell in row:
            assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), cell
    assert rows[1][0] == "2026-11-20"  # dates as YYYY-MM-DD
    assert "'=HYPERLINK(\"http://x\",\"click\")" in rows[1]
    # every record ends with CRLF, and every field is quoted (separators can't open a cell)
    records = re.findall(rb'(?:"(?:[^"]|"")*",)*"(?:[^"]|"")*"\r\n', data[3:])
    assert b"".join(records) == data[3:]


def test_csv_empty_week_has_the_header_only():
    data = export.render(empty_result(), "csv")
    assert data.decode("utf-8-sig").count("\r\n") == 1


# ----------------------------------------------------------------------------- xlsx

def test_xlsx_has_no_formula_and_keeps_hostile_text(result, tmp_path):
    path = export.write(result, tmp_path / "week.xlsx")
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Follow-ups", "Problems", "Summary"]
    texts = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    for text in HOSTILE:
        # XML turns a lone carriage return into a line feed; the text stays text either way
        assert text in texts or text.replace("\r", "\n") in texts, text


def test_xlsx_list_is_grouped_by_day_with_overdue_first(result, tmp_path):
    wb = openpyxl.load_workbook(export.write(result, tmp_path / "week.xlsx"))
    ws = wb["Follow-ups"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:P{ws.max_row}"
    header = [c.value for c in ws[1]]
    assert header == [f.header for f in export.FIELDS]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    headings = [r[0] for r in rows if isinstance(r[0], str)]
    assert [h.split(" — ")[0] for h in headings] == [
        "Overdue", "Monday, November 30, 2026 (today)", "Wednesday, December 2, 2026"]
    data = [r for r in rows if not isinstance(r[0], str)]
    assert [(r[0].date(), r[header.index("Row")]) for r in data] == [
        (i.due_date, i.row) for i in result.items]
    due_col = header.index("Due date") + 1
    assert ws.cell(row=3, column=due_col).number_format == "ddd yyyy-mm-dd"
    assert ws.cell(row=3, column=due_col).is_date
    assert ws.column_dimensions["P"].width == 70  # the draft is readable


def test_xlsx_problems_and_summary_add_up(result, tmp_path):
    wb = openpyxl.load_workbook(export.write(result, tmp_path / "week.xlsx"))
    problems = [[c.value for c in r] for r in wb["Problems"].iter_rows(min_row=2)]
    assert [(p[0], p[1], p[2], p[4]) for p in problems] == [
        (p.tracker, p.row, p.column, p.severity) for p in result.problems]
    assert problems[2][3] == "=2+5"
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows() if r[0].value}
    for key, (label, _) in export.COUNT_LABELS.items():
        assert summary[label] == result.counts[key]
    assert summary["Rows read (total)"] == sum(result.counts.values()) == 15
    assert summary["ISO week"] == "2026-W49"
    assert summary["As of"].date() == result.as_of
    assert summary["Trackers read"] == 4
    assert summary["bob.xlsx"] == 2  # listed from bob.xlsx


def test_xlsx_survives_libreoffice_as_text(result, tmp_path):
    """LibreOffice opens the file, recalculates everything, and the hostile text is still text."""
    from libreoffice import recalc

    src = tmp_path / "src"
    src.mkdir()
    path = export.write(result, src / "week.xlsx")
    copy = recalc(path, tmp_path / "lo")
    wb = openpyxl.load_workbook(copy)
    values = {c.value for r in wb["Follow-ups"].iter_rows() for c in r if isinstance(c.value, str)}
    assert '=HYPERLINK("http://x","click")' in values and "@SUM(A1)" in values
    assert all(c.data_type != "f" for ws in wb for r in ws.iter_rows() for c in r)


def test_xlsx_parts_are_well_formed_and_complete(result, tmp_path):
    """Every part parses as XML, every part the package names exists, and openpyxl reads
    back the links, the print titles, the widths and the styles."""
    from xml.etree import ElementTree

    path = export.write(result, tmp_path / "week.xlsx")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for name in names:
            ElementTree.fromstring(zf.read(name))
        types = zf.read("[Content_Types].xml").decode()
        for part in re.findall(r'PartName="/([^"]+)"', types):
            assert part in names, part
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        for target in re.findall(r'Target="([^"]+)"', rels):
            assert f"xl/{target}" in names, target
    wb = openpyxl.load_workbook(path)
    ws = wb["Follow-ups"]
    header = [c.value for c in ws[1]]
    email_col = header.index("Contact email") + 1
    links = {ws.cell(row=r, column=email_col).value: ws.cell(row=r, column=email_col).hyperlink
             for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=email_col).value}
    for item in result.items:
        link = export.mailto(item)
        if link:
            assert links[item.contact_email].target == link
        elif item.contact_email:
            assert links[item.contact_email] is None
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert ws.column_dimensions["E"].width == export.FIELDS[4].width
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FF1F4E78"
    assert ws["A2"].font.b  # the Overdue heading row
    state = ws.cell(row=3, column=header.index("State") + 1)
    assert state.value == "Overdue" and state.font.color.rgb == "FFB22222"
    assert ws.cell(row=3, column=16).alignment.wrap_text
    assert wb.active.title == "Follow-ups"


def test_xlsx_text_round_trips_exactly(tmp_path):
    """Excel's own escapes (_xHHHH_) and XML's line-end rules must not change the text."""
    odd = ["_x0041_ stays", "a\rb", "\r\nx", "  spaced  ", "tab\tin", "<&>\"'", "😀 Zoë"]
    items = [make_item("2026-12-01", "Due this week", text, row=k) for k, text in enumerate(odd)]
    r = WeeklyResult(D("2026-11-30"), D("2026-12-06"), D("2026-11-30"), items)
    wb = openpyxl.load_workbook(export.write(r, tmp_path / "w.xlsx"))
    col = [c.value for c in wb["Follow-ups"]["E"]][2:]
    assert col == odd


@given(st.text())
def test_percent_encode_is_rfc3986(text):
    from urllib.parse import quote

    assert export.percent_encode(text) == quote(text, safe="")


def test_xlsx_empty_week_still_opens(tmp_path):
    wb = openpyxl.load_workbook(export.write(empty_result(), tmp_path / "w.xlsx"))
    assert wb["Follow-ups"]["A2"].value == "Nothing to follow up this week."
    assert wb["Problems"]["A2"].value.startswith("No problems")


def test_xlsx_drops_xml_illegal_control_characters(tmp_path):
    r = WeeklyResult(D("2026-11-30"), D("2026-12-06"), D("2026-11-30"),
                     [make_item("2026-12-01", "Due this week", "Ac\x00me\x0b")])
    wb = openpyxl.load_workbook(export.write(r, tmp_path / "w.xlsx"))
    assert any(c.value == "Acme" for row in wb["Follow-ups"].iter_rows() for c in row)


# ----------------------------------------------------------------------------- ics

def test_ics_one_all_day_event_per_item(result):
    data = export.render(result, "ics")
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and "followup-xl" in str(cal["PRODID"])
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(result.items)
    for item, event in zip(result.items, events):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        day = result.as_of if item.state == "Overdue" else item.due_date
        assert type(start) is dt.date and start == day
        assert end == day + dt.timedelta(days=1)
        assert event["UID"].endswith("@followup-xl")
        assert isinstance(event.decoded("DTSTAMP"), dt.datetime)
        description = str(event["DESCRIPTION"])
        assert item.message in description
        for detail in (item.contact_name, item.contact_email, item.contact_phone):
            if detail:  # one line per detail, whatever the cell held
                assert f": {' '.join(detail.split())}\n" in description
        assert item.company in str(event["SUMMARY"])
    assert len({e["UID"] for e in events}) == len(events)


def test_ics_is_valid_rfc5545_text(result):
    data = export.render(result, "ics")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line  # folded at 75 octets
    assert b"DTSTART;VALUE=DATE:20261202\r\n" in data


# ----------------------------------------------------------------------------- ics: the follow-up's event

def week_later(result: WeeklyResult, days: int = 7) -> WeeklyResult:
    """The same trackers re-run a week later, nothing logged: the same follow-ups, later."""
    later = make_result()
    later.week_start += dt.timedelta(days=days)
    later.week_end += dt.timedelta(days=days)
    later.as_of += dt.timedelta(days=days)
    for item in later.items:
        item.state, item.days_overdue = "Overdue", (later.as_of - item.due_date).days
    return later


def uids(data: bytes) -> list[str]:
    return [str(e["UID"]) for e in Calendar.from_ical(data).walk("VEVENT")]


def test_ics_a_pending_follow_up_keeps_its_uid_across_weeks(result):
    first = uids(export.render_ics(result, now=dt.datetime(2026, 11, 30, 8, 0)))
    later = week_later(result)
    again = uids(export.render_ics(later, now=dt.datetime(2026, 12, 7, 9, 0)))
    assert first == again and len(set(first)) == len(first)
    # a later run's copy outranks the earlier one
    seq = [int(e["SEQUENCE"]) for e in Calendar.from_ical(export.render_ics(later)).walk("VEVENT")]
    assert seq[0] > int(Calendar.from_ical(export.render_ics(result)).walk("VEVENT")[0]["SEQUENCE"])


def test_ics_a_logged_follow_up_gets_a_new_uid(result):
    before = uids(export.render(result, "ics"))
    logged = make_result()
    logged.items[0].last_contact = D("2026-11-30")  # `log`: Last contact today, one more sent
    logged.items[0].followups_sent += 1
    logged.items[0].due_date = D("2026-12-09")
    after = uids(export.render(logged, "ics"))
    assert after[0] != before[0] and after[1:] == before[1:]


def test_ics_the_uid_names_tracker_row_and_company(result):
    base = export.event_uid(result.items[0])
    for change in ({"tracker": "other.xlsx"}, {"row": 6}, {"company": "Other Inc"}):
        item = make_result().items[0]
        for k, v in change.items():
            setattr(item, k, v)
        assert export.event_uid(item) != base, change
    item = make_result().items[0]
    item.company = "  " + item.company.upper() + " "  # the same company, typed differently
    assert export.event_uid(item) == base


def test_ics_overdue_events_start_on_the_as_of_day(result):
    events = list(Calendar.from_ical(export.render(result, "ics")).walk("VEVENT"))
    overdue = [(i, e) for i, e in zip(result.items, events) if i.state == "Overdue"]
    assert len(overdue) == 2
    for item, event in overdue:
        assert event.decoded("DTSTART") == D("2026-11-30")  # the as-of day, not 20 or 24 Nov
        since = f"overdue since {item.due_date:%a} {item.due_date.isoformat()}"
        assert since in str(event["SUMMARY"])
        assert str(event["DESCRIPTION"]).startswith(f"Overdue since {item.due_date:%a} "
                                                    f"{item.due_date.isoformat()} ({item.days_overdue} days).")


def test_ics_every_event_has_a_reminder_at_nine_on_its_day(result):
    for event in Calendar.from_ical(export.render(result, "ics")).walk("VEVENT"):
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == dt.timedelta(hours=9)  # from the day's start
        assert str(alarms[0]["DESCRIPTION"]) == str(event["SUMMARY"])


def test_ics_control_characters_escaping_and_folding(result):
    item = result.items[2]
    item.company = "Nul\x00l; Co, \\ Ltd\x07\x1b[31m"
    item.contact_name = "Zoë 😀 Ōtsuka\x0b"
    item.message = ("Ünïcödé " * 40) + "\r\nSecond line; with, commas\x00"
    data = export.render(result, "ics")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # every folded line is whole UTF-8: no character cut in two
        assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", line), line
    event = list(Calendar.from_ical(data).walk("VEVENT"))[2]
    assert str(event["SUMMARY"]) == "Follow up: Null; Co, \\ Ltd[31m (Zoë 😀 Ōtsuka)"
    description = str(event["DESCRIPTION"])
    assert description.endswith(("Ünïcödé " * 40) + "\nSecond line; with, commas")
    assert b"Null\\; Co\\, \\\\ Ltd" in data.replace(b"\r\n ", b"")


@given(st.text(max_size=300))
def test_ics_fold_and_escape_round_trip(text):
    from followup_xl.exports.ics import clean, escape, fold

    line = fold("DESCRIPTION:" + escape(text))
    for part in line.encode("utf-8").split(b"\r\n"):
        assert len(part) <= 75
    unfolded = line.replace("\r\n ", "")
    assert unfolded == "DESCRIPTION:" + escape(text)
    cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u\r\n"
           f"{line}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    event = Calendar.from_ical(cal.encode("utf-8")).walk("VEVENT")[0]
    assert str(event.get("DESCRIPTION", "")) == clean(text).replace("\t", " ")


# ----------------------------------------------------------------------------- html

class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._href: str | None = None
        self.sections: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "a":
            self._href = attrs.get("href")
        if tag == "section":
            self.sections.append(attrs.get("class", ""))

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href:
            self.links.append((self._href, data))


def test_html_mailto_links_carry_the_draft(result):
    page = export.render(result, "html").decode("utf-8")
    parser = LinkCollector()
    parser.feed(page)
    by_address = {text: href for href, text in parser.links}
    emailed = [i for i in result.items if i.contact_email and "@" in i.contact_email
               and " " not in i.contact_email]
    assert sorted(by_address) == sorted(i.contact_email for i in emailed)
    for item in emailed:
        url = urlsplit(by_address[item.contact_email])
        assert url.scheme == "mailto"
        assert unquote(url.path) == item.contact_email
        query = parse_qs(url.query, keep_blank_values=True)
        assert query["subject"] == [subject(item.company, item.role)]
        assert query["body"] == [item.message.replace("\n", "\r\n")]
        assert " " not in by_address[item.contact_email]  # percent-encoded, RFC 6068
        assert "+" not in url.query  # a space is %20 in mailto:, never "+"


def test_html_is_escaped_self_contained_and_prints_a_page_per_day(result):
    page = export.render(result, "html").decode("utf-8")
    parser = LinkCollector()
    parser.feed(page)
    assert "b" not in parser.tags  # the company's <b> stayed text
    assert "Zoë & Co <b>bold</b>" in "".join(parser.text)
    # self-contained: no scripts, no linked files, every link a mailto:
    assert not {"script", "link", "img", "iframe", "object"} & set(parser.tags)
    assert all(href.startswith("mailto:") for href, _ in parser.links)
    style = page[page.index("<style>"):page.index("</style>")]
    assert "url(" not in style and "@import" not in style
    assert " src=" not in page
    assert parser.sections.count("day overdue") == 1
    assert len([s for s in parser.sections if s.startswith("day")]) == len(export.groups(result))
    assert "break-after:page" in page and "page-break-after:always" in page
    assert "not an email" in "".join(parser.text)  # shown, but not linked


def test_html_empty_week():
    page = export.render(empty_result(), "html").decode()
    assert "Nothing to follow up this week." in page


# ----------------------------------------------------------------------------- md

def test_md_has_a_table_per_day_and_the_problems(result):
    text = export.render(result, "md").decode("utf-8")
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert len(headings) == len(export.groups(result)) + 1
    assert headings[0].startswith("Overdue") and headings[-1] == "Problems (4)"
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    for line in table_rows:  # escaped pipes keep every row at 10 cells
        assert len(re.findall(r"(?<!\\)\|", line)) == 11, line
    assert "Globex \\| Partners" in text
    assert "Zoë \\& Co \\<b\\>bold\\</b\\>" in text
    assert "dave.xlsx has no Tracker sheet." in text
    assert "I hope you are doing well." in text


# ----------------------------------------------------------------------------- write

def test_write_every_format_whole(result, tmp_path):
    for fmt in export.FORMATS:
        path = export.write(result, tmp_path / f"week.{fmt}")
        assert path.read_bytes() == export.render(result, fmt) or fmt in ("xlsx", "ics")
    assert sorted(os.listdir(tmp_path)) == sorted(f"week.{f}" for f in export.FORMATS)


def test_write_failure_mid_write_leaves_target_unchanged(result, tmp_path, monkeypatch):
    target = tmp_path / "week.csv"
    target.write_bytes(b"last week's file")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(FollowupError) as err:
        export.write(result, target)
    assert "week.csv" in str(err.value) and "space" in str(err.value)
    assert target.read_bytes() == b"last week's file"
    assert os.listdir(tmp_path) == ["week.csv"]  # no temporary file left


def test_write_interrupted_creates_nothing(result, tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export.write(result, tmp_path / "week.xlsx")
    assert os.listdir(tmp_path) == []


def test_write_target_open_elsewhere(result, tmp_path, monkeypatch):
    target = tmp_path / "week.xlsx"

    def locked(src, dst):  # what Windows says when Excel holds the file
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(FollowupError) as err:
        export.write(result, target)
    assert "week.xlsx" in str(err.value) and "close it" in str(err.value)
    assert os.listdir(tmp_path) == []


def test_write_refuses_a_file_excel_has_open(result, tmp_path):
    target = tmp_path / "week.xlsx"
    target.write_bytes(b"old")
    (tmp_path / "~$week.xlsx").write_bytes(b"lock")
    with pytest.raises(FollowupError, match="open in Excel"):
        export.write(result, target)
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize("where", ["missing/week.json", "."])
def test_write_unusable_target(result, tmp_path, where):
    with pytest.raises(FollowupError) as err:
        export.write(result, tmp_path / where if where != "." else tmp_path, "json")
    assert str(err.value).startswith("Cannot write ")
    assert "\n" not in str(err.value)


def test_write_unwritable_folder(result, tmp_path, monkeypatch):
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(FollowupError) as err:
        export.write(result, tmp_path / "week.md")
    assert "week.md" in str(err.value) and "permission denied" in str(err.value)
    assert os.listdir(tmp_path) == []


def test_render_failure_writes_nothing(result, tmp_path, monkeypatch):
    def boom(r):
        raise RuntimeError("renderer bug")

    monkeypatch.setitem(export.RENDERERS, "md", boom)
    with pytest.raises(RuntimeError):
        export.write(result, tmp_path / "week.md")
    assert os.listdir(tmp_path) == []


def test_write_to_stdout(result, capsysbinary):
    assert export.write(result, "-", "json") == Path("-")
    out = capsysbinary.readouterr().out
    assert json.loads(out) == result.to_json()
    export.write(result, "-")
    assert capsysbinary.readouterr().out.startswith(b"# Follow-ups for the week of")


# ----------------------------------------------------------------------------- real trackers

SAMPLE_HEADERS = ("Company", "Role", "Contact name", "Contact email", "Contact phone",
                  "Interview date", "Last contact", "Follow-ups sent", "Cadence (days)", "Status",
                  "Decision expected", "Notes")


def write_sample_clients(folder: Path) -> list[Path]:
    """Two coaching clients' trackers: the ones docs/weekly.md shows (as of 2026-11-30)."""
    from trackers import write_tracker

    def r(company, role, name=None, email=None, phone=None, interview=None, last=None, sent=None,
          cadence=None, status=None, decision=None):
        return dict(zip(SAMPLE_HEADERS, (company, role, name, email, phone, interview, last, sent,
                                         cadence, status, decision, None)))

    ana = [
        r("Northwind Traders", "Data Analyst", "Dr. Priya Natarajan",
          "priya.natarajan@northwind.example", "+1 415 555 0142", D("2026-11-10"),
          D("2026-11-17"), 1, None, "Interviewing", "mid-December"),
        r("Contoso Health", "Business Analyst", "Okafor, Chidi", "chidi.okafor@contoso.example",
          interview="Nov 19, 2026", status="Waiting"),
        r("Fabrikam", "Product Analyst", "maria rossi", "m.rossi@fabrikam.example",
          "(206) 555-0199", last=D("2026-11-23"), sent=2, status="Interviewing"),
        r("Tailspin Toys", "Analyst", "Sam Lee", last=D("2026-11-02"), status="Rejected"),
        r("Litware", "BI Developer", status="Applied"),
        r("Adventure Works", "Data Engineer", "Kim Ng", last="last week", status="Waiting"),
    ]
    ben = [
        r("Wingtip Analytics", "Junior Developer", "jamie", phone="+44 20 7946 0018",
          last=D("2026-11-25"), status="Interviewing"),
        r("Proseware", "Support Engineer", last=D("2026-11-24"), status="Applied"),
        r("Blue Yonder Airlines", "IT Specialist", "Luis García", "luis.garcia@blueyonder.example",
          last=D("2026-11-20"), status="On hold", decision="after the budget freeze"),
        r("Margie's Travel", "Web Developer", "Ms. Margie Shoop", "margie@margiestravel.example",
          last=D("2026-11-28"), status="Interviewing"),
        r("Trey Research", "QA Engineer", "Ravi Patel", last=D("2026-11-23"), cadence="soon",
          status="Interviewing"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    return [write_tracker(folder / "ana-lopez.xlsx", ana, headers=SAMPLE_HEADERS,
                          settings={"Country": "US", "Subdivision": "CA"}),
            write_tracker(folder / "ben-okafor.xlsx", ben, headers=SAMPLE_HEADERS,
                          settings={"Country": "US"})]


def sample_result(tmp_path: Path) -> WeeklyResult:
    from followup_xl.weekly import build_weekly

    write_sample_clients(tmp_path / "clients")
    return build_weekly([tmp_path / "clients"], as_of=D("2026-11-30"))


def test_real_trackers_export_in_every_format(tmp_path):
    r = sample_result(tmp_path)  # writes the clients' trackers (their zip stamps the second)
    clients = sorted((tmp_path / "clients").glob("*.xlsx"))
    before = {p: p.read_bytes() for p in clients}
    from followup_xl.weekly import build_weekly

    r = build_weekly([tmp_path / "clients"], as_of=D("2026-11-30"))  # read again, then written out
    out = tmp_path / "out"
    out.mkdir()
    paths = {fmt: export.write(r, out / f"week.{fmt}") for fmt in export.FORMATS}
    assert {p: p.read_bytes() for p in clients} == before  # inputs only read
    # counts add up; the list is the rows due by Sunday
    assert r.total_rows == 11 and r.counts["listed"] == len(r.items) == 6
    assert [(i.company, i.due_date) for i in r.items][:2] == [
        ("Northwind Traders", D("2026-11-24")), ("Contoso Health", D("2026-11-25"))]
    assert json.loads(paths["json"].read_text("utf-8")) == r.to_json()
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text("utf-8-sig"), newline="")))
    assert [row["Company"] for row in rows] == [i.company for i in r.items]
    events = list(Calendar.from_ical(paths["ics"].read_bytes()).walk("VEVENT"))
    assert [e.decoded("DTSTART") for e in events] == [
        r.as_of if i.state == "Overdue" else i.due_date for i in r.items]  # overdue: on the as-of day
    wb = openpyxl.load_workbook(paths["xlsx"])
    listed = [c.value for c in wb["Follow-ups"]["E"][1:] if c.value and c.value != "Company"]
    assert [i.company for i in r.items] == [v for v in listed if v in {i.company for i in r.items}]
    assert wb["Problems"].max_row == 1 + len(r.problems)


def _docs_block(text: str, marker: str) -> str:
    """The fenced block that follows `<!-- sample: marker -->` in docs/weekly.md."""
    m = re.search(rf"<!-- sample: {re.escape(marker)} -->\n(`{{3,4}})[a-z]*\n(.*?)\n\1\n", text, re.S)
    assert m, f"docs/weekly.md has no sample block {marker!r}"
    return m.group(2)


def test_docs_samples_are_real_outputs(tmp_path, monkeypatch, capsys):
    """docs/weekly.md shows what the command and render() really make for the sample clients."""
    from followup_xl.cli import main

    docs = (Path(__file__).parent.parent / "docs" / "weekly.md").read_text("utf-8")
    r = sample_result(tmp_path)
    monkeypatch.chdir(tmp_path)
    command, *shown = _docs_block(docs, "console").splitlines()
    assert main(command.split()[2:]) == 0  # "$ followup-xl weekly ..."
    real = iter(capsys.readouterr().err.rstrip("\n").splitlines())
    assert all(line in real for line in shown), "docs/weekly.md shows a summary line the command no longer prints"
    wb = openpyxl.load_workbook(tmp_path / "week.xlsx")
    dump = [" | ".join("" if c.value is None else
                       c.value.date().isoformat() if isinstance(c.value, dt.datetime) else str(c.value)
                       for c in row).rstrip(" |") for row in wb["Follow-ups"].iter_rows(max_col=7)]
    assert _docs_block(docs, "xlsx").splitlines() == dump
    assert _docs_block(docs, "draft") == r.items[0].message
    md = export.render(r, "md").decode("utf-8").rstrip("\n")
    assert _docs_block(docs, "md") == md
    csv_text = export.render(r, "csv").decode("utf-8-sig").replace("\r\n", "\n").rstrip("\n")
    assert csv_text.startswith(_docs_block(docs, "csv"))
    js = export.render(r, "json").decode("utf-8")
    sample = _docs_block(docs, "json")
    assert json.loads(sample) == {k: v for k, v in json.loads(js).items() if k != "items"} | {
        "items": json.loads(js)["items"][:1]}
    ics = export.render_ics(r, now=dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.timezone.utc))
    ics_text = ics.decode("utf-8").replace("\r\n", "\n")
    for line in _docs_block(docs, "ics").splitlines():
        if line != "..." and not line.startswith("DTSTAMP"):
            assert line in ics_text.splitlines(), line
    html_text = export.render(r, "html").decode("utf-8")
    for line in _docs_block(docs, "html").splitlines():
        if line.strip() != "...":
            assert line in html_text.splitlines(), line


def test_xlsx_is_not_sent_to_a_terminal(result, capsysbinary, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with pytest.raises(UsageError, match="terminal"):
        export.write(result, "-", "xlsx")
    assert capsysbinary.readouterr().out == b""
    export.write(result, "-", "md")  # text formats still go to the terminal
    assert capsysbinary.readouterr().out.startswith(b"# Follow-ups")


def test_stdout_closed_early_is_not_an_error(result, tmp_path, monkeypatch):
    """`followup-xl weekly ... -o - | head -1`: the reader stops early; no traceback, and the
    closing flush at exit goes nowhere instead of failing."""
    class ClosedPipe:
        def write(self, data):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

    stand_in = tmp_path / "stdout"
    with open(stand_in, "wb") as fh:
        class Stdout:
            buffer = ClosedPipe()

            def flush(self):
                pass

            def isatty(self):
                return False

            def fileno(self):
                return fh.fileno()

        monkeypatch.setattr(sys, "stdout", Stdout())
        export.write(result, "-", "json")  # no exception
        os.write(fh.fileno(), b"late flush")  # now goes to the null device
    assert stand_in.read_bytes() == b""


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_write_keeps_usual_permissions(result, tmp_path):
    umask = os.umask(0o022)
    try:
        new = export.write(result, tmp_path / "new.md")
        assert new.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
        old = tmp_path / "old.md"
        old.write_bytes(b"x")
        old.chmod(0o664)
        export.write(result, old)
        assert old.stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(umask)


def test_mailto_body_is_the_draft_percent_encoded_with_crlf_line_breaks():
    """The body is encoded in one pass (a line feed -> %0D%0A): it must equal encoding the
    draft line by line with urllib, for CRLF, LF, a lone CR and non-ASCII text alike."""
    from dataclasses import replace
    from urllib.parse import quote

    base = make_item("2026-11-24", "Due this week", "Zoë & Co", role="R&D", name="Ana",
                     email="ana@example.com")
    for message in (base.message, "a\r\nb\nc\rd", "Hi Zoë. 😀 ok.\n\n~x_y-z.", "", "\n\r\n\r"):
        link = export.mailto(replace(base, message=message))
        lines = message.replace("\r\n", "\n").split("\n")
        assert link.split("&body=", 1)[1] == "%0D%0A".join(quote(line, safe="") for line in lines)


def test_xl_message_height_counts_wrapped_lines_as_ceil_per_line():
    """The row height counts ceil(len / per_line) lines for each line (1 for a blank one)."""
    import random

    rng = random.Random(5)
    for width in (10, 18.2, 60, 80):
        per_line = max(int(width * 1.1), 20)
        for _ in range(300):
            parts = ["x" * rng.choice([0, 1, per_line - 1, per_line, per_line + 1, rng.randrange(400)])
                     for _ in range(rng.randrange(1, 8))]
            lines = sum(max(1, -(-len(p) // per_line)) for p in parts)
            assert export._xl_message_height("\n".join(parts), width) == min(15.0 * lines, 409.0)
