"""The tracker template workbook (SPEC: "The tracker", "The rules"): `followup-xl template`.

Everything comes from `schema`: the columns, statuses, states, settings and sheet names.
Two engines compute Next contact, Follow-up state and Days overdue in the workbook:

- **native**: plain formulas that Excel 2010+ and LibreOffice 7.4+ both evaluate, written
  as Excel stores them. WORKDAY.INTL is an Excel 2010 "future function": Excel stores it
  as `_xlfn.WORKDAY.INTL` and shows #NAME? without the prefix, while LibreOffice 7.4
  reads only the bare name from an .xlsx (its cell-formula table lacks the prefixed
  spelling). Every call is therefore written
  `IFERROR(_xlfn.WORKDAY.INTL(...),WORKDAY.INTL(...))`: Excel answers with the first,
  LibreOffice with the second, and a real error (a text date) still shows.
- **xlwings**: the computed columns call the followup_xl UDFs (FOLLOWUP_NEXT, ...), and an
  `xlwings.conf` sheet points the add-in at `followup_xl.udfs`.

The workbook is built deterministically: the same arguments (and the same holiday base
year, recorded in the file's custom properties) give the same cells, formulas, names,
validations and formats.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from . import schema
from .calendar import WorkCalendar, default_place, get_calendar
from .dates import PLAUSIBLE, date_to_serial
from .errors import FollowupError, UsageError, quote
from .output import check_target, why, write_atomic
from .sharedformulas import SharedIndex

ENGINES = ("native", "xlwings")
ROWS = 5000  # data rows computed, formatted and validated
TITLE_ROW, GUIDE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1
LAST_ROW = FIRST_ROW + ROWS - 1
HOLIDAY_YEARS_BEFORE, HOLIDAY_YEARS_AFTER = 1, 10  # the year before through ten years after
HOLIDAY_LAST_ROW = 5000  # the Holidays name covers Date from row 2 to here
SETTINGS_FIRST_ROW = 4  # first setting's row on the Settings sheet
SETTINGS_HELP_WIDTH, HOW_TO_WIDTH = 90, 100  # the explanation columns (characters)
XLWINGS_CONF_SHEET = "xlwings.conf"
CALC_SHEET = "Calculation"  # hidden: the formulas' working cells, one row per Tracker row
UDF_MODULE = "followup_xl.udfs"
SAMPLE_SETTINGS = {"MaxFollowups": 5}  # so that the sample shows "Limit reached"
BASE_YEAR_PROPERTY = "followup_xl.holiday_base_year"
ENGINE_PROPERTY = "followup_xl.engine"
# Defined names on the Holidays sheet saying for which place and years it was filled.
HOLIDAY_INFO_NAMES = ("HolidaysCountry", "HolidaysSubdivision", "HolidaysFirstYear", "HolidaysLastYear")

DATE_FORMAT = "d mmm yyyy"
NEXT_FORMAT = "ddd d mmm yyyy"
DAYS_FORMAT = '0;-0;""'  # 0 shows as an empty cell: only overdue rows show a number
TITLE = "Job application follow-ups"
GUIDANCE = ("One row per application. Fill in the white columns; the grey ones compute the next "
            "contact (a working day 7-10 days after the last one). Settings, Holidays and Statuses: "
            "see the other sheets.")
CHECK_ROW = schema.CHECK_ROW  # a cell the formulas cannot read (a date typed as text, ...)
CHECK_HOLIDAYS = schema.CHECK_HOLIDAYS  # a date past the Holidays sheet's years, or another place
BASE_KEYS = ("applied_date", "interview_date", "last_contact")  # rule step 2's dates
NBSP = "\u00a0"
# What a Status cell's formula removes before comparing (case is ignored by MATCH). The
# command line ignores every space and punctuation character; formulas can only list them:
# these are the ones people type, the MATCH wildcards * ? ~ among them. `check` warns about
# a status holding another one (schema-level: template.status_residue).
STATUS_IGNORED = (" ", NBSP, "-", "_", ".", ",", "/", "\\", "'", '"', "(", ")", "&", ":", ";", "!",
                  "?", "*", "~", "+", "#", "\u2013", "\u2014", "\u2019", "|")
STATE_NAMES = schema.STATES + schema.TEMPLATE_STATES
SCHEDULED_STATES = (schema.OVERDUE, schema.DUE_TODAY, schema.DUE_THIS_WEEK, schema.UPCOMING)

# Colours (ARGB without alpha)
NAVY, TEAL, GREY_FILL, LIGHT = "1F3864", "2E5E6E", "EDEDED", "F7F9FC"
FILL = {
    schema.OVERDUE: ("FFC7CE", "9C0006", False),
    schema.DUE_TODAY: ("FFD966", "6B4200", False),
    schema.DUE_THIS_WEEK: ("FFF2CC", "5C4400", False),
    schema.CLOSED: (None, "A6A6A6", False),
}


# --------------------------------------------------------------------------- columns

def letter(key: str) -> str:
    """The Tracker column letter of a schema column key."""
    return get_column_letter([c.key for c in schema.COLUMNS].index(key) + 1)


def _str_list(values: tuple[str, ...]) -> str:
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


def _lit(text: str) -> str:
    """A formula string literal."""
    return '"' + text.replace('"', '""') + '"'


def status_key_formula(ref: str) -> str:
    """The matching key of a cell, as far as formulas go: CLEAN (control characters), then
    each STATUS_IGNORED character removed (MATCH then ignores case)."""
    key = f"CLEAN({ref}&\"\")"
    for ch in STATUS_IGNORED:
        key = f'SUBSTITUTE({key},{_lit(ch)},"")'
    return key


def status_residue(text: Any) -> str:
    """The characters of a status that the command line ignores and the template's formulas
    do not (so the two may read it differently): '' when none."""
    if text is None:
        return ""
    ignored = set(STATUS_IGNORED)
    out = []
    for ch in str(text):
        if ch not in ignored and not (ch.isalnum() or ch == "_") and ord(ch) >= 32 and ch not in out:
            out.append(ch)
    return "".join(out)


def _blank_text(ref: str) -> str:
    """A cell that is empty or only spaces (non-breaking ones too)."""
    return f'TRIM(SUBSTITUTE({ref}&"",{_lit(NBSP)}," "))=""'


def _trimmed(ref: str) -> str:
    return f'TRIM(SUBSTITUTE({ref},{_lit(NBSP)}," "))'


# Calculation sheet columns, one row per Tracker row (same row number).
CALC_COLUMNS = (
    ("key", "Status key"), ("meaning", "Meaning (1 not applied, 2 active, 3 on hold, 4 closed)"),
    ("cadence_cell", "Cadence cell"), ("sent", "Follow-ups sent"), ("problem", "A cell the formulas cannot read"),
    ("base", "Base date"), ("cadence", "Cadence"), ("schedule", "Base to schedule"), ("next", "Next contact"),
    ("check_holidays", "Outside the Holidays sheet"),
)
CALC = {key: get_column_letter(i) for i, (key, _) in enumerate(CALC_COLUMNS, start=1)}
# The Statuses sheet's keys and meanings, on the Calculation sheet (same row numbers).
STATUS_KEY_COL, STATUS_CODE_COL = "L", "M"
# Cells of the Calculation sheet every row uses.
CALC_GLOBAL_COL = "O"
GLOBALS = ("place_changed", "first_day", "last_day", "as_of", "weekend")
GLOBAL_ROW = {name: i for i, name in enumerate(GLOBALS, start=2)}
MEANING_CODE = {m: i for i, m in enumerate(schema.MEANINGS, start=1)}


def _calc_ref(key: str, row: int) -> str:
    return f"{quote_sheetname(CALC_SHEET)}!${CALC[key]}{row}"


def calc_global(name: str, sheet: bool = True) -> str:
    ref = f"${CALC_GLOBAL_COL}${GLOBAL_ROW[name]}"
    return f"{quote_sheetname(CALC_SHEET)}!{ref}" if sheet else ref


class RowFormulas:
    """The formulas of one Tracker row and of its Calculation row (A1 references, Settings
    by name). Rule steps: Calculation reads the cells (status meaning, dates, cadence,
    follow-ups, what cannot be read) and schedules; the Tracker's three columns show the
    state, the date and the days overdue."""

    def __init__(self, row: int):
        self.r = row
        self.t = {c.key: f"{quote_sheetname(schema.TRACKER_SHEET)}!${letter(c.key)}{row}"
                  for c in schema.COLUMNS}
        self.c = {key: f"${CALC[key]}{row}" for key in CALC}

    # ----------------------------------------------------------- Calculation sheet
    def calc(self, engine: str) -> dict[str, str]:
        t, c = self.t, self.c
        lo, hi = (date_to_serial(d) for d in PLAUSIBLE)
        statuses = f"${STATUS_KEY_COL}${STATUS_FIRST_ROW}:${STATUS_KEY_COL}${STATUS_LAST_ROW}"
        codes = f"${STATUS_CODE_COL}${STATUS_FIRST_ROW}:${STATUS_CODE_COL}${STATUS_LAST_ROW}"
        active = MEANING_CODE[schema.ACTIVE]

        def number(ref: str) -> str:  # a number, text holding one, "" when blank, else #VALUE!
            return (f'IF(ISNUMBER({ref}),{ref},IF(ISTEXT({ref}),IF({_trimmed(ref)}="","",'
                    f'VALUE({_trimmed(ref)})),""))')

        def bad_date(ref: str) -> str:  # text (not spaces) or a number that is no plausible date
            return (f"IF(ISNUMBER({ref}),OR({ref}<{lo},{ref}>={hi + 1}),"
                    f'IF(ISTEXT({ref}),{_trimmed(ref)}<>"",FALSE))')

        dates = [t[k] for k in BASE_KEYS]
        cad, sent = c["cadence_cell"], c["sent"]
        problem = ",".join([*(bad_date(d) for d in dates),
                            f'IF({cad}="",FALSE,OR({cad}<>INT({cad}),{cad}<{schema.CADENCE_MIN},'
                            f"{cad}>{schema.CADENCE_MAX}))",
                            f"OR({sent}<>INT({sent}),{sent}<0)"])
        on_hold, closed, not_applied = (MEANING_CODE[m] for m in
                                        (schema.ON_HOLD, schema.CLOSED_MEANING, schema.NOT_APPLIED_MEANING))
        unscheduled = (f"OR({_blank_text(t['company'])},{c['problem']},{c['meaning']}={closed},"
                       f"{c['meaning']}={not_applied},{c['base']}=0,"
                       f'AND(MaxFollowups<>"",{sent}>=MaxFollowups))')
        out = {
            "key": "=" + status_key_formula(t["status"]),
            "meaning": f'=IF({c["key"]}="",{active},IFERROR(INDEX({codes},MATCH({c["key"]},{statuses},0)),{active}))',
            "cadence_cell": "=" + number(t["cadence"]),
            "sent": f'=IFERROR(N({number(t["followups_sent"])}),-1)',
            "problem": f"=IFERROR(OR({problem}),TRUE)",
            "base": "=MAX(" + ",".join(f"IF(ISNUMBER({d}),INT({d}),0)" for d in dates) + ")",
            "cadence": (f'=IF({c["meaning"]}={on_hold},OnHoldCadence,IF({cad}="",DefaultCadence,{cad}))'),
            "schedule": f'=IFERROR(IF({unscheduled},"",{c["base"]}),"")',
        }
        if engine == "native":
            b, k = c["schedule"], c["cadence"]
            wk = calc_global("weekend", sheet=False)
            f = f"WORKDAY.INTL({b}+{k}-1,1,{wk},{schema.HOLIDAYS_NAME})"  # first working day on or after t
            back = f"WORKDAY.INTL({b}+{k}+1,-1,{wk},{schema.HOLIDAYS_NAME})"  # last working day on or before t
            out["next"] = f'=IF({b}="","",IF(OR({f}-{b}<=MAX(MaxDays,{k}),{back}<={b}),{f},{back}))'
            nxt = c["next"]
            out["check_holidays"] = (f"=IF(ISNUMBER({nxt}),OR({calc_global('place_changed', False)},"
                                     f"{nxt}<{calc_global('first_day', False)},"
                                     f"{nxt}>{calc_global('last_day', False)}),FALSE)")
        else:  # one FOLLOWUP_NEXT call for every row (see _calc_sheet), its calendar knows every year
            out["check_holidays"] = "=FALSE"
        return out

    # ----------------------------------------------------------- Tracker sheet
    def state(self) -> str:
        c = {k: _calc_ref(k, self.r) for k in CALC}
        a = calc_global("as_of")
        states = (f'IF({c["problem"]},"{CHECK_ROW}",'
                  f'IF({c["meaning"]}={MEANING_CODE[schema.CLOSED_MEANING]},"{schema.CLOSED}",'
                  f'IF({c["meaning"]}={MEANING_CODE[schema.NOT_APPLIED_MEANING]},"{schema.NOT_APPLIED}",'
                  f'IF({c["base"]}=0,"{schema.NEEDS_DATE}",'
                  f'IF(AND(MaxFollowups<>"",{c["sent"]}>=MaxFollowups),"{schema.LIMIT_REACHED}",'
                  f'IF({c["check_holidays"]},"{CHECK_HOLIDAYS}",'
                  f'IF({c["next"]}<{a},"{schema.OVERDUE}",IF({c["next"]}={a},"{schema.DUE_TODAY}",'
                  f'IF({c["next"]}<={a}+7-WEEKDAY({a},2),"{schema.DUE_THIS_WEEK}","{schema.UPCOMING}")))))))))')
        company = f"${letter('company')}{self.r}"
        return f'=IF({_blank_text(company)},"",IFERROR({states},"{CHECK_ROW}"))'

    def next_contact(self) -> str:
        state = f"${letter('followup_state')}{self.r}"
        return f'=IF(ISNUMBER(MATCH({state},{_str_list(SCHEDULED_STATES)},0)),{_calc_ref("next", self.r)},"")'

    def days_overdue(self) -> str:
        state = f"${letter('followup_state')}{self.r}"
        return (f'=IF({state}="","",IF({state}="{schema.OVERDUE}",'
                f'{calc_global("as_of")}-{_calc_ref("next", self.r)},0))')

    def computed(self) -> dict[str, str]:
        """Computed column key -> formula (the same for both engines: only the Calculation
        sheet's Next contact differs)."""
        return {"next_contact": self.next_contact(), "followup_state": self.state(),
                "days_overdue": self.days_overdue()}


# --------------------------------------------------------------------------- sample rows

def sample_day(as_of: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """The first day on or after as_of that can show every state: a working day followed by
    another working day in the same Monday-to-Sunday week (so Due today and Due this week
    both exist)."""
    cal = calendar or get_calendar("US")
    day = as_of
    for _ in range(60):
        sunday = day + dt.timedelta(days=6 - day.weekday())
        if cal.is_workday(day) and day < sunday and cal.next_workday_after(day) <= sunday:
            return day
        day += dt.timedelta(days=1)
    return as_of  # pragma: no cover - a calendar without two working days a week for 2 months


def sample_rows(as_of: dt.date, calendar: WorkCalendar | None = None) -> list[dict[str, Any]]:
    """Thirteen realistic applications relative to as_of (keys = schema column keys).

    With the template's settings (defaults, MaxFollowups 5) and as_of = sample_day(as_of),
    they show every state: two Overdue, Due today, Due this week, Upcoming, On hold,
    Not applied, Needs date, Limit reached and three Closed.
    """
    cal = calendar or get_calendar("US")

    def ago(days: int) -> dt.date:
        return as_of - dt.timedelta(days=days)

    later = cal.next_workday_after(as_of)  # a working day later this week (see sample_day)
    rows = [
        dict(company="Northwind Traders", role="Data Analyst", contact_name="Maria Lopez",
             contact_email="maria@northwind.example", contact_phone="+1 555 0101",
             applied_date=ago(45), interview_date=ago(31), last_contact=ago(24), followups_sent=2,
             status="Interviewing",
             decision_expected="Mid-December", notes="Second interview went well."),
        dict(company="Contoso Pharma", role="BI Developer", contact_name="James Chen",
             contact_email="james.chen@contoso.example", contact_phone="+1 555 0102",
             applied_date=ago(30), interview_date=ago(12), status="Interviewing", decision_expected="2-3 weeks",
             notes="Panel interview; send portfolio."),
        dict(company="Fabrikam", role="Reporting Analyst", contact_name="Aisha Patel",
             contact_email="aisha@fabrikam.example", contact_phone="+1 555 0103",
             interview_date=ago(21), last_contact=ago(7), followups_sent=1, status="Waiting",
             decision_expected="End of month", notes="Budget approval pending."),
        dict(company="Tailspin Toys", role="Operations Analyst", contact_name="Tom Becker",
             contact_email="tom@tailspin.example", contact_phone="+1 555 0104",
             interview_date=later - dt.timedelta(days=7), status="Interviewing",
             decision_expected="After final round"),
        dict(company="Alpine Ski House", role="Analytics Manager", contact_name="Sofia Rossi",
             contact_email="sofia@alpineski.example", contact_phone="+1 555 0105",
             interview_date=ago(15), last_contact=ago(1), followups_sent=1, cadence=14, status="Waiting",
             decision_expected="January", notes="Asked me to write in two weeks."),
        dict(company="Litware", role="Data Engineer", contact_name="Ken Ito",
             contact_email="ken.ito@litware.example", contact_phone="+1 555 0106",
             interview_date=ago(30), last_contact=ago(9), followups_sent=2, status="On hold",
             decision_expected="Next quarter", notes="Hiring freeze until next quarter."),
        dict(company="Wide World Importers", role="Supply Chain Analyst", contact_name="Elena Novak",
             contact_email="elena.novak@wwi.example", contact_phone="+1 555 0107",
             interview_date=ago(10), last_contact=ago(3), followups_sent=1, cadence=10, status="Offer",
             decision_expected="This week", notes="Verbal offer; written one to come."),
        dict(company="Proseware", role="Junior Data Scientist", contact_name=None,
             contact_email="careers@proseware.example", status="Applied",
             notes="Applied online; add the date you applied, and find a contact."),
        dict(company="Woodgrove Bank", role="Risk Analyst", contact_name="Daniel Green",
             contact_email="d.green@woodgrove.example", contact_phone="+1 555 0109",
             interview_date=ago(70), last_contact=ago(10), followups_sent=5, status="Waiting",
             decision_expected="Unclear", notes="Five follow-ups, no answer."),
        dict(company="Adventure Works", role="BI Analyst", contact_name="Laura Smith",
             contact_email="laura@adventure-works.example", contact_phone="+1 555 0110",
             interview_date=ago(40), last_contact=ago(20), followups_sent=2, status="Rejected",
             notes="Internal candidate chosen."),
        dict(company="Coho Winery", role="Data Analyst", contact_name="Pierre Martin",
             contact_email="p.martin@cohowinery.example", interview_date=ago(25), status="Withdrawn",
             notes="The role moved to another city."),
        dict(company="Blue Yonder Airlines", role="Senior Analyst", contact_name="Grace Kim",
             contact_email="grace@blueyonder.example", contact_phone="+1 555 0112",
             interview_date=ago(35), last_contact=ago(6), followups_sent=3, status="Accepted",
             decision_expected="Decided", notes="Accepted! Starting in January."),
        dict(company="Trey Research", role="Data Analyst", contact_name="Omar Haddad",
             contact_email="jobs@treyresearch.example", status="Wishlist",
             notes="Apply before the end of the month."),
    ]
    keys = [c.key for c in schema.INPUT_COLUMNS]
    return [{k: row.get(k) for k in keys} for row in rows]


# --------------------------------------------------------------------------- styles

_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
COMPUTED_HEADER_FILL = PatternFill("solid", fgColor=TEAL)
COMPUTED_FILL = PatternFill("solid", fgColor=GREY_FILL)
TITLE_FONT = Font(bold=True, size=16, color=NAVY)
NOTE_FONT = Font(italic=True, color="595959")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _header(cell, text: str, fill: PatternFill = HEADER_FILL) -> None:
    cell.value = text
    cell.font = HEADER_FONT
    cell.fill = fill
    cell.alignment = CENTER
    cell.border = BORDER


def _text(cell, value: Any) -> None:
    """A literal value; text starting with '=' stays text, never a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _validation(ws, sqref: str, **kw: Any) -> DataValidation:
    dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=bool(kw.get("prompt")), **kw)
    dv.add(sqref)
    ws.add_data_validation(dv)
    return dv


def _date_rule(ws, sqref: str, what: str) -> None:
    lo, hi = (date_to_serial(d) for d in PLAUSIBLE)
    _validation(ws, sqref, type="date", operator="between", formula1=str(lo), formula2=str(hi),
                errorTitle="Not a date", error=f"{what}: enter a date such as 30 Nov 2026 "
                f"(between {PLAUSIBLE[0].year} and {PLAUSIBLE[1].year}).")


# --------------------------------------------------------------------------- sheets

def _tracker_sheet(wb: Workbook, rows: list[dict[str, Any]]) -> None:
    ws = wb.active
    ws.title = schema.TRACKER_SHEET
    ncols = len(schema.COLUMNS)
    last_col = get_column_letter(ncols)
    ws.sheet_properties.tabColor = NAVY
    ws.sheet_view.zoomScale = 100
    ws.row_dimensions[TITLE_ROW].height = 24
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.cell(TITLE_ROW, 1, TITLE).font = TITLE_FONT
    ws.cell(GUIDE_ROW, 1, GUIDANCE).font = NOTE_FONT
    # The as-of date the states are computed for, at the top right.
    asof_col = [c.key for c in schema.COLUMNS].index("followup_state") + 1
    label = ws.cell(TITLE_ROW, asof_col - 1, "States as of")
    label.alignment = Alignment(horizontal="right", vertical="center")
    label.font = NOTE_FONT
    shown = ws.cell(TITLE_ROW, asof_col, "=" + calc_global("as_of"))
    shown.number_format = NEXT_FORMAT
    shown.font = Font(bold=True, color=NAVY)
    shown.alignment = Alignment(horizontal="left", vertical="center")

    for j, col in enumerate(schema.COLUMNS, start=1):
        _header(ws.cell(HEADER_ROW, j), col.header, COMPUTED_HEADER_FILL if col.computed else HEADER_FILL)
        ws.cell(HEADER_ROW, j).comment = _comment(col.help)
        ws.column_dimensions[get_column_letter(j)].width = col.width
        fmt = (NEXT_FORMAT if col.computed else DATE_FORMAT) if col.kind == "date" else \
            DAYS_FORMAT if col.key == "days_overdue" else "0" if col.kind == "int" else None
        if fmt:  # a column style: every row formatted, without a style record per cell
            ws.column_dimensions[get_column_letter(j)].number_format = fmt
    for i, values in enumerate(rows):
        for j, col in enumerate(schema.COLUMNS, start=1):
            if not col.computed and values.get(col.key) is not None:
                cell = ws.cell(FIRST_ROW + i, j)
                _text(cell, values[col.key])
                if col.kind == "date":
                    cell.number_format = DATE_FORMAT
    shared = SharedIndex()
    for key, text in RowFormulas(FIRST_ROW).computed().items():
        shared.fill(ws, letter(key), FIRST_ROW, LAST_ROW, text)
        fmt = {"next_contact": NEXT_FORMAT, "days_overdue": DAYS_FORMAT}.get(key)
        if fmt:
            for r in range(FIRST_ROW, LAST_ROW + 1):
                ws[f"{letter(key)}{r}"].number_format = fmt
    ws.freeze_panes = f"B{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{LAST_ROW}"
    _tracker_validation(ws)
    _tracker_formatting(ws, last_col)
    _tracker_printing(wb, ws, last_col)


def _tracker_printing(wb: Workbook, ws, last_col: str) -> None:
    """Landscape, one page wide, the header row on every page, and a print area that ends at
    the last row with a Company (so the unused formula rows print no empty pages)."""
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_fit_width(ws, landscape=True)
    ws.print_options.gridLines = False
    company = f"{quote_sheetname(schema.TRACKER_SHEET)}!$A${FIRST_ROW}:$A${LAST_ROW}"
    last = (f"MAX({HEADER_ROW},IFERROR(MATCH(REPT(\"z\",255),{company}),0)+{HEADER_ROW},"
            f"IFERROR(MATCH(9.99E+307,{company}),0)+{HEADER_ROW})")
    area = (f"{quote_sheetname(schema.TRACKER_SHEET)}!$A$1:INDEX("
            f"{quote_sheetname(schema.TRACKER_SHEET)}!${last_col}:${last_col},{last})")
    wb.defined_names["_xlnm.Print_Area"] = DefinedName("_xlnm.Print_Area", localSheetId=0, attr_text=area)


def _print_fit_width(ws, landscape: bool = False) -> None:
    """Print the sheet one page wide (as many pages tall as needed)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _fit_height(ws, row: int, text: str, width: float) -> None:
    """A row tall enough for wrapped text (Excel does not grow rows written by a program)."""
    lines = max(1, -(-len(text) // max(1, int(width * 0.95))))
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines + 2


def _comment(text: str) -> Comment:
    c = Comment(text, "followup-xl")
    c.width, c.height = 220, 60
    return c


def _span(key: str) -> str:
    col = letter(key)
    return f"{col}{FIRST_ROW}:{col}{LAST_ROW}"


def _tracker_validation(ws) -> None:
    _validation(ws, _span("status"), type="list", formula1=STATUS_LIST_NAME, errorStyle="warning",
                errorTitle="Unknown status", error="Pick a status from the list, or add yours to the "
                "Statuses sheet (other text counts as an active application).", promptTitle="Status",
                prompt="Pick from the list (the Statuses sheet).")
    for col in schema.INPUT_COLUMNS:
        if col.kind == "date":
            _date_rule(ws, _span(col.key), col.header)
    _validation(ws, _span("followups_sent"), type="whole", operator="greaterThanOrEqual", formula1="0",
                errorTitle="Not a number of follow-ups", error="Enter a whole number, 0 or more (blank = 0).")
    _validation(ws, _span("cadence"), type="whole", operator="between", formula1=str(schema.CADENCE_MIN),
                formula2=str(schema.CADENCE_MAX), errorTitle="Not a cadence",
                error=f"Enter a whole number of days from {schema.CADENCE_MIN} to {schema.CADENCE_MAX} "
                "(blank = the Settings default).")


def _tracker_formatting(ws, last_col: str) -> None:
    """Conditional formats by state: whole rows for Overdue / Due today / Due this week /
    Closed; the state cell alone for the other states."""
    state = f"${letter('followup_state')}{FIRST_ROW}"
    rows = f"A{FIRST_ROW}:{last_col}{LAST_ROW}"
    for name, (fill, color, bold) in FILL.items():
        style = DifferentialStyle(font=Font(color=color, bold=bold),
                                  fill=PatternFill(bgColor=fill, fill_type="solid") if fill else None)
        ws.conditional_formatting.add(rows, Rule(type="expression", dxf=style, stopIfTrue=True,
                                                 formula=[f'{state}="{name}"']))
    grey = DifferentialStyle(fill=PatternFill(bgColor=GREY_FILL, fill_type="solid"))
    computed = f"{letter('next_contact')}{FIRST_ROW}:{letter('days_overdue')}{LAST_ROW}"
    ws.conditional_formatting.add(computed, Rule(type="expression", dxf=grey,
                                                 formula=[f'{state}<>""']))
    single = _span("followup_state")
    for name, color in ((schema.NEEDS_DATE, "7F6000"), (schema.LIMIT_REACHED, "7030A0"), (CHECK_ROW, "C00000"),
                        (CHECK_HOLIDAYS, "C00000"), (schema.NOT_APPLIED, "2F5597")):
        style = DifferentialStyle(font=Font(color=color, italic=True))
        ws.conditional_formatting.add(single, Rule(type="expression", dxf=style, stopIfTrue=True,
                                                   formula=[f'{state}="{name}"']))


def _settings_sheet(wb: Workbook, values: dict[str, Any], years: tuple[int, int], place: str) -> None:
    ws = wb.create_sheet(schema.SETTINGS_SHEET)
    ws.sheet_properties.tabColor = TEAL
    ws.cell(1, 1, "Settings").font = TITLE_FONT
    ws.cell(2, 1, "Change the values in column B; the Tracker's formulas use them by name. "
            "Blank means the default explained beside it.").font = NOTE_FONT
    for j, text in enumerate(("Setting", "Value", "What it means"), start=1):
        _header(ws.cell(SETTINGS_FIRST_ROW - 1, j), text)
    for i, setting in enumerate(schema.SETTINGS):
        r = SETTINGS_FIRST_ROW + i
        ws.cell(r, 1, setting.name).font = Font(bold=True)
        ws.cell(r, 1).alignment = Alignment(vertical="top")
        value = ws.cell(r, 2)
        _text(value, values.get(setting.name))
        value.fill = PatternFill("solid", fgColor="FFF9E5")
        value.alignment = Alignment(horizontal="left", vertical="top")
        ws.cell(r, 3, setting.help).alignment = WRAP_TOP
        _fit_height(ws, r, setting.help, SETTINGS_HELP_WIDTH)
        for j in (1, 2, 3):
            ws.cell(r, j).border = BORDER
        ref = f"{quote_sheetname(schema.SETTINGS_SHEET)}!${'B'}${r}"
        wb.defined_names[setting.name] = DefinedName(setting.name, attr_text=ref)
        _setting_rule(ws, setting.name, f"B{r}", value)
    r = SETTINGS_FIRST_ROW + len(schema.SETTINGS) + 1
    ws.cell(r, 1, "Holidays").font = Font(bold=True)
    note = (f"The Holidays sheet lists the public holidays of {place} for {years[0]}-{years[1]} "
            "(from the holidays package) and has room for your own closures. If you change Country or "
            f"Subdivision, rows show {CHECK_HOLIDAYS} until you run  followup-xl holidays --update "
            "THIS_FILE.xlsx  (it refills the list for the new place and keeps your closures).")
    ws.cell(r, 3, note).alignment = WRAP_TOP
    ws.cell(r, 1).alignment = WRAP_TOP
    _fit_height(ws, r, note, SETTINGS_HELP_WIDTH)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = SETTINGS_HELP_WIDTH
    ws.freeze_panes = f"A{SETTINGS_FIRST_ROW}"
    _print_fit_width(ws, landscape=True)


def _setting_rule(ws, name: str, ref: str, cell) -> None:
    """Per-setting format and validation (Weekend as 7-character text, AsOf a date, ...)."""
    if name == "Weekend":
        cell.number_format = "@"
        _validation(ws, ref, type="textLength", operator="equal", formula1="7", errorTitle="Not a weekend mask",
                    error="Type 7 digits, Monday first, 1 = day off (0000011 = Saturday and Sunday).")
    elif name == "AsOf":
        cell.number_format = NEXT_FORMAT
        _date_rule(ws, ref, "AsOf")
    elif name in ("DefaultCadence", "OnHoldCadence"):
        _validation(ws, ref, type="whole", operator="between", formula1=str(schema.CADENCE_MIN),
                    formula2=str(schema.CADENCE_MAX), errorTitle="Not a cadence",
                    error=f"Enter a whole number of days from {schema.CADENCE_MIN} to {schema.CADENCE_MAX}.")
    elif name == "MaxDays":
        _validation(ws, ref, type="whole", operator="between", formula1="0", formula2="3650",
                    errorTitle="Not a number of days", error="Enter a whole number of days, 0 or more.")
    elif name == "MaxFollowups":
        _validation(ws, ref, type="whole", operator="between", formula1="1", formula2="3650",
                    errorTitle="Not a number of follow-ups", error="Enter a whole number, 1 or more, or leave it blank.")
    elif name == "DateOrder":
        _validation(ws, ref, type="list", formula1='"' + ",".join(schema.DATE_ORDERS) + '"',
                    errorTitle="Not a date order", error="Pick MDY or DMY, or leave it blank.")
    elif name in ("Country", "Subdivision"):
        cell.number_format = "@"


def _holidays_sheet(wb: Workbook, cal: WorkCalendar, years: tuple[int, int]) -> None:
    ws = wb.create_sheet(schema.HOLIDAYS_SHEET)
    ws.sheet_properties.tabColor = "548235"
    _header(ws.cell(1, 1), "Date")
    _header(ws.cell(1, 2), "Name")
    public = cal.public_holidays(*years)
    for r, (day, name) in enumerate(public.items(), start=2):
        ws.cell(r, 1, day)
        ws.cell(r, 2, name)
    ws.column_dimensions["A"].number_format = "ddd d mmm yyyy"
    for r in range(2, 2 + len(public)):
        ws.cell(r, 1).number_format = "ddd d mmm yyyy"
    _date_rule(ws, f"A2:A{HOLIDAY_LAST_ROW}", "Holiday date")
    _print_fit_width(ws)
    ws.column_dimensions["A"].width = 17
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 3
    ws.column_dimensions["D"].width = 22
    ws.column_dimensions["E"].width = 12
    ws.column_dimensions["F"].width = 60
    write_holiday_info(ws, cal.country, cal.subdivision, years)
    notes = [
        ("About this sheet", True),
        ("The next-contact date never falls on a date of column A, nor on the weekend (Settings: Weekend).", False),
        (f"Add your own closures anywhere in column A (rows 2-{HOLIDAY_LAST_ROW}): a company shutdown,", False),
        ("the interviewer's vacation, a day you cannot call. The order does not matter.", False),
        ("A Next contact after the last year above, or with Settings naming another Country or", False),
        (f"Subdivision, shows {CHECK_HOLIDAYS}: run  followup-xl holidays --update THIS_FILE.xlsx", False),
        ("to refill the public holidays for the Settings place (your own closures are kept).", False),
    ]
    for i, (text, bold) in enumerate(notes, start=1):
        cell = ws.cell(i, 6, text)
        cell.font = Font(bold=True, color=NAVY) if bold else NOTE_FONT
    ref = f"{quote_sheetname(schema.HOLIDAYS_SHEET)}!$A$2:$A${HOLIDAY_LAST_ROW}"
    wb.defined_names[schema.HOLIDAYS_NAME] = DefinedName(schema.HOLIDAYS_NAME, attr_text=ref)
    for i, name in enumerate(HOLIDAY_INFO_NAMES, start=2):
        wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(schema.HOLIDAYS_SHEET)}!$E${i}")
    ws.freeze_panes = "A2"


HOLIDAY_INFO_LABELS = ("Public holidays of", "Subdivision", "From year", "To year")


def write_holiday_info(ws, country: str, subdivision: str | None, years: tuple[int, int]) -> None:
    """The place and years the Holidays sheet was filled for (D2:E5; the formulas read E2:E5
    by name, followup-xl holidays --update rewrites them)."""
    ws.cell(1, 4, "Filled for").font = Font(bold=True, color=NAVY)
    for i, (label, value) in enumerate(zip(HOLIDAY_INFO_LABELS, (country, subdivision, *years)), start=2):
        ws.cell(i, 4, label).font = Font(bold=True)
        cell = ws.cell(i, 5, value)
        cell.alignment = Alignment(horizontal="left")
        if i <= 3:
            cell.number_format = "@"


STATUS_LIST_NAME = "StatusList"  # the Statuses sheet's Status column: the drop-down's items
STATUS_ROWS = 200  # Statuses rows with room for the user's own
STATUS_FIRST_ROW = 2
STATUS_LAST_ROW = STATUS_FIRST_ROW + STATUS_ROWS - 1


def _statuses_sheet(wb: Workbook) -> None:
    """Status, Meaning: the built-in list (SPEC: "Statuses"), with room for the user's own;
    the Tracker's Status drop-down reads its Status column."""
    ws = wb.create_sheet(schema.STATUSES_SHEET)
    ws.sheet_properties.tabColor = "7030A0"
    _header(ws.cell(1, 1), "Status")
    _header(ws.cell(1, 2), "Meaning")
    builtin = [(s, m) for m, group in schema.STATUS_MEANINGS.items() for s in group]
    for r, (status, meaning) in enumerate(builtin, start=STATUS_FIRST_ROW):
        ws.cell(r, 1, status)
        ws.cell(r, 2, meaning)
    own = PatternFill("solid", fgColor="F3EEF9")
    for r in range(STATUS_FIRST_ROW + len(builtin), STATUS_LAST_ROW + 1):
        ws.cell(r, 1).fill = own
        ws.cell(r, 2).fill = own
    _validation(ws, f"B{STATUS_FIRST_ROW}:B{STATUS_LAST_ROW}", type="list",
                formula1='"' + ",".join(schema.MEANINGS) + '"', errorTitle="Not a meaning",
                error="Pick one of: " + ", ".join(schema.MEANINGS) + ".")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 3
    ws.column_dimensions["D"].width = 80
    first_own = STATUS_FIRST_ROW + len(builtin)
    notes = [
        ("About this sheet", True),
        ("The Tracker's Status drop-down lists column A. Each status has a meaning:", False),
        ("not applied: no follow-up yet (Wishlist, To apply); active: follow up;", False),
        ("on hold: follow up every OnHoldCadence days (Settings); closed: no more follow-ups.", False),
        (f"Add your own statuses, in any language, in the rows below the list (rows {first_own}-"
         f"{STATUS_LAST_ROW}), with their meaning.", False),
        ("Case, spaces and punctuation do not matter: On-hold is On hold. Other text counts as active.", False),
    ]
    for i, (text, bold) in enumerate(notes, start=1):
        cell = ws.cell(i, 4, text)
        cell.font = Font(bold=True, color=NAVY) if bold else NOTE_FONT
    ref = f"{quote_sheetname(schema.STATUSES_SHEET)}!$A${STATUS_FIRST_ROW}:$A${STATUS_LAST_ROW}"
    wb.defined_names[STATUS_LIST_NAME] = DefinedName(STATUS_LIST_NAME, attr_text=ref)
    ws.freeze_panes = "A2"
    _print_fit_width(ws)


def _calc_sheet(wb: Workbook, engine: str, weekend_default: str) -> None:
    """The hidden working sheet: per Tracker row (same row number) what the formulas read
    from its cells and the next contact they compute; the Statuses sheet's keys; the cells
    every row uses (the place check, the years covered, the as-of date, the weekend)."""
    ws = wb.create_sheet(CALC_SHEET)
    ws.sheet_state = "hidden"
    ws.sheet_properties.tabColor = "808080"
    ws.cell(1, 1, "Working cells of the Tracker's formulas (one row per Tracker row). "
                  "Do not edit: the Tracker sheet and Settings are the place to change things.")
    for j, (_, label) in enumerate(CALC_COLUMNS, start=1):
        ws.cell(HEADER_ROW, j, label).font = Font(bold=True)
    shared = SharedIndex()
    for key, text in RowFormulas(FIRST_ROW).calc(engine).items():
        shared.fill(ws, CALC[key], FIRST_ROW, LAST_ROW, text)
    if engine == "xlwings":  # one call for every row: the Holidays range is read once
        col = CALC["next"]
        sched, cad = (f"${CALC[k]}${FIRST_ROW}:${CALC[k]}${LAST_ROW}" for k in ("schedule", "cadence"))
        ws[f"{col}{FIRST_ROW}"] = ArrayFormula(
            f"{col}{FIRST_ROW}:{col}{LAST_ROW}",
            f"=FOLLOWUP_NEXT({sched},{cad},MaxDays,Country,Subdivision,{schema.HOLIDAYS_NAME},Weekend)")
    # The Statuses sheet's rows: key and meaning code (1-4), or "" when either is missing.
    ws.cell(1, 12, "Statuses: key, meaning").font = Font(bold=True)
    status = f"{quote_sheetname(schema.STATUSES_SHEET)}!$A{STATUS_FIRST_ROW}"
    meaning = f"{quote_sheetname(schema.STATUSES_SHEET)}!$B{STATUS_FIRST_ROW}"
    code = f"{STATUS_CODE_COL}{STATUS_FIRST_ROW}"
    meanings = _str_list(tuple(schema.normalize_header(m) for m in schema.MEANINGS))
    shared.fill(ws, STATUS_CODE_COL, STATUS_FIRST_ROW, STATUS_LAST_ROW,
                f'=IF({status_key_formula(status)}="","",IFERROR(MATCH({status_key_formula(meaning)},'
                f'{meanings},0),""))')
    shared.fill(ws, STATUS_KEY_COL, STATUS_FIRST_ROW, STATUS_LAST_ROW,
                f'=IF(ISNUMBER({code}),{status_key_formula(status)},"")')
    col = CALC_GLOBAL_COL
    cells = {
        "place_changed": ('=OR(UPPER(TRIM(Country&""))<>UPPER(TRIM(HolidaysCountry&"")),'
                          'UPPER(TRIM(Subdivision&""))<>UPPER(TRIM(HolidaysSubdivision&"")))'),
        "first_day": "=DATE(HolidaysFirstYear,1,1)",
        "last_day": "=DATE(HolidaysLastYear,12,31)",
        "as_of": '=INT(IF(AsOf="",TODAY(),AsOf))',
        "weekend": f'=IF(TRIM(Weekend&"")="","{weekend_default}",Weekend)',
    }
    for name, text in cells.items():
        ws.cell(GLOBAL_ROW[name], 14, name)
        ws[f"{col}{GLOBAL_ROW[name]}"] = text


ADVICE = (
    "Stay on the interviewer's radar without pressure.",
    "Get the name and details of one contact person who knows the hiring timetable.",
    "After the interview, contact that person every 7 to 10 days: polite and brief - still "
    "interested, available to meet again, curious about the status.",
    "Decisions take weeks or months (budgets, vacations, hiring freezes): keep going, gently.",
    "Never on a weekend or a public holiday: the Next contact date is always a working day.",
)


def _how_to_sheet(wb: Workbook, engine: str) -> None:
    ws = wb.create_sheet(schema.HOW_TO_SHEET)
    ws.sheet_properties.tabColor = "BF9000"
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = HOW_TO_WIDTH
    lines: list[tuple[str, str, str]] = [("title", "How to use this tracker", "")]
    lines += [("head", "The follow-up advice", "")] + [("text", "", a) for a in ADVICE]
    lines += [("head", "What to fill in (Tracker sheet, one row per application)", "")]
    lines += [("col", c.header, c.help) for c in schema.COLUMNS]
    lines += [("head", "States", "")]
    lines += [("col", s, STATE_HELP[s]) for s in STATE_NAMES]
    lines += [("head", "Settings and holidays", ""),
              ("text", "", "The Settings sheet holds the cadence, the follow-up limit, the weekend and the "
                           "as-of date; each is explained beside it."),
              ("text", "", "The Holidays sheet lists the public holidays; add your own closures there."),
              ("text", "", "The Statuses sheet lists the statuses of the Status drop-down with their "
                           "meaning; add your own there.")]
    if engine == "xlwings":
        lines += [("head", "Excel functions (xlwings)", ""),
                  ("text", "", "Next contact comes from one FOLLOWUP_NEXT call over every row (module "
                               f"{UDF_MODULE}, sheet {XLWINGS_CONF_SHEET}), with every year's public holidays "
                               "of Settings' Country built in; the states are ordinary formulas."),
                  ("text", "", "Set-up (docs/excel-functions.md): install followup-xl from a clone or a wheel "
                               "file into a virtual environment, run xlwings addin install, set the xlwings "
                               "tab's Interpreter to that environment, save the workbook as .xlsm, then click "
                               "Import Functions on the xlwings tab.")]
    else:
        lines += [("head", "Works everywhere", ""),
                  ("text", "", "The grey columns are ordinary formulas (WORKDAY.INTL): Excel 2010 or later, "
                               "Excel for Mac and the web, LibreOffice and Google Sheets.")]
    lines += [("head", "Every Monday", ""),
              ("text", "", "followup-xl weekly Tracker.xlsx  lists this week's follow-ups with a polite "
                           "message draft for each (see followup-xl --help)."),
              ("text", "", "After you send a follow-up: type the date in Last contact and add one to "
                           "Follow-ups sent, or run  followup-xl log Tracker.xlsx --company NAME  (it does "
                           "both and notes it in the Log sheet).")]
    for r, (kind, a, b) in enumerate(lines, start=1):
        ca, cb = ws.cell(r, 1, a), ws.cell(r, 2)
        _text(cb, b or None)
        if kind == "title":
            ca.font = TITLE_FONT
        elif kind == "head":
            ca.font = Font(bold=True, size=12, color=NAVY)
            ws.row_dimensions[r].height = 22
            ca.alignment = Alignment(vertical="bottom")
        elif kind == "col":
            ca.font = Font(bold=True)
        cb.alignment = WRAP_TOP
        if kind == "text":
            cb.value = "- " + b
        _fit_height(ws, r, str(cb.value or ""), HOW_TO_WIDTH)
    _print_fit_width(ws)


STATE_HELP = {
    schema.CLOSED: "A closed status (Rejected, Withdrawn, Accepted, Ghosted, ...): nothing more to do.",
    schema.NOT_APPLIED: "A status such as Wishlist or To apply: no follow-up until you apply.",
    schema.NEEDS_DATE: "No Last contact, Interview date or Applied date yet: add one to get a date.",
    schema.LIMIT_REACHED: "Follow-ups sent has reached MaxFollowups (Settings): stop here.",
    schema.OVERDUE: "The next-contact date has passed: follow up now (Days overdue says by how much).",
    schema.DUE_TODAY: "Follow up today.",
    schema.DUE_THIS_WEEK: "Follow up later this week (Monday to Sunday).",
    schema.UPCOMING: "Nothing to do this week.",
    CHECK_HOLIDAYS: ("The next contact falls outside the years the Holidays sheet covers, or Settings "
                     "name another Country or Subdivision than the sheet: the date could be a public "
                     "holiday. Run  followup-xl holidays --update THIS_FILE.xlsx  to refill the sheet "
                     "for the Settings place and the coming years (your own closures are kept)."),
    CHECK_ROW: ("A cell of the row cannot be read by the formulas: usually a date typed as text (type "
                "it again as a date, e.g. 30 Nov 2026), or a cadence or follow-up count that is not a "
                "whole number. followup-xl check names the cell."),
}


def _xlwings_conf_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(XLWINGS_CONF_SHEET)
    ws.sheet_properties.tabColor = "808080"
    ws["A1"], ws["B1"] = "UDF Modules", UDF_MODULE
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 24


# --------------------------------------------------------------------------- workbook

def holiday_years(base_year: int) -> tuple[int, int]:
    """The Holidays sheet's years: the year before base_year through ten years after."""
    return base_year - HOLIDAY_YEARS_BEFORE, base_year + HOLIDAY_YEARS_AFTER


def settings_values(cal: WorkCalendar, sample: bool, as_of_cell: dt.date | None) -> dict[str, Any]:
    """The Settings sheet's values: the schema defaults, the calendar's country and weekend."""
    values = {s.name: s.default for s in schema.SETTINGS}
    values.update(Country=cal.country, Subdivision=cal.subdivision, Weekend=cal.weekend, AsOf=as_of_cell)
    if sample:
        values.update(SAMPLE_SETTINGS)
    return values


def build_workbook(*, country: str = "US", subdivision: str | None = None, engine: str = "native",
                   sample: bool = False, as_of: dt.date | None = None, base_year: int | None = None,
                   live_as_of: bool = True) -> Workbook:
    """The template as an openpyxl Workbook (write_template saves it).

    as_of: the day the sample rows are built around (default today); base_year: the
    Holidays sheet's middle year (default as_of's year). With sample=True the AsOf setting
    is left blank (live) only when live_as_of and as_of can show every state.
    """
    if engine not in ENGINES:
        raise UsageError(f"Engine {quote(engine)} is not known: use native or xlwings.")
    cal = get_calendar(country, subdivision)
    today = as_of or dt.date.today()
    base_year = base_year or today.year
    years = holiday_years(base_year)
    rows: list[dict[str, Any]] = []
    as_of_cell = None
    if sample:
        day = sample_day(today, cal)
        rows = sample_rows(day, cal)
        as_of_cell = None if (live_as_of and day == today) else day
    place = cal.country + (f"-{cal.subdivision}" if cal.subdivision else "")
    wb = Workbook()
    _tracker_sheet(wb, rows)
    _settings_sheet(wb, settings_values(cal, sample, as_of_cell), years, place)
    _holidays_sheet(wb, cal, years)
    _statuses_sheet(wb)
    _how_to_sheet(wb, engine)
    _calc_sheet(wb, engine, cal.weekend)
    if engine == "xlwings":
        _xlwings_conf_sheet(wb)
    wb.active = 0
    props = wb.properties
    props.title = f"{TITLE} ({place})"
    props.creator = "followup-xl"
    props.subject = "Job application follow-up tracker"
    props.keywords = "followup-xl tracker template"
    fixed = dt.datetime(base_year, 1, 1)
    props.created = props.modified = fixed
    wb.custom_doc_props.append(IntProperty(name=BASE_YEAR_PROPERTY, value=base_year))
    wb.custom_doc_props.append(StringProperty(name=ENGINE_PROPERTY, value=engine))
    return wb


def write_template(out_path: str | os.PathLike, *, country: str = "US", subdivision: str | None = None,
                   engine: str = "native", sample: bool = False, force: bool = False,
                   as_of: dt.date | None = None) -> Path:
    """Write the tracker template to out_path (.xlsx), whole or not at all; the path.

    sample=True fills a dozen applications around as_of (default today). When that day
    cannot show every state (a weekend, a holiday, the week's last working day), the rows
    are built around the next day that can, and the AsOf setting is set to it; an explicit
    as_of is always written to AsOf, so the sample is reproducible. Without sample, as_of
    only chooses the Holidays sheet's years (last year through two years ahead).
    """
    out = Path(out_path)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out.name}: the template must be saved as an .xlsx file, e.g. tracker.xlsx.")
    if os.path.isdir(out):  # before --force: it would not help
        raise UsageError(f"{out} is a folder: give a file name such as {out / 'tracker.xlsx'}.")
    if not os.path.isdir(out.parent):
        raise UsageError(f"The folder {out.parent} does not exist: create it first, or choose another path.")
    check_target(out)  # a pipe, a device, a locked file: refused whatever --force says
    if os.path.lexists(out) and not force:
        raise UsageError(f"{out} already exists: choose another name, or add --force to overwrite it.")
    wb = build_workbook(country=country, subdivision=subdivision, engine=engine, sample=sample,
                        as_of=as_of, live_as_of=as_of is None)
    return write_atomic(out, _workbook_bytes(wb, out))


def _workbook_bytes(wb: Workbook, out: Path) -> bytes:
    """The saved workbook, in memory (the file itself is written by output.write_atomic).
    openpyxl still spools each sheet through a temporary file: a full disk or a file size
    limit there is the same sentence as for the output, and the half-made parts it leaves
    to the garbage collector are collected quietly (each would print an ignored error)."""
    buf = io.BytesIO()
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        try:
            wb.save(buf)
            failure = None
        except OSError as exc:
            failure = f"Cannot write {out}: {why(exc, out)}"
        if failure:
            gc.collect()
    finally:
        sys.unraisablehook = hook
    if failure:
        raise FollowupError(failure)
    return buf.getvalue()


# --------------------------------------------------------------------------- holidays --update

@dataclass(frozen=True)
class HolidaysUpdate:
    place: str
    years: tuple[int, int]
    public: int  # public holidays written
    kept: int  # the user's own rows kept


def _named_value(wb, name: str) -> Any:
    dn = wb.defined_names.get(name)
    if dn is None:
        return None
    for sheet, ref in dn.destinations:
        if sheet in wb.sheetnames:
            return wb[sheet][ref.replace("$", "").split(":")[0]].value
    return None


def _as_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def update_holidays(path: str | os.PathLike, *, today: dt.date | None = None) -> HolidaysUpdate:
    """`followup-xl holidays --update TRACKER`: refill a template's Holidays sheet with the
    public holidays of the Settings place (Country, Subdivision) for the year before this one
    through ten years after, keeping every row the user added (a row is ours when its date and
    name are a public holiday of the place and years the sheet said it held). A safe in-place
    edit (followup_xl.inplace: lock files, what the writer would drop, NAME.bak.xlsx, one
    atomic replace)."""
    from .errors import FollowupError
    from .inplace import edit_workbook

    p = Path(path)
    years = holiday_years((today or dt.date.today()).year)

    def edit(wb) -> HolidaysUpdate:
        if schema.HOLIDAYS_SHEET not in wb.sheetnames or any(n not in wb.defined_names for n in HOLIDAY_INFO_NAMES):
            raise FollowupError(f"{p.name} has no Holidays sheet made by followup-xl template (it says for "
                                "which place and years it holds holidays): nothing was changed.")
        country, subdivision = (_named_value(wb, n) for n in ("Country", "Subdivision"))
        country = str(country).strip() if country is not None and str(country).strip() else None
        subdivision = str(subdivision).strip() if subdivision is not None and str(subdivision).strip() else None
        try:
            cal = get_calendar(*default_place(country, subdivision))
        except FollowupError as exc:
            raise FollowupError(f"{p.name}: the Settings place cannot be used ({exc}); nothing was changed.") from None
        old = {n: _named_value(wb, n) for n in HOLIDAY_INFO_NAMES}
        ours: dict[dt.date, str] = {}
        try:
            old_cal = get_calendar(str(old["HolidaysCountry"]), old["HolidaysSubdivision"] or None)
            ours = old_cal.public_holidays(int(old["HolidaysFirstYear"]), int(old["HolidaysLastYear"]))
        except (FollowupError, TypeError, ValueError):
            pass  # no list of ours to recognise: every row is kept
        ws = wb[schema.HOLIDAYS_SHEET]
        kept = []
        for r in range(2, max(ws.max_row, 2) + 1):
            a, b = ws.cell(r, 1), ws.cell(r, 2)
            if a.value is None and b.value is None:
                continue
            day = _as_day(a.value)
            if day is not None and ours.get(day) == b.value:
                continue
            kept.append((a.value, b.value, a.number_format))
        public = cal.public_holidays(*years)
        if 1 + len(public) + len(kept) > HOLIDAY_LAST_ROW:
            raise FollowupError(f"{p.name}: the Holidays sheet would need more than {HOLIDAY_LAST_ROW} rows "
                                f"(its formulas read A2:A{HOLIDAY_LAST_ROW}); nothing was changed.")
        for r in range(2, max(ws.max_row, 2) + 1):
            ws.cell(r, 1).value = None
            ws.cell(r, 2).value = None
        r = 2
        for day, name in public.items():
            ws.cell(r, 1, day).number_format = "ddd d mmm yyyy"
            ws.cell(r, 2, name)
            r += 1
        for value, name, fmt in kept:
            ws.cell(r, 1, value).number_format = fmt
            _text(ws.cell(r, 2), name)
            r += 1
        write_holiday_info(ws, cal.country, cal.subdivision, years)
        place = cal.country + (f"-{cal.subdivision}" if cal.subdivision else "")
        return HolidaysUpdate(place, years, len(public), len(kept))

    return edit_workbook(p, edit)
