"""Trackers saved by LibreOffice, not by openpyxl: every other input of the suite is written
by openpyxl, and a real user's file comes from a spreadsheet app. Each tracker is made
here with openpyxl, then opened and saved again by LibreOffice (soffice --convert-to xlsx),
which rewrites every part its own way (shared strings, styles, its own XML for merged
cells, hidden rows and tables), and read back: the answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table, TableStyleInfo

from followup_xl.weekly import build_weekly

D = dt.date
AS_OF = D(2026, 11, 30)  # a Monday (US: Thanksgiving was Thursday the 26th)


def _merged_hidden(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Job search 2026"])
    ws.merge_cells("A1:F1")  # a title across the table
    ws.append(["Company", "Contact name", "Last contact", "Status", "Notes"])
    ws.merge_cells("E2:F2")  # a header over two columns
    ws.append(["Acme", "Dana Smith", D(2026, 11, 23), "Waiting", "sent CV", "x"])
    ws.append(["Globex", "Lee Park", D(2026, 11, 25), "Interviewing"])
    ws.row_dimensions[4].hidden = True  # hidden, but an application all the same
    ws.append(["Initech", "Sam Roe", D(2026, 11, 10), "Rejected"])
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=3):
        row[0].number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def _table(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Company", "Contact name", "Last contact", "Status"])
    ws.append(["Hooli", "Gavin B", D(2026, 11, 24), "Applied"])
    ws.append(["Pied Piper", "Richard H", D(2026, 11, 16), "Waiting"])
    ws.append(["Umbrella", "Alice A", D(2026, 11, 20), "Offer"])
    table = Table(displayName="Applications", ref="A1:D4")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    ws.add_table(table)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    from libreoffice import convert

    src = tmp_path_factory.mktemp("made")
    out = tmp_path_factory.mktemp("saved")
    paths = convert([_merged_hidden(src / "merged.xlsx"), _table(src / "table.xlsx")], out, "xlsx")
    return {p.stem: p for p in paths}


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml")}


def test_the_files_are_libreoffices_own(saved):
    merged, table = _parts(saved["merged"]), _parts(saved["table"])
    assert "LibreOffice" in merged["docProps/app.xml"] and "LibreOffice" in table["docProps/app.xml"]
    sheet = merged["xl/worksheets/sheet1.xml"]
    assert '<mergeCell ref="A1:F1"/>' in sheet and '<mergeCell ref="E2:F2"/>' in sheet
    assert 'hidden="true"' in sheet or 'hidden="1"' in sheet
    assert any(n.startswith("xl/tables/") for n in table)


def test_merged_title_and_header_cells_and_a_hidden_row(saved):
    result = build_weekly([saved["merged"]], as_of=AS_OF)
    got = [(i.row, i.company, i.due_date, i.state, i.days_overdue) for i in result.items]
    assert got == [(3, "Acme", D(2026, 11, 30), "Due today", 0),  # 23 Nov + 7
                   (4, "Globex", D(2026, 12, 2), "Due this week", 0)]  # the hidden row
    assert result.counts["closed"] == 1 and result.total_rows == 3
    assert not [p for p in result.problems if p.severity == "error"], result.problems


def test_an_excel_table_saved_by_libreoffice(saved):
    result = build_weekly([saved["table"]], as_of=AS_OF)
    got = [(i.row, i.company, i.due_date, i.state, i.days_overdue) for i in result.items]
    assert got == [(3, "Pied Piper", D(2026, 11, 23), "Overdue", 7),  # 16 Nov + 7, a Monday
                   (4, "Umbrella", D(2026, 11, 27), "Overdue", 3),  # 20 Nov + 7, the Friday after Thanksgiving
                   (2, "Hooli", D(2026, 12, 1), "Due this week", 0)]
    assert result.total_rows == 3 and not [p for p in result.problems if p.severity == "error"]
