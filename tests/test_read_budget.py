"""All the sheets one read parses hold at most MAX_READ_CELLS cells (reader/book.py).

The safety check caps each sheet's span; choosing the sheet of a workbook without a Tracker
sheet parses every sheet, so a workbook of many sheets, each under the cap, would take
gigabytes. It is refused in one sentence instead, and a folder run goes on without it."""

from __future__ import annotations

import datetime as dt
import resource
from pathlib import Path

import openpyxl
import pytest
from test_hostile import good_tracker, run_cli

from followup_xl.errors import TrackerError
from followup_xl.reader import book as book_module
from followup_xl.tracker import read_tracker
from followup_xl.weekly import build_weekly

AS_OF = dt.date(2026, 11, 25)


def wide_sheets(path, count: int, last: str) -> object:
    """A workbook of `count` sheets named by month (none is Tracker), each with a cell at A1
    and one at `last`: each sheet spans A1:last when parsed."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k in range(count):
        ws = wb.create_sheet(["Jan", "Feb", "Mar", "Apr", "May", "Jun"][k])
        ws["A1"] = "Company"
        ws["B1"] = "Date applied"
        ws[last] = "end"
    wb.save(path)
    return path


def test_many_sheets_each_under_the_cap_are_refused_together(tmp_path):
    # four sheets of 26 x 120,000 cells: 3.1 million each (the cap per sheet is 10 million)
    path = wide_sheets(tmp_path / "months.xlsx", 4, "Z120000")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TrackerError) as refused:
        read_tracker(path)
    message = str(refused.value)
    assert "months.xlsx holds more than 10,000,000 cells across its sheets" in message
    assert "'Apr'" in message and "\n" not in message
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 400  # the grids of four sheets at most, not of every sheet


def test_the_command_refuses_it_in_one_sentence(tmp_path):
    wide_sheets(tmp_path / "months.xlsx", 4, "Z120000")
    run = run_cli("check", "months.xlsx", cwd=tmp_path)
    # one sentence, exit 1; the memory is bounded by the total (the test above): a whole
    # process's peak near 10 million cells varies across machines (225-452 MB measured)
    assert run.code == 1 and len(run.lines) == 1 and "Traceback" not in run.err, run.out + run.err
    assert "months.xlsx" in run.lines[0] and "cells across its sheets" in run.lines[0]


def test_sheets_within_the_total_are_read(tmp_path, monkeypatch):
    path = good_tracker(tmp_path / "good.xlsx")
    read = read_tracker(path)
    monkeypatch.setattr(book_module, "MAX_READ_CELLS", 10_000)
    assert len(read_tracker(path)) == len(read)


def test_every_sheet_read_counts(tmp_path, monkeypatch):
    """The Tracker sheet and the Settings sheet read with it both count (the Tracker sheet
    alone fits)."""
    from python_calamine import CalamineWorkbook

    path = good_tracker(tmp_path / "good.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Settings").append(["Country", "US"])
    wb.save(path)
    native = CalamineWorkbook.from_path(str(path))
    tracker_cells = sum(map(len, native.get_sheet_by_name("Tracker").to_python(skip_empty_area=False)))
    monkeypatch.setattr(book_module, "MAX_READ_CELLS", tracker_cells)
    with pytest.raises(TrackerError, match="cells across its sheets"):
        read_tracker(path)


def test_a_folder_run_goes_on_without_the_refused_workbook(tmp_path, monkeypatch):
    good = good_tracker(tmp_path / "good.xlsx")
    wide_sheets(tmp_path / "months.xlsx", 3, "C40")
    monkeypatch.setattr(book_module, "MAX_READ_CELLS", 200)  # the months: 3 x 120 cells
    result = build_weekly([tmp_path], as_of=AS_OF)
    assert [Path(t).name for t in result.trackers] == [good.name]
    [problem] = [p for p in result.problems if p.tracker == "months.xlsx"]
    assert problem.severity == "error" and "cells across its sheets" in problem.message
