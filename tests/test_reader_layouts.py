"""Which sheet, which rows, which columns (SPEC "The tracker"): the choices the reader makes
on trackers of people's own, the layouts it refuses, and trackers saved by LibreOffice."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from followup_xl.errors import TrackerError
from followup_xl.reader import read_tracker
from followup_xl.weekly import build_weekly

D = dt.date
AS_OF = D(2026, 11, 25)


def book(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "followup_xl", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


# --------------------------------------------------------------------------- refusals

SIDEWAYS = [["Company", "Acme", "Beta"], ["Role", "Analyst", "Engineer"],
            ["Date applied", D(2026, 11, 2), D(2026, 11, 9)], ["Status", "Applied", "Applied"]]
PER_DAY = [["Company", *[D(2026, 11, d) for d in range(2, 9)]],
           ["Acme", "applied", None, "call", None, None, None, None],
           ["Beta", None, "applied", None, None, None, None, None]]
NO_COMPANY = [["Role", "Date applied", "Status"], ["Analyst", D(2026, 11, 2), "Applied"]]


@pytest.mark.parametrize("rows,words", [
    (SIDEWAYS, ["sideways", "column A", "Company", "Transpose"]),
    (PER_DAY, ["one column per day", "2026-11-02", "2026-11-08"]),
    (NO_COMPANY, ["Company", "'Sheet1'", "header row"]),
], ids=["sideways", "per-day log", "no company column"])
def test_refusals_are_one_sentence_and_exit_1(tmp_path, rows, words):
    path = book(tmp_path / "mine.xlsx", {"Sheet1": rows})
    for command in ("check", "weekly"):
        done = run_cli(command, str(path), "--as-of", "2026-11-25", "-o" if command == "weekly" else "--sheet",
                       str(tmp_path / "out.xlsx") if command == "weekly" else "Sheet1", cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert "mine.xlsx" in lines[0] and lines[0].rstrip().endswith(".")
        for w in words:
            assert w in lines[0], (w, lines[0])
    assert not (tmp_path / "out.xlsx").exists()


def test_a_sideways_tracker_sheet_is_refused_too(tmp_path):
    with pytest.raises(TrackerError, match="sideways"):
        read_tracker(book(tmp_path / "t.xlsx", {"Tracker": SIDEWAYS}))


# --------------------------------------------------------------------------- sheet choice

GOOD = [["Company", "Date applied", "Status"], ["Acme", D(2026, 11, 16), "Applied"]]
BETTER = [["Company", "Role", "Date applied", "Contact", "Status"],
          ["Beta", "Analyst", D(2026, 11, 16), "Pat", "Applied"]]


def test_the_sheet_whose_header_fits_best_is_read_with_a_warning(tmp_path):
    path = book(tmp_path / "t.xlsx", {"Notes": [["Just notes"]], "Old": GOOD, "Current": BETTER})
    data = read_tracker(path)
    assert data.sheet == "Current" and data.text_value("company", 0) == "Beta"
    [w] = [p for p in data.problems if p.row is None and "Several sheets" in p.message]
    assert w.severity == "warning" and "'Current'" in w.message and "'Old'" in w.message


def test_tracker_sheet_then_sheet_option(tmp_path):
    path = book(tmp_path / "t.xlsx", {"Current": BETTER, "Tracker": GOOD})
    assert read_tracker(path).sheet == "Tracker"
    assert read_tracker(path, sheet="current").sheet == "Current"
    with pytest.raises(TrackerError, match="no sheet named 'Nope'.*'Current', 'Tracker'"):
        read_tracker(path, sheet="Nope")


def test_one_fitting_sheet_among_others_is_read_quietly(tmp_path):
    path = book(tmp_path / "t.xlsx", {"Read me": [["How to use this template"]], "Job Applications": GOOD})
    data = read_tracker(path)
    assert data.sheet == "Job Applications" and not data.problems


# --------------------------------------------------------------------------- columns

def test_qualifiers_contact_priority_and_references(tmp_path):
    headers = ["Company Name (website)", "Role/Title", "Date Applied - MM/DD/YYYY", "Recruiter Name",
               "Contact", "Referred by", "Reference contact phone", "Hiring Manager Email", "Recruiter Email",
               "Recruiter (phone)", "Status"]
    row = ["Acme", "Analyst", D(2026, 11, 16), "Rita Recruiter", "Cora Contact", "Uncle Bob", "+1 555 9999",
           "hm@acme.test", "rita@acme.test", "+1 555 0100", "Applied"]
    data = read_tracker(book(tmp_path / "t.xlsx", {"Sheet1": [headers, row]}), country="US")
    assert data.text_value("company", 0) == "Acme" and data.text_value("role", 0) == "Analyst"
    assert data.dates["applied_date"][0] == dt.date(2026, 11, 16)
    assert data.text_value("contact_name", 0) == "Cora Contact"  # Contact before Recruiter
    assert data.text_value("contact_email", 0) == "rita@acme.test"  # Recruiter before Hiring manager
    assert data.text_value("contact_phone", 0) == "+1 555 0100"  # never the reference's phone
    ignored = dict((h, why) for _, h, why in data.columns.ignored)
    assert "reference or referral" in ignored["Referred by"]
    assert "reference or referral" in ignored["Reference contact phone"]
    assert "'Contact'" in ignored["Recruiter Name"] and "'Recruiter Email'" in ignored["Hiring Manager Email"]


def test_a_date_column_mostly_not_dates_is_set_aside_with_one_warning(tmp_path):
    rows = [["Company", "Date applied", "Interview", "Status"]] + [
        [f"C{k}", D(2026, 11, 16), answer, "Applied"] for k, answer in enumerate(["Yes", "No", "Yes", "No", None])]
    data = read_tracker(book(tmp_path / "t.xlsx", {"Sheet1": rows}), country="US")
    assert not data.bad.any()
    [w] = data.problems
    assert w.severity == "warning" and w.row is None and "'Interview'" in w.message and "4 of its 4" in w.message
    assert data.set_aside == {"interview_date": "Interview"}


# --------------------------------------------------------------------------- rows

def test_excel_table_and_its_totals_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Applications"
    ws.append(["My applications"])
    ws.append([])
    ws.append(["Company", "Date applied", "Status", "Days since"])
    ws.append(["Acme", D(2026, 11, 16), "Applied", 9])
    ws.append(["Beta", D(2026, 11, 19), "Applied", 6])
    ws.append(["Total", None, None, 15])  # the totals row: not an application
    ws.append(["Not in the table: a note"])
    t = Table(displayName="Apps", ref="A3:D6")
    t.totalsRowCount = 1
    ws.add_table(t)
    wb.save(tmp_path / "t.xlsx")
    data = read_tracker(tmp_path / "t.xlsx", country="US")
    assert [data.text_value("company", i) for i in range(len(data))] == ["Acme", "Beta"]
    assert data.rows.tolist() == [4, 5] and data.skipped == [] and not data.problems


def test_a_formula_with_no_stored_result_is_a_problem_for_its_row(tmp_path):
    path = book(tmp_path / "t.xlsx", {"Sheet1": [
        ["Company", "Date applied", "Status", "Days"],
        ["Acme", "=DATE(2026,11,16)", "Applied", "=TODAY()-B2"],  # a read column: a problem
        ["Beta", D(2026, 11, 16), "Applied", "=TODAY()-B3"],  # only in an extra column: fine
        [None, None, None, "=TODAY()-B4"],  # a template's formula alone: a blank row
    ]})
    data = read_tracker(path, country="US")
    assert data.rows.tolist() == [2, 3] and data.bad.tolist() == [True, False]
    [p] = [p for p in data.problems if p.severity == "error"]
    assert (p.row, p.column, p.value) == (2, "Date applied", "=DATE(2026,11,16)")
    assert "no stored result" in p.message and "save" in p.message


# --------------------------------------------------------------------------- statuses

def test_statuses_by_meaning_with_the_workbooks_own(tmp_path):
    path = book(tmp_path / "t.xlsx", {
        "Suivi": [["Entreprise", "Company", "Date applied", "Status"],
                  [None, "Acme", D(2026, 11, 16), "En attente"],
                  [None, "Beta", D(2026, 11, 16), "Refusé"],
                  [None, "Gamma", D(2026, 11, 16), "on-hold"],
                  [None, "Delta", D(2026, 11, 16), "Ghostd"]],
        "Statuses": [["Status", "Meaning"], ["En attente", "active"], ["Refusé", "closed"], ["Bof", "maybe"]]})
    result = build_weekly([path], as_of=AS_OF, country="US")
    assert result.counts["closed"] == 1  # Refusé, closed by the Statuses sheet
    warnings = [p.message for p in result.problems if p.severity == "warning"]
    assert any("'Ghostd' is not a known status" in w and "did you mean Ghosted?" in w for w in warnings)
    assert any("'Bof'" in w and "counts as active" in w for w in warnings)
    assert not any("En attente" in w or "on-hold" in w for w in warnings)


# --------------------------------------------------------------------------- text trackers

def test_csv_tracker_encodings_and_delimiters(tmp_path):
    rows = "Company;Date applied;Status\nCafé Müller;16/11/2026;Applied\nBeta;19/11/2026;Applied\n"
    (tmp_path / "de.csv").write_bytes(rows.encode("cp1252"))
    data = read_tracker(tmp_path / "de.csv", country="US")  # the file says day first (16/11)
    assert data.text_value("company", 0) == "Café Müller"
    assert data.dates["applied_date"].tolist() == [D(2026, 11, 16), D(2026, 11, 19)]
    assert "semicolon" in data.sheet and "cp1252" in data.sheet
    (tmp_path / "us.tsv").write_text("\ufeffCompany\tDate applied\nAcme\t11/02/2026\n", encoding="utf-8")
    us = read_tracker(tmp_path / "us.tsv", country="US")
    assert us.dates["applied_date"].tolist() == [D(2026, 11, 2)] and "UTF-8" in us.sheet
    gb = read_tracker(tmp_path / "us.tsv", country="GB", subdivision="ENG")
    assert gb.dates["applied_date"].tolist() == [D(2026, 2, 11)]  # GB writes day first


def test_subdivision_warning_for_a_regional_country(tmp_path):
    (tmp_path / "t.csv").write_text("Company,Date applied\nAcme,2026-11-16\n", encoding="utf-8")
    data = read_tracker(tmp_path / "t.csv", country="DE")
    [w] = [p for p in data.problems if p.column == "Settings Subdivision"]
    assert w.severity == "warning" and "BY" in w.message and "--subdivision" in w.message
    assert not [p for p in read_tracker(tmp_path / "t.csv", country="DE", subdivision="BY").problems]


def test_check_prints_the_sheet_the_columns_and_the_statuses(tmp_path):
    path = book(tmp_path / "mine.xlsx", {"Job Applications": [
        ["Company Name", "Position", "Date Applied", "Recruiter", "Salary", "Status"],
        ["Acme", "Analyst", D(2026, 11, 16), "Rita", "90k", "Applied"],
        ["Beta", "Engineer", D(2026, 11, 19), "Ron", None, "Wishlist"]]})
    done = run_cli("check", str(path), "--as-of", "2026-11-25", "--country", "US", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "sheet 'Job Applications'" in out
    assert "Company Name -> Company" in out.replace("  ", " ") or "Company Name" in out
    for line in ("-> Applied date", "-> Contact name", "Salary", "ignored (not a column followup-xl reads)",
                 "Applied", "-> active", "Wishlist", "-> not applied"):
        assert line in out, line
    assert out.index("Columns:") < out.index("Statuses:") < out.index("rows:")


# --------------------------------------------------------------------------- LibreOffice

def test_tracker_saved_by_libreoffice_with_merged_header_hidden_rows_and_a_table(tmp_path):
    from libreoffice import convert, require_libreoffice

    require_libreoffice()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Job Search"
    ws.append(["My job search", None, None, None])
    ws.merge_cells("A1:D1")  # a merged title block
    ws.append(["Company", "Dates", None, "Status"])
    ws.merge_cells("B2:C2")  # a merged group header above the date columns
    ws.append(["Company", "Date applied", "Last contact", "Status"])
    ws.append(["Acme", D(2026, 11, 16), None, "Applied"])
    ws.append(["Beta", D(2026, 11, 10), D(2026, 11, 19), "Interviewing"])
    ws.append(["Gamma", D(2026, 11, 2), None, "Rejected"])
    ws.append(["Total", None, None, "=COUNTA(A4:A6)"])
    ws.row_dimensions[6].hidden = True  # a hidden row is still an application
    t = Table(displayName="Jobs", ref="A3:D7")
    t.totalsRowCount = 1
    ws.add_table(t)
    src = tmp_path / "src" / "mine.xlsx"
    src.parent.mkdir()
    wb.save(src)
    [saved] = convert(src, tmp_path / "lo")
    result = build_weekly([saved], as_of=AS_OF, country="US")
    assert not [p for p in result.problems if p.severity == "error"]
    # Acme: 16 Nov + 7 = Mon 23 Nov (overdue 2); Beta: 19 Nov + 7 = Thanksgiving -> Fri 27 Nov
    assert [(i.company, i.due_date, i.state) for i in result.items] == [
        ("Acme", D(2026, 11, 23), "Overdue"), ("Beta", D(2026, 11, 27), "Due this week")]
    assert result.counts["closed"] == 1 and result.total_rows == 3
