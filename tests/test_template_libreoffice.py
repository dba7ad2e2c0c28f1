"""The template's formulas, evaluated for real, against the Python engine (followup_xl.rules).

Templates are filled the way a person fills them (every status in any case, blank rows,
rows with only a company, On hold, a follow-up limit, company closures typed into the
Holidays sheet, AsOf set or blank, several countries and weekends); then

- the native variant is recalculated by LibreOffice (forced recalculation on load), and
- the xlwings variant is evaluated by the `formulas` package with FOLLOWUP_NEXT,
  FOLLOWUP_STATE and FOLLOWUP_DAYS_OVERDUE bound to followup_xl.udfs' own logic,

and Next contact, Follow-up state and Days overdue of every row are compared with
rules.evaluate_row and rules.evaluate_many under the same settings and closures.
All native workbooks go through one LibreOffice start (each start costs seconds).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from libreoffice import recalc, require_libreoffice
from required import require_module

from followup_xl import schema
from followup_xl.calendar import get_calendar
from followup_xl.rules import evaluate_many, evaluate_row
from followup_xl.schema import Settings
from followup_xl.template import (
    FIRST_ROW,
    LAST_ROW,
    SAMPLE_SETTINGS,
    build_workbook,
    letter,
    sample_day,
    sample_rows,
    write_template,
)

ROWS_PER_CASE = 300
COMPUTED = ("next_contact", "followup_state", "days_overdue")
STATUS_TYPED = [*schema.STATUSES, "on hold", "  Waiting ", "REJECTED", "accepted", "Phone screen", None, "",
                "On-hold", "not\u00a0applied", "Rej*", "wish list", "hiring  freeze", "Ghosted "]
COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Woodgrove",
             "Adventure Works", "Coho", "Blue Yonder", "Alpine", "Wide World", "Margie's Travel"]


@dataclass
class Case:
    """One filled tracker: its settings, the closures typed into Holidays, and its rows."""

    name: str
    country: str
    subdivision: str | None
    as_of: dt.date | None  # None: AsOf left blank, the workbook uses TODAY()
    weekend: str | None = None  # typed over the template's weekend, or None to keep it
    default_cadence: int = 7
    max_days: int = 10
    on_hold_cadence: int = 14
    max_followups: int | None = None
    seed: int = 0
    closures: list[dt.date] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return self.as_of or dt.date.today()

    def settings(self) -> Settings:
        return Settings(country=self.country, subdivision=self.subdivision,
                        default_cadence=self.default_cadence, max_days=self.max_days,
                        on_hold_cadence=self.on_hold_cadence, max_followups=self.max_followups,
                        weekend=self.weekend, as_of=self.day, holidays=tuple(self.closures))

    def calendar(self):
        return get_calendar(self.country, self.subdivision, self.weekend, self.closures)


def _random_rows(case: Case, n: int) -> list[dict[str, Any]]:
    """Rows as a person types them; about 1 in 10 left blank between others."""
    rng = random.Random(case.seed)
    a = case.day
    public = [d for d in get_calendar(case.country, case.subdivision).public_holidays(a.year - 1, a.year + 1)
              if abs((d - a).days) < 150]
    hot = public + case.closures  # days a target date should often land on or next to
    rows: list[dict[str, Any]] = []
    for i in range(n):
        if rng.random() < 0.1:
            rows.append({})
            continue
        row: dict[str, Any] = {"company": rng.choice(COMPANIES) + f" {i}"}
        if rng.random() < 0.05:  # only a company so far
            rows.append(row)
            continue
        status = rng.choice(STATUS_TYPED)
        cadence = None if rng.random() < 0.5 else (rng.randint(1, 21) if rng.random() < 0.85 else rng.randint(22, 90))
        c = cadence or case.default_cadence
        if isinstance(status, str) and status.strip().casefold() == "on hold":
            c = case.on_hold_cadence
        aim = rng.random()
        if hot and aim < 0.4:  # aim the target at a holiday or a closure
            base = rng.choice(hot) - dt.timedelta(days=c) + dt.timedelta(days=rng.randint(-2, 2))
        elif aim < 0.55:  # aim it at the as-of date or just after (due today, this week)
            base = a - dt.timedelta(days=c - rng.randint(0, 3))
        else:
            base = a + dt.timedelta(days=rng.randint(-70, 12))
        kind = rng.choices(["both", "last", "interview", "applied", "all", "none"], [4, 2, 3, 2, 2, 1])[0]
        if kind in ("both", "last", "all"):
            row["last_contact"] = base
        if kind == "both":
            row["interview_date"] = base - dt.timedelta(days=rng.randint(0, 40))
        elif kind == "interview":
            row["interview_date"] = base
        elif kind == "applied":
            row["applied_date"] = base
        elif kind == "all":  # an application, and an interview before or still to come
            row["applied_date"] = base - dt.timedelta(days=rng.randint(5, 40))
            row["interview_date"] = base + dt.timedelta(days=rng.randint(-4, 12))
        row["followups_sent"] = rng.choice([None, 0, 1, 2, 3, 4, 5, 6])
        row["cadence"] = cadence
        row["status"] = status
        if rng.random() < 0.7:
            row["contact_name"] = rng.choice(["Ana Lima", "Bo Chen", "Dana Cohen", "Eli Levi", None])
            row["contact_email"] = f"contact{i}@example.com"
        if rng.random() < 0.3:
            row["notes"] = rng.choice(["Call after 10", "=not a formula", "Sent portfolio", "12"])
        if rng.random() < 0.3:
            row["decision_expected"] = rng.choice(["2 weeks", "January", "after budget"])
        rows.append(row)
    return rows


def make_case(name: str, country: str, subdivision: str | None, as_of: dt.date | None, seed: int,
              **settings: Any) -> Case:
    case = Case(name, country, subdivision, as_of, seed=seed, **settings)
    rng = random.Random(seed + 1)
    a = case.day
    # Company closures: a shutdown week around New Year and scattered days off.
    shutdown = dt.date(a.year, 12, 24) if a.month >= 6 else dt.date(a.year - 1, 12, 24)
    days = {a + dt.timedelta(days=rng.randint(-60, 60)) for _ in range(12)} - {a}
    case.closures = sorted({shutdown + dt.timedelta(days=k) for k in range(0, 10)} | days)
    case.rows = _random_rows(case, ROWS_PER_CASE)
    return case


CASES = [
    make_case("us_ca", "US", "CA", dt.date(2026, 12, 16), seed=11, max_followups=4, default_cadence=8),
    make_case("il", "IL", None, dt.date(2026, 9, 24), seed=22, max_days=12, on_hold_cadence=21),
    make_case("de_by", "DE", "BY", None, seed=33, weekend="0000001", max_followups=3),
]
# Filled into both variants: the xlwings one evaluated by `formulas`, the native one by LibreOffice.
XLWINGS_CASE = make_case("xlwings_us", "US", None, dt.date(2026, 11, 25), seed=44, max_followups=4)
XLWINGS_CASE.rows = XLWINGS_CASE.rows[:150]


# --------------------------------------------------------------------------- filling

def fill_template(case: Case, engine: str, out: Path) -> Path:
    """A template for the case's country, filled like a person would, saved to out."""
    wb = build_workbook(country=case.country, subdivision=case.subdivision, engine=engine,
                        base_year=case.day.year)
    settings = {"DefaultCadence": case.default_cadence, "MaxDays": case.max_days,
                "OnHoldCadence": case.on_hold_cadence, "MaxFollowups": case.max_followups,
                "AsOf": case.as_of}
    if case.weekend is not None:
        settings["Weekend"] = case.weekend
    for name, value in settings.items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = value
    _type_closures(wb, case.closures)
    ws = wb[schema.TRACKER_SHEET]
    cols = {c.key: i for i, c in enumerate(schema.COLUMNS, start=1)}
    for r, row in enumerate(case.rows, start=FIRST_ROW):
        for key, value in row.items():
            if value is not None:
                cell = ws.cell(r, cols[key], value)
                if isinstance(value, str):
                    cell.data_type = "s"
    wb.save(out)
    return out


def _type_closures(wb: openpyxl.Workbook, closures: list[dt.date]) -> None:
    """Type the closures into the first empty rows of the Holidays name's Date column."""
    sheet, ref = next(iter(wb.defined_names[schema.HOLIDAYS_NAME].destinations))
    ws = wb[sheet]
    first, last = (int(part.split("$")[-1]) for part in ref.split(":"))
    empty = [r for r in range(first, last + 1) if ws.cell(r, 1).value is None]
    assert len(empty) >= len(closures), "the Holidays name has no room for the closures"
    for r, day in zip(empty, closures):
        ws.cell(r, 1, day)
        ws.cell(r, 2, "Company shutdown")


# --------------------------------------------------------------------------- expected

def expected_rows(case: Case) -> list[tuple | None]:
    """(next_contact, state, days_overdue) per row by rules.evaluate_row; None for blank rows."""
    settings, cal = case.settings(), case.calendar()
    out: list[tuple | None] = []
    for row in case.rows:
        if not row:
            out.append(None)
            continue
        o = evaluate_row(last_contact=row.get("last_contact"), interview_date=row.get("interview_date"),
                         applied_date=row.get("applied_date"), status=row.get("status"), cadence=row.get("cadence"),
                         followups_sent=row.get("followups_sent"), settings=settings, calendar=cal,
                         as_of=case.day)
        out.append((o.next_contact, o.state, o.days_overdue))
    return out


def expected_many(case: Case) -> list[tuple | None]:
    """The same through the vectorised rules.evaluate_many."""
    rows = [r for r in case.rows if r]
    col = lambda k: [r.get(k) for r in rows]
    df = evaluate_many(last_contact=col("last_contact"), interview_date=col("interview_date"),
                       applied_date=col("applied_date"),
                       status=col("status"), cadence=col("cadence"), followups_sent=col("followups_sent"),
                       settings=case.settings(), calendar=case.calendar(), as_of=case.day)
    nexts = df["next_contact"].to_numpy().astype("datetime64[D]")
    it = iter(zip(nexts, df["followup_state"], df["days_overdue"]))
    out: list[tuple | None] = []
    for row in case.rows:
        if not row:
            out.append(None)
            continue
        n, s, d = next(it)
        out.append((None if np.isnat(n) else n.item(), s, int(d)))
    return out


def read_computed(values: dict[str, dict[int, Any]], n: int) -> list[tuple | None]:
    """The three computed cells of the first n data rows as (date|None, state, days)."""
    out: list[tuple | None] = []
    for r in range(FIRST_ROW, FIRST_ROW + n):
        nxt, state, days = (values[k].get(r) for k in COMPUTED)
        if nxt in (None, "") and state in (None, "") and days in (None, ""):
            out.append(None)
            continue
        if isinstance(nxt, dt.datetime):
            nxt = nxt.date()
        elif nxt in ("", None):
            nxt = None
        out.append((nxt, state, days if isinstance(days, str) else int(days)))
    return out


def sheet_values(path: Path, last: int = FIRST_ROW + ROWS_PER_CASE + 5) -> dict[str, dict[int, Any]]:
    ws = openpyxl.load_workbook(path, data_only=True)[schema.TRACKER_SHEET]
    return {k: {r: ws[f"{letter(k)}{r}"].value for r in range(FIRST_ROW, last + 1)} for k in COMPUTED}


def mismatches(case: Case, got: list, want: list) -> list[str]:
    bad = []
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            typed = case.rows[i] if i < len(case.rows) else "(blank row)"
            bad.append(f"{case.name} row {FIRST_ROW + i} {typed}: workbook {g}, expected {w}")
    return bad


# --------------------------------------------------------------------------- tests

# Cells a person should not type but may paste (validation does not stop a paste).
BAD_ROWS = [
    {"company": "Text date", "last_contact": "soon", "status": "Waiting"},
    {"company": "Text cadence", "interview_date": dt.date(2026, 11, 2), "cadence": "weekly"},
    {"company": "Closed anyway", "last_contact": "soon", "status": "Rejected"},
]
BAD_CASE = Case("bad_cells", "US", None, dt.date(2026, 11, 25), rows=BAD_ROWS)
SAMPLES = {"sample_us_ca": ("US", "CA", dt.date(2026, 12, 2)), "sample_il": ("IL", None, dt.date(2027, 3, 1))}


@pytest.fixture(scope="module")
def native_results(tmp_path_factory) -> dict[str, tuple[list, Path]]:
    """Every case filled into the native template, and the --sample workbooks, recalculated
    by LibreOffice in one run: name -> (computed cells per row, recalculated file)."""
    require_libreoffice()
    src = tmp_path_factory.mktemp("filled")
    cases = [*CASES, XLWINGS_CASE, BAD_CASE]
    paths = [fill_template(case, "native", src / f"{case.name}.xlsx") for case in cases]
    for name, (country, subdivision, as_of) in SAMPLES.items():
        paths.append(write_template(src / f"{name}.xlsx", country=country, subdivision=subdivision,
                                    sample=True, as_of=as_of))
    out = recalc(paths, tmp_path_factory.mktemp("recalculated"))
    sizes = [len(case.rows) + 2 for case in cases] + [len(sample_rows(dt.date(2026, 12, 2)))] * len(SAMPLES)
    names = [case.name for case in cases] + list(SAMPLES)
    return {name: (read_computed(sheet_values(p), n), p) for name, n, p in zip(names, sizes, out)}


def test_cases_cover_what_a_person_does():
    """The random rows hold every status, blanks, On hold, limits, and rows the closures move."""
    for case in CASES:
        want = expected_rows(case)
        states = {w[1] for w in want if w}
        needed = set(schema.STATES) - (set() if case.max_followups else {schema.LIMIT_REACHED})
        if case.as_of is None:  # today's weekday decides whether "due today" can occur
            needed -= {schema.DUE_TODAY, schema.DUE_THIS_WEEK}
        assert needed <= states, (case.name, needed - states)
        typed = {r.get("status") for r in case.rows if r}
        assert {schema.status_meaning(s) for s in typed} == set(schema.MEANINGS)
        assert {"Rej*", "not\u00a0applied", "On-hold"} <= typed
        assert sum(1 for r in case.rows if not r) >= 10
        # The typed closures matter: without them some next-contact dates differ.
        plain = Case(**{**case.__dict__, "closures": []})
        moved = sum(1 for a, b in zip(want, expected_rows(plain)) if a and b and a[0] != b[0])
        assert moved >= 3, (case.name, moved)


def test_python_row_and_vector_engines_agree():
    for case in CASES:
        assert expected_rows(case) == expected_many(case), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_native_template_in_libreoffice_matches_python(native_results, case):
    got = native_results[case.name][0]
    want = expected_rows(case) + [None, None]  # and the rows below stay empty
    assert len(got) == len(want) == ROWS_PER_CASE + 2
    bad = mismatches(case, got, want)
    assert not bad, f"{len(bad)} rows differ, e.g.:\n" + "\n".join(bad[:8])


def test_native_blank_rows_stay_empty_down_to_the_last_formula_row(native_results):
    """Rows after the typed ones show nothing at all, down to the template's last row."""
    case = CASES[0]
    values = sheet_values(native_results[case.name][1], LAST_ROW)
    for r in range(FIRST_ROW + ROWS_PER_CASE, LAST_ROW + 1):
        assert all(values[k][r] in (None, "") for k in COMPUTED), r


def test_native_cells_that_cannot_be_used_say_check_this_row(native_results):
    """A pasted text date or cadence: no date, and the state asks to check the row (the
    weekly job reports the cell as a problem), a closed row included: the command line does
    not count it as closed either."""
    from followup_xl.template import CHECK_ROW

    got = native_results[BAD_CASE.name][0]
    assert got[:3] == [(None, CHECK_ROW, 0)] * 3
    assert got[3:] == [None, None]


@pytest.mark.parametrize("name", list(SAMPLES))
def test_sample_workbook_in_libreoffice_shows_every_state(native_results, name):
    """`followup-xl template --sample`: LibreOffice's results equal the Python rules, and
    all eight states show."""
    country, subdivision, as_of = SAMPLES[name]
    cal = get_calendar(country, subdivision)
    day = sample_day(as_of, cal)
    settings = Settings(country=country, subdivision=subdivision,
                        **{schema.SETTING_ATTRS[k]: v for k, v in SAMPLE_SETTINGS.items()})
    want = [evaluate_row(last_contact=r["last_contact"], interview_date=r["interview_date"],
                         applied_date=r["applied_date"], status=r["status"],
                         cadence=r["cadence"], followups_sent=r["followups_sent"], settings=settings,
                         calendar=cal, as_of=day)
            for r in sample_rows(day, cal)]
    got = native_results[name][0]
    assert got == [(o.next_contact, o.state, o.days_overdue) for o in want]
    assert {g[1] for g in got} == set(schema.STATES)


# --------------------------------------------------------------------------- xlwings variant

def test_xlwings_variant_is_the_native_one_with_one_followup_next_call(native_results, tmp_path):
    """The xlwings template: the same formulas as the native one, except the Calculation
    sheet's Next contact, one FOLLOWUP_NEXT array formula over every row (one Python call a
    recalculation, the Holidays range read once, nothing volatile). Given the schedule and
    cadence columns LibreOffice computed for the native variant, FOLLOWUP_NEXT (through
    xlwings' UDF machinery) answers what the native WORKDAY.INTL formulas did."""
    from xlwings_harness import ComRange, Harness

    from followup_xl.template import CALC, CALC_SHEET, LAST_ROW as LAST

    case = XLWINGS_CASE
    native_path = fill_template(case, "native", tmp_path / "native.xlsx")
    xl_path = fill_template(case, "xlwings", tmp_path / "xlwings.xlsx")
    native, xlw = (openpyxl.load_workbook(p) for p in (native_path, xl_path))
    for sheet in native.sheetnames:
        if sheet == schema.HOW_TO_SHEET:  # it explains the variant
            continue
        for row_n, row_x in zip(native[sheet].iter_rows(), xlw[sheet].iter_rows()):
            for a, b in zip(row_n, row_x):
                if sheet == CALC_SHEET and a.column_letter in (CALC["next"], CALC["check_holidays"]) \
                        and a.row >= FIRST_ROW:  # the call, and no Check holidays: it knows every year
                    continue
                assert a.value == b.value, (sheet, a.coordinate)
    call = xlw[CALC_SHEET][f"{CALC['next']}{FIRST_ROW}"].value
    assert call.ref == f"{CALC['next']}{FIRST_ROW}:{CALC['next']}{LAST}"
    assert call.text.startswith("=FOLLOWUP_NEXT(") and call.text.count("FOLLOWUP_NEXT") == 1
    done = openpyxl.load_workbook(native_results[case.name][1], data_only=True)
    calc = done[CALC_SHEET]
    n = len(case.rows) + 2
    rows = range(FIRST_ROW, FIRST_ROW + n)
    schedule = [[float(v) if isinstance(v, (int, float)) else None] for v in (calc[f"{CALC['schedule']}{r}"].value for r in rows)]
    cadence = [[calc[f"{CALC['cadence']}{r}"].value] for r in rows]
    holidays = [[c.value] for (c,) in done[schema.HOLIDAYS_SHEET].iter_rows(min_row=2, max_row=5000, max_col=1)]
    with Harness() as xl:
        got = xl.call("FOLLOWUP_NEXT", ComRange(schedule), ComRange(cadence), float(case.max_days),
                      case.country, "", ComRange(holidays), "0000011")
    want = [calc[f"{CALC['next']}{r}"].value for r in rows]
    want = [w.date() if isinstance(w, dt.datetime) else (None if w in ("", None) else w) for w in want]
    got = [g[0].date() if isinstance(g[0], dt.datetime) else g[0] for g in got]
    assert sum(1 for w in want if w) > 30
    assert got == want


def test_require_libreoffice_fails_in_ci_and_skips_elsewhere(monkeypatch):
    import libreoffice

    monkeypatch.setattr(libreoffice.shutil, "which", lambda name: None)
    monkeypatch.setenv(libreoffice.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="requires it"):
        libreoffice.require_libreoffice()
    monkeypatch.delenv(libreoffice.REQUIRE_ENV)
    with pytest.raises(pytest.skip.Exception):
        libreoffice.require_libreoffice()


def test_require_module_fails_in_ci_and_skips_elsewhere(monkeypatch):
    """formulas and msoffcrypto were importorskip'ed: silently skipped even in CI."""
    import required

    assert required.require_module("zipfile").__name__ == "zipfile"
    monkeypatch.setenv(required.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no_such_package_here is not installed.*requires it"):
        required.require_module("no_such_package_here")
    monkeypatch.delenv(required.REQUIRE_ENV)
    with pytest.raises(pytest.skip.Exception):
        required.require_module("no_such_package_here")
