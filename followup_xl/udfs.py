"""Excel functions (SPEC: "Excel functions"): xlwings UDFs, thin adapters over the engine.

Every function takes a cell or a range and answers in the same shape, through the
engine's vector functions in one call. A blank input answers blank; a bad cell answers a
short message in that cell ("#DATE? 'soon' is not a date: ..."); nothing raises, because
on Windows an exception puts a traceback into the cell. Messages start with #DATE?,
#CALENDAR? or #VALUE?; an Excel error or a message coming in is passed through as is.

Speed (see benchmarks/udfs.py): range arguments arrive raw, as COM hands them over (a
scalar, or a tuple of row tuples; date cells as date-times, numbers as floats, empty cells
as None). A column of dates and blanks is read in C (date.toordinal per cell), a column
of serials with numpy; other mixes cell by cell. The answer goes back raw too: xlwings'
own write conversion (dates -> Excel dates) runs once per distinct date and is remembered
by day number, and the rows of a one-column answer are one list per distinct value (a
column of 10,000 dates holds a few hundred distinct ones).

Outside Excel (plain Python) the functions answer lists of rows of Python values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

import numpy as np
import xlwings as xw

from . import schema
from .cells import ERROR_TEXT_SET
from .calendar import (COUNTRY_ENV, WorkCalendar, default_place, get_calendar, holidays_in_year,
                       known_range)
from .dates import coerce_date, serial_to_date
from .errors import CalendarError, FollowupError, NotADateError, UsageError, quote
from .rules import (
    days_overdue,
    followup_state,
    next_contact_many,
    validate_cadence,
    validate_max_days,
)

CATEGORY = "followup-xl"
TAGS = ("#DATE?", "#CALENDAR?", "#VALUE?", "#ERROR!")
# Error cells as COM hands them over (VT_ERROR codes) and as Excel shows them.
EXCEL_ERRORS = {
    -2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
    -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!",
}
EXCEL_ERROR_TEXTS = ERROR_TEXT_SET  # cells.EXCEL_ERROR_TEXTS: the one list
SERIAL_ZERO = dt.date(1899, 12, 30)  # serial 0: an empty cell reached through a formula
_ORD_ZERO = SERIAL_ZERO.toordinal()
_ORD_1970 = dt.date(1970, 1, 1).toordinal()
_MAX_WORKDAYS = 1_000_000  # WORKDAY.INTL days beyond this leave the calendar
_MAX_COUNT = 1_000_000  # follow-ups sent / allowed
_DEFAULT = {s.name: s.default for s in schema.SETTINGS}


# --------------------------------------------------------------------------- messages

class PassThrough(Exception):
    """An Excel error or one of our messages in an input cell: answered unchanged."""


def message(exc: Exception) -> str:
    """The text a bad input answers in its cell."""
    if isinstance(exc, PassThrough):
        return str(exc)
    tag = "#DATE?" if isinstance(exc, NotADateError) else "#CALENDAR?" if isinstance(
        exc, CalendarError) else "#VALUE?"
    return f"{tag} {exc}"


def is_message(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("#") and (
        value in EXCEL_ERROR_TEXTS or value.startswith(TAGS))


def cell_safe(fn: Callable[..., list]) -> Callable[..., list]:
    """A problem with the whole call answers one message cell, never an exception."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> list:
        # The cyclic garbage collector is paused for the call: a 10,000-cell answer is
        # 10,000 row lists, and each burst of allocations would otherwise set off
        # collections walking the whole process heap (several ms; the answer has no cycles).
        paused = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        except (FollowupError, PassThrough) as exc:
            return [[message(exc)]]
        except Exception as exc:  # noqa: BLE001 - a bug must still not put a traceback into a cell
            return [[f"#ERROR! followup-xl: {type(exc).__name__}: {exc}"[:255]]]
        finally:
            if paused:
                gc.enable()

    # Import Functions shows the docstring in Excel's function wizard: one line.
    wrapper.__doc__ = " ".join((fn.__doc__ or "").split())
    return wrapper


# --------------------------------------------------------------------------- reading cells

class Cells:
    """A cell or range argument: its shape (rows, columns) and its cells row by row (flat).

    A one-column range keeps the rows COM handed over (`column`) and makes the flat list
    only when asked: to_days reads a date column straight from them."""

    __slots__ = ("_flat", "column", "shape")

    def __init__(self, shape: tuple[int, int], flat: list | None = None,
                 column: tuple | list | None = None):
        self.shape = shape
        self._flat = flat
        self.column = column

    @property
    def flat(self) -> list:
        if self._flat is None:
            self._flat = [row[0] for row in self.column]
        return self._flat

    @property
    def size(self) -> int:
        return len(self.column) if self._flat is None else len(self._flat)

    def rows(self) -> list[list]:
        cols = self.shape[1]
        return [self.flat[i:i + cols] for i in range(0, len(self.flat), cols)]


def grid(value: Any) -> Cells:
    """A cell or range argument as Cells (COM's tuple of row tuples, lists, or a scalar)."""
    if isinstance(value, (list, tuple)) and value:
        if isinstance(value[0], (list, tuple)):
            cols = len(value[0])
            if cols == 1:
                return Cells((len(value), 1), column=value)
            return Cells((len(value), cols), [v for row in value for v in row])
        return Cells((1, len(value)), list(value))  # a 1-D list: one row
    return Cells((1, 1), [None if isinstance(value, (list, tuple)) else value])


def stretched(g: Cells, shape: tuple[int, int]) -> Cells | list:
    """The cells for to_days: g itself when it has the answer's shape, else spread."""
    return g if g.shape == shape else spread(g, shape)


def shape_of(*grids: Cells) -> tuple[int, int]:
    """The answer's shape: ranges of one size and single cells pair up as in Excel."""
    try:
        return np.broadcast_shapes(*(g.shape for g in grids))
    except ValueError:
        sizes = " and ".join(sorted({f"{g.shape[0]}x{g.shape[1]}" for g in grids}))
        raise UsageError(f"The ranges have different sizes ({sizes}): give ranges of one "
                         "size, or single cells.") from None


def spread(g: Cells, shape: tuple[int, int]) -> list:
    """The cells stretched to the answer's shape (a single cell repeated), row by row."""
    if g.shape == shape:
        return g.flat
    if g.shape == (1, 1):
        return g.flat * (shape[0] * shape[1])
    cells = np.empty(g.size, dtype=object)
    cells[:] = g.flat
    return np.broadcast_to(cells.reshape(g.shape), shape).ravel().tolist()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_error(value: Any) -> None:
    if is_message(value):
        raise PassThrough(value)
    if type(value) is int and value in EXCEL_ERRORS:
        raise PassThrough(EXCEL_ERRORS[value])


def cell_date(value: Any, date_order: str = "MDY") -> dt.date | None:
    """One cell as a date (None = blank); raises NotADateError or PassThrough.

    A float serial comes from a typed number or a formula (=TODAY()+7) and is a real date
    whatever its year; serial 0 (an empty cell through a formula) counts as blank.
    """
    if is_blank(value):
        return None
    _check_error(value)
    if isinstance(value, dt.datetime):
        if value.date() == SERIAL_ZERO:
            if value.time() == dt.time(0):
                return None
            raise NotADateError(f"{value:%H:%M} is not a date: it is a time of day only.")
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if value == 0 else serial_to_date(float(value), plausible=False, original=value)
    return coerce_date(value, date_order=date_order)


def cell_number(value: Any, what: str) -> float | None:
    """One cell as a number (None = blank); raises UsageError or PassThrough."""
    if is_blank(value):
        return None
    _check_error(value)
    if isinstance(value, bool):
        raise UsageError(f"{what} {str(value).upper()} is not a number: it is a TRUE/FALSE value.")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.date):
        raise UsageError(f"{what} {value:%Y-%m-%d} is a date, not a number.")
    try:
        return float(str(value).strip())
    except ValueError:
        raise UsageError(f"{what} {quote(value)} is not a number.") from None


def to_days(cells: Cells | list, date_order: str
            ) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Cells (or a flat list of them) as datetime64[D]: (days, ok mask, {index: message}).

    Speed (see benchmarks/udfs.py): a column of date cells and blanks, what a date column
    hands over, is read in C (one date.toordinal per cell, blanks standing in as day 1);
    a column of number serials and blanks is read with numpy. Any other mix is read cell
    by cell. Cells these passes cannot settle (blanks, serial 0, day 1, a serial before
    March 1900, text, ...) then go through cell_date one by one.
    """
    column = cells.column if isinstance(cells, Cells) else None
    values = None if column is not None else cells.flat if isinstance(cells, Cells) else cells
    try:
        stand_ins = ([v or _DAY_ONE for (v,) in column] if column is not None
                     else [v or _DAY_ONE for v in values])
        ords = np.fromiter(map(_TO_ORDINAL, stand_ins), dtype=np.int64, count=len(stand_ins))
        check = (ords <= 1) | (ords == _ORD_ZERO)  # blank (or pandas' NaT), serial 0
    except (TypeError, ValueError):  # a number, text, an error code, ... among the cells
        values = cells.flat if column is not None else values
        if set(map(type, values)) <= {float, _NONE}:
            ords, check = _serial_ordinals(values)
        else:
            ords = np.fromiter((v.toordinal() if isinstance(v, dt.date) else 0 for v in values),
                               dtype=np.int64, count=len(values))
            check = (ords == 0) | (ords == _ORD_ZERO)
    suspect = np.flatnonzero(check)
    ords[suspect] = 0
    errors: dict[int, str] = {}
    cell = values.__getitem__ if values is not None else (lambda i: column[i][0])
    for i in [i for i in suspect.tolist() if cell(i) is not None]:
        try:
            day = cell_date(cell(i), date_order)
        except (FollowupError, PassThrough) as exc:
            errors[i] = message(exc)
            continue
        if day is not None:
            ords[i] = day.toordinal()
    ok = ords != 0
    days = (ords - _ORD_1970).astype("datetime64[D]")
    days[~ok] = np.datetime64("NaT")
    return days, ok, errors


_NONE = type(None)
_TO_ORDINAL = dt.date.toordinal
_DAY_ONE = dt.date(1, 1, 1)  # ordinal 1: stands in for a blank (falsy) cell
_MAX_SERIAL = (dt.date.max - SERIAL_ZERO).days  # 9999-12-31


def _serial_ordinals(values: list) -> tuple[np.ndarray, np.ndarray]:
    """Float serials and None: (ordinals, the cells to check one by one).

    Serials from 1 March 1900 (61) to 9999-12-31 are dates as they are; the rest (blanks,
    0, Excel's days before its fake 29 Feb 1900, out of range, NaN) are left to cell_date."""
    whole = np.floor(np.array(values, dtype=float))  # None -> NaN
    with np.errstate(invalid="ignore"):
        good = (whole > 60) & (whole <= _MAX_SERIAL)
    ords = np.zeros(len(values), dtype=np.int64)
    ords[good] = whole[good].astype(np.int64) + _ORD_ZERO
    return ords, ~good


def map_cells(values: list, fn: Callable[[Any], Any]) -> tuple[list, dict[int, str]]:
    """fn over a flat column of cells, once per distinct value: (results, {index: message})."""
    cache: dict[tuple, Any] = {}
    out: list = []
    errors: dict[int, str] = {}
    for i, v in enumerate(values):
        key = (type(v), v)
        if key not in cache:
            try:
                cache[key] = fn(v)
            except (FollowupError, PassThrough) as exc:
                cache[key] = PassThrough(message(exc))
        result = cache[key]
        if isinstance(result, PassThrough):
            errors[i] = str(result)
            result = None
        out.append(result)
    return out, errors


def numbers(g: Cells, fn: Callable[[Any], int | None], shape: tuple[int, int]
            ) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """fn (cell -> whole number, None = blank) over the cells, computed before they are
    stretched to the answer's shape: (int64 values, blank mask, {index: message}), flat."""
    n = shape[0] * shape[1]
    if g.shape == (1, 1) and n > 1:  # one cell for the whole range
        ints, blank, errors = numbers(g, fn, (1, 1))
        return (np.full(n, ints[0]), np.full(n, blank[0]),
                dict.fromkeys(range(n), errors[0]) if errors else {})
    values, errors = map_cells(g.flat, fn)
    blank = np.array([v is None for v in values], dtype=bool)
    ints = np.array([0 if v is None else v for v in values], dtype=np.int64)
    if errors:
        blank[list(errors)] = False
        texts = [errors.get(i) for i in range(g.size)]
        texts = spread(Cells(g.shape, texts), shape)
        errors = {i: t for i, t in enumerate(texts) if t is not None}
    if g.shape == shape:
        return ints, blank, errors
    return (np.broadcast_to(ints.reshape(g.shape), shape).ravel(),
            np.broadcast_to(blank.reshape(g.shape), shape).ravel(), errors)


def one_cell(value: Any, what: str) -> Any:
    """An argument that must be a single cell (country, weekend, as_of, ...)."""
    if isinstance(value, (list, tuple)):
        g = grid(value)
        if g.size != 1:
            raise UsageError(f"{what} must be a single cell, not a range of "
                             f"{g.shape[0]}x{g.shape[1]}.")
        value = g.flat[0]
    _check_error(value)
    return value


def one_date(value: Any, what: str, date_order: str = "MDY") -> dt.date | None:
    try:
        return cell_date(one_cell(value, what), date_order)
    except NotADateError as exc:
        raise NotADateError(f"{what}: {exc}") from None


# --------------------------------------------------------------------------- answering

_EXCEL_VALUES: dict[tuple, Any] = {}  # (type, value) -> its COM form, across calls
_EXCEL_VALUES_MAX = 50_000


def in_excel() -> bool:
    """Running under Excel (xlwings' Windows engine is there to convert values)."""
    return any(e.name == "excel" for e in xw.engines)


def for_excel(values: list) -> list:
    """Distinct values as COM takes them: xlwings' own write conversion (dates -> Excel
    dates), run once per value and remembered, since recalculations repeat the same dates."""
    if not values or not in_excel():
        return values
    todo = [v for v in values if (type(v), v) not in _EXCEL_VALUES]
    if todo:
        from xlwings import conversion

        if len(_EXCEL_VALUES) + len(todo) > _EXCEL_VALUES_MAX:
            _EXCEL_VALUES.clear()
        for v, row in zip(todo, conversion.write([[v] for v in todo], None, {})):
            _EXCEL_VALUES[(type(v), v)] = row[0]
    return [_EXCEL_VALUES[(type(v), v)] for v in values]


def answer(shape: tuple[int, int], values: list) -> list[list]:
    """Rows of cells from a flat list of Python values (None = blank)."""
    index: dict[tuple, int] = {}
    codes = np.fromiter((index.setdefault((type(v), v), len(index)) for v in values),
                        dtype=np.int64, count=len(values))
    return _assemble(shape, codes, for_excel([k[1] for k in index]))


def answer_days(shape: tuple[int, int], days: np.ndarray, ok: np.ndarray,
                errors: dict[int, str]) -> list[list]:
    """Rows of cells from dates (datetime64[D]), blanks where not ok, and messages."""
    distinct, codes = day_codes(days, ok)
    messages = list(errors.values())
    for k, i in enumerate(errors):
        codes[i] = distinct.shape[0] + 1 + k
    return _assemble(shape, codes, excel_days(distinct) + for_excel([None, *messages]))


_EXCEL_DAYS: dict[int, Any] = {}  # day number (since 1970) -> its COM form, across calls


def excel_days(days: np.ndarray) -> list:
    """Distinct dates (datetime64[D]) as COM takes them, like for_excel but remembered by
    day number: a recalculation looks up a few hundred ints instead of date objects."""
    if not in_excel():
        return days.tolist()
    keys = days.astype(np.int64).tolist()
    got = list(map(_EXCEL_DAYS.get, keys))
    if None in got:
        todo = [k for k, v in zip(keys, got) if v is None]
        if len(_EXCEL_DAYS) + len(todo) > _EXCEL_VALUES_MAX:
            _EXCEL_DAYS.clear()
        stamps = np.array(todo, dtype=np.int64).astype("datetime64[D]").tolist()
        _EXCEL_DAYS.update(zip(todo, for_excel(stamps)))
        got = list(map(_EXCEL_DAYS.__getitem__, keys))
    return got


def day_codes(days: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct dates where ok (sorted) and each cell's index into them; cells not ok
    get len(distinct). By counting over the span of days when it is a few years, without
    copying the dates out; else np.unique."""
    ints = days.view(np.int64)
    n_ok = int(np.count_nonzero(ok))
    if n_ok:
        lo = int(ints.min(where=ok, initial=_INT64_MAX))
        span = int(ints.max(where=ok, initial=_INT64_MIN)) - lo + 1
    if not n_ok or span > 4 * n_ok + 4096:
        distinct, inverse = np.unique(days[ok], return_inverse=True)
        codes = np.full(days.shape[0], distinct.shape[0], dtype=np.int64)
        codes[ok] = inverse.ravel()
        return distinct, codes
    with np.errstate(over="ignore"):
        rel = ints - lo  # NaT (the smallest int64) wraps; it is not ok and is overwritten
    rel[~ok] = span  # one slot past the dates: blank
    present = np.zeros(span + 1, dtype=bool)
    present[rel] = True
    slot = np.cumsum(present) - 1  # blank's slot: the number of distinct dates
    return (np.flatnonzero(present[:span]) + lo).astype("datetime64[D]"), slot[rel]


_INT64_MAX, _INT64_MIN = np.iinfo(np.int64).max, np.iinfo(np.int64).min


def _assemble(shape: tuple[int, int], codes: np.ndarray, distinct: list) -> list[list]:
    """Rows of cells: distinct[codes], shaped. Under Excel, the rows of a one-column answer
    are shared one-cell lists, one per distinct value (built afresh on every call): COM
    only reads them, and a 10,000-row column then costs one list, not 10,000."""
    if shape[1] == 1 and in_excel():
        rows = np.fromiter(map(list, zip(distinct)), dtype=object, count=len(distinct))
        return rows[codes].tolist()
    converted = np.empty(len(distinct), dtype=object)
    converted[:] = distinct
    return converted[codes].reshape(shape).tolist()


# --------------------------------------------------------------------------- calendars

def place(country: Any, subdivision: Any) -> tuple[str, str | None]:
    """Country and subdivision: the arguments, else FOLLOWUP_XL_COUNTRY/_SUBDIVISION, else US."""
    c = one_cell(country, "Country")
    s = one_cell(subdivision, "Subdivision")
    c, s = default_place(None if is_blank(c) else c, None if is_blank(s) else s)
    return str(c).strip().upper(), (None if is_blank(s) else s)


def holiday_dates(holidays: Any, date_order: str) -> tuple[dt.date, ...]:
    """The holidays argument: a cell or range of dates; blanks ignored. A range as COM
    hands it over (a tuple) is read once: a formula filled down 1,000 rows passes the
    same Holidays range 1,000 times."""
    if holidays is None:
        return ()
    try:
        return _holiday_dates(holidays, date_order)
    except TypeError:  # unhashable (lists from Python callers)
        return _holiday_dates.__wrapped__(holidays, date_order)


@lru_cache(maxsize=64)
def _holiday_dates(holidays: Any, date_order: str) -> tuple[dt.date, ...]:
    days: list[dt.date] = []
    for v in grid(holidays).flat:
        try:
            day = cell_date(v, date_order)
        except NotADateError as exc:
            raise NotADateError(f"Holidays: {exc}") from None
        if day is not None:
            days.append(day)
    return tuple(days)


def calendar_for(country: Any, subdivision: Any, holidays: Any,
                 weekend: Any) -> tuple[WorkCalendar, str]:
    """The working-day calendar of the arguments, and the order for dates typed as text."""
    c, s = place(country, subdivision)
    order = schema.default_date_order(c)
    cal = get_calendar(c, s, one_cell(weekend, "Weekend"), holiday_dates(holidays, order))
    return cal, order


# --------------------------------------------------------------------------- argument docs

_CAL_DOCS = {
    "country": "ISO country code of the public holidays (US, GB, DE, IL, ...). Blank: "
               f"{COUNTRY_ENV} or US.",
    "subdivision": "State or region code for regional holidays (CA, NY, BY, ...). Optional.",
    "holidays": "Extra days off: a cell or range of dates (company closures, vacations). "
                "Blanks are ignored.",
    "weekend": "Days off as WORKDAY.INTL takes them: 1-7, 11-17 or a mask like 0000011 "
               "(Monday first, 1 = off). Blank: the country's weekend.",
}


def _calendar_args(fn: Callable) -> Callable:
    """xw.arg docs of the calendar arguments a function has."""
    import inspect

    params = inspect.signature(fn).parameters
    for name in ("weekend", "holidays", "subdivision", "country"):
        if name in params:
            fn = xw.arg(name, "raw" if name == "holidays" else None,
                        doc=_CAL_DOCS[name], err_to_str=True)(fn)
    return fn


def shown(value: Any) -> Any:
    """A cell value for a message: 91 rather than 91.0 (numbers arrive as floats)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _whole(value: Any, validate: Callable[[Any, str], int], what: str,
           default: int | None) -> int | None:
    number = cell_number(value, what)
    return default if number is None else validate(shown(number), what)


def whole_count(value: Any, what: str) -> int:
    """A whole number, 0 or more (follow-up counts and limits)."""
    if not float(value).is_integer() or not 0 <= value <= _MAX_COUNT:
        raise UsageError(f"{what} {quote(value)} is not valid: use a whole number from 0 to "
                         f"{_MAX_COUNT:,}.")
    return int(value)


def _cadence(v: Any) -> int | None:
    return _whole(v, validate_cadence, "Cadence", _DEFAULT["DefaultCadence"])


def _max_days(v: Any) -> int | None:
    # Any window past a few weeks acts the same (a working day always comes within a week
    # or a holiday season), so huge values are capped rather than overflowing int64.
    return _whole(v, lambda x, _what: min(validate_max_days(x), 36_500), "Max days",
                  _DEFAULT["MaxDays"])


def _workdays(v: Any) -> int | None:
    number = cell_number(v, "Days")
    if number is not None and number != number:  # NaN: no cell holds it, but Python callers can pass it
        raise UsageError(f"Days {quote(shown(v))} is not a number.")
    if number is not None and not abs(number) <= _MAX_WORKDAYS:
        raise UsageError(f"Days {quote(shown(v))} is too large: use at most {_MAX_WORKDAYS:,}.")
    return None if number is None else int(number)  # WORKDAY.INTL truncates toward zero


def beyond_calendar(cal: WorkCalendar, ok: np.ndarray, errors: dict[int, str],
                    *days: np.ndarray) -> None:
    """A cell whose dates (any of `days`) lie beyond the calendar (calendar.known_range:
    past the years of known public holidays, or past 9999-12-31) answers why."""
    for d in days:
        for i in np.flatnonzero(ok & ~cal.known_many(d)).tolist():
            errors[i] = f"#CALENDAR? {cal.range_message(d[i])}."
            ok[i] = False


def _merge(ok: np.ndarray, errors: dict[int, str], more: dict[int, str],
           blank: np.ndarray | None = None) -> None:
    """Messages of other arguments join where the date is usable (a blank date stays blank);
    a blank other argument blanks the cell."""
    for i, text in more.items():
        if ok[i]:
            errors[i] = text
            ok[i] = False
    if blank is not None:
        ok &= ~blank


# --------------------------------------------------------------------------- the functions

@xw.func(category=CATEGORY)
@xw.arg("base", "raw", doc="The last contact date (else the interview date): a cell or a "
                           "range of dates.")
@xw.arg("cadence_days", "raw", doc="Days to wait, 1-90: a number or a range the size of base. "
                                   "Blank: 7.")
@xw.arg("max_days", "raw", doc="Never wait longer than this: a holiday then moves the date "
                               "earlier, not later. Blank: 10.")
@_calendar_args
@xw.ret("raw")
@cell_safe
def FOLLOWUP_NEXT(base: Any, cadence_days: Any = None, max_days: Any = None, country: Any = None,
                  subdivision: Any = None, holidays: Any = None, weekend: Any = None) -> list:
    """Next contact date: base + cadence days, moved to a working day (no weekend, no public
    holiday) within max_days. A range in gives a range out; a blank gives a blank."""
    cal, order = calendar_for(country, subdivision, holidays, weekend)
    b, c, m = grid(base), grid(cadence_days), grid(max_days)
    shape = shape_of(b, c, m)
    days, ok, errors = to_days(stretched(b, shape), order)
    cadence, _, c_err = numbers(c, _cadence, shape)
    window, _, m_err = numbers(m, _max_days, shape)
    _merge(ok, errors, {**m_err, **c_err})
    # The engine takes the whole column (blanks are NaT, NaT in gives NaT out); cells
    # answering a message are computed too and then left out by answer_days.
    out = next_contact_many(days, cadence, window, cal) if ok.any() else days
    beyond_calendar(cal, ok, errors, out)
    return answer_days(shape, out, ok, errors)


def _state_inputs(next_contact: Any, status: Any, as_of: Any, *more: Any):
    """as_of, shape, next dates (None = blank), statuses, {index: message}, other grids."""
    order = schema.default_date_order(place(None, None)[0])
    a = one_date(as_of, "As of", order) or dt.date.today()
    grids = [grid(next_contact), grid(status), *(grid(x) for x in more)]
    shape = shape_of(*grids)
    days, ok, errors = to_days(stretched(grids[0], shape), order)
    nexts = [d if k else None for d, k in zip(days.tolist(), ok.tolist())]
    statuses = spread(grids[1], shape)
    for i, v in enumerate(statuses):  # an error in Status is passed through
        if i not in errors and (is_message(v) or (type(v) is int and v in EXCEL_ERRORS)):
            errors[i] = EXCEL_ERRORS.get(v, v) if type(v) is int else v
    return a, shape, nexts, statuses, errors, grids[2:]


_AS_OF_DOC = "The date states are computed for. Blank: today."
_NEXT_DOC = "The next contact date (FOLLOWUP_NEXT's answer): a cell or a range."
_STATUS_DOC = ("Status, read by its meaning: Wishlist and To apply are not applied, On hold and "
               "Paused on hold, Rejected, Withdrawn, Ghosted... closed; blank and other text active. "
               "A cell or a range the size of next_contact.")
_STATUSES_DOC = ("The workbook's own statuses: a range of two columns, Status and Meaning (not "
                 "applied, active, on hold or closed), read before the built-in ones. Optional.")


def status_pairs(statuses: Any) -> dict[str, Any] | None:
    """A Statuses range (two columns: Status, Meaning) as status -> meaning; None when
    omitted. A heading row and rows without a status are skipped; a meaning that is none of
    the four leaves its status to the built-in list (as the command line does)."""
    if statuses is None:
        return None
    g = grid(statuses)
    if g.shape == (1, 1) and is_blank(g.flat[0]):
        return None
    if g.shape[1] != 2:
        raise UsageError(f"statuses must be two columns, Status and Meaning, not a range of "
                         f"{g.shape[0]}x{g.shape[1]}.")
    pairs: dict[str, Any] = {}
    for status, meaning in g.rows():
        if not is_blank(status) and not is_message(status) and not (type(status) is int and status in EXCEL_ERRORS):
            pairs.setdefault(str(status), meaning)
    return pairs


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("next_contact", "raw", doc=_NEXT_DOC)
@xw.arg("status", "raw", doc=_STATUS_DOC)
@xw.arg("as_of", doc=_AS_OF_DOC, err_to_str=True)
@xw.arg("followups_sent", "raw", doc="Follow-ups sent so far (blank = 0): a number or a range.")
@xw.arg("max_followups", doc="Stop after this many follow-ups. Blank: no limit.", err_to_str=True)
@xw.arg("statuses", "raw", doc=_STATUSES_DOC)
@xw.ret("raw")
@cell_safe
def FOLLOWUP_STATE(next_contact: Any, status: Any = None, as_of: Any = None,
                   followups_sent: Any = None, max_followups: Any = None, statuses: Any = None) -> list:
    """Follow-up state: Closed, Not applied, Needs date, Limit reached, Overdue, Due today,
    Due this week or Upcoming (first match wins), relative to as_of."""
    own = status_pairs(statuses)
    table = schema.status_table(own) if own else None
    limit = _whole(one_cell(max_followups, "Max follow-ups"), whole_count, "Max follow-ups", None)
    a, shape, nexts, statuses, errors, (sent_grid,) = _state_inputs(
        next_contact, status, as_of, followups_sent)
    sent, sent_blank, s_err = numbers(
        sent_grid, lambda v: _whole(v, whole_count, "Follow-ups sent", None), shape)
    cache: dict[tuple, str] = {}
    out: list = []
    for i, day in enumerate(nexts):
        if day is None and i not in errors and is_blank(statuses[i]) and sent_blank[i]:
            out.append(None)
        elif i in errors or i in s_err:
            out.append(errors.get(i) or s_err[i])
        else:
            key = (day, schema.meaning_by_key(schema.status_key(statuses[i]), table), int(sent[i]))
            if key not in cache:
                cache[key] = followup_state(day, statuses[i], a, key[2], limit, own)
            out.append(cache[key])
    return answer(shape, out)


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("next_contact", "raw", doc=_NEXT_DOC)
@xw.arg("status", "raw", doc=_STATUS_DOC)
@xw.arg("as_of", doc=_AS_OF_DOC, err_to_str=True)
@xw.arg("statuses", "raw", doc=_STATUSES_DOC)
@xw.ret("raw")
@cell_safe
def FOLLOWUP_DAYS_OVERDUE(next_contact: Any, status: Any = None, as_of: Any = None,
                          statuses: Any = None) -> list:
    """Calendar days past the next contact date for an open row (0 when not overdue)."""
    own = status_pairs(statuses)
    a, shape, nexts, values, errors, _ = _state_inputs(next_contact, status, as_of)
    out = [errors[i] if i in errors
           else None if day is None and is_blank(values[i])
           else days_overdue(day, values[i], a, own) for i, day in enumerate(nexts)]
    return answer(shape, out)


@xw.func(category=CATEGORY)
@xw.arg("start_date", "raw", doc="The start date: a cell or a range of dates. The start "
                                 "itself is never counted.")
@xw.arg("days", "raw", doc="Working days to add (negative: go back). A number or a range the "
                           "size of start_date.")
@_calendar_args
@xw.ret("raw")
@cell_safe
def FOLLOWUP_WORKDAY(start_date: Any, days: Any, country: Any = None, subdivision: Any = None,
                     holidays: Any = None, weekend: Any = None) -> list:
    """The date a number of working days before or after start_date, like WORKDAY.INTL,
    with the country's public holidays built in."""
    cal, order = calendar_for(country, subdivision, holidays, weekend)
    s, n = grid(start_date), grid(days)
    shape = shape_of(s, n)
    start, ok, errors = to_days(stretched(s, shape), order)
    counts, blank, c_err = numbers(n, _workdays, shape)
    _merge(ok, errors, c_err, blank)
    out = np.full(start.shape[0], np.datetime64("NaT"), dtype="datetime64[D]")
    if ok.any():
        out[ok] = cal.workday_many(start[ok], counts[ok])
    beyond_calendar(cal, ok, errors, start, out)
    return answer_days(shape, out, ok, errors)


@xw.func(category=CATEGORY)
@xw.arg("start_date", "raw", doc="The first day: a cell or a range of dates.")
@xw.arg("end_date", "raw", doc="The last day: a cell or a range the size of start_date.")
@_calendar_args
@xw.ret("raw")
@cell_safe
def FOLLOWUP_NETWORKDAYS(start_date: Any, end_date: Any, country: Any = None,
                         subdivision: Any = None, holidays: Any = None,
                         weekend: Any = None) -> list:
    """Working days from start_date to end_date, both counted, like NETWORKDAYS.INTL
    (negative when end_date is earlier), with the country's public holidays built in."""
    cal, order = calendar_for(country, subdivision, holidays, weekend)
    s, e = grid(start_date), grid(end_date)
    shape = shape_of(s, e)
    start, ok, errors = to_days(stretched(s, shape), order)
    end, e_ok, e_err = to_days(stretched(e, shape), order)
    _merge(ok, errors, e_err, ~e_ok & ~np.isin(np.arange(e_ok.shape[0]), list(e_err)))
    counts = np.zeros(start.shape[0], dtype=np.int64)
    beyond_calendar(cal, ok, errors, start, end)
    if ok.any():
        counts[ok] = cal.networkdays_many(start[ok], end[ok])
    out = [errors[i] if i in errors else int(c) if k else None
           for i, (c, k) in enumerate(zip(counts.tolist(), ok.tolist()))]
    return answer(shape, out)


@xw.func(category=CATEGORY)
@xw.arg("date_value", "raw", doc="The day to check: a cell or a range of dates.")
@_calendar_args
@xw.ret("raw")
@cell_safe
def FOLLOWUP_IS_WORKDAY(date_value: Any, country: Any = None, subdivision: Any = None,
                        holidays: Any = None, weekend: Any = None) -> list:
    """TRUE when the date is a working day: not a weekend day and not a public or extra
    holiday."""
    cal, order = calendar_for(country, subdivision, holidays, weekend)
    g = grid(date_value)
    days, ok, errors = to_days(g, order)
    beyond_calendar(cal, ok, errors, days)
    flags = cal.is_workday_many(days).tolist()
    out = [errors.get(i, flag if k else None)
           for i, (flag, k) in enumerate(zip(flags, ok.tolist()))]
    return answer(g.shape, out)


@xw.func(category=CATEGORY)
@xw.arg("year", "raw", doc="The year, e.g. 2026 (a range of years lists them all).")
@_calendar_args
@xw.ret("raw")
@cell_safe
def FOLLOWUP_HOLIDAYS(year: Any, country: Any = None, subdivision: Any = None) -> list:
    """The public holidays of a year, spilled as two columns: Date, Name."""
    c, s = place(country, subdivision)
    rows: list = []
    for v in grid(year).flat:
        number = cell_number(v, "Year")
        if number is None:
            continue
        first, last = known_range(c)
        if not number.is_integer() or not first.year <= number <= last.year:
            raise UsageError(f"Year {quote(shown(v))} is not valid: the public holidays of {c} are "
                             f"known for the years {first.year} to {last.year}.")
        for day, name in holidays_in_year(int(number), c, s):
            rows.extend((day, name))
    return answer((max(1, len(rows) // 2), 2), rows or [None, None])


def week_columns() -> list[tuple[str, str]]:
    """(Item field, header) of the FOLLOWUP_WEEK columns: the weekly list's item fields."""
    from .model import Item

    cols = []
    for f in dataclasses.fields(Item):
        if f.name in ("tracker", "your_name"):  # always the one range, which has no Settings
            continue
        col = schema.COLUMN_BY_KEY.get(f.name)
        cols.append((f.name, col.header if col else f.name.replace("_", " ").capitalize()))
    return cols


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("tracker", ndim=2, doc="The tracker table including its header row (title rows above "
                               "it are fine), e.g. Tracker!A1:Q200.", err_to_str=True)
@xw.arg("week_of", doc="Any date in the week to list (Monday to Sunday). Blank: as_of.",
        err_to_str=True)
@xw.arg("as_of", doc=_AS_OF_DOC, err_to_str=True)
@xw.ret("raw")
@cell_safe
def FOLLOWUP_WEEK(tracker: Any, week_of: Any = None, as_of: Any = None) -> list:
    """The weekly follow-up list of a tracker table, spilled with a header row: who to contact
    this week (overdue first), with contact details and a message draft."""
    from .weekly import weekly_from_table

    c, s = place(None, None)
    order = schema.default_date_order(c)
    settings = schema.Settings(country=c, subdivision=s)
    result = weekly_from_table(grid(tracker).rows(), tracker="(range)",
                               settings=settings, week_of=one_date(week_of, "Week of", order),
                               as_of=one_date(as_of, "As of", order))
    cols = week_columns()
    rows = [[getattr(item, key) for key, _ in cols] for item in result.items]
    for p in result.problems:
        if p.severity == "error":
            rows.append([_problem_cell(key, p) for key, _ in cols])
    cells = [h for _, h in cols] + [v for row in rows for v in row]
    return answer((len(rows) + 1, len(cols)), cells)


def _problem_cell(key: str, problem: Any) -> Any:
    if key == "state":
        return "Problem"
    if key == "row":
        return problem.row
    if key == "message":
        where = f"{problem.column}: " if problem.column else ""
        return f"{where}{problem.message}"
    return None


@xw.func(category=CATEGORY)
@xw.arg("contact_name", "raw", doc="The contact person's name: a cell or a range.")
@xw.arg("company", "raw", doc="The company: a cell or a range the size of contact_name.")
@xw.arg("role", "raw", doc="The job applied for. Optional.")
@xw.arg("interview_date", "raw", doc="The interview date, mentioned when given. Optional.")
@xw.ret("raw")
@cell_safe
def FOLLOWUP_MESSAGE(contact_name: Any, company: Any, role: Any = None,
                     interview_date: Any = None) -> list:
    """A polite follow-up message draft to the contact person: still interested, glad to
    meet again, curious where things stand."""
    from .messages import drafts

    country = place(None, None)[0]
    order = schema.default_date_order(country)
    grids = [grid(contact_name), grid(company), grid(role), grid(interview_date)]
    shape = shape_of(*grids)
    n, c, r, d = (spread(g, shape) for g in grids)
    days, ok, errors = to_days(d, order)
    out: list = []
    wanted: list[int] = []  # the cells that get a draft: written together below (messages.drafts)
    for i in range(len(n)):
        texts = (n[i], c[i], r[i])
        bad = next((v for v in texts
                    if is_message(v) or (type(v) is int and v in EXCEL_ERRORS)), None)
        if i in errors or bad is not None:
            out.append(errors.get(i) or EXCEL_ERRORS.get(bad, bad))
        elif is_blank(n[i]) and is_blank(c[i]):
            out.append(None)
        else:
            out.append(None)
            wanted.append(i)
    if wanted:
        texts = drafts([_text(n[i]) for i in wanted], [_text(c[i]) for i in wanted],
                       [_text(r[i]) for i in wanted], [days[i].item() if ok[i] else None for i in wanted],
                       [0] * len(wanted), [None] * len(wanted), [None] * len(wanted), country=country)
        for i, text in zip(wanted, texts):
            out[i] = text
    return answer(shape, out)


def _text(value: Any) -> Any:
    """A number typed in a text cell (a company called 3M is text; 42 is 42.0 over COM)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


__all__ = [
    "FOLLOWUP_DAYS_OVERDUE",
    "FOLLOWUP_HOLIDAYS",
    "FOLLOWUP_IS_WORKDAY",
    "FOLLOWUP_MESSAGE",
    "FOLLOWUP_NETWORKDAYS",
    "FOLLOWUP_NEXT",
    "FOLLOWUP_STATE",
    "FOLLOWUP_WEEK",
    "FOLLOWUP_WORKDAY",
]
