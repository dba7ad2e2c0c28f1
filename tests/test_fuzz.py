"""Fuzz the batch with whatever people (and broken formulas) put into cells (issue 6).

Hypothesis writes real .xlsx trackers with openpyxl — text, numbers, error cells (#N/A,
#REF!, ... stored as Excel stores them, t="e"), huge and empty strings, dates and
date-times at the edges of both date systems, times and durations, formula-like text,
booleans — and random Settings values. The batch (followup_xl.weekly.build_weekly) must
never crash, and the rows must add up: every non-blank row counted exactly once, every row
with an error cell or no Company reported as a problem, listed rows and problem rows
disjoint, and every export renderable.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.workbook.defined_name import DefinedName

from followup_xl import export, schema
from followup_xl.errors import TrackerError
from followup_xl.weekly import COUNT_KEYS, build_weekly

AS_OF = dt.date(2026, 11, 30)
HEADERS = [c.header for c in schema.COLUMNS]
COMPUTED = {c.header for c in schema.COMPUTED_COLUMNS}
FUZZ = settings(max_examples=80, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclass(frozen=True)
class Formatted:
    """A number shown with a date or time format (what a date column's cells carry)."""

    value: float
    fmt: str


@dataclass(frozen=True)
class Err:
    """An error cell (#N/A, ...), written with data_type "e" as Excel stores it."""

    code: str


ERROR_CODES = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!",
               "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#BUSY!")  # the last: Excel 365's

# Edges of the 1900 system (serial 1 = 1900-01-01, 59 = 1900-02-28, 60 = the fake 29 Feb,
# 61 = 1900-03-01, 2958465 = 9999-12-31) and of the 1904 system (serial 0 = 1904-01-01).
EDGE_DATES = [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(1904, 1, 1),
              dt.date(1904, 1, 2), dt.date(1949, 12, 31), dt.date(1950, 1, 1), dt.date(2199, 12, 31),
              dt.date(2200, 1, 1), dt.date(9999, 12, 31), AS_OF, AS_OF - dt.timedelta(days=7)]
FORMULA_LIKE = ["=1+1", "=HYPERLINK(\"http://evil.example\",\"click\")", "+SUM(A1:A9)", "-2+3", "@SUM(1)",
                "=cmd|' /C calc'!A0", "\t=1", "\r=1", "=", "'=quoted", "=WORKDAY(TODAY(),1)"]
HUGE = ["x" * 32767, "é" * 32767, "=" + "A" * 32766, "Acme " * 20000]


def legal_text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(max_size=max_size).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))


def near(day_strategy) -> st.SearchStrategy:
    return day_strategy.flatmap(lambda d: st.sampled_from([d, dt.datetime.combine(d, dt.time(23, 59, 59))]))


cell_values = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from(["", " ", "   \t", "\n"]),
    legal_text(),
    st.sampled_from(HUGE),
    st.sampled_from(FORMULA_LIKE),
    st.sampled_from(schema.STATUSES + ("on HOLD ", "Ghosted", "Rejected?")),
    st.sampled_from(["2026-11-23", "23 Nov 2026", "Nov 23, 2026", "11/23/2026", "23/11/2026", "31/02/2026",
                     "soon", "next week", "0", "-1", "7", "90", "91", "7.5", "1e3"]),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 59, 60, 61, 2958465, 2958466, 46349, 46349.75, -1, 1e308, 5e-324]),
    st.booleans(),
    st.sampled_from(ERROR_CODES).map(Err),
    near(st.sampled_from(EDGE_DATES)),
    near(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31))),
    st.sampled_from([dt.time(0, 0), dt.time(12, 30), dt.timedelta(days=3), dt.timedelta(hours=-5)]),
    st.builds(Formatted, st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([-1e308, -1.1e11, 1e308]),
              st.sampled_from(["yyyy-mm-dd", "d mmm yyyy", "h:mm", "mm/dd/yy hh:mm"])),
)


def put(ws, row: int, col: int, value: Any) -> None:
    if value is None:
        return
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Err):
        cell.value = value.code
        cell.data_type = "e"
    elif isinstance(value, Formatted):
        cell.value = value.value
        cell.number_format = value.fmt
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # formula-like text stays text, as typed with an apostrophe
    else:
        cell.value = value


def write(path: Path, headers: list[str], rows: list[list[Any]], *, date1904: bool,
          title_rows: int = 0, settings_values: dict[str, Any] | None = None) -> Path:
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Tracker"
    for r in range(1, title_rows + 1):
        put(ws, r, 1, f"Job search {r}")
    for j, h in enumerate(headers, start=1):
        put(ws, title_rows + 1, j, h)
    for i, row in enumerate(rows, start=title_rows + 2):
        for j, v in enumerate(row, start=1):
            put(ws, i, j, v)
    if settings_values is not None:
        ss = wb.create_sheet("Settings")
        for i, (name, value) in enumerate(settings_values.items(), start=1):
            put(ss, i, 1, name)
            put(ss, i, 2, value)
            wb.defined_names[name] = DefinedName(name, attr_text=f"Settings!$B${i}")
    wb.save(path)
    return path


PLACEHOLDERS = {"n/a", "na", "n.a.", "n.a", "-", "\u2013", "\u2014", "?", "tbd", "tbc", "none", "true", "false"}
# The columns that make a row (SPEC "Rows"): Company, Role, the contact, the dates, Status.
ROW_KEYS = {"company", "role", "contact_name", "contact_email", "contact_phone", "status"} | {
    c.key for c in schema.INPUT_COLUMNS if c.kind == "date"}


def is_blank(value: Any) -> bool:
    """What the spec calls empty, independently of the reader: nothing, only whitespace, a
    placeholder (N/A, TBD, -, ...) or a check box value (TRUE/FALSE)."""
    if value is None or isinstance(value, bool):
        return True
    return isinstance(value, str) and (not value.strip() or value.strip().casefold() in PLACEHOLDERS)


def check_result(result, headers: list[str], rows: list[list[Any]], first_data_row: int,
                 record: bool = True) -> None:
    """Nothing lost, nothing counted twice, every broken row reported."""
    keys = {j: schema.match_header(h) for j, h in enumerate(headers)}
    inputs = [j for j, h in enumerate(headers) if h not in COMPUTED]
    company = headers.index("Company")
    others = [j for j in inputs if keys[j] in ROW_KEYS and keys[j] not in ("company", "status")]
    nonblank, must_fail, skipped = set(), set(), set()
    for k, row in enumerate(rows):
        excel_row = first_data_row + k
        cell = lambda j: row[j] if j < len(row) else None  # noqa: E731
        has_company = not is_blank(cell(company))
        if not has_company and all(is_blank(cell(j)) for j in others):
            continue  # blank (a Status alone, a note, a number of follow-ups do not make a row)
        nonblank.add(excel_row)
        if not has_company:
            skipped.add(excel_row)
        elif any(isinstance(cell(j), Err) for j in inputs):
            must_fail.add(excel_row)
    counts = result.to_json()["counts"]
    assert counts["rows"] == sum(counts[k] for k in COUNT_KEYS) == len(nonblank)
    assert counts["skipped"] == len(skipped)
    assert all(v >= 0 for v in counts.values())
    listed = [i.row for i in result.items]
    problem_rows = {p.row for p in result.problems if p.severity == "error" and p.row is not None}
    assert len(listed) == len(set(listed)) == counts["listed"]
    assert len(problem_rows) == counts["problem"]
    assert must_fail <= problem_rows <= nonblank - skipped
    assert not set(listed) & problem_rows
    assert set(listed) <= nonblank
    for item in result.items:
        assert item.due_date <= result.week_end
        assert item.company and item.company.strip()
        assert item.days_overdue >= 0
    json.dumps(result.to_json(), allow_nan=False)
    for key in COUNT_KEYS:  # shown by --hypothesis-show-statistics: the fuzz reaches every outcome
        if record and counts[key]:
            event(f"some rows {key}")
    for fmt in ("json", "csv", "md", "html", "ics", "xlsx"):
        assert export.render(result, fmt)


def column_values(column: schema.Column) -> st.SearchStrategy:
    """Anything at all, or (three times in four) what the column should hold, so rows that survive
    the junk reach every outcome (listed, not due, closed, ...)."""
    if column.kind == "date" and not column.computed:
        fitting = st.none() | near(st.dates(min_value=AS_OF - dt.timedelta(days=30), max_value=AS_OF))
    elif column.kind == "int" and not column.computed:
        fitting = st.sampled_from([None, 0, 1, 3, 7, 10, 14])
    elif column.kind == "status":
        fitting = st.sampled_from(schema.STATUSES + ("",))
    elif column.key == "company":
        fitting = st.sampled_from(["Acme", "Globex", "Initech Ltd", "  Umbrella  "])
    else:
        return cell_values
    # (one_of would flatten cell_values' 16 branches and drown the fitting ones)
    return st.sampled_from([fitting, fitting, fitting, cell_values]).flatmap(lambda chosen: chosen)


ROW = st.tuples(*[column_values(c) for c in schema.COLUMNS]).map(list)


@FUZZ
@given(rows=st.lists(ROW, min_size=1, max_size=8),
       date1904=st.booleans(), title_rows=st.integers(0, 3), order=st.permutations(range(len(HEADERS))))
def test_random_cells_never_crash_and_always_add_up(rows, date1904, title_rows, order):
    headers = [HEADERS[j] for j in order]
    rows = [[row[j] for j in order] for row in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "fuzz.xlsx", headers, rows, date1904=date1904, title_rows=title_rows)
        before = path.read_bytes()
        try:
            result = build_weekly([path], as_of=AS_OF)
        except TrackerError as exc:  # only for a number no reader can take as a date (see below)
            assert_refused_for_a_cell(exc, rows)
            return
        finally:
            assert path.read_bytes() == before
    check_result(result, headers, rows, first_data_row=title_rows + 2)


def assert_refused_for_a_cell(exc: TrackerError, rows: list[list[Any]]) -> None:
    """The one whole-file refusal a cell can cause: a number at or below -1e11, on which
    python-calamine panics when the cell has a date or time format; the sentence names it."""
    message = str(exc)
    assert "\n" not in message and " in cell " in message and "cannot be read as a date" in message, message
    numbers = [v.value if isinstance(v, Formatted) else v for row in rows for v in row]
    assert any(isinstance(v, (int, float)) and not isinstance(v, bool) and v <= -1e11 for v in numbers), message


dated_rows = st.lists(
    st.tuples(st.sampled_from(["Acme", "Globex", "Initech", Err("#N/A"), None]),
              near(st.sampled_from(EDGE_DATES)) | near(st.dates(min_value=dt.date(1900, 1, 1))),
              st.sampled_from(schema.STATUSES + ("",)),
              st.sampled_from([None, 1, 7, 14, 90, 0, 91, "x", Err("#REF!")])),
    min_size=1, max_size=10)


@FUZZ
@given(rows=dated_rows, date1904=st.booleans())
def test_edge_dates_in_both_date_systems(rows, date1904):
    """Last contact at the edges of both date systems: scheduled, not due, or a problem —
    never a crash, never a date outside the calendar."""
    headers = ["Company", "Last contact", "Status", "Cadence (days)"]
    table = [list(r) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "edges.xlsx", headers, table, date1904=date1904)
        result = build_weekly([path], as_of=AS_OF)
    check_result(result, headers, table, first_data_row=2)
    for item in result.items:  # a listed row's base is a real date before the week's end
        assert item.last_contact is None or item.last_contact <= result.week_end


setting_values = st.fixed_dictionaries({}, optional={
    "Country": st.sampled_from(["US", "gb", "DE", "XX", "", 42, Err("#N/A"), "United States"]),
    "Subdivision": st.sampled_from(["CA", "ny", "ZZ", "", 5]),
    "DefaultCadence": cell_values,
    "MaxDays": cell_values,
    "OnHoldCadence": cell_values,
    "MaxFollowups": cell_values,
    "Weekend": st.sampled_from(["0000011", "1", "11", "17", "0000000", "1111111", "abc", 7, 99, "", Err("#VALUE!")]),
    "AsOf": cell_values,
    "DateOrder": st.sampled_from(["MDY", "dmy", "YMD", "", 3]),
})


@FUZZ
@given(values=setting_values, rows=dated_rows, date1904=st.booleans())
def test_random_settings_never_crash(values, rows, date1904):
    """Any Settings values: a bad one is a warning and its default is used; the rows still
    add up. (as_of is left to the AsOf setting, else today.)"""
    headers = ["Company", "Last contact", "Status", "Cadence (days)"]
    table = [list(r) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "settings.xlsx", headers, table, date1904=date1904, settings_values=values)
        try:
            result = build_weekly([path])
        except TrackerError as exc:
            assert_refused_for_a_cell(exc, [list(values.values())])
            return
    check_result(result, headers, table, first_data_row=2)
    for p in result.problems:
        if p.row is None:
            assert p.severity == "warning" and p.message.endswith("."), p


@FUZZ
@given(blob=st.binary(min_size=0, max_size=2048), keep=st.integers(0, 6000),
       flips=st.lists(st.tuples(st.integers(0, 6000), st.integers(1, 255)), min_size=1, max_size=8))
def test_random_bytes_and_cut_workbooks_are_refused_cleanly(blob, keep, flips):
    """Random bytes, and a real tracker cut anywhere, with random bytes spliced in, or with
    bytes flipped: either read (when the damage missed everything that matters) or refused
    with one sentence."""
    with tempfile.TemporaryDirectory() as tmp:
        good = write(Path(tmp) / "good.xlsx", ["Company", "Last contact"], [["Acme", AS_OF]], date1904=False)
        data = good.read_bytes()
        flipped = bytearray(data)
        for at, mask in flips:
            flipped[at % len(flipped)] ^= mask
        cases = [blob, data[:keep], data[:keep] + blob + data[keep + len(blob):], bytes(flipped)]
        for k, raw in enumerate(cases):
            path = Path(tmp) / f"case{k}.xlsx"
            path.write_bytes(raw)
            try:
                result = build_weekly([path], as_of=AS_OF)
            except TrackerError as exc:
                message = str(exc)
                assert "\n" not in message and path.name in message and message.endswith("."), message
            else:
                assert result.total_rows in (0, 1)


def test_fuzz_writer_round_trips_error_cells_and_1904(tmp_path):
    """The writer above really stores error cells as t="e" and the 1904 flag."""
    import zipfile

    path = write(tmp_path / "w.xlsx", ["Company", "Last contact"], [[Err("#N/A"), dt.date(1904, 1, 1)]], date1904=True)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        book = zf.read("xl/workbook.xml").decode()
    assert 't="e"' in sheet and "#N/A" in sheet and 'date1904="1"' in book
    assert '<v>0</v>' in sheet  # 1904-01-01 is serial 0 in the 1904 system


@pytest.mark.parametrize("date1904", [False, True])
def test_every_edge_date_once(tmp_path, date1904):
    """The fixed edge dates, each alone in a Last contact cell, read as the same date or a
    problem: never a crash, never a different date."""
    rows = [["Acme", d, "Waiting"] for d in EDGE_DATES]
    path = write(tmp_path / "e.xlsx", ["Company", "Last contact", "Status"], rows, date1904=date1904)
    result = build_weekly([path], as_of=AS_OF)
    check_result(result, ["Company", "Last contact", "Status"], rows, first_data_row=2, record=False)
    for item in result.items:
        assert item.last_contact == EDGE_DATES[item.row - 2]


@pytest.mark.parametrize("date1904", [False, True])
@pytest.mark.parametrize("serial", [2958465, 2958466, 2999999, -693594, -700001])
def test_serials_past_the_calendar_in_settings_are_a_warning(tmp_path, serial, date1904):
    """Found by the fuzz: AsOf = 2958466 (one day past 9999-12-31) overflowed Python's date
    arithmetic and refused the whole file; now it is a Settings warning like any bad AsOf."""
    path = write(tmp_path / "s.xlsx", ["Company", "Last contact"], [["Acme", AS_OF]], date1904=date1904,
                 settings_values={"AsOf": serial})
    result = build_weekly([path], as_of=AS_OF)
    assert result.total_rows == 1
    assert any(p.column == "Settings AsOf" and p.severity == "warning" for p in result.problems)


@pytest.mark.parametrize("code", ["#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!",
                                  "#BUSY!", "#CONNECT!", "#PYTHON!", "#EXTERNAL!"])
def test_excel_365_error_values_are_row_problems(tmp_path, code):
    """python-calamine refuses a whole sheet holding one of Excel 365's newer error values
    (#SPILL! from a dynamic array, ...); the reader reads a copy where they show #N/A and
    still reports the original value, so only that row is a problem."""
    rows = [["Acme", AS_OF - dt.timedelta(days=7), "Waiting", None],
            ["Globex", AS_OF - dt.timedelta(days=6), "Waiting", Err(code)],
            ["Initech", Err(code), "Waiting", None]]
    headers = ["Company", "Last contact", "Status", "Notes"]
    path = write(tmp_path / "t.xlsx", headers, rows, date1904=False)
    result = build_weekly([path], as_of=AS_OF)
    check_result(result, headers, rows, first_data_row=2, record=False)
    assert {(p.row, p.value) for p in result.problems if p.severity == "error"} == {(3, code), (4, code)}
    assert [i.company for i in result.items] == ["Acme"]
