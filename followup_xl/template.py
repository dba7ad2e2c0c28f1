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

from . import schema
from .calendar import WorkCalendar, get_calendar
from .dates import PLAUSIBLE, date_to_serial
from .errors import FollowupError, UsageError, quote
from .output import check_target, why, write_atomic

ENGINES = ("native", "xlwings")
ROWS = 1000  # data rows with formulas ready
TITLE_ROW, GUIDE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1
LAST_ROW = FIRST_ROW + ROWS - 1
HOLIDAY_YEARS_BEFORE, HOLIDAY_YEARS_AFTER = 1, 2  # last year .. two years ahead
HOLIDAY_BLANK_ROWS = 200  # room for the user's own closures inside the Holidays name
SETTINGS_FIRST_ROW = 4  # first setting's row on the Settings sheet
SETTINGS_HELP_WIDTH, HOW_TO_WIDTH = 90, 100  # the explanation columns (characters)
XLWINGS_CONF_SHEET = "xlwings.conf"
UDF_MODULE = "followup_xl.udfs"
SAMPLE_SETTINGS = {"MaxFollowups": 5}  # so that the sample shows "Limit reached"
BASE_YEAR_PROPERTY = "followup_xl.holiday_base_year"
ENGINE_PROPERTY = "followup_xl.engine"

DATE_FORMAT = "d mmm yyyy"
NEXT_FORMAT = "ddd d mmm yyyy"
DAYS_FORMAT = '0;-0;""'  # 0 shows as an empty cell: only overdue rows show a number
TITLE = "Job application follow-ups"
GUIDANCE = ("One row per application. Fill in the white columns; the grey ones compute the next "
            "contact (a working day 7-10 days after the last one). Settings and Holidays: see "
            "the other sheets.")
CHECK_ROW = schema.CHECK_ROW  # native state when a date or cadence cell is not usable
BASE_KEYS = ("last_contact", "interview_date", "applied_date")  # rule step 2's dates
# Characters a Status cell's formula ignores (the command line ignores every space and
# punctuation character; these are the ones people type, and the MATCH wildcards).
STATUS_IGNORED = (" ", "\u00a0", "-", "_", ".", "/", "'", ",", "*", "?", "~")

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


def _input_ranges(row: int) -> str:
    """The input cells of a row as COUNTA arguments, e.g. $A4:$K4,$O4."""
    parts: list[str] = []
    run: list[int] = []
    for i, col in enumerate(schema.COLUMNS, start=1):
        if not col.computed:
            run.append(i)
        if (col.computed or i == len(schema.COLUMNS)) and run:
            a, b = get_column_letter(run[0]), get_column_letter(run[-1])
            parts.append(f"${a}{row}" if a == b else f"${a}{row}:${b}{row}")
            run = []
    return ",".join(parts)


def _str_list(values: tuple[str, ...]) -> str:
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


class RowFormulas:
    """The formula pieces of one Tracker row (A1 references, names from Settings)."""

    def __init__(self, row: int, weekend_default: str):
        self.r = row
        self.c = {c.key: f"${letter(c.key)}{row}" for c in schema.COLUMNS}
        self.weekend_default = weekend_default

    @property
    def blank(self) -> str:
        return f"COUNTA({_input_ranges(self.r)})=0"

    @property
    def status_key(self) -> str:
        """The Status cell without spaces, non-breaking spaces and common punctuation (so
        MATCH sees no wildcard), compared case-insensitively as the command line does."""
        key = self.c["status"]
        for ch in STATUS_IGNORED:
            key = f'SUBSTITUTE({key},"{ch}","")'
        return key

    def meaning_is(self, meaning: str) -> str:
        keys = tuple(schema.normalize_header(s) for s in schema.STATUS_MEANINGS[meaning])
        return f"ISNUMBER(MATCH({self.status_key},{_str_list(keys)},0))"

    @property
    def closed(self) -> str:
        return self.meaning_is(schema.CLOSED_MEANING)

    @property
    def not_applied(self) -> str:
        return self.meaning_is(schema.NOT_APPLIED_MEANING)

    @property
    def no_base(self) -> str:
        c = self.c
        return f'AND({c["last_contact"]}="",{c["interview_date"]}="",{c["applied_date"]}="")'

    @property
    def limit(self) -> str:
        return f'AND(MaxFollowups<>"",N({self.c["followups_sent"]})>=MaxFollowups)'

    @property
    def base(self) -> str:
        """The latest of the three dates (rule step 2); #N/A when one is text."""
        dates = [self.c[k] for k in BASE_KEYS]
        text = ",".join(f"ISTEXT({d})" for d in dates)
        return f"IF(OR({text}),NA(),MAX({','.join(dates)}))"

    @property
    def cadence(self) -> str:
        cad = self.c["cadence"]
        return (f'IF({self.meaning_is(schema.ON_HOLD)},OnHoldCadence,'
                f'IF({cad}="",DefaultCadence,{cad}))')

    @property
    def as_of(self) -> str:
        return 'IF(AsOf="",TODAY(),AsOf)'

    @property
    def weekend(self) -> str:
        return f'IF(Weekend="","{self.weekend_default}",Weekend)'

    def workday(self, start: str, days: int) -> str:
        """WORKDAY.INTL as Excel stores it, with LibreOffice 7.4's spelling as the fallback."""
        args = f"{start},{days},{self.weekend},{schema.HOLIDAYS_NAME}"
        return f"IFERROR(_xlfn.WORKDAY.INTL({args}),WORKDAY.INTL({args}))"

    # ----------------------------------------------------------------- native
    def native_next(self) -> str:
        """Rules 1-5: blank when closed / no date / limit; else step 5 with f and b."""
        base, cad = self.base, self.cadence
        f = self.workday(f"{base}+{cad}-1", 1)  # first working day on or after t
        b = self.workday(f"{base}+{cad}+1", -1)  # last working day on or before t
        step5 = f"IF(OR({f}-{base}<=MAX(MaxDays,{cad}),{b}<={base}),{f},{b})"
        return (f'=IF({self.blank},"",IF(OR({self.closed},{self.not_applied},{self.no_base},{self.limit}),"",'
                f"{step5}))")

    def date_states(self, nxt: str) -> str:
        a = self.as_of
        return (f'IF({nxt}<{a},"{schema.OVERDUE}",IF({nxt}={a},"{schema.DUE_TODAY}",'
                f'IF({nxt}<={a}+7-WEEKDAY({a},2),"{schema.DUE_THIS_WEEK}","{schema.UPCOMING}")))')

    def native_state(self) -> str:
        nxt = self.c["next_contact"]
        states = (f'IF({self.closed},"{schema.CLOSED}",IF({self.not_applied},"{schema.NOT_APPLIED}",'
                  f'IF({self.no_base},"{schema.NEEDS_DATE}",'
                  f'IF({self.limit},"{schema.LIMIT_REACHED}",{self.date_states(nxt)}))))')
        return f'=IF({self.blank},"",IFERROR({states},"{CHECK_ROW}"))'

    def native_days(self) -> str:
        nxt, state = self.c["next_contact"], self.c["followup_state"]
        return f'=IF({self.blank},"",IF({state}="{schema.OVERDUE}",{self.as_of}-{nxt},0))'

    # ----------------------------------------------------------------- xlwings
    def xlwings_next(self) -> str:
        call = (f"FOLLOWUP_NEXT({self.base},{self.cadence},MaxDays,Country,Subdivision,"
                f"{schema.HOLIDAYS_NAME},Weekend)")
        return (f'=IF({self.blank},"",IF(OR({self.closed},{self.not_applied},{self.no_base},{self.limit}),"",'
                f"{call}))")

    def xlwings_state(self) -> str:
        """FOLLOWUP_STATE decides. A row with no date answers Needs date (or Closed) here,
        since the function answers blank for an empty row; a limit row's Next contact is
        blank, so the function is given its base date instead, and answers Limit reached."""
        c = self.c
        nxt = f'IF({c["next_contact"]}="",{self.base},{c["next_contact"]})'
        call = f"FOLLOWUP_STATE({nxt},{c['status']},AsOf,{c['followups_sent']},MaxFollowups)"
        return (f'=IF({self.blank},"",IF(AND({self.no_base},NOT(OR({self.closed},{self.not_applied}))),'
                f'"{schema.NEEDS_DATE}",{call}))')

    def xlwings_days(self) -> str:
        c = self.c
        call = f"FOLLOWUP_DAYS_OVERDUE({c['next_contact']},{c['status']},AsOf)"
        return f'=IF({self.blank},"",IF({c["next_contact"]}="",0,{call}))'

    def computed(self, engine: str) -> dict[str, str]:
        """Computed column key -> formula for the engine."""
        if engine == "native":
            return {"next_contact": self.native_next(), "followup_state": self.native_state(),
                    "days_overdue": self.native_days()}
        return {"next_contact": self.xlwings_next(), "followup_state": self.xlwings_state(),
                "days_overdue": self.xlwings_days()}


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

def _tracker_sheet(wb: Workbook, engine: str, weekend_default: str, rows: list[dict[str, Any]]) -> None:
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
    shown = ws.cell(TITLE_ROW, asof_col, '=IF(AsOf="",TODAY(),AsOf)')
    shown.number_format = NEXT_FORMAT
    shown.font = Font(bold=True, color=NAVY)
    shown.alignment = Alignment(horizontal="left", vertical="center")

    for j, col in enumerate(schema.COLUMNS, start=1):
        _header(ws.cell(HEADER_ROW, j), col.header, COMPUTED_HEADER_FILL if col.computed else HEADER_FILL)
        ws.cell(HEADER_ROW, j).comment = _comment(col.help)
        ws.column_dimensions[get_column_letter(j)].width = col.width

    for i, r in enumerate(range(FIRST_ROW, LAST_ROW + 1)):
        values = rows[i] if i < len(rows) else {}
        formulas = RowFormulas(r, weekend_default).computed(engine)
        for j, col in enumerate(schema.COLUMNS, start=1):
            cell = ws.cell(r, j)
            if col.computed:
                cell.value = formulas[col.key]
                cell.fill = COMPUTED_FILL
            elif values.get(col.key) is not None:
                _text(cell, values[col.key])
            if col.kind == "date":
                cell.number_format = NEXT_FORMAT if col.computed else DATE_FORMAT
            elif col.key == "days_overdue":
                cell.number_format = DAYS_FORMAT
            elif col.kind == "int":
                cell.number_format = "0"

    ws.freeze_panes = f"B{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{LAST_ROW}"
    _tracker_validation(ws)
    _tracker_formatting(ws, last_col)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_fit_width(ws, landscape=True)


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
    single = _span("followup_state")
    for name, color in ((schema.NEEDS_DATE, "7F6000"), (schema.LIMIT_REACHED, "7030A0"), (CHECK_ROW, "C00000")):
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
            "(from the holidays package) and has room for your own closures. If you change Country, "
            "replace that list (followup-xl holidays prints it), or make a new template.")
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


def _holidays_sheet(wb: Workbook, cal: WorkCalendar, years: tuple[int, int], place: str) -> None:
    ws = wb.create_sheet(schema.HOLIDAYS_SHEET)
    ws.sheet_properties.tabColor = "548235"
    _header(ws.cell(1, 1), "Date")
    _header(ws.cell(1, 2), "Name")
    public = cal.public_holidays(*years)
    last = 1 + len(public) + HOLIDAY_BLANK_ROWS
    for r, (day, name) in enumerate(public.items(), start=2):
        ws.cell(r, 1, day)
        ws.cell(r, 2, name)
    closures = PatternFill("solid", fgColor="F2F8EE")
    for r in range(2, last + 1):
        ws.cell(r, 1).number_format = "ddd d mmm yyyy"
        if r > 1 + len(public):
            ws.cell(r, 1).fill = closures
            ws.cell(r, 2).fill = closures
    _date_rule(ws, f"A2:A{last}", "Holiday date")
    _print_fit_width(ws)
    ws.column_dimensions["A"].width = 17
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 3
    ws.column_dimensions["D"].width = 70
    notes = [
        ("About this sheet", True),
        (f"Public holidays of {place}, {years[0]}-{years[1]}, from the holidays package.", False),
        ("The next-contact date never falls on these days or on the weekend (Settings: Weekend).", False),
        (f"Add your own closures in the green rows below the list (rows {2 + len(public)}-{last}):", False),
        ("a company shutdown, the interviewer's vacation, a day you cannot call.", False),
        ("Type a date in column A and a name in column B; the order does not matter.", False),
        (f"The formulas read A2:A{last} (the workbook name Holidays): stay inside it.", False),
    ]
    for i, (text, bold) in enumerate(notes, start=1):
        cell = ws.cell(i, 4, text)
        cell.font = Font(bold=True, color=NAVY) if bold else NOTE_FONT
    ref = f"{quote_sheetname(schema.HOLIDAYS_SHEET)}!$A$2:$A${last}"
    wb.defined_names[schema.HOLIDAYS_NAME] = DefinedName(schema.HOLIDAYS_NAME, attr_text=ref)
    ws.freeze_panes = "A2"


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
    lines += [("col", s, STATE_HELP[s]) for s in schema.STATES]
    lines += [("head", "Settings and holidays", ""),
              ("text", "", "The Settings sheet holds the cadence, the follow-up limit, the weekend and the "
                           "as-of date; each is explained beside it."),
              ("text", "", "The Holidays sheet lists the public holidays; add your own closures there.")]
    if engine == "xlwings":
        lines += [("head", "Excel functions (xlwings)", ""),
                  ("text", "", "The grey columns call FOLLOWUP_NEXT, FOLLOWUP_STATE and FOLLOWUP_DAYS_OVERDUE "
                               f"from the Python module {UDF_MODULE} (sheet {XLWINGS_CONF_SHEET})."),
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
}


def _xlwings_conf_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(XLWINGS_CONF_SHEET)
    ws.sheet_properties.tabColor = "808080"
    ws["A1"], ws["B1"] = "UDF Modules", UDF_MODULE
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 24


# --------------------------------------------------------------------------- workbook

def holiday_years(base_year: int) -> tuple[int, int]:
    """The Holidays sheet's years: last year through two years ahead of base_year."""
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
    _tracker_sheet(wb, engine, cal.weekend, rows)
    _settings_sheet(wb, settings_values(cal, sample, as_of_cell), years, place)
    _holidays_sheet(wb, cal, years, place)
    _statuses_sheet(wb)
    _how_to_sheet(wb, engine)
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
