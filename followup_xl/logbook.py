"""Record a follow-up just sent (SPEC: "Command line", `followup-xl log`).

`log_followup(tracker, row=N | company=TEXT, date=, note=)` finds the application the way
the reader reads the tracker (its sheet, header row and column map), then, through the safe
in-place edit (followup_xl.inplace):

- Last contact = the date (default today), Follow-ups sent + 1 (blank counts as 0);
- a line in the Log sheet (created when missing): Date, Company, Contact, Note;

and returns, with what it wrote, the next contact date the rules give that row, read back
from the saved workbook by the reader (its Settings and Holidays sheets included).

Only workbooks are written (.xlsx, .xlsm): a csv tracker is refused in one sentence, since
rewriting a text table would lose its own formatting and encoding choices; type the date in
it, or `followup-xl import` it into a workbook first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import schema
from .errors import FollowupError, UsageError, quote

LOG_SHEET = "Log"
LOG_HEADERS = ("Date", "Company", "Contact", "Note")
LOG_DATE_FORMAT = "yyyy-mm-dd"
LAST_CONTACT_FORMAT = "d mmm yyyy"  # the template's date format, for a cell that had none
LOG_WIDTHS = (12, 28, 24, 60)


class LogError(FollowupError):
    """The follow-up cannot be recorded (no such row, several rows match, a column missing)."""


@dataclass(frozen=True)
class LogResult:
    """What `log_followup` wrote and what follows from it."""

    tracker: Path
    row: int  # Excel row number
    company: str
    contact: str | None
    date: dt.date  # the new Last contact
    followups_sent: int  # the new count (0 when the tracker has no such column)
    next_contact: dt.date | None  # per the rules, None when the row is not scheduled
    state: str | None  # the follow-up state as of as_of (None when the row has a problem)
    as_of: dt.date
    backup: Path
    notes: tuple[str, ...] = ()  # warnings worth printing (one sentence each)


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def find_row(data, *, row: int | None = None, company: str | None = None) -> int:
    """The index (into the reader's rows) of the application at Excel row `row`, or the one
    whose Company equals `company` (case and surrounding spaces ignored). LogError (one
    sentence) when there is none, or when several rows match (listing them)."""
    name = data.name
    rows = [int(r) for r in data.rows]
    companies = [data.text_value("company", i) for i in range(len(rows))]
    if (row is None) == (company is None):
        raise UsageError("Give the application to log with --row N or with --company NAME (one of the two).")
    if row is not None:
        if row in rows:
            i = rows.index(row)
            if not companies[i]:
                raise LogError(f"Row {row} of {name} has no Company, so it is not an application: "
                               "fill in the company first, or give another row.")
            return i
        span = f"rows {rows[0]} to {rows[-1]}" if rows else "no rows yet"
        raise LogError(f"Row {row} of {name} is not an application (the header is row {data.header_row}; "
                       f"the applications are on {span}): give the Excel row number shown at the left.")
    want = _norm(company)
    if not want:
        raise UsageError("--company is empty: give the company's name as it is in the tracker.")
    exact = [i for i, c in enumerate(companies) if _norm(c) == want]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise LogError(f"{quote(company)} matches {len(exact)} rows of {name} ({_listing(data, exact)}): "
                       "nothing was changed; give the one you mean with --row N.")
    near = [i for i, c in enumerate(companies) if c and want in _norm(c)]
    hint = f" (rows containing it: {_listing(data, near)}; give one with --row N)" if near else ""
    raise LogError(f"No application in {name} has the Company {quote(company)}{hint}: "
                   "nothing was changed.")


def _listing(data, indices: list[int], limit: int = 8) -> str:
    parts = []
    for i in indices[:limit]:
        bits = [data.text_value(k, i) for k in ("company", "role", "contact_name")]
        status = data.status[i] if len(data.status) > i else None
        if status:
            bits.append(str(status))
        parts.append(f"row {int(data.rows[i])}: " + ", ".join(b for b in bits if b))
    more = f"; and {len(indices) - limit} more" if len(indices) > limit else ""
    return "; ".join(parts) + more


def _column(ws, header_row: int, header_text: str) -> int:
    """The column number (1-based) of the reader's header in the header row."""
    want = " ".join(header_text.split())
    for cell in ws[header_row]:
        if isinstance(cell.value, str) and " ".join(cell.value.split()) == want:
            return cell.column
    raise LogError(f"The column {quote(header_text)} was not found again in row {header_row} of "
                   f"the sheet {ws.title}: nothing was changed.")


def _text(cell, value: Any) -> None:
    """Put text in a cell as text: a note starting with '=' is not a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _refuse_read_formulas(ws, data, path: Path) -> None:
    """LogError when a column the command line reads holds formulas: openpyxl keeps a formula
    but not its result, so after the rewrite the reader could not read those cells until
    the workbook is opened and saved again in a spreadsheet app (the computed columns, never
    read, may hold formulas)."""
    computed = {c.key for c in schema.COMPUTED_COLUMNS}
    read = [(header, _column(ws, data.header_row, header)) for key, header in data.headers.items()
            if key not in computed]
    first = data.header_row + 1
    for header, col in read:
        for (cell,) in ws.iter_rows(min_row=first, max_row=ws.max_row, min_col=col, max_col=col):
            if cell.data_type == "f":
                raise LogError(
                    f"{path.name} has formulas in a column followup-xl reads ({header}, row {cell.row}: "
                    f"{quote(cell.value)}), whose results rewriting the workbook would lose: record the "
                    "follow-up in your spreadsheet app instead (nothing was changed).")


def _log_sheet(wb):
    """The Log sheet (any case of the name), created with its header when missing; its
    column numbers for Date, Company, Contact, Note."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = next((wb[n] for n in wb.sheetnames if n.strip().casefold() == LOG_SHEET.casefold()), None)
    if ws is None:
        ws = wb.create_sheet(LOG_SHEET)
        for j, (head, width) in enumerate(zip(LOG_HEADERS, LOG_WIDTHS), start=1):
            ws.cell(1, j, head).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(j)].width = width
        ws.freeze_panes = "A2"
    header = {_norm(c.value): c.column for c in ws[1] if isinstance(c.value, str)}
    cols = [header.get(h.casefold()) for h in LOG_HEADERS]
    if cols[0] is None:
        raise LogError(f"The sheet {ws.title} has no Date header in its first row, so it is not "
                       "followup-xl's log: rename that sheet and run again (a new Log sheet is made).")
    return ws, cols


def _last_used_row(ws, cols: list[int | None]) -> int:
    for r in range(ws.max_row, 0, -1):
        if any(c and ws.cell(r, c).value not in (None, "") for c in cols):
            return r
    return 1


def _day(value: Any, order: str) -> dt.date | None:
    """The --date: a date, or text read as the other commands read it, numeric text in the
    tracker's date order (DateOrder, else its country's)."""
    from .dates import coerce_date
    from .errors import NotADateError

    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        day = coerce_date(value, date_order=order)
    except NotADateError as exc:
        raise UsageError(f"--date: {exc}") from None
    if day is None:  # blank text
        raise UsageError("--date: a date is required, e.g. 2026-11-30.")
    return day


def log_followup(tracker: str | Path, *, row: int | None = None, company: str | None = None,
                 date: dt.date | str | None = None, note: str | None = None,
                 today: dt.date | None = None) -> LogResult:
    """Record a follow-up sent on `date` (default today; text is read in the tracker's date
    order) for one application of a tracker workbook; see the module notes. Raises FollowupError subclasses (one sentence, the
    tracker unchanged) when it cannot."""
    import numpy as np
    from openpyxl.styles.numbers import is_date_format

    from . import inplace
    from .tracker import read_tracker

    path = Path(tracker)
    inplace.check_editable(path)  # csv, open in an app, would lose a chart...: before any work
    today = today or dt.date.today()
    data = read_tracker(path)
    day = _day(date, data.settings.effective_date_order) or today
    i = find_row(data, row=row, company=company)
    excel_row = int(data.rows[i])
    if "last_contact" not in data.headers:
        raise LogError(f"{path.name} has no Last contact column (sheet {data.sheet}, header row "
                       f"{data.header_row}): add one headed \"Last contact\" and run again.")
    company_text = data.text_value("company", i) or ""
    contact = data.text_value("contact_name", i)
    notes: list[str] = []
    previous = data.dates["last_contact"][i]
    if not np.isnat(previous) and previous.item() > day:
        notes.append(f"The Last contact was {previous.item().isoformat()}, later than "
                     f"{day.isoformat()}: it is now {day.isoformat()} as asked.")
    sent = None
    if "followups_sent" in data.headers:
        label = data.headers["followups_sent"]
        bad = next((p for p in data.problems if p.row == excel_row and p.column == label
                    and p.severity == "error"), None)
        if bad is not None:
            what = ("a formula with no stored result" if "no stored result" in bad.message
                    else "not a whole number")  # the reader's reason (SPEC "Rows")
            raise LogError(f"Row {excel_row} of {path.name}: Follow-ups sent is {quote(bad.value)}, "
                           f"{what}, so it cannot be counted up: correct it and run again "
                           "(nothing was changed).")
        sent = int(data.numbers["followups_sent"][i]) + 1  # blank counts as 0
    else:
        notes.append(f"{path.name} has no Follow-ups sent column: the follow-up is in the Log sheet only.")

    def edit(wb) -> None:
        ws = wb[data.sheet]
        _refuse_read_formulas(ws, data, path)
        cell = ws.cell(excel_row, _column(ws, data.header_row, data.headers["last_contact"]))
        cell.value = day
        if not is_date_format(cell.number_format):
            cell.number_format = LAST_CONTACT_FORMAT
        if sent is not None:
            ws.cell(excel_row, _column(ws, data.header_row, data.headers["followups_sent"])).value = sent
        log, cols = _log_sheet(wb)
        r = _last_used_row(log, cols) + 1
        log.cell(r, cols[0], day).number_format = LOG_DATE_FORMAT
        for col, value in zip(cols[1:], (company_text, contact, note)):
            if col:
                _text(log.cell(r, col), value or None)

    inplace.edit_workbook(path, edit)
    nxt, state, as_of, problem = next_contact_of(path, excel_row, today)
    if problem:
        notes.append(problem)
    return LogResult(tracker=path, row=excel_row, company=company_text, contact=contact, date=day,
                     followups_sent=sent or 0, next_contact=nxt, state=state, as_of=as_of,
                     backup=inplace.backup_path(path), notes=tuple(notes))


def next_contact_of(path: Path, excel_row: int, today: dt.date | None = None
                    ) -> tuple[dt.date | None, str | None, dt.date, str | None]:
    """(next contact, state, as-of date, problem) of one row as the weekly list computes it:
    the tracker read again by the reader, as of its AsOf setting, else today."""
    import numpy as np

    from .tracker import read_tracker
    from .weekly import evaluate_group

    data = read_tracker(path)
    as_of = data.as_of_setting or today or dt.date.today()
    where = np.flatnonzero(data.rows == excel_row)
    if where.size == 0:
        return None, None, as_of, f"Row {excel_row} is no longer read as an application."
    i = int(where[0])
    if data.bad[i]:
        first = next((p for p in data.problems if p.row == excel_row and p.severity == "error"), None)
        return None, None, as_of, (f"Row {excel_row} has a problem ({first.message if first else 'see check'}): "
                                   "no next contact date until it is corrected.")
    good, state, nxt, _ = evaluate_group([data], as_of)[0]
    k = int(np.flatnonzero(good == i)[0])
    day = nxt[k]
    next_day = None if np.isnat(day) else day.astype("datetime64[D]").item()
    return next_day, str(state[k]), as_of, None
