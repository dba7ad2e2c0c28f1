"""The template workbooks: layout from the schema, portable formulas, validation, formats,
the Settings / Holidays / How to use sheets, sample rows, safe writing, the CLI, and the
committed templates regenerating identically.

What the formulas compute is proven in test_template_libreoffice.py (LibreOffice and the
`formulas` package against the Python rules).
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import holidays as holidays_lib
import openpyxl
import pytest
from openpyxl.formula import Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter

from followup_xl import schema, template
from followup_xl.calendar import get_calendar
from followup_xl.cli import main
from followup_xl.errors import CalendarError, FollowupError, UsageError
from followup_xl.rules import evaluate_many, week_bounds
from followup_xl.schema import Settings
from followup_xl.template import (
    BASE_YEAR_PROPERTY,
    FIRST_ROW,
    HEADER_ROW,
    LAST_ROW,
    build_workbook,
    letter,
    sample_day,
    sample_rows,
    write_template,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = {"native": ROOT / "workbook_templates" / "followup_tracker.xlsx",
             "xlwings": ROOT / "workbook_templates" / "followup_tracker_xlwings.xlsx"}
# Functions both Excel 2010 and LibreOffice 7.4 have (as written in the file).
PORTABLE = {"IF", "IFERROR", "AND", "OR", "NOT", "COUNTA", "ISNUMBER", "MATCH", "TRIM", "N", "MAX",
            "SUBSTITUTE", "ISTEXT", "NA", "INDEX", "INT", "CLEAN", "VALUE", "UPPER", "DATE",
            "TODAY", "WEEKDAY", "WORKDAY.INTL"}
UDFS = {"FOLLOWUP_NEXT", "FOLLOWUP_STATE", "FOLLOWUP_DAYS_OVERDUE"}
STATES_FORMATTED = (schema.OVERDUE, schema.DUE_TODAY, schema.DUE_THIS_WEEK, schema.CLOSED)


@pytest.fixture(autouse=True)
def _no_env_defaults(monkeypatch):
    monkeypatch.delenv("FOLLOWUP_XL_COUNTRY", raising=False)
    monkeypatch.delenv("FOLLOWUP_XL_SUBDIVISION", raising=False)


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    """The native and xlwings templates (US, holidays around 2026), saved and read back."""
    out = {}
    for engine in template.ENGINES:
        path = tmp_path_factory.mktemp(engine) / "t.xlsx"
        build_workbook(engine=engine, base_year=2026).save(path)
        out[engine] = openpyxl.load_workbook(path)
        out[engine + "_path"] = path
    return out


def functions_in(formula: str) -> list[str]:
    return [t.value[:-1] for t in Tokenizer(formula).items if t.type == "FUNC" and t.subtype == "OPEN"]


def operands(formula: str) -> list[str]:
    return [t.value for t in Tokenizer(formula).items if t.type == "OPERAND" and t.subtype == "RANGE"]


# --------------------------------------------------------------------------- Tracker

def test_tracker_columns_come_from_the_schema(books):
    ws = books["native"][schema.TRACKER_SHEET]
    assert [ws.cell(HEADER_ROW, j).value for j in range(1, len(schema.COLUMNS) + 1)] == \
        [c.header for c in schema.COLUMNS]
    assert ws.cell(HEADER_ROW, len(schema.COLUMNS) + 1).value is None
    for j, col in enumerate(schema.COLUMNS, start=1):
        assert ws.column_dimensions[get_column_letter(j)].width == col.width
        # Headers match the reader's header lookup.
        assert schema.match_header(ws.cell(HEADER_ROW, j).value) == col.key
    assert ws.freeze_panes == f"B{FIRST_ROW}"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert ws["A1"].value and ws["A2"].value  # a title and one line of guidance


@pytest.mark.parametrize("engine", template.ENGINES)
def test_computed_columns_ready_for_5000_rows_and_inputs_empty(books, engine):
    """Every row to 5,000 has its formulas, the same one shifted down (stored once: a shared
    formula), reading its own row only."""
    ws = books[engine][schema.TRACKER_SHEET]
    calc = books[engine][template.CALC_SHEET]
    assert LAST_ROW - FIRST_ROW + 1 >= 5000
    assert ws.max_row == LAST_ROW
    first = {k: ws[f"{letter(k)}{FIRST_ROW}"].value for k in ("next_contact", "followup_state", "days_overdue")}
    for r in (FIRST_ROW, FIRST_ROW + 1, 2500, LAST_ROW):
        for j, col in enumerate(schema.COLUMNS, start=1):
            value = ws.cell(r, j).value
            if col.computed:
                shifted = Translator(first[col.key], f"{letter(col.key)}{FIRST_ROW}")
                assert value == shifted.translate_formula(f"{letter(col.key)}{r}"), (r, col.key)
                for ref in operands(value):
                    if ref not in ("MaxFollowups",) and "$O$" not in ref:
                        for row in re.findall(r"\$?[A-Z]{1,3}\$?(\d+)", ref):
                            assert int(row) == r, (ref, r)
            else:
                assert value is None
        for key, col in template.CALC.items():
            v = calc[f"{col}{r}"].value
            if not (engine == "xlwings" and key == "next"):
                assert isinstance(v, str) and v.startswith("="), (r, key)
    with zipfile.ZipFile(books[engine + "_path"]) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert xml.count('t="shared"') >= 3 * 5000 and xml.count("<f") < 3 * 5000 + 50


def test_native_formulas_are_portable_and_stored_as_excel_stores_them(books):
    """Excel 2010 functions only, WORKDAY.INTL written bare (as Excel stores it: no _xlfn.)."""
    wb = books["native"]
    names = set(wb.defined_names)
    calc = wb[template.CALC_SHEET]
    formulas = [wb[schema.TRACKER_SHEET][f"{letter(k)}{FIRST_ROW}"].value
                for k in ("next_contact", "followup_state", "days_overdue")]
    formulas += [calc[f"{c}{FIRST_ROW}"].value for c in template.CALC.values()]
    for formula in formulas:
        used = set(functions_in(formula))
        assert used <= PORTABLE, used - PORTABLE
        for ref in operands(formula):
            bare = ref.split("!")[-1]
            assert re.fullmatch(r"\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?", bare) or ref in names, ref
    nxt = calc[f"{template.CALC['next']}{FIRST_ROW}"].value
    assert nxt.count("WORKDAY.INTL(") == 4 and "_xlfn" not in nxt
    assert all(",Holidays)" in call for call in re.findall(r"WORKDAY\.INTL\([^()]*\)", nxt))
    with zipfile.ZipFile(books["native_path"]) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xml"))
    assert "_xlfn." not in xml and "IFERROR(WORKDAY" not in xml
    assert "LET(" not in xml and "XLOOKUP" not in xml and "FILTER(" not in xml


def test_native_formulas_follow_the_rule_steps(books):
    """Spot checks that the formula text says what the spec says (the LibreOffice tests
    prove what it computes)."""
    wb = books["native"]
    calc = wb[template.CALC_SHEET]
    c = {k: calc[f"{col}{FIRST_ROW}"].value for k, col in template.CALC.items()}
    st = wb[schema.TRACKER_SHEET][f"{letter('followup_state')}{FIRST_ROW}"].value
    assert "MAX(" in c["base"] and all(f"${letter(k)}{FIRST_ROW}" in c["base"] for k in template.BASE_KEYS)
    assert "OnHoldCadence" in c["cadence"] and "DefaultCadence" in c["cadence"]
    assert "MAX(MaxDays," in c["next"]
    assert 'MaxFollowups<>""' in c["schedule"]  # blank MaxFollowups: no limit
    assert "MATCH(" in c["meaning"] and '"*"' in c["key"] and '"?"' in c["key"] and '"~"' in c["key"]
    assert "HolidaysLastYear" in calc[f"{template.CALC_GLOBAL_COL}{template.GLOBAL_ROW['last_day']}"].value
    assert "Weekend" in calc[f"{template.CALC_GLOBAL_COL}{template.GLOBAL_ROW['weekend']}"].value
    assert "INT(" in calc[f"{template.CALC_GLOBAL_COL}{template.GLOBAL_ROW['as_of']}"].value  # AsOf with a time
    positions = [st.index(f'"{s}"') for s in (schema.CHECK_ROW, *schema.STATES[:4], schema.CHECK_HOLIDAYS,
                                               *schema.STATES[4:])]
    assert positions == sorted(positions)  # first match wins, in the spec's order
    assert "WEEKDAY(" in st and ",2)" in st  # Monday-to-Sunday weeks


def test_xlwings_formulas_call_the_udfs_with_their_signatures(books):
    """The xlwings variant: one FOLLOWUP_NEXT array formula over every row, nothing volatile."""
    from followup_xl import udfs

    wb = books["xlwings"]
    call = wb[template.CALC_SHEET][f"{template.CALC['next']}{FIRST_ROW}"].value
    assert call.ref == f"{template.CALC['next']}{FIRST_ROW}:{template.CALC['next']}{LAST_ROW}"
    assert re.fullmatch(r"=FOLLOWUP_NEXT\(\$H\$4:\$H\$5003,\$G\$4:\$G\$5003,MaxDays,Country,Subdivision,"
                        r"Holidays,Weekend\)", call.text)
    assert _arg_count(call.text, "FOLLOWUP_NEXT") <= len(inspect.signature(udfs.FOLLOWUP_NEXT).parameters)
    with zipfile.ZipFile(books["xlwings_path"]) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))
    calls = re.findall(r"<f[^>]*>([^<]*)</f>", xml)
    assert [c for c in calls if "FOLLOWUP_" in c] == [call.text[1:]] and not any("WORKDAY" in c for c in calls)
    conf = wb[template.XLWINGS_CONF_SHEET]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "followup_xl.udfs")
    assert template.XLWINGS_CONF_SHEET not in books["native"].sheetnames


def _arg_count(formula: str, name: str) -> int:
    """Top-level arguments of the first call of name in formula."""
    depth, count, started = 0, 1, False
    for tok in Tokenizer(formula).items:
        if tok.type == "FUNC" and tok.subtype == "OPEN":
            if not started and tok.value == name + "(":
                started, depth = True, 1
                continue
            depth += started
        elif started and tok.type == "FUNC" and tok.subtype == "CLOSE":
            depth -= 1
            if depth == 0:
                return count
        elif started and tok.type == "SEP" and tok.subtype == "ARG" and depth == 1:
            count += 1
    raise AssertionError(f"{name} not called")


def calls(formula: str, name: str) -> list[list[str]]:
    """The top-level argument texts of every call of name in formula (quotes respected)."""
    out = []
    for m in re.finditer(r"(?<![\w.])" + re.escape(name) + r"\(", formula):
        depth, quoted, args, start = 1, False, [], m.end()
        for i in range(m.end(), len(formula)):
            ch = formula[i]
            if ch == '"':
                quoted = not quoted
            elif quoted:
                continue
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    args.append(formula[start:i])
                    break
            elif ch == "," and depth == 1:
                args.append(formula[start:i])
                start = i + 1
        out.append(args)
    return out


def _validations(ws) -> dict[str, list]:
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out.setdefault(rng, []).append(dv)
    return out


def test_tracker_validation(books):
    dvs = _validations(books["native"][schema.TRACKER_SHEET])
    span = lambda key: f"{letter(key)}{FIRST_ROW}:{letter(key)}{LAST_ROW}"
    (status,) = dvs[span("status")]
    assert status.type == "list" and status.formula1 == template.STATUS_LIST_NAME
    for col in schema.INPUT_COLUMNS:
        if col.kind == "date":
            (dv,) = dvs[span(col.key)]
            assert dv.type == "date" and dv.operator == "between"
    (sent,) = dvs[span("followups_sent")]
    assert (sent.type, sent.operator, sent.formula1) == ("whole", "greaterThanOrEqual", "0")
    (cad,) = dvs[span("cadence")]
    assert (cad.type, cad.formula1, cad.formula2) == ("whole", str(schema.CADENCE_MIN), str(schema.CADENCE_MAX))
    assert all(dv.showErrorMessage for group in dvs.values() for dv in group)


def test_conditional_formatting_by_state(books):
    ws = books["native"][schema.TRACKER_SHEET]
    last_col = get_column_letter(len(schema.COLUMNS))
    rules: dict[str, Any] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            m = re.fullmatch(rf'\${letter("followup_state")}{FIRST_ROW}="(.+)"', rule.formula[0])
            if rule.formula[0] == f'${letter("followup_state")}{FIRST_ROW}<>""':  # the grey computed cells
                assert str(cf.sqref) == f"{letter('next_contact')}{FIRST_ROW}:{letter('days_overdue')}{LAST_ROW}"
                continue
            assert m, rule.formula
            rules[m[1]] = (str(cf.sqref), rule)
    for state in STATES_FORMATTED:
        sqref, rule = rules[state]
        assert sqref == f"A{FIRST_ROW}:{last_col}{LAST_ROW}"  # the whole row
        assert rule.dxf.font.color is not None
    assert rules[schema.OVERDUE][1].dxf.fill is not None and rules[schema.DUE_TODAY][1].dxf.fill is not None
    assert rules[schema.CLOSED][1].dxf.font.color.rgb.endswith("A6A6A6")  # greyed
    assert {schema.NEEDS_DATE, schema.LIMIT_REACHED, schema.CHECK_ROW, schema.CHECK_HOLIDAYS} <= set(rules)


# --------------------------------------------------------------------------- Settings / Holidays

def _named(wb, name: str):
    ((sheet, ref),) = wb.defined_names[name].destinations
    return wb[sheet][ref.replace("$", "")]


@pytest.mark.parametrize("country,subdivision,weekend", [
    ("US", None, "0000011"), ("US", "CA", "0000011"), ("IL", None, "0000110"), ("DE", "BY", "0000011"),
    ("AE", None, "0000011"), ("GB", None, "0000011"),
])
def test_settings_named_cells(tmp_path, country, subdivision, weekend):
    path = write_template(tmp_path / "t.xlsx", country=country, subdivision=subdivision)
    wb = openpyxl.load_workbook(path)
    for setting in schema.SETTINGS:
        cell = _named(wb, setting.name)
        assert cell.parent.title == schema.SETTINGS_SHEET
        assert cell.offset(0, -1).value == setting.name
        assert cell.offset(0, 1).value == setting.help
    values = {s.name: _named(wb, s.name).value for s in schema.SETTINGS}
    assert values == {**{s.name: s.default for s in schema.SETTINGS}, "Country": country,
                      "Subdivision": subdivision, "Weekend": weekend}
    assert values["Weekend"] == holidays_weekend(country)
    cell = _named(wb, "Weekend")
    assert cell.number_format == "@" and cell.data_type == "s"
    dvs = _validations(wb[schema.SETTINGS_SHEET])
    assert dvs[cell.coordinate][0].type == "textLength"


def holidays_weekend(country: str) -> str:
    """The country's weekend straight from the holidays package (independent of calendar.py)."""
    days = holidays_lib.country_holidays(country).weekend
    return "".join("1" if d in days else "0" for d in range(7))


@pytest.mark.parametrize("country,subdivision", [("US", None), ("US", "CA"), ("IL", None), ("DE", "BY")])
def test_holidays_sheet(tmp_path, country, subdivision):
    wb = build_workbook(country=country, subdivision=subdivision, base_year=2026)
    wb.save(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ws = wb[schema.HOLIDAYS_SHEET]
    assert (ws["A1"].value, ws["B1"].value) == ("Date", "Name")
    ((sheet, ref),) = wb.defined_names[schema.HOLIDAYS_NAME].destinations
    assert sheet == schema.HOLIDAYS_SHEET
    m = re.fullmatch(r"\$A\$2:\$A\$(\d+)", ref)
    last = int(m[1])
    dates = [ws.cell(r, 1).value for r in range(2, last + 1)]
    listed = [d.date() for d in dates if d is not None]
    want = holidays_lib.country_holidays(country, subdiv=subdivision, years=range(2025, 2037))
    assert listed == sorted(want)  # the year before through ten years after, sorted
    assert [ws.cell(r, 2).value for r in range(2, 2 + len(listed))] == [want[d] for d in sorted(want)]
    assert dates[len(listed):] == [None] * (last - 1 - len(listed))
    assert last == template.HOLIDAY_LAST_ROW == 5000  # closures typed anywhere down to row 5,000 count
    # The sheet says for which place and years it holds holidays (names the formulas read).
    info = [_named(wb, n).value for n in template.HOLIDAY_INFO_NAMES]
    assert info == [country, subdivision, 2025, 2036]


def test_how_to_sheet_explains_the_advice_and_every_column(books):
    ws = books["native"][schema.HOW_TO_SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "7 to 10 days" in text and "contact person" in text
    for col in schema.COLUMNS:
        assert col.header in text and col.help in text
    for state in schema.STATES:
        assert state in text
    assert "Import Functions" in "\n".join(str(c.value) for row in books["xlwings"][schema.HOW_TO_SHEET].iter_rows()
                                           for c in row if c.value)


# --------------------------------------------------------------------------- sample

def test_sample_rows_shape():
    rows = sample_rows(dt.date(2026, 12, 2))
    assert len(rows) == 13
    keys = [c.key for c in schema.INPUT_COLUMNS]
    assert all(list(r) == keys for r in rows)
    assert all(r["company"] for r in rows)
    assert {r["status"] for r in rows} <= set(schema.STATUSES)
    assert {schema.status_meaning(r["status"]) for r in rows} == set(schema.MEANINGS)
    assert any(r["applied_date"] for r in rows)


@pytest.mark.parametrize("country,subdivision", [("US", None), ("US", "CA"), ("GB", None), ("DE", "BY"),
                                                 ("IL", None), ("FR", None)])
def test_sample_shows_every_state_on_any_day(country, subdivision):
    """For each day over a year, the sample built around sample_day() shows all eight states
    with the sample settings (MaxFollowups 5) and no contact lies in the future."""
    cal = get_calendar(country, subdivision)
    start = dt.date(2026, 1, 1)
    for k in range(0, 366, 3):
        day = sample_day(start + dt.timedelta(days=k), cal)
        assert day >= start + dt.timedelta(days=k)
        assert cal.is_workday(day) and day < week_bounds(day)[1]
        rows = sample_rows(day, cal)
        assert all((r[c] or day) <= day for r in rows for c in ("interview_date", "last_contact"))
        col = lambda key: [r[key] for r in rows]
        settings = Settings(country=country, subdivision=subdivision, **{
            schema.SETTING_ATTRS[n]: v for n, v in template.SAMPLE_SETTINGS.items()})
        df = evaluate_many(last_contact=col("last_contact"), interview_date=col("interview_date"),
                           status=col("status"), cadence=col("cadence"), followups_sent=col("followups_sent"),
                           settings=settings, calendar=cal, as_of=day)
        assert set(df["followup_state"]) == set(schema.STATES), (day, sorted(set(df["followup_state"])))


def test_sample_workbook_as_of(tmp_path):
    sunday, wednesday = dt.date(2026, 11, 29), dt.date(2026, 12, 2)
    wb = build_workbook(sample=True, as_of=sunday, live_as_of=True)
    assert _named(wb, "AsOf").value == dt.date(2026, 11, 30)  # moved to a day showing every state
    assert _named(wb, "MaxFollowups").value == template.SAMPLE_SETTINGS["MaxFollowups"]
    assert build_workbook(sample=True, as_of=wednesday, live_as_of=True)["Settings"]  # builds
    assert _named(build_workbook(sample=True, as_of=wednesday, live_as_of=True), "AsOf").value is None
    path = write_template(tmp_path / "s.xlsx", sample=True, as_of=wednesday)  # explicit: written
    wb = openpyxl.load_workbook(path)
    assert _named(wb, "AsOf").value.date() == wednesday
    ws = wb[schema.TRACKER_SHEET]
    assert [ws.cell(r, 1).value for r in range(FIRST_ROW, FIRST_ROW + 13)] == \
        [r["company"] for r in sample_rows(wednesday)]
    assert ws.cell(FIRST_ROW + 13, 1).value is None
    assert _named(openpyxl.load_workbook(write_template(tmp_path / "e.xlsx")), "MaxFollowups").value is None


def test_sample_tracker_is_read_without_problems(tmp_path):
    """The reader sees the sample as the template wrote it: 13 rows, settings, no errors."""
    tracker = pytest.importorskip("followup_xl.tracker")
    wednesday = dt.date(2026, 12, 2)
    path = write_template(tmp_path / "s.xlsx", country="US", subdivision="CA", sample=True, as_of=wednesday)
    data = tracker.read_tracker(path)
    assert len(data) == 13 and data.header_row == HEADER_ROW
    assert not [p for p in data.problems if p.severity == "error"]
    assert data.settings.max_followups == 5 and data.settings.subdivision == "CA"
    assert data.settings.weekend == "0000011"
    assert len(data.settings.holidays) >= 40  # the Holidays sheet's public holidays


# --------------------------------------------------------------------------- writing

def test_write_refuses_to_overwrite_and_force_replaces(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(UsageError, match="already exists"):
        write_template(path)
    assert path.read_bytes() == b"precious"
    write_template(path, force=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == schema.TRACKER_SHEET
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_write_is_all_or_nothing(tmp_path, monkeypatch):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"precious")

    def broken(fd):  # the disk fills while the whole file is being written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(FollowupError, match="Cannot write .*t.xlsx: the disk is full"):  # one sentence
        write_template(path, force=True)
    assert path.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(engine="vba"), UsageError, "Engine 'vba'"),
    (dict(country="XX"), CalendarError, "XX"),
    (dict(country="US", subdivision="ZZ"), CalendarError, "ZZ"),
])
def test_write_rejects_bad_arguments(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        write_template(tmp_path / "t.xlsx", **kwargs)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name,match", [("t.xls", ".xlsx"), ("missing/t.xlsx", "does not exist")])
def test_write_rejects_bad_paths(tmp_path, name, match):
    with pytest.raises(UsageError, match=match):
        write_template(tmp_path / name)


# --------------------------------------------------------------------------- CLI

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_template(tmp_path, capsys, monkeypatch):
    out = tmp_path / "tracker.xlsx"
    code, stdout, err = run(capsys, "template", str(out), "--country", "US", "--subdivision", "CA", "--sample")
    assert code == 0 and str(out) in stdout and not err
    wb = openpyxl.load_workbook(out)
    assert (_named(wb, "Country").value, _named(wb, "Subdivision").value) == ("US", "CA")
    assert wb[schema.TRACKER_SHEET].cell(FIRST_ROW, 1).value == "Northwind Traders"
    code, stdout, err = run(capsys, "template", str(out))
    assert code == 2 and "already exists" in err and "--force" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "template", str(out), "--force", "--engine", "xlwings")
    assert code == 0 and template.XLWINGS_CONF_SHEET in openpyxl.load_workbook(out).sheetnames
    code, _, err = run(capsys, "template", str(tmp_path / "x.xlsx"), "--engine", "vba")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "template", str(tmp_path / "x.xlsx"), "--country", "XX")
    assert code == 2 and "XX" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    monkeypatch.setenv("FOLLOWUP_XL_COUNTRY", "IL")
    code, _, _ = run(capsys, "template", str(tmp_path / "il.xlsx"))
    assert code == 0 and _named(openpyxl.load_workbook(tmp_path / "il.xlsx"), "Weekend").value == "0000110"
    assert not (tmp_path / "x.xlsx").exists()


# --------------------------------------------------------------------------- committed templates

def fingerprint(path: Path) -> dict[str, Any]:
    """Everything a user sees or the formulas use: cells, formats, names, validation,
    conditional formats, comments, layout and the custom properties."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {
        "sheets": wb.sheetnames,
        "names": {n: d.attr_text for n, d in wb.defined_names.items()},
        "props": {p.name: p.value for p in wb.custom_doc_props.props},
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                value = (c.value.ref, c.value.text) if hasattr(c.value, "text") else c.value
                cells[c.coordinate] = (value, c.data_type, c.number_format, c.font.b, c.font.i,
                                       c.font.sz, getattr(c.font.color, "rgb", None), c.fill.fill_type,
                                       getattr(c.fill.fgColor, "rgb", None), c.alignment.horizontal,
                                       c.alignment.wrap_text, c.border.left.style,
                                       c.comment.text if c.comment else None)
        out[ws.title] = {
            "cells": cells,
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
            "validation": sorted((str(d.sqref), d.type, d.operator, d.formula1, d.formula2, d.allow_blank,
                                  d.errorStyle, d.error, d.prompt) for d in ws.data_validations.dataValidation),
            "formats": sorted((str(cf.sqref), r.type, tuple(r.formula), r.stopIfTrue,
                               getattr(getattr(r.dxf.font, "color", None), "rgb", None),
                               getattr(r.dxf.font, "b", None), getattr(r.dxf.font, "i", None),
                               getattr(getattr(r.dxf.fill, "bgColor", None), "rgb", None))
                              for cf in ws.conditional_formatting for r in cf.rules),
            "print": (ws.page_setup.orientation, ws.print_title_rows),
        }
    return out


@pytest.mark.parametrize("engine", template.ENGINES)
def test_committed_templates_regenerate_identically(tmp_path, engine):
    committed = COMMITTED[engine]
    assert committed.exists(), f"{committed} is missing: python -m followup_xl template ... (see docs/template.md)"
    props = {p.name: p.value for p in openpyxl.load_workbook(committed).custom_doc_props.props}
    fresh = tmp_path / committed.name
    build_workbook(country="US", engine=engine, base_year=props[BASE_YEAR_PROPERTY]).save(fresh)
    want, got = fingerprint(fresh), fingerprint(committed)
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == want[key], f"{committed.name}: {key} differs from the code; regenerate it"
    assert got["props"][template.ENGINE_PROPERTY] == engine


def test_generation_is_deterministic(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    build_workbook(country="IL", engine="native", base_year=2027, sample=True, as_of=dt.date(2027, 3, 3)).save(a)
    build_workbook(country="IL", engine="native", base_year=2027, sample=True, as_of=dt.date(2027, 3, 3)).save(b)
    assert fingerprint(a) == fingerprint(b)
    c = tmp_path / "c.xlsx"
    build_workbook(country="IL", engine="native", base_year=2028).save(c)
    assert fingerprint(c)["Holidays"] != fingerprint(a)["Holidays"]  # the base year matters


# --------------------------------------------------------------------------- docs/template.md

DOCS = ROOT / "docs" / "template.md"


def _console_examples(text: str) -> list[tuple[str, str]]:
    """(command, expected output) for every `$ followup-xl ...` line of console blocks."""
    examples, in_block, current = [], False, None
    for line in text.splitlines():
        if line.startswith("```"):
            in_block, current = line.strip() == "```console", None
            continue
        if in_block and line.startswith("$ "):
            current = [line[2:], ""]
            examples.append(current)
        elif in_block and current is not None:
            current[1] += line + "\n"
    return [tuple(e) for e in examples]


def test_docs_console_examples(tmp_path, capsys, monkeypatch):
    import shlex

    monkeypatch.chdir(tmp_path)
    examples = _console_examples(DOCS.read_text(encoding="utf-8"))
    assert len(examples) >= 4
    for command, expected in examples:
        argv = shlex.split(command)
        assert argv[0] == "followup-xl"
        code, out, err = run(capsys, *argv[1:])
        if expected.startswith("Error:"):
            assert (code, out, err) == (2, "", expected), command
        else:
            assert (code, out, err) == (0, expected, ""), command


def test_docs_python_examples(tmp_path, monkeypatch):
    import doctest

    monkeypatch.chdir(tmp_path)
    result = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10 and result.failed == 0


def test_docs_explain_every_column_and_setting():
    text = DOCS.read_text(encoding="utf-8")
    for col in schema.COLUMNS:
        assert f"\n| {col.header} |" in text, col.header
    for setting in schema.SETTINGS:
        assert f"\n| {setting.name} |" in text, setting.name
    for state in schema.STATES:
        assert f"\n| {state} |" in text, state
    assert (ROOT / "docs" / "images" / "template_sample.png").exists()
    assert "images/template_sample.png" in text
