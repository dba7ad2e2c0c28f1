"""`followup-xl import` (SPEC "Command line"): an existing tracker into a fresh template
workbook; every row and column kept, the source only read, and the imported workbook,
recalculated by LibreOffice, shows for each row the state and date that `check` computes on
the source."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from followup_xl import schema, template
from followup_xl.errors import UsageError
from followup_xl.importer import import_trackers
from followup_xl.reader import read_tracker
from followup_xl.weekly import evaluate_group

D = dt.date
AS_OF = D(2026, 11, 25)


def source(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Job Applications"
    ws.append(["My job search"])
    ws.append(["Company Name", "Job Title", "Date Applied", "Recruiter", "Interview Date", "Last Contacted",
               "Status", "Salary", "Follow-up count"])
    ws.append(["Northwind", "Analyst", D(2026, 11, 2), "Priya", D(2026, 11, 16), None, "Interviewing", "85k", 1])
    ws.append(["Contoso", "BI Dev", "11/19/2026", "Sam", None, None, "Applied", None, None])  # a date typed as text
    ws.append(["Fabrikam", "Analyst", D(2026, 10, 20), None, None, None, "Rejected", None, None])
    ws.append(["Tailspin", "Engineer", None, None, None, None, "Wishlist", "N/A", None])
    ws.append(["Litware", "Analyst", D(2026, 11, 9), "Jo", D(2026, 12, 1), None, "En attente", None, None])
    ws.append(["Adatum", "Analyst", D(2026, 11, 3), "Lee", None, D(2026, 11, 12), "on-hold", None, 2])
    ws.append(["Proseware", "Analyst", None, "Kim", None, None, "Applied", None, None])
    ws.append([None, "Legend: green = offer"])
    st = wb.create_sheet("Statuses")
    st.append(["Status", "Meaning"])
    st.append(["En attente", "active"])
    wb.save(path)
    return path


def test_import_keeps_every_row_and_column_and_only_reads(tmp_path):
    src = source(tmp_path / "mine.xlsx")
    before = src.read_bytes()
    out = tmp_path / "tracker.xlsx"
    report = import_trackers([src], out, country="US")
    assert src.read_bytes() == before
    assert report.rows == 8 and report.extra_columns == ["Salary"] and report.statuses_added == ["En attente"]
    ws = openpyxl.load_workbook(out)[schema.TRACKER_SHEET]
    headers = [c.value for c in ws[template.HEADER_ROW]]
    col = {h: j + 1 for j, h in enumerate(headers) if h}
    first = template.FIRST_ROW
    assert ws.cell(first, col["Company"]).value == "Northwind"
    assert ws.cell(first, col["Salary"]).value == "85k"
    assert ws.cell(first + 1, col["Applied date"]).value == dt.datetime(2026, 11, 19)  # text -> a real date
    assert ws.cell(first + 5, col["Follow-ups sent"]).value == 2
    assert ws.cell(first + 7, col["Role"]).value == "Legend: green = offer"  # kept, as the source has it
    assert ws.cell(first + 3, col["Salary"]).value is None  # a placeholder stands for nothing
    statuses = openpyxl.load_workbook(out)[schema.STATUSES_SHEET]
    assert ["En attente", "active"] in [[c.value for c in r[:2]] for r in statuses.iter_rows()]


def test_import_refuses_overwriting_and_its_own_source(tmp_path):
    src = source(tmp_path / "mine.xlsx")
    with pytest.raises(UsageError, match="already exists"):
        import_trackers([src], src)
    with pytest.raises(UsageError, match="must be saved as an .xlsx"):
        import_trackers([src], tmp_path / "out.csv")


def test_import_cli_one_line_and_exit_codes(tmp_path):
    source(tmp_path / "mine.xlsx")
    run = lambda *a: subprocess.run([sys.executable, "-m", "followup_xl", "import", *a], cwd=tmp_path,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    done = run("mine.xlsx", "-o", "tracker.xlsx", "--country", "US")
    assert done.returncode == 0 and done.stdout.startswith("Wrote tracker.xlsx: 8 rows from mine.xlsx"), done.stderr
    again = run("mine.xlsx", "-o", "tracker.xlsx")
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1
    (tmp_path / "side.xlsx").write_bytes(b"")
    bad = run("side.xlsx", "-o", "new.xlsx")
    assert bad.returncode == 1 and "side.xlsx" in bad.stderr and not (tmp_path / "new.xlsx").exists()


def test_imported_workbook_recalculated_by_libreoffice_agrees_with_check(tmp_path):
    from libreoffice import recalc, require_libreoffice

    require_libreoffice()
    src = source(tmp_path / "mine.xlsx")
    out = tmp_path / "tracker.xlsx"
    import_trackers([src], out, country="US")
    wb = openpyxl.load_workbook(out)
    sheet, ref = next(iter(wb.defined_names["AsOf"].destinations))
    wb[sheet][ref.replace("$", "")] = AS_OF  # the day check computes for
    wb.save(out)
    calculated = recalc(out, tmp_path / "lo")
    ws = openpyxl.load_workbook(calculated, data_only=True)[schema.TRACKER_SHEET]
    headers = [c.value for c in ws[template.HEADER_ROW]]
    col = {h: j + 1 for j, h in enumerate(headers) if h}

    data = read_tracker(src, country="US")  # what check computes on the source
    [(good, state, nxt, _)] = evaluate_group([data], AS_OF)
    wanted = sorted(set(data.rows.tolist()) | set(data.skipped))
    compared = 0
    for k, i in enumerate(good.tolist()):
        r = template.FIRST_ROW + wanted.index(int(data.rows[i]))
        shown_state = ws.cell(r, col["Follow-up state"]).value
        shown_next = ws.cell(r, col["Next contact"]).value
        want_next = None if np.isnat(nxt[k]) else nxt[k].astype("datetime64[D]").item()
        assert shown_state == state[k], (data.text_value("company", i), shown_state, state[k])
        got_next = shown_next.date() if isinstance(shown_next, dt.datetime) else (shown_next or None)
        assert got_next == want_next, (data.text_value("company", i), shown_next, want_next)
        compared += 1
    assert compared == 7
