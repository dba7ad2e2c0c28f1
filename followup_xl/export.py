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
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import Any
from urllib.parse import quote as url_quote

from . import __version__, schema
from .errors import FollowupError, UsageError, quote
from .messages import WEEKDAYS, clean_text, natural_date, subject
from .weekly import COUNT_KEYS, Item, Problem, WeeklyResult

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
    for key in Item.__dataclass_fields__
)

COUNT_LABELS = {
    "listed": ("Listed", "To contact this week: due by Sunday, overdue ones included."),
    "not_due": ("Not due", "Scheduled, next contact after this week."),
    "closed": ("Closed", "Status Accepted, Rejected or Withdrawn: no more follow-ups."),
    "needs_date": ("Needs date", "No Last contact and no Interview date to count from."),
    "limit_reached": ("Limit reached", "Follow-ups sent has reached MaxFollowups."),
    "problem": ("Problem", "A cell could not be understood: see the problems."),
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
    parts = [f"{result.counts[k]} {COUNT_LABELS[k][0].lower()}" for k in COUNT_KEYS[:-1]]
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


def mailto(item: Item) -> str | None:
    """An RFC 6068 mailto: URL carrying the draft as subject and body (None: no valid address)."""
    address = (item.contact_email or "").strip()
    if not EMAIL_RE.match(address):
        return None
    subj = subject(item.company, item.role)
    body = item.message.replace("\r\n", "\n").replace("\n", "\r\n")  # RFC 6068: CRLF as %0D%0A
    return (f"mailto:{url_quote(address, safe='@!$*+')}?subject={url_quote(subj, safe='')}"
            f"&body={url_quote(body, safe='')}")


# ----------------------------------------------------------------------------- json

def render_json(result: WeeklyResult) -> bytes:
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


def _problem_where(p: Problem) -> str:
    where = p.tracker + (f" row {p.row}" if p.row is not None else "")
    return where + (f", {p.column}" if p.column else "")


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
            lines.append(f"- **{p.severity}**: {md_escape(_problem_where(p))}{value}: "
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
                       f"{_h(_problem_where(p))}{value}: {_h(p.message)}</li>")
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

_XL_HEADER_FILL = "1F4E78"
_XL_GROUP_FILL = "DDEBF7"
_XL_OVERDUE_FILL = "F8D7DA"
_XL_DATE_FORMAT = "ddd yyyy-mm-dd"
_XL_LONG_DATE = "dddd, mmmm d, yyyy"


def _xl_text(value: str) -> str:
    """Drop the control characters XML cannot hold (openpyxl would refuse the whole file)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _xl_put(ws: Any, row: int, col: int, value: Any, number_format: str | None = None) -> Any:
    """Set a cell; a string is always a typed string cell, never a formula."""
    if isinstance(value, str):
        cell = ws.cell(row=row, column=col, value=_xl_text(value))
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a live formula
    else:
        cell = ws.cell(row=row, column=col, value=value)
        if number_format and isinstance(value, dt.date):
            cell.number_format = number_format
    return cell


def _xl_header(ws: Any, headers: list[str], widths: list[float]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor=_XL_HEADER_FILL)
    for col, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = _xl_put(ws, 1, col, text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"


def _xl_finish(ws: Any, ncols: int) -> None:
    from openpyxl.utils import get_column_letter

    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(ws.max_row, 2)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _xl_message_height(text: str, width: float) -> float:
    """A row height that shows the whole wrapped draft (Excel does not autofit on open)."""
    per_line = max(int(width * 1.1), 20)
    lines = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
    return min(15.0 * lines, 409.0)


def _xl_list_sheet(ws: Any, result: WeeklyResult) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    _xl_header(ws, [f.header for f in FIELDS], [f.width for f in FIELDS])
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    msg_width = next(f.width for f in FIELDS if f.kind == "message")
    row = 2
    for group in groups(result):
        fill = PatternFill("solid", fgColor=_XL_OVERDUE_FILL if group.day is None else _XL_GROUP_FILL)
        for col in range(1, len(FIELDS) + 1):
            ws.cell(row=row, column=col).fill = fill
        heading = _xl_put(ws, row, 1, group.title)
        heading.font = Font(bold=True, size=12)
        row += 1
        for item in group.items:
            _xl_item_row(ws, row, item, top, wrap)
            ws.row_dimensions[row].height = _xl_message_height(item.message, msg_width)
            row += 1
    if row == 2:
        _xl_put(ws, 2, 1, "Nothing to follow up this week.")
    _xl_finish(ws, len(FIELDS))


def _xl_item_row(ws: Any, row: int, item: Item, top: Any, wrap: Any) -> None:
    from openpyxl.styles import Font

    for col, f in enumerate(FIELDS, start=1):
        value = getattr(item, f.key)
        cell = _xl_put(ws, row, col, value, _XL_DATE_FORMAT if f.kind == "date" else None)
        cell.alignment = wrap if f.kind == "message" else top
        if f.kind == "email" and value and (link := mailto(item)) and len(link) < 2000:
            cell.hyperlink = link  # Excel's limit for a cell link is about 2,080 characters
            cell.font = Font(color="0563C1", underline="single")
        if f.key == "state" and item.state == schema.OVERDUE:
            cell.font = Font(bold=True, color="B22222")


_PROBLEM_COLUMNS = (("Tracker", 24), ("Row", 7), ("Column", 18), ("Value", 24),
                    ("Severity", 10), ("Message", 80))


def _xl_problems_sheet(ws: Any, result: WeeklyResult) -> None:
    from openpyxl.styles import Alignment, Font

    _xl_header(ws, [h for h, _ in _PROBLEM_COLUMNS], [w for _, w in _PROBLEM_COLUMNS])
    wrap = Alignment(vertical="top", wrap_text=True)
    for row, p in enumerate(result.problems, start=2):
        value = p.value
        if not isinstance(value, (str, int, float, dt.date)) or isinstance(value, bool):
            value = p.to_json()["value"]
        values = (p.tracker, p.row, p.column, value, p.severity, p.message)
        for col, v in enumerate(values, start=1):
            cell = _xl_put(ws, row, col, v, "yyyy-mm-dd" if isinstance(v, dt.date) else None)
            cell.alignment = wrap
        if p.severity == "error":
            ws.cell(row=row, column=5).font = Font(bold=True, color="B22222")
    if not result.problems:
        _xl_put(ws, 2, 1, "No problems: every row could be read.")
    _xl_finish(ws, len(_PROBLEM_COLUMNS))


def _xl_summary_sheet(ws: Any, result: WeeklyResult) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 12
    ws.column_dimensions["D"].width = 64
    ws.column_dimensions["E"].width = 40
    _xl_put(ws, 1, 1, f"Follow-ups for the week of {long_date(result.week_start)}").font = Font(
        bold=True, size=14)
    facts = (("ISO week", iso_week(result.week_start)), ("Week start (Monday)", result.week_start),
             ("Week end (Sunday)", result.week_end), ("As of", result.as_of),
             ("Trackers read", len(result.trackers)), ("Made by", f"followup-xl {__version__}"))
    row = 3
    for label, value in facts:
        _xl_put(ws, row, 1, label).font = bold
        _xl_put(ws, row, 2, value, _XL_LONG_DATE)
        row += 1
    row += 1
    for col, text in enumerate(("Outcome", "Rows", "", "Meaning"), start=1):
        _xl_put(ws, row, col, text).font = bold
    for key in COUNT_KEYS:
        row += 1
        label, meaning = COUNT_LABELS[key]
        _xl_put(ws, row, 1, label)
        _xl_put(ws, row, 2, result.counts[key])
        _xl_put(ws, row, 4, meaning)
    row += 1
    _xl_put(ws, row, 1, "Rows read (total)").font = bold
    _xl_put(ws, row, 2, result.total_rows).font = bold
    _xl_put(ws, row, 4, "Every non-blank data row is counted exactly once above.")
    row += 2
    _xl_tracker_table(ws, row, result)


def tracker_names(result: WeeklyResult) -> dict[str, str]:
    """Display name -> file, as items and problems name trackers (the file name, unless two
    trackers share it), plus files that only appear in problems (unreadable ones)."""
    paths = list(dict.fromkeys(result.trackers))
    seen: dict[str, int] = {}
    for path in paths:
        seen[Path(path).name] = seen.get(Path(path).name, 0) + 1
    out = {(Path(p).name if seen[Path(p).name] == 1 else p): p for p in paths}
    for name in [*(i.tracker for i in result.items), *(p.tracker for p in result.problems)]:
        out.setdefault(name, "")
    return out


def _xl_tracker_table(ws: Any, row: int, result: WeeklyResult) -> None:
    from openpyxl.styles import Font

    for col, text in enumerate(("Tracker", "Listed", "Errors", "Warnings", "File"), start=1):
        _xl_put(ws, row, col, text).font = Font(bold=True)
    for name, path in tracker_names(result).items():
        row += 1
        errors = [p for p in result.problems if p.tracker == name]
        values = (name, sum(1 for i in result.items if i.tracker == name),
                  sum(1 for p in errors if p.severity == "error"),
                  sum(1 for p in errors if p.severity != "error"), path or "(could not be read)")
        for col, value in enumerate(values, start=1):
            _xl_put(ws, row, col, value)


def render_xlsx(result: WeeklyResult) -> bytes:
    """A formatted workbook: Follow-ups (grouped by day, overdue first), Problems, Summary."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Follow-ups"
    _xl_list_sheet(ws, result)
    _xl_problems_sheet(wb.create_sheet("Problems"), result)
    _xl_summary_sheet(wb.create_sheet("Summary"), result)
    wb.properties.title = f"Follow-ups {iso_week(result.week_start)}"
    wb.properties.creator = "followup-xl"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return Path(STDOUT)
    return write_bytes_atomic(Path(out_path), data)


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
        os.replace(tmp, target)
    except BaseException as exc:
        _remove_quietly(tmp)
        if isinstance(exc, OSError):
            raise FollowupError(f"Cannot write {target}: {_why(exc, target)}") from None
        raise
    return target


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

