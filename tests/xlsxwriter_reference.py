"""The weekly workbook written with XlsxWriter: the reference our SpreadsheetML writer
(followup_xl/exports/xlsx) is compared with, part by part (tests/test_xlsx_parts.py), and
measured against (benchmarks/xlsx_writers.py). The same three sheets, values, column
widths, row heights, frozen header, AutoFilter, print titles, mailto links and formats.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

import xlsxwriter

from followup_xl import schema
from followup_xl.exports import FIELDS, groups, iso_week, mailto
from followup_xl.exports.xlsx.layout import _PROBLEM_COLUMNS, message_height
from followup_xl.exports.xlsx.limits import MAX_URL_CHARS


def write_reference(result, path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    wb.set_properties({"title": f"Follow-ups {iso_week(result.week_start)}", "author": "followup-xl"})
    header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                            "text_wrap": True, "valign": "vcenter"})
    group = wb.add_format({"bold": True, "font_size": 12, "bg_color": "#DDEBF7"})
    group_overdue = wb.add_format({"bold": True, "font_size": 12, "bg_color": "#F8D7DA"})
    top = wb.add_format({"valign": "top"})
    date = wb.add_format({"num_format": "ddd yyyy-mm-dd", "valign": "top"})
    wrap = wb.add_format({"valign": "top", "text_wrap": True})
    link = wb.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
    overdue = wb.add_format({"bold": True, "font_color": "#B22222", "valign": "top"})

    ws = wb.add_worksheet("Follow-ups")
    for c, f in enumerate(FIELDS):
        ws.set_column(c, c, f.width)
    ws.write_row(0, 0, [f.header for f in FIELDS], header)
    ws.freeze_panes(1, 0)
    styles = [date if f.kind == "date" else wrap if f.kind == "message" else top for f in FIELDS]
    email_col = next(k for k, f in enumerate(FIELDS) if f.kind == "email")
    state_col = next(k for k, f in enumerate(FIELDS) if f.key == "state")
    msg_width = next(f.width for f in FIELDS if f.kind == "message")
    values_of = attrgetter(*(f.key for f in FIELDS))
    r = 1
    for g in groups(result):
        ws.write_string(r, 0, g.title, group_overdue if g.day is None else group)
        for c in range(1, len(FIELDS)):
            ws.write_blank(r, c, None, group_overdue if g.day is None else group)
        r += 1
        for item in g.items:
            ws.set_row(r, message_height(item.message, msg_width))
            for c, value in enumerate(values_of(item)):
                style = overdue if c == state_col and item.state == schema.OVERDUE else styles[c]
                if value is None or value == "":
                    ws.write_blank(r, c, None, style)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), style)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, value, style)
                else:
                    ws.write_string(r, c, str(value), style)
            url = mailto(item) if item.contact_email else None
            if url and len(url) <= MAX_URL_CHARS:
                ws.write_url(r, email_col, url, link, string=item.contact_email)
            r += 1
    ws.autofilter(0, 0, max(r - 1, 1), len(FIELDS) - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)

    ps = wb.add_worksheet("Problems")
    for c, (h, w) in enumerate(_PROBLEM_COLUMNS):
        ps.set_column(c, c, w)
    ps.write_row(0, 0, [h for h, _ in _PROBLEM_COLUMNS], header)
    ps.freeze_panes(1, 0)
    for k, p in enumerate(result.problems, start=1):
        ps.write_row(k, 0, [p.tracker, p.row, p.column, str(p.to_json()["value"] or ""), p.severity,
                            p.message], wrap)
    ps.autofilter(0, 0, max(len(result.problems), 1), len(_PROBLEM_COLUMNS) - 1)
    ps.repeat_rows(0)

    ss = wb.add_worksheet("Summary")
    ss.write_string(0, 0, f"Follow-ups for the week of {result.week_start.isoformat()}")
    wb.close()
