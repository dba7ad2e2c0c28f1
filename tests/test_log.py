"""`followup-xl log` and followup_xl.logbook: record a follow-up just sent, safely in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from libreoffice import recalc
from test_inplace import _add_chart, _add_image
from trackers import file_hash, write_tracker

from followup_xl import cli, schema
from followup_xl.errors import UsageError
from followup_xl.logbook import LOG_HEADERS, LogError, log_followup
from followup_xl.template import letter

D = dt.date
AS_OF = D(2026, 11, 30)  # a Monday: the sample template is built around it


def _row_of(path: Path, company: str) -> int:
    ws = openpyxl.load_workbook(path)["Tracker"]
    col = [c.value for c in ws[3]].index("Company") + 1
    return next(r for r in range(4, ws.max_row + 1) if ws.cell(r, col).value == company)


def _cell(path: Path, row: int, header: str, data_only: bool = False):
    ws = openpyxl.load_workbook(path, data_only=data_only)["Tracker"]
    col = [c.value for c in ws[3]].index(header) + 1
    return ws.cell(row, col).value


def _log_lines(path: Path) -> list[list]:
    ws = openpyxl.load_workbook(path)["Log"]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _folder(path: Path) -> dict[str, str]:
    return {p.name: file_hash(p) for p in sorted(path.parent.iterdir()) if p.is_file()}


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- what it writes

def test_log_sets_the_fields_adds_a_log_line_and_keeps_a_backup(tracker):
    before = tracker.read_bytes()
    row = _row_of(tracker, "Fabrikam")
    assert _cell(tracker, row, "Follow-ups sent") == 1
    done = log_followup(tracker, company="  fabrikam ", date=AS_OF, note="Short check-in e-mail")
    assert (done.row, done.company, done.contact, done.followups_sent) == (row, "Fabrikam", "Aisha Patel", 2)
    assert _cell(tracker, row, "Last contact") == dt.datetime(2026, 11, 30)
    assert _cell(tracker, row, "Follow-ups sent") == 2
    assert _log_lines(tracker) == [list(LOG_HEADERS),
                                   [dt.datetime(2026, 11, 30), "Fabrikam", "Aisha Patel", "Short check-in e-mail"]]
    assert done.backup == tracker.with_name("tracker.bak.xlsx")
    assert done.backup.read_bytes() == before
    # the rules: 30 Nov 2026 + 7 days = Monday 7 December, a working day in the US
    assert done.next_contact == D(2026, 12, 7) and done.state == schema.UPCOMING
    assert done.as_of == AS_OF  # the template's AsOf setting


def test_a_second_log_appends_and_counts_from_blank(tracker):
    row = _row_of(tracker, "Contoso Pharma")
    assert _cell(tracker, row, "Follow-ups sent") is None  # blank = 0
    log_followup(tracker, row=row, date=D(2026, 11, 27))
    done = log_followup(tracker, row=row, date=AS_OF, note="=HYPERLINK(\"x\")")
    assert _cell(tracker, row, "Follow-ups sent") == 2
    lines = _log_lines(tracker)
    assert [line[:2] for line in lines[1:]] == [[dt.datetime(2026, 11, 27), "Contoso Pharma"],
                                                [dt.datetime(2026, 11, 30), "Contoso Pharma"]]
    note = openpyxl.load_workbook(tracker)["Log"]["D3"]
    assert note.value == "=HYPERLINK(\"x\")" and note.data_type == "s"  # text, never a formula
    assert done.next_contact == D(2026, 12, 7)


def test_default_date_is_today(tracker):
    today = D(2026, 12, 2)
    done = log_followup(tracker, company="Fabrikam", today=today)
    assert done.date == today
    assert _cell(tracker, done.row, "Last contact") == dt.datetime(2026, 12, 2)


def test_a_holiday_moves_the_next_date_as_the_rules_say(tracker):
    # 19 Nov 2026 + 7 = Thanksgiving (26 Nov, US): the next working day, Friday 27 Nov
    done = log_followup(tracker, company="Fabrikam", date=D(2026, 11, 19))
    assert done.next_contact == D(2026, 11, 27)
    assert done.state == schema.OVERDUE  # as of 30 Nov


def test_on_hold_uses_the_on_hold_cadence(tracker):
    done = log_followup(tracker, company="Litware", date=AS_OF)  # status On hold: 14 days
    assert done.next_contact == D(2026, 12, 14)


def test_template_formulas_formats_and_validation_survive(tracker):
    old = openpyxl.load_workbook(tracker)
    done = log_followup(tracker, company="Fabrikam", date=AS_OF)
    new = openpyxl.load_workbook(tracker)
    assert new.sheetnames == old.sheetnames + ["Log"]
    o, n = old["Tracker"], new["Tracker"]
    for key in ("next_contact", "followup_state", "days_overdue"):
        for r in (4, done.row, 500):
            ref = f"{letter(key)}{r}"
            assert n[ref].value == o[ref].value and str(n[ref].value).startswith("="), ref
    assert [(str(c.sqref), [r.formula for r in c.rules]) for c in n.conditional_formatting] == \
           [(str(c.sqref), [r.formula for r in c.rules]) for c in o.conditional_formatting]
    assert len(n.conditional_formatting) > 0
    assert [(str(v.sqref), v.type, v.formula1) for v in n.data_validations.dataValidation] == \
           [(str(v.sqref), v.type, v.formula1) for v in o.data_validations.dataValidation]
    assert len(n.data_validations.dataValidation) > 0
    assert set(new.defined_names) == set(old.defined_names)
    for name in ("Settings", "Holidays", schema.HOW_TO_SHEET):
        assert [[c.value for c in r] for r in new[name].iter_rows()] == \
               [[c.value for c in r] for r in old[name].iter_rows()], name


def test_libreoffice_computes_the_new_next_date(tracker, tmp_path):
    rows = {}
    for company, day in (("Fabrikam", AS_OF), ("Northwind Traders", D(2026, 11, 19)),
                         ("Litware", D(2026, 11, 25))):
        done = log_followup(tracker, company=company, date=day)
        rows[done.row] = (done.next_contact, done.state)
    out = recalc(tracker, tmp_path / "lo")
    for row, (nxt, state) in rows.items():
        shown = _cell(out, row, "Next contact", data_only=True)
        assert shown is not None and shown.date() == nxt, row
        assert _cell(out, row, "Follow-up state", data_only=True) == state


# --------------------------------------------------------------------------- finding the row

def test_ambiguous_company_lists_the_candidates_and_changes_nothing(tracker):
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Tracker"]
    row = _row_of(tracker, "Fabrikam")
    ws.cell(row + 1, 1).value = "FABRIKAM "
    wb.save(tracker)
    before = _folder(tracker)
    with pytest.raises(LogError) as err:
        log_followup(tracker, company="fabrikam", date=AS_OF)
    message = str(err.value)
    assert f"row {row}: Fabrikam" in message and f"row {row + 1}: FABRIKAM" in message
    assert "matches 2 rows" in message and "nothing was changed" in message and "--row" in message
    assert _folder(tracker) == before


def test_no_such_company_or_row_is_one_sentence(tracker, capsys):
    before = _folder(tracker)
    code, out, err = run(capsys, "log", tracker, "--company", "Initech")
    assert code == 1 and out == ""
    assert err.startswith("Error: No application in tracker.xlsx has the Company 'Initech'")
    assert err.count("\n") == 1
    code, out, err = run(capsys, "log", tracker, "--row", 2)
    assert code == 1 and "Row 2 of tracker.xlsx is not an application" in err
    code, out, err = run(capsys, "log", tracker, "--company", "wood")
    assert code == 1 and "row 12: Woodgrove Bank" in err
    assert _folder(tracker) == before


@pytest.mark.parametrize("args", [[], ["--row", "4", "--company", "Fabrikam"]])
def test_row_or_company_exactly_one_is_usage(tracker, capsys, args):
    before = _folder(tracker)
    code, out, err = run(capsys, "log", tracker, *args)
    assert code == 2 and "--row N or with --company" in err
    assert _folder(tracker) == before
    with pytest.raises(UsageError):
        log_followup(tracker)


# --------------------------------------------------------------------------- refusals

@pytest.mark.parametrize("lock", ["~$tracker.xlsx", ".~lock.tracker.xlsx#"])
def test_refused_while_the_tracker_is_open(tracker, capsys, lock):
    (tracker.parent / lock).write_text("someone")
    before = _folder(tracker)
    code, out, err = run(capsys, "log", tracker, "--company", "Fabrikam")
    assert code == 1 and out == ""
    assert f"is open in a spreadsheet app (lock file {lock} beside it)" in err
    assert err.count("\n") == 1
    assert _folder(tracker) == before


@pytest.mark.parametrize("decorate, what", [(_add_chart, "a chart"), (_add_image, "an image")])
def test_refused_with_a_chart_or_an_image(tmp_path, capsys, decorate, what):
    path = write_tracker(tmp_path / "mine.xlsx", [["Acme", "Jane", D(2026, 11, 20), 1, None, "Waiting"]],
                         headers=("Company", "Contact name", "Last contact", "Follow-ups sent",
                                  "Cadence (days)", "Status"))
    wb = openpyxl.load_workbook(path)
    decorate(wb["Tracker"])
    wb.save(path)
    before = _folder(path)
    code, out, err = run(capsys, "log", path, "--company", "Acme")
    assert code == 1 and what in err and "left unchanged" in err
    assert _folder(path) == before


def test_a_csv_tracker_is_refused_in_one_sentence(tmp_path, capsys):
    path = tmp_path / "mine.csv"
    path.write_text("Company,Last contact\nAcme,2026-11-20\n", encoding="utf-8")
    code, out, err = run(capsys, "log", path, "--company", "Acme")
    assert code == 1 and "is a text table: only .xlsx and .xlsm workbooks can be updated in place" in err
    assert path.read_text(encoding="utf-8") == "Company,Last contact\nAcme,2026-11-20\n"


def test_a_follow_up_count_that_is_not_a_number_is_refused(tmp_path):
    path = write_tracker(tmp_path / "mine.xlsx", [["Acme", D(2026, 11, 20), "soon"]],
                         headers=("Company", "Last contact", "Follow-ups sent"))
    before = _folder(path)
    with pytest.raises(LogError, match="Follow-ups sent is 'soon', not a whole number"):
        log_followup(path, company="Acme", date=AS_OF)
    assert _folder(path) == before


def test_no_last_contact_column_is_refused(tmp_path):
    path = write_tracker(tmp_path / "mine.xlsx", [["Acme", D(2026, 11, 20)]], headers=("Company", "Interview date"))
    with pytest.raises(LogError, match="no Last contact column"):
        log_followup(path, company="Acme", date=AS_OF)
    assert not (tmp_path / "mine.bak.xlsx").exists()


def test_missing_file_is_one_sentence(tmp_path, capsys):
    code, out, err = run(capsys, "log", tmp_path / "nope.xlsx", "--row", "4")
    assert code == 1 and "nope.xlsx" in err and err.count("\n") == 1


# --------------------------------------------------------------------------- other trackers

def test_a_hand_made_tracker_with_a_title_block_and_aliases(tmp_path, capsys):
    headers = ("Employer", "Position", "Recruiter", "Date applied", "Last follow-up", "Follow-ups sent",
               "Stage", "Comments")
    path = write_tracker(tmp_path / "jobs.xlsx", [
        ["Acme", "Analyst", "Jane Doe", D(2026, 11, 2), D(2026, 11, 16), None, "Waiting", "keep"],
        ["Globex", "Engineer", "Sam Roe", D(2026, 11, 3), None, 2, "Applied", None],
    ], headers=headers, title_rows=[["My job search"], []],
        settings={"Country": "GB", "Subdivision": "ENG", "DefaultCadence": 7})
    code, out, err = run(capsys, "log", path, "--company", "globex", "--date", "2026-11-27", "--note", "e-mail")
    assert code == 0, err
    assert "Follow-ups sent 3" in out
    assert "Next contact: 2026-12-04 (Friday)" in out
    assert "Previous version kept as jobs.bak.xlsx" in out
    ws = openpyxl.load_workbook(path)["Tracker"]
    assert [c.value for c in ws[5]][:8] == ["Globex", "Engineer", "Sam Roe", dt.datetime(2026, 11, 3),
                                            dt.datetime(2026, 11, 27), 3, "Applied", None]
    assert [c.value for c in ws[4]][5] is None  # the other row is untouched
    assert _log_lines(path)[1] == [dt.datetime(2026, 11, 27), "Globex", "Sam Roe", "e-mail"]


def test_an_existing_log_sheet_that_is_not_ours_is_refused(tmp_path):
    path = write_tracker(tmp_path / "mine.xlsx", [["Acme", D(2026, 11, 20), 0]],
                         headers=("Company", "Last contact", "Follow-ups sent"), extra_sheets=["Log"])
    wb = openpyxl.load_workbook(path)
    wb["Log"]["A1"] = "My diary"
    wb.save(path)
    before = _folder(path)
    with pytest.raises(LogError, match="rename that sheet"):
        log_followup(path, company="Acme", date=AS_OF)
    assert _folder(path) == before


def test_date_text_is_read_in_the_tracker_s_order(tmp_path, capsys):
    headers = ("Company", "Last contact", "Follow-ups sent")
    us = write_tracker(tmp_path / "us.xlsx", [["Acme", D(2026, 11, 2), 0]], headers=headers,
                       settings={"Country": "US"})
    gb = write_tracker(tmp_path / "gb.xlsx", [["Acme", D(2026, 11, 2), 0]], headers=headers,
                       settings={"Country": "GB", "Subdivision": "ENG"})
    assert log_followup(us, company="Acme", date="12/1/2026").date == D(2026, 12, 1)
    assert log_followup(gb, company="Acme", date="1/12/2026").date == D(2026, 12, 1)
    assert log_followup(gb, company="Acme", date="30 Nov 2026").date == D(2026, 11, 30)
    before = _folder(gb)
    code, out, err = run(capsys, "log", gb, "--company", "Acme", "--date", "someday")
    assert code == 2 and err.startswith("Error: --date: 'someday' is not a date") and out == ""
    code, out, err = run(capsys, "log", gb, "--company", "Acme", "--date", " ")
    assert code == 2 and err == "Error: --date: a date is required, e.g. 2026-11-30.\n" and out == ""
    assert _folder(gb) == before


def test_formulas_in_a_column_that_is_read_are_refused(tmp_path):
    from trackers import Formula

    path = write_tracker(tmp_path / "mine.xlsx", [["Acme", D(2026, 11, 20), Formula("=1+1")]],
                         headers=("Company", "Last contact", "Follow-ups sent"))
    before = _folder(path)
    # openpyxl stores no result for the formula: the reader already reports the row (SPEC "Rows")
    with pytest.raises(LogError, match=r"Follow-ups sent is '=1\+1', a formula with no stored result"):
        log_followup(path, company="Acme", date=AS_OF)
    assert _folder(path) == before
