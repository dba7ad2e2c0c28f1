"""The exports write a column (or all the drafts) at a time for speed (issue 13); each of
those batched writers must give exactly what the plain one gives for each value alone,
whatever the text holds: the separators they join by, markup, control characters,
line breaks of every kind, non-ASCII."""

from __future__ import annotations

import csv
import datetime as dt
import html
import importlib
import io
import json
import math
from dataclasses import replace
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from followup_xl.exports import render_csv, render_ics, render_json
from followup_xl.exports.fields import FIELDS
from followup_xl.exports.sections import short_date
from followup_xl.exports.xlsx.sheet import Sheet
from followup_xl.exports.xlsx.strings import Strings
from followup_xl.messages import clean_text, subject
from followup_xl.model import Item, Problem, WeeklyResult

# The modules (the package re-exports functions under some of the same names).
csv_export, html_export, ics, mailto, md = (
    importlib.import_module(f"followup_xl.exports.{name}") for name in ("csv", "html", "ics", "mailto", "md"))
D = dt.date.fromisoformat
# Text that tries every writer's special cases: the separators they join by (NUL, U+E000),
# markup, escapes, formula triggers, line breaks, tabs, percent signs, non-ASCII.
PIECE = st.sampled_from(list("ab Z9 &<>\"'\\`*_[]|#!~;,.%=+-@\r\n\t\x00\x01\x1f\x7f\x85\ue000éß—😀")
                       + ["_x0041_", "\r\n", ". "]) | st.characters(blacklist_categories=("Cs",))
ODD = st.lists(PIECE, max_size=20).map("".join)
ODD_OR_NONE = st.none() | ODD


@st.composite
def items(draw, n=st.integers(0, 6)):
    out = []
    for k in range(draw(n)):
        due = D("2026-11-23") + dt.timedelta(days=draw(st.integers(0, 6)))
        state = draw(st.sampled_from(["Overdue", "Due today", "Due this week"]))
        out.append(Item(
            due_date=due, weekday="Monday", state=state, days_overdue=draw(st.integers(0, 3)),
            company=draw(ODD), role=draw(ODD_OR_NONE), contact_name=draw(ODD_OR_NONE),
            contact_email=draw(st.none() | st.sampled_from(["ana@example.com", " b+c@x.org ", "no mail"])
                               | ODD),
            contact_phone=draw(ODD_OR_NONE),
            last_contact=draw(st.none() | st.just(D("2026-11-10"))), followups_sent=draw(st.integers(0, 3)),
            status=draw(ODD_OR_NONE), decision_expected=draw(ODD_OR_NONE), tracker=draw(ODD),
            row=k + 2, message=draw(ODD), your_name=draw(ODD_OR_NONE)))
    return out


def week(item_list, problems=()):
    return WeeklyResult(D("2026-11-23"), D("2026-11-29"), D("2026-11-25"), item_list, list(problems),
                        trackers=["a.xlsx"])


# ----------------------------------------------------------------------------- json, csv

@settings(max_examples=60)
@given(items(), st.lists(st.tuples(ODD, st.none() | st.integers() | st.floats() | ODD | st.booleans()), max_size=3))
def test_json_is_json_dumps_indented(item_list, problems):
    result = week(item_list, [Problem("a.xlsx", 3, "Col", value, message) for message, value in problems])
    expected = json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
    assert render_json(result).decode("utf-8") == expected


def csv_writer_reference(result: WeeklyResult) -> bytes:
    """The csv export as csv.writer wrote it before it was written a column at a time."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([f.header for f in FIELDS])
    for item in result.items:
        writer.writerow([csv_export.csv_safe(getattr(item, f.key)) for f in FIELDS])
    return buf.getvalue().encode("utf-8-sig")


@settings(max_examples=80)
@given(items())
def test_csv_is_what_csv_writer_writes(item_list):
    result = week(item_list)
    assert render_csv(result) == csv_writer_reference(result)


def test_csv_odd_cell_types_as_csv_writer_writes_them():
    item = Item(D("2026-11-24"), "Tuesday", "Due today", True, "=x", 1.5, math.nan, -3,
                "\x01-1", dt.datetime(2026, 11, 2, 9, 30), 0, "", None, "a.xlsx", 2, 'say "hi"')
    result = week([item])
    assert render_csv(result) == csv_writer_reference(result)


# ----------------------------------------------------------------------------- mailto

@given(st.lists(ODD, max_size=8), st.sampled_from([mailto._PCT_ANY, mailto._PCT_ADDRESS, mailto._PCT_BODY]))
def test_percent_encode_all_is_percent_encode_of_each(texts, table):
    assert mailto.percent_encode_all(texts, table) == [mailto.percent_encode(t, table) for t in texts]


@given(items())
def test_mailtos_are_each_items_link(item_list):
    links = mailto.mailtos(item_list)
    assert links == [mailto.mailto(item) for item in item_list]
    for item, link in zip(item_list, links):
        address = (item.contact_email or "").strip()
        if not mailto.EMAIL_RE.match(address):
            assert link is None
            continue
        lines = item.message.replace("\r\n", "\n").split("\n")
        assert link == (f"mailto:{quote(address, safe='@!$*+')}?subject="
                        f"{quote(subject(item.company, item.role), safe='')}&body="
                        + "%0D%0A".join(quote(line, safe="") for line in lines))


# ----------------------------------------------------------------------------- md, html

@given(st.lists(ODD_OR_NONE | st.just(D("2026-11-24")) | st.integers(), max_size=8))
def test_md_column_is_md_escape_of_each(values):
    assert md._md_column(values) == [md.md_escape(v) for v in values]


@given(st.lists(ODD, max_size=8))
def test_md_draft_lines_are_quoted_as_before(lines):
    quoted = [f"> {text}" if text else ">" for text in md._md_texts(lines)]
    assert quoted == [("> " + md.md_escape(line)).rstrip() for line in lines]


@given(st.lists(ODD_OR_NONE | st.just(D("2026-11-24")), max_size=8))
def test_html_column_is_escape_of_each(values):
    assert html_export._column(values) == [html_export._h(v) for v in values]
    texts = [v for v in values if isinstance(v, str)]
    assert html_export._escape_all(texts) == [html.escape(t) for t in texts]


# ----------------------------------------------------------------------------- ics

def ics_event_reference(item: Item, result: WeeklyResult, stamp: str, sequence: int) -> str:
    """An event as it was written one item at a time (before issue 13)."""
    day = ics.event_day(item, result.as_of)
    overdue = day != item.due_date
    who = clean_text(item.contact_name)
    summary = f"Follow up: {clean_text(item.company)}" + (f" ({who})" if who else "")
    summary = ics.escape(summary + (f" — overdue since {short_date(item.due_date)}" if overdue else ""))
    lines = []
    if overdue:
        n = item.days_overdue
        lines.append(f"Overdue since {short_date(item.due_date)}"
                     + (f" ({n} day{'s' if n != 1 else ''})" if n else "") + ".")
    for label, value in (("Contact", item.contact_name), ("Email", item.contact_email),
                         ("Phone", item.contact_phone), ("Role", item.role),
                         ("Status", item.status), ("Last contact", item.last_contact),
                         ("Follow-ups sent", item.followups_sent),
                         ("Decision expected", item.decision_expected)):
        if value not in (None, ""):
            lines.append(f"{label}: {value.isoformat() if isinstance(value, dt.date) else clean_text(value)}")
    lines.append(f"Tracker: {item.tracker}, row {item.row}")
    description = ics.escape("\n".join(lines) + "\n\n" + item.message)
    return "\r\n".join((
        "BEGIN:VEVENT", f"UID:{ics.event_uid(item)}", f"DTSTAMP:{stamp}", f"SEQUENCE:{sequence}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        ics.fold(f"SUMMARY:{summary}"), ics.fold(f"DESCRIPTION:{description}"),
        "TRANSP:TRANSPARENT", "CATEGORIES:Follow-up", "BEGIN:VALARM", "ACTION:DISPLAY",
        ics.fold(f"DESCRIPTION:{summary}"), "TRIGGER:PT9H", "END:VALARM", "END:VEVENT"))


@settings(max_examples=60)
@given(items())
def test_ics_events_are_as_written_one_at_a_time(item_list):
    result = week(item_list)
    now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.timezone.utc)
    text = render_ics(result, now).decode("utf-8")
    events = [ics_event_reference(i, result, "20261125T080000Z", (result.as_of - ics.SEQUENCE_EPOCH).days)
              for i in item_list]
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("\r\nEND:VCALENDAR\r\n")
    body = text.split("\r\nBEGIN:VEVENT\r\n", 1)[1][:-len("\r\nEND:VCALENDAR\r\n")] if events else ""
    assert ("BEGIN:VEVENT\r\n" + body if events else "") == "\r\n".join(events)


def test_ics_many_events_cross_the_chunks_in_order():
    base = Item(D("2026-11-24"), "Tuesday", "Overdue", 1, "Acme", None, "Ana", None, None, None, 0,
                None, None, "a.xlsx", 2, "Hi")
    result = week([replace(base, row=k) for k in range(ics._CHUNK * 2 + 3)])
    text = render_ics(result).decode("utf-8")
    assert text.count("BEGIN:VEVENT") == len(result.items)
    assert [int(r) for r in __import__("re").findall(r"a\.xlsx\\, row (\d+)", text)] == list(range(len(result.items)))


@given(st.lists(ODD, max_size=8))
def test_ics_escape_all_is_escape_of_each(texts):
    assert ics.escape_all(texts) == [ics.escape(t) for t in texts]


# ----------------------------------------------------------------------------- xlsx

CELL = (ODD | st.none() | st.integers(-5, 10**6) | st.just(D("2026-11-24"))
        | st.sampled_from(["", "shared", "_x0041_"]))


@settings(max_examples=80)
@given(st.lists(st.tuples(CELL, CELL, CELL), max_size=6), st.data())
def test_xlsx_add_rows_is_add_for_each_row(rows, data):
    styles = [4, [data.draw(st.sampled_from([0, 4, 7])) for _ in rows], 0]
    heights = [data.draw(st.none() | st.floats(1, 500)) for _ in rows]
    one, many = Sheet("S", Strings(), [10] * 3), Sheet("S", Strings(), [10] * 3)
    for sheet in (one, many):
        sheet.add(["Header", "shared", None])
    numbers = [one.add(list(row), [s if isinstance(s, int) else s[k] for s in styles], h)
               for k, (row, h) in enumerate(zip(rows, heights))]
    assert many.add_rows(rows, styles, heights) == numbers
    assert many.rows == one.rows
    assert many.strings.index == one.strings.index and many.strings.count == one.strings.count


def test_xlsx_add_rows_falls_back_to_add_for_odd_rows():
    """Odd cells (a float, a bool, a datetime, a text past half Excel's limit) and rows past
    the sheet's last take add()'s path, with the same result."""
    rows = [(1.5, True, "x" * 40_000), (dt.datetime(2026, 1, 2, 3), None, "y"), ("a", "b", "c")]
    for max_rows in (3, 10):
        one = Sheet("S", Strings(), [10] * 3, max_rows=max_rows)
        many = Sheet("S", Strings(), [10] * 3, max_rows=max_rows)
        numbers = [one.add(list(row), 0, None) for row in rows]
        assert many.add_rows(rows, [0, 0, 0], [None] * 3) == numbers
        assert (many.rows, many.cut, many.dropped) == (one.rows, one.cut, one.dropped)
        assert many.strings.index == one.strings.index and many.strings.count == one.strings.count
