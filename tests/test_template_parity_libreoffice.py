"""The committed template filled as people fill it, recalculated by LibreOffice, and compared
row by row with what `followup-xl check` computes (the library under the command): every row
shows the state, Next contact and Days overdue the command line computes, or `check` warns
about that row and the sheet says why (Check this row / Check holidays).

All workbooks go through one LibreOffice run (a start costs seconds); `holidays --update` is
run on a copy of one of them before that run.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from libreoffice import recalc, require_libreoffice

from followup_xl import schema
from followup_xl.sheet_parity import parity_problems
from followup_xl.template import (
    CALC_SHEET,
    CHECK_HOLIDAYS,
    CHECK_ROW,
    FIRST_ROW,
    HOLIDAY_LAST_ROW,
    LAST_ROW,
    build_workbook,
    letter,
    update_holidays,
)
from followup_xl.tracker import read_tracker
from followup_xl.weekly import choose_as_of, evaluate_group

D = dt.date
COMPUTED = ("next_contact", "followup_state", "days_overdue")
TEMPLATE_STATES = (CHECK_ROW, CHECK_HOLIDAYS)


@dataclass
class Filled:
    """A template to build and fill: its place, settings typed, closures and rows by Excel row."""

    name: str
    country: str = "US"
    subdivision: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    closures: dict[int, tuple[Any, str]] = field(default_factory=dict)  # Holidays row -> (date, name)
    statuses: dict[int, tuple[str, str]] = field(default_factory=dict)  # Statuses row -> (status, meaning)
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        wb = build_workbook(country=self.country, subdivision=self.subdivision, base_year=2026)
        for name, value in self.settings.items():
            sheet, ref = next(iter(wb.defined_names[name].destinations))
            cell = wb[sheet][ref.replace("$", "")]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
        hol = wb[schema.HOLIDAYS_SHEET]
        for r, (day, name) in self.closures.items():
            hol.cell(r, 1, day)
            hol.cell(r, 2, name)
        st = wb[schema.STATUSES_SHEET]
        for r, (status, meaning) in self.statuses.items():
            st.cell(r, 1, status)
            st.cell(r, 2, meaning)
        ws = wb[schema.TRACKER_SHEET]
        cols = {c.key: i for i, c in enumerate(schema.COLUMNS, start=1)}
        for r, row in self.rows.items():
            for key, value in row.items():
                if value is not None:
                    cell = ws.cell(r, cols[key], value)
                    if isinstance(value, str):
                        cell.data_type = "s"
        path = folder / f"{self.name}.xlsx"
        wb.save(path)
        return path


def around(as_of: D, seed: int, n: int, first: int = FIRST_ROW, country: str = "US",
           subdivision: str | None = None) -> dict[int, dict[str, Any]]:
    """n rows as a person types them, dated so that targets often land on holidays."""
    import holidays as holidays_lib

    rng = random.Random(seed)
    public = sorted(d for d in holidays_lib.country_holidays(country, subdiv=subdivision,
                                                              years=[as_of.year - 1, as_of.year, as_of.year + 1])
                    if abs((d - as_of).days) < 120)
    statuses = ["Applied", "Interviewing", "Waiting", "On hold", "Offer", "Rejected", "Wishlist", None,
                "Phone screen", "Ghosted", "Paused"]
    rows: dict[int, dict[str, Any]] = {}
    for i in range(n):
        if rng.random() < 0.1:
            continue
        cadence = rng.choice([None, None, 3, 7, 10, 14])
        aim = (rng.choice(public) if public and rng.random() < 0.5 else as_of + dt.timedelta(days=rng.randint(-30, 8)))
        base = aim - dt.timedelta(days=(cadence or 7) + rng.randint(-1, 1))
        row: dict[str, Any] = {"company": f"Company {i}", "status": rng.choice(statuses), "cadence": cadence,
                               "followups_sent": rng.choice([None, 0, 1, 2])}
        kind = rng.choice(["last", "interview", "applied", "all"])
        if kind in ("last", "all"):
            row["last_contact"] = base
        if kind == "interview":
            row["interview_date"] = base
        if kind == "applied":
            row["applied_date"] = base
        if kind == "all":
            row["applied_date"] = base - dt.timedelta(days=rng.randint(3, 30))
            row["interview_date"] = base + dt.timedelta(days=rng.randint(-3, 10))
        rows[first + i] = row
    return rows


# --------------------------------------------------------------------------- the cases

Y10 = D(2036, 12, 10)  # year 10 of a template made in 2026 (holidays 2025-2036)
CASES = [
    Filled("year10", settings={"AsOf": Y10}, rows={
        **around(Y10, 1, 40),
        60: {"company": "Christmas in year 10", "last_contact": D(2036, 12, 18)},  # +7 = Thu 25 Dec
        61: {"company": "Past the last year", "last_contact": D(2036, 12, 29)},  # +7 = 5 Jan 2037
        62: {"company": "Before the first year", "last_contact": D(2024, 3, 1)},
    }),
    Filled("country_changed", settings={"AsOf": D(2026, 12, 16), "Country": "GB", "Subdivision": "ENG"},
           rows=around(D(2026, 12, 16), 2, 40, country="GB", subdivision="ENG")),
    Filled("il", "IL", settings={"AsOf": D(2026, 9, 24)}, rows=around(D(2026, 9, 24), 3, 40, country="IL")),
    Filled("ae", "AE", settings={"AsOf": D(2026, 12, 1)}, rows=around(D(2026, 12, 1), 4, 40, country="AE")),
    Filled("far_rows", settings={"AsOf": D(2026, 11, 25)},
           closures={1200: (D(2026, 11, 30), "Office move")},
           rows={
               FIRST_ROW: {"company": "Aims at the closure", "last_contact": D(2026, 11, 23)},  # +7 = Mon 30 Nov
               4990: {"company": "Typed far down", "last_contact": D(2026, 11, 16), "status": "Waiting"},
               LAST_ROW: {"company": "The last row", "interview_date": D(2026, 11, 19)},
           }),
    Filled("statuses", settings={"AsOf": D(2026, 11, 25)}, statuses={120: ("En attente", "On hold"),
                                                                       121: ("Refusé", "closed")}, rows={
        r: {"company": f"Status {s!r}", "last_contact": D(2026, 11, 10), "status": s}
        for r, s in enumerate(["On  hold", "Rejected\u00a0", "\u00a0rejected", "Rej*", "~Rejected", "On?hold",
                               "wish-list", "Ghosted ", "(Closed)", "Offer!", "R?jected", "*", "~", "?",
                               "En  attente", "REFUSÉ", "Rejected\u2713", "  ", "\u00a0"], start=FIRST_ROW)}),
    Filled("text_cells", settings={"AsOf": dt.datetime(2026, 11, 25, 15, 30), "MaxFollowups": 3}, rows={
        4: {"company": "ISO text date", "last_contact": "2026-11-18"},
        5: {"company": "Month-name text date", "applied_date": "18 Nov 2026"},
        6: {"company": "Not a date", "last_contact": "soon"},
        7: {"company": "Text follow-ups at the limit", "last_contact": D(2026, 11, 18), "followups_sent": "3"},
        8: {"company": "Text follow-ups below it", "last_contact": D(2026, 11, 18), "followups_sent": " 2 "},
        9: {"company": "Spaces in Last contact", "last_contact": "   ", "interview_date": D(2026, 11, 18)},
        10: {"company": "Due today despite the time", "last_contact": D(2026, 11, 18)},
        11: {"company": "Text cadence", "last_contact": D(2026, 11, 20), "cadence": " 5 "},
        12: {"company": "Bad cadence", "last_contact": D(2026, 11, 20), "cadence": "weekly"},
        13: {"company": "   "},  # a company of spaces: not an application on either side
        14: {"role": "No company", "last_contact": D(2026, 11, 18)},
        15: {"company": "Date-time", "last_contact": dt.datetime(2026, 11, 18, 17, 45)},
    }),
]
UPDATED = "country_changed_updated"


# --------------------------------------------------------------------------- both sides

def sheet_rows(path: Path) -> dict[int, tuple]:
    """Excel row -> (next, state, days) as the recalculated Tracker shows them (non-empty only)."""
    ws = openpyxl.load_workbook(path, data_only=True, read_only=True)[schema.TRACKER_SHEET]
    cols = [schema.COLUMNS.index(schema.COLUMN_BY_KEY[k]) for k in COMPUTED]
    out = {}
    for r, row in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_row=LAST_ROW, values_only=True), start=FIRST_ROW):
        nxt, state, days = (row[j] if j < len(row) else None for j in cols)
        if state in (None, ""):
            assert nxt in (None, "") and days in (None, ""), (r, row)
            continue
        nxt = nxt.date() if isinstance(nxt, dt.datetime) else (None if nxt in ("", None) else nxt)
        out[r] = (nxt, state, int(days))
    return out


def cli_rows(path: Path) -> tuple[dict[int, tuple], dict[int | None, list]]:
    """Excel row -> (next, state, days overdue) as check computes them, and the problems and
    warnings check reports, by row (None: the whole tracker)."""
    data = read_tracker(path)
    as_of, _ = choose_as_of(None, [data])
    ((good, state, nxt, late),) = evaluate_group([data], as_of)
    rows = {int(data.rows[g]): (None if np.isnat(n) else n.item(), s, int(d))
            for g, s, n, d in zip(good.tolist(), state.tolist(), nxt, late.tolist())}
    said: dict[int | None, list] = {}
    for p in data.problems + parity_problems(path):
        said.setdefault(p.row, []).append(p)
    return rows, said


def compare(name: str, source: Path, recalculated: Path) -> tuple[dict, dict, dict]:
    """Assert the spec's promise row by row; (sheet rows, check rows, check's problems)."""
    sheet = sheet_rows(recalculated)
    cli, said = cli_rows(source)
    tracker_wide = [p for p in said.get(None, []) if p.column == "Holidays"]
    for r in sorted(set(sheet) | set(cli)):
        got, want = sheet.get(r), cli.get(r)
        if got == want:
            continue
        reasons = said.get(r, [])
        assert reasons or (got and got[1] == CHECK_HOLIDAYS and tracker_wide), \
            f"{name} row {r}: the sheet shows {got}, check computes {want}, and check says nothing"
        if got and got[1] in TEMPLATE_STATES:
            assert got[0] is None and got[2] == 0
    for r, (nxt, state, days) in sheet.items():
        if state in TEMPLATE_STATES:
            assert said.get(r) or (state == CHECK_HOLIDAYS and tracker_wide), (name, r, state)
    return sheet, cli, said


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """name -> (the filled workbook, its LibreOffice recalculation)."""
    require_libreoffice()
    src = tmp_path_factory.mktemp("filled")
    paths = {case.name: case.write(src) for case in CASES}
    updated = src / f"{UPDATED}.xlsx"
    shutil.copy(paths["country_changed"], updated)
    update_holidays(updated, today=D(2026, 12, 1))
    paths[UPDATED] = updated
    out = recalc(list(paths.values()), tmp_path_factory.mktemp("recalculated"))
    return {name: (p, o) for (name, p), o in zip(paths.items(), out)}


@pytest.mark.parametrize("name", [c.name for c in CASES] + [UPDATED])
def test_the_sheet_agrees_with_check_row_by_row(recalculated, name):
    source, done = recalculated[name]
    sheet, cli, _ = compare(name, source, done)
    assert sheet, name  # rows were computed
    agree = sum(1 for r in sheet if sheet[r] == cli.get(r))
    if name != "country_changed":  # there every scheduled row says Check holidays
        assert agree >= len(sheet) // 2, (name, agree, len(sheet))


def test_year_ten_holidays_and_past_the_last_year(recalculated):
    sheet, cli, said = compare("year10", *recalculated["year10"])
    assert sheet[60] == cli[60] == (D(2036, 12, 26), schema.UPCOMING, 0)  # Christmas 2036 skipped
    assert sheet[61] == (None, CHECK_HOLIDAYS, 0) and cli[61][0] == D(2037, 1, 5)
    assert sheet[62] == (None, CHECK_HOLIDAYS, 0) and "outside the years" in said[62][0].message
    assert "2037-01-05" in said[61][0].message


def test_country_changed_then_holidays_update(recalculated):
    sheet, cli, said = compare("country_changed", *recalculated["country_changed"])
    scheduled = [r for r, v in cli.items() if v[0] is not None]
    assert scheduled and all(sheet[r] == (None, CHECK_HOLIDAYS, 0) for r in scheduled)
    assert any("holidays --update" in p.message for p in said[None])
    after, cli_after, said_after = compare(UPDATED, *recalculated[UPDATED])
    assert after == cli_after  # GB-ENG's holidays now on the sheet: every row agrees
    assert not [p for p in said_after.get(None, []) if p.column == "Holidays"]
    assert sum(1 for v in after.values() if v[0]) >= 10
    hol = openpyxl.load_workbook(recalculated[UPDATED][0])[schema.HOLIDAYS_SHEET]
    assert (hol["E2"].value, hol["E3"].value, hol["E4"].value, hol["E5"].value) == ("GB", "ENG", 2025, 2036)
    assert hol["A2"].value.date() == D(2025, 1, 1) and "Boxing Day" in [c.value for (c,) in hol.iter_rows(
        min_row=2, max_row=400, min_col=2, max_col=2)]


@pytest.mark.parametrize("name,mask", [("il", "0000110"), ("ae", "0000011")])
def test_the_country_weekend_is_written_and_used(recalculated, name, mask):
    source, done = recalculated[name]
    wb = openpyxl.load_workbook(source)
    sheet, ref = next(iter(wb.defined_names["Weekend"].destinations))
    assert wb[sheet][ref.replace("$", "")].value == mask
    sheet_rows_, cli, _ = compare(name, source, done)
    days_off = {i for i, c in enumerate(mask) if c == "1"}
    assert all(v[0].weekday() not in days_off for v in sheet_rows_.values() if v[0])
    assert sheet_rows_ == cli


def test_a_closure_far_down_and_a_row_far_down(recalculated):
    sheet, cli, _ = compare("far_rows", *recalculated["far_rows"])
    # Mon 23 Nov + 7 = Mon 30 Nov, closed (row 1,200 of Holidays): Tue 1 Dec (8 days)
    assert sheet[FIRST_ROW] == cli[FIRST_ROW] == (D(2026, 12, 1), schema.UPCOMING, 0)
    # Mon 16 Nov + 7 = Mon 23 Nov: two days overdue on Wed 25 Nov
    assert sheet[4990] == cli[4990] == (D(2026, 11, 23), schema.OVERDUE, 2)
    # Thu 19 Nov + 7 = Thanksgiving: Fri 27 Nov
    assert sheet[LAST_ROW] == cli[LAST_ROW] == (D(2026, 11, 27), schema.DUE_THIS_WEEK, 0)


def test_statuses_with_odd_spaces_and_wildcards(recalculated):
    sheet, cli, said = compare("statuses", *recalculated["statuses"])
    by_status = {CASES[5].rows[r]["status"]: sheet[r] for r in CASES[5].rows}
    closed = (None, schema.CLOSED, 0)
    on_hold = (D(2026, 11, 24), schema.OVERDUE, 1)  # Tue 10 Nov + 14
    active = (D(2026, 11, 17), schema.OVERDUE, 8)  # Tue 10 Nov + 7
    assert by_status["On  hold"] == by_status["On?hold"] == by_status["En  attente"] == on_hold
    for s in ("Rejected\u00a0", "\u00a0rejected", "~Rejected", "Ghosted ", "(Closed)", "REFUSÉ"):
        assert by_status[s] == closed, s
    for s in ("Rej*", "Offer!", "R?jected", "*", "~", "?", "  ", "\u00a0"):
        assert by_status[s] == active, s  # no wildcard: "Rej*" is no status, "*" is none
    assert by_status["wish-list"] == (None, schema.NOT_APPLIED, 0)
    odd = next(r for r, row in CASES[5].rows.items() if row["status"] == "Rejected\u2713")
    assert "\u2713" in said[odd][0].message  # the residual difference is reported


def test_text_cells(recalculated):
    sheet, cli, said = compare("text_cells", *recalculated["text_cells"])
    assert sheet[4] == sheet[5] == sheet[6] == (None, CHECK_ROW, 0)
    assert cli[4] == cli[5] == (D(2026, 11, 25), schema.DUE_TODAY, 0)  # check reads the text...
    assert all("typed as text" in p.message for p in said[4] + said[5])  # ...and warns
    assert 6 not in cli and said[6][0].severity == "error"
    assert sheet[7] == cli[7] == (None, schema.LIMIT_REACHED, 0)
    assert sheet[8] == cli[8] == (D(2026, 11, 25), schema.DUE_TODAY, 0)
    assert sheet[9] == cli[9] == (D(2026, 11, 25), schema.DUE_TODAY, 0)
    assert sheet[10] == cli[10] == (D(2026, 11, 25), schema.DUE_TODAY, 0)  # AsOf 15:30: no "Overdue 0.5"
    assert sheet[11] == cli[11] == (D(2026, 11, 25), schema.DUE_TODAY, 0)
    assert sheet[12] == (None, CHECK_ROW, 0) and 12 not in cli
    assert 13 not in sheet and 13 not in cli and 14 not in sheet and 14 not in cli
    assert sheet[15] == cli[15] == (D(2026, 11, 25), schema.DUE_TODAY, 0)


def test_generated_xml_uses_bare_names_and_nothing_newer_than_excel_2010(tmp_path):
    """Every function in every formula of both variants is one Excel 2010 has, written as
    Excel stores it (no _xlfn. prefix: WORKDAY.INTL is in ISO/IEC 29500 itself)."""
    import re

    excel_2010 = {"IF", "IFERROR", "AND", "OR", "NOT", "ISNUMBER", "ISTEXT", "MATCH", "INDEX", "TRIM", "N",
                  "MAX", "INT", "SUBSTITUTE", "CLEAN", "VALUE", "UPPER", "DATE", "TODAY", "WEEKDAY",
                  "WORKDAY.INTL", "REPT"}
    for engine in ("native", "xlwings"):
        path = tmp_path / f"{engine}.xlsx"
        build_workbook(engine=engine, base_year=2026).save(path)
        with zipfile.ZipFile(path) as zf:
            xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xml"))
        assert "_xlfn." not in xml and "_xlws." not in xml
        texts = re.findall(r"<f[^>]*>([^<]*)</f>", xml) + re.findall(r"<definedName[^>]*>([^<]*)<", xml)
        texts = [re.sub(r'"(?:[^"]|"")*"', '""', t) for t in texts]  # string literals out
        used = {m for t in texts for m in re.findall(r"([A-Z_][A-Z0-9._]*)\(", t)}
        allowed = excel_2010 | ({"FOLLOWUP_NEXT"} if engine == "xlwings" else set())
        assert used <= allowed, used - allowed
        assert "WORKDAY.INTL(" in xml if engine == "native" else "FOLLOWUP_NEXT(" in xml
        sheet = openpyxl.load_workbook(path)
        assert sheet[CALC_SHEET].sheet_state == "hidden"
        dn = sheet.defined_names[schema.HOLIDAYS_NAME]
        assert dn.attr_text.endswith(f"$A$2:$A${HOLIDAY_LAST_ROW}")
