"""What the weekly workbook shows: the Follow-ups, Problems and Summary sheets."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from operator import attrgetter

from ... import __version__, schema
from ...model import COUNT_KEYS, WeeklyResult
from ..fields import FIELDS, count_label
from ..mailto import mailtos
from ..sections import clients, groups, iso_week, long_date, tracker_names
from .limits import MAX_CELL_CHARS, MAX_LINKS, MAX_ROW_HEIGHT, MAX_URL_CHARS
from .package import package
from .sheet import Sheet
from .strings import Strings
from .styles import (S_BOLD, S_CLIENT, S_DATE, S_ERROR, S_GROUP, S_GROUP_OVERDUE, S_HEADER, S_ISO_DATE,
                     S_LINK, S_LONG_DATE, S_OVERDUE, S_TEXT, S_TITLE, S_TOP, S_WRAP)


def message_height(text: str, width: float) -> float:
    """A row height that shows the whole wrapped draft (Excel does not autofit on open)."""
    per_line = max(int(width * 1.1), 20)
    parts = text.split("\n")  # a part of n > 0 characters takes (n - 1) // per_line + 1 lines, a blank one 1
    lines = len(parts) + sum([(n - 1) // per_line for n in map(len, parts) if n > per_line])
    return min(15.0 * lines, MAX_ROW_HEIGHT)


def _xl_list_sheet(sheet: Sheet, result: WeeklyResult, group_by: str | None = None) -> None:
    """The Follow-ups sheet: a heading row per day (overdue first), then its items; with
    group_by="tracker", a heading row per client first, then its days."""
    sheet.add([f.header for f in FIELDS], S_HEADER)
    ncols = len(FIELDS)
    styles = [S_DATE if f.kind == "date" else S_WRAP if f.kind == "message" else S_TOP
              for f in FIELDS]
    email_col = next(k for k, f in enumerate(FIELDS) if f.kind == "email")
    state_col = next(k for k, f in enumerate(FIELDS) if f.key == "state")
    msg_width = next(f.width for f in FIELDS if f.kind == "message")
    values_of = attrgetter(*(f.key for f in FIELDS))
    if group_by:
        sections = []
        for client in clients(result):
            sections.append((client.title, None))
            sections += [(None, group) for group in groups(result, client.items)]
    else:
        sections = [(None, group) for group in groups(result)]
    for client_title, group in sections:
        if client_title is not None:
            sheet.add([client_title] + [None] * (ncols - 1), S_CLIENT)
            continue
        fill = S_GROUP_OVERDUE if group.day is None else S_GROUP
        sheet.add([group.title] + [None] * (ncols - 1), fill)
        items = group.items
        links = mailtos(items)
        # Excel's limits on links (limits.py), as can_link would answer before each row is
        # added and its link made (a link counts once its row is kept).
        made, room = len(sheet.links), sheet.max_rows - len(sheet.rows) - 1
        email_styles = []
        for k, link in enumerate(links):
            if link and len(link) <= MAX_URL_CHARS and made < MAX_LINKS:
                email_styles.append(S_LINK)
                made += k < room
            else:
                email_styles.append(styles[email_col])
        row_styles: list = list(styles)
        row_styles[email_col] = email_styles
        row_styles[state_col] = [S_OVERDUE if item.state == schema.OVERDUE else styles[state_col]
                                 for item in items]
        numbers = sheet.add_rows(list(map(values_of, items)), row_styles,
                                 [message_height(item.message, msg_width) for item in items])
        for r, link, style in zip(numbers, links, email_styles):
            if style == S_LINK:
                sheet.link(r, email_col + 1, link)
    if len(sheet.rows) == 1:
        sheet.add(["Nothing to follow up this week."])


_PROBLEM_COLUMNS = (("Tracker", 24), ("Row", 7), ("Column", 18), ("Value", 24),
                    ("Severity", 10), ("Message", 80))


def _xl_problems_sheet(sheet: Sheet, result: WeeklyResult, cut_from: list[Sheet]) -> None:
    """The problems of the run, then a warning for each text the other sheets cut to
    Excel's cell limit (and, last, for this sheet's own)."""
    sheet.add([h for h, _ in _PROBLEM_COLUMNS], S_HEADER)
    for p in result.problems:
        value = p.value
        if not isinstance(value, (str, int, float, dt.date)) or isinstance(value, bool):
            value = p.to_json()["value"]
        styles = [S_WRAP, S_WRAP, S_WRAP, S_ISO_DATE if isinstance(value, dt.date) else S_WRAP,
                  S_ERROR if p.severity == "error" else S_WRAP, S_WRAP]
        sheet.add([p.tracker, p.row, p.column, value, p.severity, p.message], styles)
    cuts = [(s.name, ref, n) for s in cut_from for ref, n in s.cut]
    if not result.problems and not cuts:
        sheet.add(["No problems: every row could be read."])
    _cut_warnings(sheet, cuts)
    _cut_warnings(sheet, [(sheet.name, ref, n) for ref, n in sheet.cut])


def _cut_warnings(sheet: Sheet, cuts: list[tuple[str, str, int]]) -> None:
    for name, ref, n in cuts:
        sheet.add(["(this workbook)", None, f"{name}!{ref}", None, "warning",
                   f"The text of {name}!{ref} has {n:,} characters, more than the "
                   f"{MAX_CELL_CHARS:,} an Excel cell holds: the cell shows its beginning and a "
                   "note; the csv and json exports hold it whole."], S_WRAP)


def _xl_summary_sheet(sheet: Sheet, result: WeeklyResult) -> None:
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
        label, meaning = count_label(key)
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


def render_xlsx(result: WeeklyResult, group_by: str | None = None) -> bytes:
    """A formatted workbook: Follow-ups (grouped by day, overdue first; by client first with
    group_by="tracker"), Problems, Summary."""
    strings = Strings()
    follow = Sheet("Follow-ups", strings, [f.width for f in FIELDS])
    problems = Sheet("Problems", strings, [w for _, w in _PROBLEM_COLUMNS])
    summary = Sheet("Summary", strings, [26, 24, 12, 64, 40], header=False)
    _xl_list_sheet(follow, result, group_by)
    _xl_summary_sheet(summary, result)
    _xl_problems_sheet(problems, result, [follow, summary])
    return package([follow, problems, summary], strings, f"Follow-ups {iso_week(result.week_start)}")

