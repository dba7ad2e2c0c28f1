"""Exports of the weekly list: xlsx, csv, md, html, ics, json (SPEC: "The weekly list").

render() turns a WeeklyResult into the bytes of one format; write() puts them on disk
whole or not at all (a temporary file in the target's folder, then os.replace), or on
stdout for "-". Text from a tracker is data, never code: typed string cells in xlsx,
OWASP-neutralised cells in csv, escaped markup in md and html.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import math
import numbers
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from collections.abc import Callable
from typing import Any

from . import __version__, schema
from .a1 import column_letter
from .errors import FollowupError, UsageError, quote
from .messages import WEEKDAYS, clean_text, natural_date, subject
from .model import COUNT_KEYS, Item, WeeklyResult

FORMATS = ("xlsx", "csv", "md", "html", "ics", "json")
STDOUT = "-"
STDOUT_DEFAULT_FORMAT = "md"  # `-o -` without --format: readable on a terminal

_EXTENSIONS = {"xlsx": "xlsx", "csv": "csv", "md": "md", "markdown": "md", "html": "html",
               "htm": "html", "ics": "ics", "ical": "ics", "json": "json"}


# ----------------------------------------------------------------------------- fields

@dataclass(frozen=True)
class Field:
    key: str  # Item attribute (the spec's JSON name)
    header: str
    width: float
    kind: str = "text"  # text | date | int | message | email


def _header(key: str, fallback: str) -> str:
    col = schema.COLUMN_BY_KEY.get(key)
    return col.header if col else fallback


def _width(key: str, fallback: float) -> float:
    col = schema.COLUMN_BY_KEY.get(key)
    return col.width if col else fallback


_KINDS = {"due_date": "date", "last_contact": "date", "days_overdue": "int",
          "followups_sent": "int", "row": "int", "message": "message", "contact_email": "email"}
_OWN = {"due_date": ("Due date", 16), "weekday": ("Weekday", 11), "state": ("State", 14),
        "tracker": ("Tracker", 24), "row": ("Row", 7), "message": ("Message draft", 70)}

# The spec's item fields, in its order, with the tracker template's headers where they exist.
FIELDS: tuple[Field, ...] = tuple(
    Field(key, _header(key, _OWN.get(key, (key,))[0]), _width(key, _OWN.get(key, ("", 14))[1]),
          _KINDS.get(key, "text"))
    for key in Item.__dataclass_fields__ if key != "your_name"  # JSON only; it names the groups
)

COUNT_LABELS = {
    "listed": ("Listed", "To contact this week: due by Sunday, overdue ones included."),
    "not_due": ("Not due", "Scheduled, next contact after this week."),
    "closed": (schema.CLOSED, "A closed status (Rejected, Withdrawn, Accepted, ...): no more follow-ups."),
    "not_applied": ("Not applied", "Not applied yet (Wishlist, Saved, ...): no follow-up before applying."),
    "needs_date": (schema.NEEDS_DATE, "No Last contact, Interview date or Applied date to count from."),
    "limit_reached": (schema.LIMIT_REACHED, "Follow-ups sent has reached MaxFollowups."),
    "problem": ("Problem", "A cell could not be understood: see the problems."),
    "skipped": ("Skipped", "Not an application: a row without a Company (a legend, a total, a note)."),
}


def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The export format: fmt when given, else from the file's extension ("-" -> md)."""
    if fmt:
        key = str(fmt).strip().lower().lstrip(".")
        if key in _EXTENSIONS:
            return _EXTENSIONS[key]
        raise UsageError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    text = os.fspath(path)
    if text == STDOUT:
        return STDOUT_DEFAULT_FORMAT
    ext = Path(text).suffix.lower().lstrip(".")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    raise UsageError(f"Cannot tell the format of {text!r} from its extension: name it "
                     f".xlsx, .csv, .md, .html, .ics or .json, or give --format.")


def default_name(result: WeeklyResult, fmt: str = "xlsx") -> str:
    """followups-YYYY-Www.<ext> for the ISO week of the result (SPEC: default OUT)."""
    return f"followups-{iso_week(result.week_start)}.{format_for('x', fmt)}"


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def long_date(day: dt.date) -> str:
    """ "Monday, November 30, 2026" (locale-independent)."""
    return f"{natural_date(day)}, {day.year}"


def short_date(day: dt.date) -> str:
    """ "Mon 2026-11-30": the weekday and an unambiguous date."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day.isoformat()}"


# ----------------------------------------------------------------------------- grouping

@dataclass
class Group:
    """A section of the list: the overdue items, or the items due on one day."""

    title: str
    day: dt.date | None  # None for the overdue group
    items: list[Item]


def groups(result: WeeklyResult) -> list[Group]:
    """Overdue first, then one group per day with items, in date order (item order kept)."""
    overdue = [i for i in result.items if i.state == schema.OVERDUE]
    out = [Group(f"Overdue — {_n_followups(len(overdue))}", None, overdue)] if overdue else []
    by_day: dict[dt.date, list[Item]] = {}
    for item in result.items:
        if item.state != schema.OVERDUE:
            by_day.setdefault(item.due_date, []).append(item)
    for day in sorted(by_day):
        title = long_date(day) + (" (today)" if day == result.as_of else "")
        out.append(Group(f"{title} — {_n_followups(len(by_day[day]))}", day, by_day[day]))
    return out


def _n_followups(n: int) -> str:
    return f"{n} follow-up{'s' if n != 1 else ''}"


def summary_line(result: WeeklyResult) -> str:
    """ "12 rows in 3 trackers: 5 listed, 4 not due, ..." — the counts in one sentence."""
    parts = [f"{result.counts[k]} {COUNT_LABELS[k][0].lower()}" for k in COUNT_KEYS if k != "problem"]
    bad = result.counts["problem"]
    parts.append(f"{bad} with {'a problem' if bad == 1 else 'problems'}")
    n = len(result.trackers)
    return (f"{result.total_rows} rows in {n} tracker{'s' if n != 1 else ''}: "
            + ", ".join(parts) + ".")


def state_text(item: Item) -> str:
    if item.state == schema.OVERDUE and item.days_overdue:
        return f"Overdue {item.days_overdue} day{'s' if item.days_overdue != 1 else ''}"
    return item.state


EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+$")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _pct_table(safe: str) -> list[str]:
    """A str.translate table for ASCII (a list is faster than a dict; other code points,
    past its end, are left alone)."""
    return [chr(c) if chr(c) in _UNRESERVED or chr(c) in safe else f"%{c:02X}" for c in range(128)]


_PCT_ANY, _PCT_ADDRESS = _pct_table(""), _pct_table("@!$*+")


def percent_encode(text: str, table: list[str] = _PCT_ANY) -> str:
    """RFC 3986 percent-encoding of UTF-8 (as urllib.parse.quote with safe="", much faster:
    one str.translate for ASCII; the rare non-ASCII runs encoded byte by byte)."""
    out = text.translate(table)
    if out.isascii():
        return out
    return _NON_ASCII.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), out)


def mailto(item: Item) -> str | None:
    """An RFC 6068 mailto: URL carrying the draft as subject and body (None: no valid address)."""
    address = (item.contact_email or "").strip()
    if not EMAIL_RE.match(address):
        return None
    subj = subject(item.company, item.role)
    # RFC 6068: line breaks as CRLF, %0D%0A. Encoded line by line and sentence by sentence
    # (the same as encoding the whole: it works character by character), as most sentences
    # of the drafts repeat (measured: faster than one translate of the whole draft).
    body = "%0D%0A".join(map(_percent_line, item.message.replace("\r\n", "\n").split("\n")))
    return f"mailto:{percent_encode(address, _PCT_ADDRESS)}?subject={percent_encode(subj)}&body={body}"


def _percent_line(line: str) -> str:
    return ".%20".join(map(_percent_piece, line.split(". ")))


@lru_cache(maxsize=2048)
def _percent_piece(text: str) -> str:
    return percent_encode(text)


# ----------------------------------------------------------------------------- json

def render_json(result: WeeklyResult) -> bytes:
    # (json's indented encoder is pure Python, but only ~0.06 s slower than the C one on
    # 9,400 items: not worth a hand-made encoder)
    return (json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- csv

CSV_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet reads as text (OWASP CSV injection advice).

    A text cell starting with = + - @ tab or carriage return gets a leading single quote;
    the writer also quotes every field and doubles embedded quotes.
    """
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(CSV_FORMULA_TRIGGERS):
        return "'" + value
    return value


def render_csv(result: WeeklyResult) -> bytes:
    """UTF-8 with BOM, CRLF, a header row: opens cleanly in Excel by double-click."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([f.header for f in FIELDS])
    for item in result.items:
        writer.writerow([csv_safe(getattr(item, f.key)) for f in FIELDS])
    return buf.getvalue().encode("utf-8-sig")


# ----------------------------------------------------------------------------- md

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&#!~])")


def md_escape(value: Any) -> str:
    """Markdown-inert text on one line (backslash-escaped punctuation, <br> for breaks)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _MD_SPECIAL.sub(r"\\\1", str(value).strip())
    return re.sub(r"\r\n|\r|\n", "<br>", text).replace("\t", " ")


_MD_COLUMNS = (("Due", lambda i: short_date(i.due_date)),
               ("State", state_text), ("Company", lambda i: i.company), ("Role", lambda i: i.role),
               ("Contact", lambda i: i.contact_name), ("Email", lambda i: i.contact_email),
               ("Phone", lambda i: i.contact_phone), ("Last contact", lambda i: i.last_contact),
               ("Status", lambda i: i.status), ("Tracker", lambda i: f"{i.tracker} row {i.row}"))


def _md_table(items: list[Item]) -> list[str]:
    lines = ["| " + " | ".join(h for h, _ in _MD_COLUMNS) + " |",
             "|" + "---|" * len(_MD_COLUMNS)]
    for item in items:
        lines.append("| " + " | ".join(md_escape(get(item)) for _, get in _MD_COLUMNS) + " |")
    return lines


def _md_drafts(items: list[Item]) -> list[str]:
    lines = ["", "Drafts:", ""]
    for item in items:
        who = " — ".join(md_escape(x) for x in (item.company, item.contact_name) if x)
        lines.append(f"**{who}** ({md_escape(item.tracker)} row {item.row})")
        lines.append("")
        lines.extend(("> " + md_escape(line)).rstrip() for line in item.message.split("\n"))
        lines.append("")
    return lines


def render_md(result: WeeklyResult) -> bytes:
    lines = [f"# Follow-ups for the week of {long_date(result.week_start)} "
             f"({iso_week(result.week_start)})", "",
             f"As of {long_date(result.as_of)}. {summary_line(result)}", ""]
    sections = groups(result)
    if not sections:
        lines += ["Nothing to follow up this week.", ""]
    for group in sections:
        lines += [f"## {md_escape(group.title)}", ""] + _md_table(group.items) + _md_drafts(group.items)
    if result.problems:
        lines += [f"## Problems ({len(result.problems)})", ""]
        for p in result.problems:
            value = "" if p.value is None else f" — value {md_escape(quote(p.to_json()['value']))}"
            lines.append(f"- **{p.severity}**: {md_escape(p.where)}{value}: "
                         f"{md_escape(p.message)}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


# ----------------------------------------------------------------------------- html

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:2em;}
h1{font-size:1.5em;margin:0 0 .2em} h2{font-size:1.2em;border-bottom:2px solid #3a6ea5;padding-bottom:.2em}
.meta{color:#555;margin:0 0 1.5em}
table{border-collapse:collapse;width:100%;margin:0 0 1em;font-size:.92em}
th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#eef3f9} tr.draft td{background:#fafafa;border-top:none}
.overdue h2{border-color:#b22222;color:#b22222}
pre.msg{white-space:pre-wrap;font-family:inherit;margin:0}
section.day{break-after:page;page-break-after:always}
section.day:last-of-type{break-after:auto;page-break-after:auto}
.problems li{margin:.2em 0} .warning{color:#8a6d00} .error{color:#b22222}
@media print{body{margin:0} a{color:inherit;text-decoration:none}}
""".strip()


def _h(value: Any) -> str:
    if value is None:
        return ""
    return html.escape(value.isoformat() if isinstance(value, dt.date) else str(value))


def _html_email(item: Item) -> str:
    link = mailto(item)
    if link is None:
        return _h(item.contact_email)
    return f'<a href="{html.escape(link)}">{_h(item.contact_email)}</a>'


def _html_group(group: Group) -> list[str]:
    cls = "day overdue" if group.day is None else "day"
    out = [f'<section class="{cls}">', f"<h2>{_h(group.title)}</h2>", "<table>",
           "<thead><tr><th>Due</th><th>State</th><th>Company</th><th>Role</th><th>Contact</th>"
           "<th>Email</th><th>Phone</th><th>Last contact</th><th>Status</th><th>Tracker</th>"
           "</tr></thead>", "<tbody>"]
    for i in group.items:
        out.append(
            f"<tr><td>{_h(short_date(i.due_date))}</td><td>{_h(state_text(i))}</td>"
            f"<td>{_h(i.company)}</td><td>{_h(i.role)}</td><td>{_h(i.contact_name)}</td>"
            f"<td>{_html_email(i)}</td><td>{_h(i.contact_phone)}</td><td>{_h(i.last_contact)}</td>"
            f"<td>{_h(i.status)}</td><td>{_h(i.tracker)} row {i.row}</td></tr>")
        out.append(f'<tr class="draft"><td colspan="10"><pre class="msg">{_h(i.message)}</pre></td></tr>')
    out += ["</tbody>", "</table>", "</section>"]
    return out


def render_html(result: WeeklyResult) -> bytes:
    """One self-contained page (inline CSS, no external resources), one printed page a day."""
    title = f"Follow-ups for the week of {long_date(result.week_start)} ({iso_week(result.week_start)})"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_h(title)}</title>", f"<style>\n{_CSS}\n</style>", "</head>", "<body>",
           f"<h1>{_h(title)}</h1>",
           f'<p class="meta">As of {_h(long_date(result.as_of))}. {_h(summary_line(result))}</p>']
    sections = groups(result)
    if not sections:
        out.append("<p>Nothing to follow up this week.</p>")
    for group in sections:
        out += _html_group(group)
    if result.problems:
        out += [f'<section class="problems"><h2>Problems ({len(result.problems)})</h2>', "<ul>"]
        for p in result.problems:
            value = "" if p.value is None else f" — value <code>{_h(quote(p.to_json()['value']))}</code>"
            out.append(f'<li><span class="{_h(p.severity)}">{_h(p.severity)}</span>: '
                       f"{_h(p.where)}{value}: {_h(p.message)}</li>")
        out += ["</ul>", "</section>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


# ----------------------------------------------------------------------------- ics

def event_uid(result: WeeklyResult, item: Item) -> str:
    """Stable across re-runs of the same week, so calendar apps update instead of duplicating."""
    key = "\x1f".join((result.week_start.isoformat(), item.tracker, str(item.row),
                       clean_text(item.company).casefold()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@followup-xl"


def _description(item: Item) -> str:
    lines = []
    for label, value in (("Contact", item.contact_name), ("Email", item.contact_email),
                         ("Phone", item.contact_phone), ("Role", item.role),
                         ("Status", item.status), ("Last contact", item.last_contact),
                         ("Follow-ups sent", item.followups_sent),
                         ("Decision expected", item.decision_expected)):
        if value not in (None, ""):
            text = value.isoformat() if isinstance(value, dt.date) else clean_text(value)
            lines.append(f"{label}: {text}")
    lines.append(f"Tracker: {item.tracker}, row {item.row}")
    return "\n".join(lines) + "\n\n" + item.message


def render_ics(result: WeeklyResult, now: dt.datetime | None = None) -> bytes:
    """An iCalendar (RFC 5545) file: one all-day event per follow-up."""
    from icalendar import Calendar, Event

    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", f"-//followup-xl//followup-xl {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Follow-ups {iso_week(result.week_start)}")
    for item in result.items:
        who = clean_text(item.contact_name)
        event = Event()
        event.add("uid", event_uid(result, item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + dt.timedelta(days=1))
        event.add("summary", f"Follow up: {clean_text(item.company)}" + (f" ({who})" if who else ""))
        event.add("description", _description(item))
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Follow-up"])
        cal.add_component(event)
    return cal.to_ical()


# ----------------------------------------------------------------------------- xlsx

# A direct SpreadsheetML writer: openpyxl needs ~50 µs a cell to save (no lxml here), which
# would make a 20,000-item week take longer than reading 100,000 rows; this writes the same
# parts Excel writes (shared strings, styles, frozen header, AutoFilter, print titles,
# hyperlinks) as plain strings. Every text cell is a shared string (t="s"): never a formula.

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument."
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (cellXfs indices) of the workbook; _XL_STYLES below defines them in this order.
S_TEXT, S_HEADER, S_GROUP, S_GROUP_OVERDUE, S_TOP, S_DATE, S_WRAP, S_LINK, S_OVERDUE, \
    S_LONG_DATE, S_BOLD, S_TITLE, S_ISO_DATE, S_ERROR = range(14)

_XL_STYLES = (
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="ddd yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="dddd, mmmm d, yyyy"/>'
    '<numFmt numFmtId="166" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="7">'
    '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="12"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFB22222"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="14"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '</fonts>'
    '<fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1F4E78"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF8D7DA"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="14">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # S_TEXT
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>'  # S_HEADER
    '<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'  # S_GROUP
    '<xf numFmtId="0" fontId="2" fillId="4" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'  # S_GROUP_OVERDUE
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'  # S_DATE
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # S_WRAP
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'  # S_LINK
    '<xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'  # S_OVERDUE
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment horizontal="left"/></xf>'  # S_LONG_DATE
    '<xf numFmtId="0" fontId="5" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # S_BOLD
    '<xf numFmtId="0" fontId="6" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # S_TITLE
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # S_ISO_DATE
    '<xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # S_ERROR
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
)

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XL_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_XL_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>\r]|_x")  # what xl_escape changes
_XL_NEEDS_ESCAPE_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>\r]")  # the same, "_x" aside
_XL_SI_BETWEEN = '</t></si><si><t xml:space="preserve">'
_EPOCH_1900 = dt.date(1899, 12, 30).toordinal()


def xl_escape(text: str) -> str:
    """Text for a SpreadsheetML string: XML-escaped, "_xHHHH_" kept literal (Excel would
    decode it), a carriage return as &#13; (a literal one becomes a line feed on reading),
    and the control characters XML cannot hold dropped."""
    text = _XML_ILLEGAL.sub("", text)
    if "_x" in text:
        text = _XL_ESCAPE_LIKE.sub(r"_x005F_\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


_LETTERS = tuple(column_letter(n) for n in range(1, 27))  # every sheet here has <= 26 columns
_STYLE_ATTRS = {k: (f' s="{k}"' if k else "") for k in range(S_ERROR + 1)}


def _xl_number(value: Any, strings: Callable[[str], int]) -> str:
    """The type attribute and value of a non-text cell (after `<c r=.. s=..`)."""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v>'
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f"><v>{day.toordinal() - _EPOCH_1900}</v>"
    if isinstance(value, numbers.Integral):
        return f"><v>{int(value)}</v>"
    if isinstance(value, numbers.Real) and math.isfinite(value):
        return f"><v>{float(value)!r}</v>"
    return f' t="s"><v>{strings(str(value))}</v>'  # NaN, an odd type: shown as its text


class _Strings:
    """The shared-string table: each distinct text stored once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def __call__(self, text: str) -> int:
        self.count += 1
        k = self.index.get(text)
        if k is None:
            k = self.index[text] = len(self.index)
        return k

    def xml(self) -> str:
        texts = list(self.index)
        joined = "".join(texts)  # a class alone is searched faster than with the "_x" branch
        if "_x" in joined or _XL_NEEDS_ESCAPE_CHAR.search(joined):  # else (usually) none needs escaping
            texts = [xl_escape(t) if _XL_NEEDS_ESCAPE.search(t) else t for t in texts]
        items = f'<si><t xml:space="preserve">{_XL_SI_BETWEEN.join(texts)}</t></si>' if texts else ""
        return (f'{_XML_DECL}<sst xmlns="{_NS_MAIN}" count="{self.count}" '
                f'uniqueCount="{len(self.index)}">{items}</sst>')


class _Sheet:
    """One worksheet built row by row; values: str (text), int/float, date, None."""

    def __init__(self, name: str, strings: _Strings, widths: list[float], *,
                 header: bool = True) -> None:
        self.name, self.strings, self.widths, self.header = name, strings, widths, header
        self.rows: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.ncols = len(widths)

    def add(self, values: list[Any], styles: list[int] | int = S_TEXT,
            height: float | None = None) -> int:
        """Append a row; returns its Excel row number. (Hot: 16 cells for each of thousands of
        items, so the common cell types are written inline, the others by _xl_number.)"""
        r = len(self.rows) + 1
        if isinstance(styles, int):
            styles = [styles] * len(values)
        cells = []
        append = cells.append
        strings = self.strings
        index = strings.index
        get = index.get
        style_attr = _STYLE_ATTRS.get
        texts = 0
        tail = f'{r}"'  # the row number, formatted once a row
        for letter, value, style in zip(_LETTERS, values, styles):
            s = style_attr(style)
            if s is None:
                s = f' s="{style}"' if style else ""
            kind = type(value)
            if kind is str and value:
                k = get(value)
                if k is None:
                    k = index[value] = len(index)
                texts += 1
                append(f'<c r="{letter}{tail}{s} t="s"><v>{k}</v></c>')
            elif value is None or value == "":
                if style:
                    append(f'<c r="{letter}{tail}{s}/>')
            elif kind is int:
                append(f'<c r="{letter}{tail}{s}><v>{value}</v></c>')
            elif kind is dt.date:
                append(f'<c r="{letter}{tail}{s}><v>{value.toordinal() - _EPOCH_1900}</v></c>')
            elif isinstance(value, str):
                append(f'<c r="{letter}{tail}{s} t="s"><v>{strings(value)}</v></c>')
            else:
                append(f'<c r="{letter}{tail}{s}{_xl_number(value, strings)}</c>')
        strings.count += texts
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        self.rows.append(f'<row r="{r}"{ht}>{"".join(cells)}</row>')
        return r

    def link(self, row: int, col: int, url: str) -> None:
        self.links.append((f"{column_letter(col)}{row}", url))

    @property
    def last_ref(self) -> str:
        return f"{column_letter(self.ncols)}{max(len(self.rows), 1)}"

    def xml(self, selected: bool) -> str:
        tab = ' tabSelected="1"' if selected else ""
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if self.header else ""
        cols = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                       for c, w in enumerate(self.widths, start=1))
        links = "".join(f'<hyperlink ref="{ref}" r:id="rId{k}"/>'
                        for k, (ref, _) in enumerate(self.links, start=1))
        return (f'{_XML_DECL}<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                f'<dimension ref="A1:{self.last_ref}"/>'
                f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
                f'<sheetData>{"".join(self.rows)}</sheetData>'
                + (f'<autoFilter ref="A1:{self.last_ref}"/>' if self.header else "")
                + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
                + '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                '<pageSetup orientation="landscape" fitToHeight="0"/></worksheet>')

    def rels(self) -> str | None:
        if not self.links:
            return None
        rel = "".join(f'<Relationship Id="rId{k}" Type="{_NS_REL}/hyperlink" '
                      f'Target="{html.escape(url)}" TargetMode="External"/>'
                      for k, (_, url) in enumerate(self.links, start=1))
        return f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">{rel}</Relationships>'


def _xl_message_height(text: str, width: float) -> float:
    """A row height that shows the whole wrapped draft (Excel does not autofit on open)."""
    per_line = max(int(width * 1.1), 20)
    parts = text.split("\n")  # a part of n > 0 characters takes (n - 1) // per_line + 1 lines, a blank one 1
    lines = len(parts) + sum([(n - 1) // per_line for n in map(len, parts) if n > per_line])
    return min(15.0 * lines, 409.0)


def _xl_list_sheet(sheet: _Sheet, result: WeeklyResult) -> None:
    """The Follow-ups sheet: a heading row per day (overdue first), then its items."""
    sheet.add([f.header for f in FIELDS], S_HEADER)
    ncols = len(FIELDS)
    styles = [S_DATE if f.kind == "date" else S_WRAP if f.kind == "message" else S_TOP
              for f in FIELDS]
    email_col = next(k for k, f in enumerate(FIELDS) if f.kind == "email")
    state_col = next(k for k, f in enumerate(FIELDS) if f.key == "state")
    msg_width = next(f.width for f in FIELDS if f.kind == "message")
    values_of = attrgetter(*(f.key for f in FIELDS))
    for group in groups(result):
        fill = S_GROUP_OVERDUE if group.day is None else S_GROUP
        sheet.add([group.title] + [None] * (ncols - 1), fill)
        for item in group.items:
            row_styles = list(styles)
            link = mailto(item) if item.contact_email else None
            # Excel's limits: about 2,080 characters a link, 65,530 links a sheet
            if link and len(link) < 2000 and len(sheet.links) < 65000:
                row_styles[email_col] = S_LINK
            if item.state == schema.OVERDUE:
                row_styles[state_col] = S_OVERDUE
            values = values_of(item)
            r = sheet.add(values, row_styles, _xl_message_height(item.message, msg_width))
            if row_styles[email_col] == S_LINK:
                sheet.link(r, email_col + 1, link)
    if len(sheet.rows) == 1:
        sheet.add(["Nothing to follow up this week."])


_PROBLEM_COLUMNS = (("Tracker", 24), ("Row", 7), ("Column", 18), ("Value", 24),
                    ("Severity", 10), ("Message", 80))


def _xl_problems_sheet(sheet: _Sheet, result: WeeklyResult) -> None:
    sheet.add([h for h, _ in _PROBLEM_COLUMNS], S_HEADER)
    for p in result.problems:
        value = p.value
        if not isinstance(value, (str, int, float, dt.date)) or isinstance(value, bool):
            value = p.to_json()["value"]
        styles = [S_WRAP, S_WRAP, S_WRAP, S_ISO_DATE if isinstance(value, dt.date) else S_WRAP,
                  S_ERROR if p.severity == "error" else S_WRAP, S_WRAP]
        sheet.add([p.tracker, p.row, p.column, value, p.severity, p.message], styles)
    if not result.problems:
        sheet.add(["No problems: every row could be read."])


def _xl_summary_sheet(sheet: _Sheet, result: WeeklyResult) -> None:
    sheet.add([f"Follow-ups for the week of {long_date(result.week_start)}"], S_TITLE)
    sheet.add([])
    facts = (("ISO week", iso_week(result.week_start)), ("Week start (Monday)", result.week_start),
             ("Week end (Sunday)", result.week_end), ("As of", result.as_of),
             ("Trackers read", len(result.trackers)), ("Made by", f"followup-xl {__version__}"))
    for label, value in facts:
        sheet.add([label, value], [S_BOLD, S_LONG_DATE if isinstance(value, dt.date) else S_TEXT])
    sheet.add([])
    sheet.add(["Outcome", "Rows", None, "Meaning"], S_BOLD)
    for key in COUNT_KEYS:
        label, meaning = COUNT_LABELS[key]
        sheet.add([label, result.counts[key], None, meaning])
    sheet.add(["Rows read (total)", result.total_rows, None,
               "Every non-blank data row is counted exactly once above."],
              [S_BOLD, S_BOLD, S_TEXT, S_TEXT])
    sheet.add([])
    sheet.add(["Tracker", "Listed", "Errors", "Warnings", "File"], S_BOLD)
    listed = Counter(i.tracker for i in result.items)  # counted once, not once per tracker
    errors = Counter(p.tracker for p in result.problems if p.severity == "error")
    warnings = Counter(p.tracker for p in result.problems if p.severity != "error")
    for name, path in tracker_names(result).items():
        sheet.add([name, listed[name], errors[name], warnings[name], path or "(could not be read)"])


def tracker_names(result: WeeklyResult) -> dict[str, str]:
    """Display name -> file, as items and problems name trackers (the file name, unless two
    trackers share it), plus files that only appear in problems (unreadable ones)."""
    paths = list(dict.fromkeys(result.trackers))
    seen: dict[str, int] = {}
    names = {p: Path(p).name for p in paths}
    for path in paths:
        seen[names[path]] = seen.get(names[path], 0) + 1
    out = {(names[p] if seen[names[p]] == 1 else p): p for p in paths}
    for name in [*(i.tracker for i in result.items), *(p.tracker for p in result.problems)]:
        out.setdefault(name, "")
    return out


def _xl_workbook(sheets: list[_Sheet]) -> str:
    entries = "".join(f'<sheet name="{html.escape(s.name)}" sheetId="{k}" r:id="rId{k}"/>'
                      for k, s in enumerate(sheets, start=1))
    names = []
    for k, s in enumerate(sheets):
        if s.header:
            last = s.last_ref
            col = re.match(r"[A-Z]+", last).group(0)
            row = last[len(col):]
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                         f"'{s.name}'!$A$1:${col}${row}</definedName>")
            names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{k}">'
                         f"'{s.name}'!$1:$1</definedName>")
    return (f'{_XML_DECL}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
            '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets>{entries}</sheets><definedNames>{"".join(names)}</definedNames>'
            '<calcPr calcId="191029"/></workbook>')


def _xl_package(sheets: list[_Sheet], strings: _Strings, title: str) -> bytes:
    import zipfile

    n = len(sheets)
    sheet_ct = "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" '
                       f'ContentType="{_CT}spreadsheetml.worksheet+xml"/>' for k in range(1, n + 1))
    parts = {
        "[Content_Types].xml": (
            f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}spreadsheetml.sheet.main+xml"/>'
            f'{sheet_ct}'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{_CT}extended-properties+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>'),
        "docProps/core.xml": (
            f'{_XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{xl_escape(title)}</dc:title><dc:creator>followup-xl</dc:creator>'
            '</cp:coreProperties>'),
        "docProps/app.xml": (
            f'{_XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Application>followup-xl {__version__}</Application></Properties>'),
        "xl/workbook.xml": _xl_workbook(sheets),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{k}" Type="{_NS_REL}/worksheet" '
                      f'Target="worksheets/sheet{k}.xml"/>' for k in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_NS_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>'),
        "xl/styles.xml": f'{_XML_DECL}<styleSheet xmlns="{_NS_MAIN}">{_XL_STYLES}</styleSheet>',
    }
    for k, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{k}.xml"] = sheet.xml(selected=k == 1)
        rels = sheet.rels()
        if rels:
            parts[f"xl/worksheets/_rels/sheet{k}.xml.rels"] = rels
    parts["xl/sharedStrings.xml"] = strings.xml()  # last: the sheets fill the table
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text.encode("utf-8"),
                        compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return buf.getvalue()


def render_xlsx(result: WeeklyResult) -> bytes:
    """A formatted workbook: Follow-ups (grouped by day, overdue first), Problems, Summary."""
    strings = _Strings()
    follow = _Sheet("Follow-ups", strings, [f.width for f in FIELDS])
    problems = _Sheet("Problems", strings, [w for _, w in _PROBLEM_COLUMNS])
    summary = _Sheet("Summary", strings, [26, 24, 12, 64, 40], header=False)
    _xl_list_sheet(follow, result)
    _xl_problems_sheet(problems, result)
    _xl_summary_sheet(summary, result)
    return _xl_package([follow, problems, summary], strings,
                       f"Follow-ups {iso_week(result.week_start)}")


# ----------------------------------------------------------------------------- render/write

RENDERERS: dict[str, Callable[[WeeklyResult], bytes]] = {
    "xlsx": render_xlsx, "csv": render_csv, "md": render_md, "html": render_html,
    "ics": render_ics, "json": render_json,
}


def render(result: WeeklyResult, fmt: str) -> bytes:
    """The bytes of one export format."""
    return RENDERERS[format_for("", fmt)](result)


def write(result: WeeklyResult, out_path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write the export whole or not at all; "-" writes to stdout. Returns the path written."""
    fmt = format_for(out_path, fmt)
    data = render(result, fmt)
    if os.fspath(out_path) == STDOUT:
        write_stdout(data, fmt)
        return Path(STDOUT)
    return write_bytes_atomic(Path(out_path), data)


def write_stdout(data: bytes, fmt: str) -> None:
    """The bytes to stdout; a workbook is not sent to a terminal; a closed pipe (| head) is fine."""
    if fmt == "xlsx" and sys.stdout.isatty():
        raise UsageError("An xlsx workbook cannot be shown on the terminal: redirect it "
                         "(-o - > week.xlsx), write a file with -o week.xlsx, or use --format md.")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # the reader stopped early: not an error; silence the exit flush
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def write_bytes_atomic(target: Path, data: bytes) -> Path:
    """A temporary file in the target's folder, then os.replace: never a half-written file."""
    _check_target(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise FollowupError(f"Cannot write {target}: {_why(exc, target.parent)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; keep the usual permissions
        os.replace(tmp, target)
    except BaseException as exc:
        _remove_quietly(tmp)
        if isinstance(exc, OSError):
            raise FollowupError(f"Cannot write {target}: {_why(exc, target)}") from None
        raise
    return target


def _file_mode(target: Path) -> int:
    """The replaced file's permissions, or what a new file gets (0666 less the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise FollowupError(f"Cannot write {target}: it is a folder; give a file name, "
                            f"e.g. {target / 'week.xlsx'}.")
    if not target.parent.is_dir():
        raise FollowupError(f"Cannot write {target}: the folder {target.parent} does not exist; "
                            "create it or choose another output path.")
    lock = target.with_name("~$" + target.name)
    if lock.exists():
        raise FollowupError(f"Cannot write {target}: it is open in Excel (lock file {lock.name}); "
                            "close it and run again, or choose another output path.")


def _why(exc: OSError, where: Path) -> str:
    if isinstance(exc, PermissionError):
        return (f"permission denied ({where} is read-only, or the file is open in another "
                "program); close it or choose another output path.")
    if isinstance(exc, FileNotFoundError):
        return f"{where} does not exist; create it or choose another output path."
    reason = exc.strerror or type(exc).__name__
    return f"{reason.rstrip('.').lower()}; free some space or choose another output path."


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

