"""The reader: trackers as people make them, every cell typed or reported (SPEC: "The tracker")."""

from __future__ import annotations

import datetime as dt
import zipfile

import numpy as np
import pytest

from followup_xl import schema
from followup_xl.errors import TrackerError
from followup_xl.tracker import find_header, parse_table, read_tracker, workbook_info

from trackers import TEMPLATE_HEADERS, ErrorValue, Formula, file_hash, write_tracker

D = dt.date


def day(value) -> dt.date | None:
    return None if np.isnat(value) else value.item()


def test_template_layout_typed(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", [
        ["Acme", "Engineer", "Jane Doe", "jane@acme.test", 5551234.0, D(2026, 11, 10), D(2026, 11, 19),
         2, 10, "waiting ", "January", None, None, None, "call back"],
    ], settings={"Country": "US", "Subdivision": "CA"})
    data = read_tracker(path)
    assert data.sheet == "Tracker" and data.header_row == 1 and data.rows.tolist() == [2]
    assert data.settings.country == "US" and data.settings.subdivision == "CA"
    assert day(data.dates["interview_date"][0]) == D(2026, 11, 10)
    assert day(data.dates["last_contact"][0]) == D(2026, 11, 19)
    assert data.numbers["followups_sent"][0] == 2 and data.numbers["cadence"][0] == 10
    assert data.status[0] == "Waiting"  # canonical spelling, trimmed, case-insensitive
    assert data.text_value("contact_phone", 0) == "5551234"  # a phone typed as a number: no ".0"
    assert data.problems == []
    assert not data.bad.any()


def test_title_rows_renamed_reordered_extra_columns_offset(tmp_path):
    headers = ("Source", "Stage", "Employer", "Last follow-up", "Recruiter", "E-mail",
               "Job title", "Interviewed on", "Every (days)", "Comments")
    path = write_tracker(tmp_path / "own.xlsx", [
        ["LinkedIn", "Interviewing", "Beta Corp", "2026-11-20", "Sam Roe", "sam@beta.test", "QA", None, 7, "x"],
    ], headers=headers, title_rows=[["My job search 2026"], ["updated weekly"], []], first_col=2)
    data = read_tracker(path)
    assert data.header_row == 4 and data.rows.tolist() == [5]
    assert data.headers["company"] == "Employer" and data.headers["contact_name"] == "Recruiter"
    assert data.headers["last_contact"] == "Last follow-up" and data.headers["cadence"] == "Every (days)"
    assert "Source" not in data.headers.values()  # extra column ignored
    assert day(data.dates["last_contact"][0]) == D(2026, 11, 20)
    assert data.text_value("role", 0) == "QA" and data.status[0] == "Interviewing"


def test_header_row_is_the_one_naming_most_columns():
    values = [["Company report"], ["Company", "notes"], list(TEMPLATE_HEADERS), ["Acme"]]
    assert find_header(values) == 2
    assert find_header([["Name", "Email"], ["x", "y"]]) is None  # no Company: no header


def test_text_dates_serials_datetimes(tmp_path):
    rows = [
        ["A", "2026-11-19", D(2026, 11, 19)],
        ["B", "19 Nov 2026", D(2026, 11, 19)],
        ["C", "Nov 19, 2026", D(2026, 11, 19)],
        ["D", "11/19/2026", D(2026, 11, 19)],  # MDY for the US default
        ["E", 46345.0, D(2026, 11, 19)],  # a serial typed as a number
        ["F", dt.datetime(2026, 11, 19, 15, 45), D(2026, 11, 19)],  # the time is dropped
        ["G", "Thursday, 19 November 2026", D(2026, 11, 19)],
        ["H", "2026-11-19 09:30", D(2026, 11, 19)],
    ]
    path = write_tracker(tmp_path / "t.xlsx", [[c, v] for c, v, _ in rows], headers=("Company", "Last contact"))
    data = read_tracker(path)
    assert data.problems == []
    assert [day(v) for v in data.dates["last_contact"]] == [want for *_, want in rows]


def test_date_order_dmy_from_settings_labels(tmp_path):
    # No defined names: the Settings sheet read as label/value pairs.
    path = write_tracker(tmp_path / "t.xlsx", [["A", "03/12/2026"], ["B", "25/11/2026"]],
                         headers=("Company", "Last contact"),
                         settings={"Country": "GB", "Date order": "DMY", "Default cadence": 5},
                         settings_as_labels=True)
    data = read_tracker(path)
    assert data.settings.country == "GB" and data.settings.date_order == "DMY"
    assert data.settings.default_cadence == 5
    assert [day(v) for v in data.dates["last_contact"]] == [D(2026, 12, 3), D(2026, 11, 25)]


def test_gb_defaults_to_dmy_without_date_order(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", [["A", "03/12/2026"]], headers=("Company", "Last contact"),
                         settings={"Country": "GB"})
    assert day(read_tracker(path).dates["last_contact"][0]) == D(2026, 12, 3)


def test_1904_workbook(tmp_path):
    path = write_tracker(tmp_path / "mac.xlsx", [
        ["A", D(2026, 11, 19), None],
        ["B", 44883.0, None],  # a serial typed as a number, read in the 1904 system
        ["C", dt.datetime(2026, 11, 19, 8, 0), None],
    ], headers=("Company", "Last contact", "Interview date"), date1904=True,
        settings={"AsOf": D(2026, 11, 25)}, holidays=[D(2026, 12, 24)])
    assert workbook_info(path).date1904
    data = read_tracker(path)
    assert data.date1904
    assert [day(v) for v in data.dates["last_contact"]] == [D(2026, 11, 19)] * 3
    assert data.settings.as_of == D(2026, 11, 25) and data.settings.holidays == (D(2026, 12, 24),)


def test_no_settings_sheet_uses_defaults(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", [["A", D(2026, 11, 19)]], headers=("Company", "Last contact"))
    s = read_tracker(path).settings
    assert (s.country, s.default_cadence, s.max_days, s.on_hold_cadence, s.max_followups, s.as_of) == \
        tuple(schema.SETTING_BY_NAME[n].default for n in
              ("Country", "DefaultCadence", "MaxDays", "OnHoldCadence", "MaxFollowups", "AsOf"))
    assert s.holidays == ()


def test_bad_settings_are_warnings_and_defaults_apply(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", [["A", D(2026, 11, 19)]], headers=("Company", "Last contact"),
                         settings={"Country": "XX", "DefaultCadence": "soon", "MaxFollowups": 3,
                                   "Weekend": "0000011", "DateOrder": "YMD"})
    data = read_tracker(path)
    assert data.settings.country == "US" and data.settings.default_cadence == 7
    assert data.settings.max_followups == 3 and data.settings.date_order is None
    columns = {p.column for p in data.problems}
    assert columns == {"Settings Country", "Settings DefaultCadence", "Settings DateOrder"}
    assert all(p.severity == "warning" and p.row is None for p in data.problems)


def test_holidays_sheet_blank_rows_and_bad_dates(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", [["A", D(2026, 11, 19)]], headers=("Company", "Last contact"),
                         holidays=[D(2026, 11, 27), None, "2026-12-24", "someday", None, D(2026, 12, 31)])
    data = read_tracker(path)
    assert data.settings.holidays == (D(2026, 11, 27), D(2026, 12, 24), D(2026, 12, 31))
    [warn] = data.problems
    assert warn.severity == "warning" and warn.value == "someday" and "row 5" in warn.column


def test_blank_rows_skipped_computed_columns_ignored(tmp_path):
    rows = [
        ["Acme"] + [None] * 14,
        [None] * 11 + [Formula("=1+1"), "Upcoming", 0, None],  # only computed cells: blank
        [None] * 15,
        [None] * 14 + ["a note but no company"],  # Notes alone does not make a row (SPEC "Rows")
        [" "] + [None] * 14,  # a space only: blank
        ["Beta"] + [None] * 14,
        [None, "Engineer"] + [None] * 13,  # a role but no company: skipped
        ["N/A", "-", "TBD", None, None, True, False] + [None] * 7 + ["x"],  # placeholders, check boxes
        [None] * 9 + ["Applied"] + [None] * 5,  # a drop-down's default alone: blank
    ]
    data = read_tracker(write_tracker(tmp_path / "t.xlsx", rows))
    assert data.rows.tolist() == [2, 7]
    assert data.bad.tolist() == [False, False]
    assert data.skipped == [8]
    [p] = data.problems
    assert (p.row, p.severity) == (None, "warning") and "1 row without a Company" in p.message
    assert "row 8" in p.message


def test_every_bad_cell_is_a_problem_with_row_column_value(tmp_path):
    headers = ("Company", "Last contact", "Interview date", "Follow-ups sent", "Cadence (days)", "Status")
    rows = [
        ["A", "2026-02-30", None, None, None, None],  # impossible date
        ["B", "soon", None, None, None, None],
        ["C", D(2026, 11, 19), None, -1, None, None],
        ["D", D(2026, 11, 19), None, 1.5, None, None],
        ["E", D(2026, 11, 19), None, None, 0, None],
        ["F", D(2026, 11, 19), None, None, 91, None],
        ["G", D(2026, 11, 19), None, None, "soon", None],
        ["H", ErrorValue("#N/A"), None, None, None, None],
        ["I", True, None, None, None, None],  # a check box: empty (SPEC "Rows")
        ["J", 12.0, None, None, None, None],  # serial 12 = 1900: not a plausible date
        ["K", "=TODAY()", None, None, None, None],  # formula-like text is text
        ["L", D(2026, 11, 19), ErrorValue("#REF!"), None, None, None],
        ["M", D(2026, 11, 19), None, "3", " 7 ", "Pendng"],  # numbers as text are fine
    ]
    data = read_tracker(write_tracker(tmp_path / "t.xlsx", rows, headers=headers))
    errors = [(p.row, p.column, p.value) for p in data.problems if p.severity == "error"]
    assert errors == [
        (2, "Last contact", "2026-02-30"), (3, "Last contact", "soon"), (4, "Follow-ups sent", -1),
        (5, "Follow-ups sent", 1.5), (6, "Cadence (days)", 0), (7, "Cadence (days)", 91),
        (8, "Cadence (days)", "soon"), (9, "Last contact", "#N/A"),
        (11, "Last contact", 12), (12, "Last contact", "=TODAY()"), (13, "Interview date", "#REF!"),
    ]
    assert all(p.message.endswith(".") and p.tracker == "t.xlsx" for p in data.problems)
    assert data.bad.tolist() == [True] * 8 + [False] + [True] * 3 + [False]
    assert data.numbers["followups_sent"][12] == 3 and data.numbers["cadence"][12] == 7
    [warn] = [p for p in data.problems if p.severity == "warning"]
    assert (warn.row, warn.column, warn.value) == (14, "Status", "Pendng")
    assert "did you mean Pending?" in warn.message  # the nearest known status


def test_formula_like_text_stays_text(tmp_path):
    data = read_tracker(write_tracker(tmp_path / "t.xlsx", [
        ["=HYPERLINK(\"http://x\")", None, "+1 555", "@me", "-x"]], headers=("Company", "Role", "Contact phone", "Contact name", "Notes")))
    assert data.text_value("company", 0) == '=HYPERLINK("http://x")'
    assert data.text_value("contact_phone", 0) == "+1 555"


def test_duplicate_header_first_wins_with_warning(tmp_path):
    data = read_tracker(write_tracker(tmp_path / "t.xlsx", [["A", D(2026, 11, 19), "2026-01-01"]],
                                      headers=("Company", "Last contact", "Last followup")))
    assert day(data.dates["last_contact"][0]) == D(2026, 11, 19)
    [warn] = data.problems
    assert warn.severity == "warning" and warn.column == "Last followup"


@pytest.mark.parametrize("sheet", ["tracker", " TRACKER "])
def test_tracker_sheet_name_case_insensitive(tmp_path, sheet):
    path = write_tracker(tmp_path / "t.xlsx", [["A"]], headers=("Company",), sheet=sheet, extra_sheets=["Other"])
    assert len(read_tracker(path)) == 1


def test_unusable_files_raise_one_sentence(tmp_path):
    cases = {}
    cases["missing"] = tmp_path / "missing.xlsx"
    text = tmp_path / "notes.xlsx"
    text.write_text("just some text\n")
    cases["text"] = text
    nosheet = write_tracker(tmp_path / "nosheet.xlsx", [["A"]], headers=("Company",), sheet="Jobs")
    cases["nosheet"] = nosheet
    noheader = write_tracker(tmp_path / "nohead.xlsx", [["A"]], headers=("Name", "Email"))
    cases["noheader"] = noheader
    for kind, path in cases.items():
        with pytest.raises(TrackerError) as info:
            read_tracker(path)
        message = str(info.value)
        assert path.name in message and "\n" not in message, kind


def test_read_only_input_unchanged(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", [["A", D(2026, 11, 19)]], headers=("Company", "Last contact"),
                         settings={"Country": "US"}, holidays=[D(2026, 12, 24)])
    before = file_hash(path)
    mtime = path.stat().st_mtime_ns
    read_tracker(path)
    assert file_hash(path) == before and path.stat().st_mtime_ns == mtime


def test_parse_table_from_range_values():
    # As an Excel range arrives through xlwings: None for empty, floats, datetimes.
    values = [["My tracker", None, None], [None, None, None],
              ["Company", "Last contact", "Follow-ups sent"],
              ["Acme", dt.datetime(2026, 11, 19), 1.0], [None, None, None], ["Beta", "bad", None]]
    data = parse_table(values, tracker="(range)")
    assert data.rows.tolist() == [4, 6] and data.bad.tolist() == [False, True]
    assert data.problems[0].row == 6 and data.problems[0].column == "Last contact"


def test_error_cells_found_in_xml(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", [["A", ErrorValue("#DIV/0!")], ["B", D(2026, 11, 19)]],
                         headers=("Company", "Last contact"))
    with zipfile.ZipFile(path) as zf:
        assert b't="e"' in zf.read("xl/worksheets/sheet1.xml")
    data = read_tracker(path)
    assert [(p.row, p.value) for p in data.problems] == [(2, "#DIV/0!")]


def test_text_columns_follow_their_rows_past_blank_rows(tmp_path):
    rows = [["A co", "Ann", D(2026, 11, 18)], [None, None, None], ["B co", "Bob", D(2026, 11, 17)],
            [None, None, None], [None, None, None], ["C co", None, D(2026, 11, 16)]]
    data = read_tracker(write_tracker(tmp_path / "t.xlsx", rows, headers=("Company", "Contact name", "Last contact")))
    assert data.rows.tolist() == [2, 4, 7]
    assert [data.text_value("contact_name", i) for i in range(3)] == ["Ann", "Bob", None]
    assert list(data.text["company"]) == ["A co", "B co", "C co"]
    frame = data.frame()
    assert frame.index.tolist() == [2, 4, 7] and frame["company"].tolist() == ["A co", "B co", "C co"]
    assert frame["last_contact"].tolist()[1] == np.datetime64("2026-11-17")


def test_date_column_fast_path_equals_the_cell_by_cell_typing():
    """Columns of only dates, date-times and text take a path without a convert call per
    distinct cell; it must give what typing each cell with _cell_date gives."""
    import datetime as dt
    import random

    import numpy as np

    from followup_xl import tracker

    rng = random.Random(7)
    pool = [dt.date(2026, 11, 30), dt.datetime(2026, 11, 30, 9, 30), dt.datetime(2025, 1, 2),
            dt.date(1999, 12, 31), "", "  ", "2026-03-09", "3/4/2026", "4.3.2026", "30 Nov 2026",
            "Nov 30, 2026", "45000", "tomorrow", "2026-13-01", "#N/A", 45000.0, None, True]
    for date1904 in (False, True):
        for order in ("MDY", "DMY"):
            for _ in range(60):
                col = [rng.choice(pool[:rng.randrange(1, len(pool) + 1)]) for _ in range(rng.randrange(0, 30))]
                got, bad = tracker._date_column(col, date1904, order)
                want = [tracker._cell_date(v, date1904, order) for v in col]
                assert got.view(np.int64).tolist() == [d for d, _ in want]
                assert bad == {i: r for i, (_, r) in enumerate(want) if r}


def test_bad_calendar_settings_are_each_named_for_what_is_wrong():
    """Country, Subdivision and Weekend are checked one by one: a country code that happens
    to read 'Weekend' is reported as the bad Country, and the good Weekend is kept."""
    from followup_xl.tracker import settings_from_values

    settings, problems = settings_from_values({"Country": "Weekend", "Weekend": "0000110"}, "t.xlsx")
    assert [p.column for p in problems] == ["Settings Country"]
    assert (settings.country, settings.weekend) == ("US", "0000110")

    settings, problems = settings_from_values(
        {"Country": "US", "Subdivision": "ZZ", "Weekend": "111"}, "t.xlsx")
    assert [p.column for p in problems] == ["Settings Subdivision", "Settings Weekend"]
    assert (settings.country, settings.subdivision, settings.weekend) == ("US", None, None)

    settings, problems = settings_from_values({"Country": "XX", "Subdivision": "CA"}, "t.xlsx")
    assert [p.column for p in problems] == ["Settings Country"]
    assert (settings.country, settings.subdivision) == ("US", None)


def test_a_stray_nul_in_a_text_table_is_dropped_on_every_python(tmp_path):
    """A NUL past the first 4 KB of a .csv (the start is checked for binary data) is no part
    of a cell: dropped, so Python 3.10's csv module (which refuses a line holding one) and
    3.11's (which reads it) give the same rows."""
    from followup_xl.tracker import read_tracker

    head = "Company,Contact name,Last contact,Status\n" + "Acme,Dana Smith,2026-11-23,Waiting\n" * 200
    path = tmp_path / "nul.csv"
    path.write_bytes(head.encode() + b"Glo\x00bex,Lee\x00,2026-11-24,Waiting\n")
    data = read_tracker(path)
    assert len(data) == 201
    assert data.text["company"][200] == "Globex" and data.text["contact_name"][200] == "Lee"
