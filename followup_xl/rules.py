"""The follow-up rules (SPEC: "The rules"): next contact, follow-up state, days overdue.

Each rule exists once for one row (plain Python, easy to read against the spec) and once
vectorised over whole columns (numpy business-day functions). Tests hold them equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import schema
from .dates import LAST_DAY
from .errors import CalendarError, UsageError, quote
from .schema import Settings

if TYPE_CHECKING:  # pandas is imported only where a DataFrame is asked for (start-up time)
    import pandas as pd

    from .calendar import WorkCalendar

NAT = np.datetime64("NaT", "D")
MEANING_CODES: dict[str, int] = {m: i for i, m in enumerate(schema.MEANINGS)}
# Status meanings that give no next contact (rule step 1).
UNSCHEDULED_MEANINGS = (schema.CLOSED_MEANING, schema.NOT_APPLIED_MEANING)


# --------------------------------------------------------------------------- helpers

def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week containing day (the last week of 9999 ends on 9999-12-31:
    no date object holds its Sunday)."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, (monday + dt.timedelta(days=6) if monday <= LAST_DAY - dt.timedelta(days=6) else LAST_DAY)


def validate_cadence(value: Any, what: str = "Cadence") -> int:
    """A whole number of days 1-90; raises UsageError naming the value otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what} {quote(value)} is not a number of days: use a whole number from "
                         f"{schema.CADENCE_MIN} to {schema.CADENCE_MAX}.") from None
    if not number.is_integer() or not schema.CADENCE_MIN <= number <= schema.CADENCE_MAX:
        raise UsageError(f"{what} {quote(value)} is not valid: use a whole number of days from "
                         f"{schema.CADENCE_MIN} to {schema.CADENCE_MAX}.")
    return int(number)


def validate_max_days(value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number.is_integer() or number < 0:
        raise UsageError(f"Max days {quote(value)} is not valid: use a whole number of days, 0 or more.")
    return int(number)


# --------------------------------------------------------------------------- step 5

def next_contact_date(base: dt.date, cadence: int, max_days: int, calendar: WorkCalendar) -> dt.date:
    """Rule step 5 for one date: base + cadence, moved to a working day within the window.

    CalendarError when the answer lies beyond the calendar (calendar.known_range: past the
    last year of known public holidays, or past 9999-12-31)."""
    what = f"The next contact after {base.isoformat()} would be"
    try:
        window = max(max_days, cadence)
        target = base + dt.timedelta(days=cadence)
        if calendar.is_workday(target):
            return calendar.require_known(target, what)
        after = calendar.next_workday_after(target)
        if (after - base).days <= window:
            return calendar.require_known(after, what)
        before = calendar.last_workday_before(target)
        return calendar.require_known(before if before > base else after, what)
    except (OverflowError, CalendarError) as exc:  # stepping past 9999-12-31
        if isinstance(exc, CalendarError) and str(exc).startswith(what):
            raise
        raise CalendarError(f"{what} past {LAST_DAY.isoformat()}, the last date a spreadsheet "
                            "holds.") from None


def next_contact_many(base: np.ndarray, cadence: np.ndarray | int, max_days: np.ndarray | int,
                      calendar: WorkCalendar) -> np.ndarray:
    """Rule step 5 over arrays (datetime64[D]; NaT in, NaT out)."""
    base = np.asarray(base, dtype="datetime64[D]")
    cadence = np.broadcast_to(np.asarray(cadence, dtype=np.int64), base.shape)
    window = np.maximum(np.asarray(max_days, dtype=np.int64), cadence)
    target = base + cadence.astype("timedelta64[D]")
    # Only targets on a closed day move (about a third): roll just those, forward and back.
    moved = ~calendar.is_workday_many(target) & ~np.isnat(target)
    t, b, w = target[moved], base[moved], np.broadcast_to(window, base.shape)[moved]
    after = calendar.forward_many(t)
    before = calendar.backward_many(t)
    within = (after - b).astype(np.int64) <= w
    out = target.copy()
    out[moved] = np.where(within | ~(before > b), after, before)
    return out


# --------------------------------------------------------------------------- states

def followup_state(next_contact: dt.date | None, status: Any, as_of: dt.date,
                   followups_sent: int | None = 0, max_followups: int | None = None,
                   statuses: Mapping[Any, Any] | None = None) -> str:
    """The state of a row, first match wins (SPEC order). statuses: the workbook's own
    statuses (status -> meaning), over the built-in ones."""
    meaning = schema.status_meaning(status, statuses)
    if meaning == schema.CLOSED_MEANING:
        return schema.CLOSED
    if meaning == schema.NOT_APPLIED_MEANING:
        return schema.NOT_APPLIED
    if next_contact is None:
        return schema.NEEDS_DATE
    sent = 0 if followups_sent is None or followups_sent != followups_sent else followups_sent  # NaN = blank
    if max_followups is not None and sent >= max_followups:
        return schema.LIMIT_REACHED
    if next_contact < as_of:
        return schema.OVERDUE
    if next_contact == as_of:
        return schema.DUE_TODAY
    if next_contact <= week_bounds(as_of)[1]:
        return schema.DUE_THIS_WEEK
    return schema.UPCOMING


def days_overdue(next_contact: dt.date | None, status: Any, as_of: dt.date,
                 statuses: Mapping[Any, Any] | None = None) -> int:
    """Calendar days past next contact for an overdue, open row; else 0."""
    if next_contact is None or next_contact >= as_of or \
            schema.status_meaning(status, statuses) in UNSCHEDULED_MEANINGS:
        return 0
    return (as_of - next_contact).days


@dataclass(frozen=True)
class Outcome:
    next_contact: dt.date | None
    state: str
    days_overdue: int


def row_cadence(status: Any, cadence: int | None, settings: Settings,
                statuses: Mapping[Any, Any] | None = None) -> int:
    """Rule step 4: On hold uses OnHoldCadence, else the row's cadence, else the default."""
    if schema.is_on_hold(status, statuses):
        return settings.on_hold_cadence
    return settings.default_cadence if cadence is None or cadence != cadence else cadence  # NaN = blank


def base_date(last_contact: dt.date | None, interview_date: dt.date | None,
              applied_date: dt.date | None = None) -> dt.date | None:
    """Rule step 2: the latest of Last contact, Interview date and Applied date (the most
    recent touch; an interview still to come pushes the follow-up after it), or None."""
    days = [d for d in (last_contact, interview_date, applied_date) if d is not None]
    return max(days) if days else None


def evaluate_row(*, last_contact: dt.date | None, interview_date: dt.date | None, status: Any,
                 cadence: int | None, followups_sent: int | None, settings: Settings,
                 calendar: WorkCalendar, as_of: dt.date, applied_date: dt.date | None = None,
                 statuses: Mapping[Any, Any] | None = None) -> Outcome:
    """All the rules for one (already typed) row; statuses: the workbook's own statuses
    (status -> meaning)."""
    base = base_date(last_contact, interview_date, applied_date)
    raw = None
    if base is not None and schema.status_meaning(status, statuses) not in UNSCHEDULED_MEANINGS:
        raw = next_contact_date(base, row_cadence(status, cadence, settings, statuses),
                                settings.max_days, calendar)
    state = followup_state(raw, status, as_of, followups_sent, settings.max_followups, statuses)
    if state in schema.UNSCHEDULED_STATES:
        return Outcome(None, state, 0)
    return Outcome(raw, state, days_overdue(raw, status, as_of))


# --------------------------------------------------------------------------- vectorised

def status_codes(statuses: Sequence[Any] | np.ndarray | pd.Series,
                 extra: Mapping[Any, Any] | None = None) -> np.ndarray:
    """The meaning of each status cell as an index into schema.MEANINGS (each distinct
    value looked at once: a column repeats a few statuses); extra: the workbook's own."""
    values = statuses.tolist() if hasattr(statuses, "tolist") else list(statuses)
    table = schema.status_table(extra) if extra else None

    def code(v: Any) -> int:
        return MEANING_CODES[schema.meaning_by_key(schema.status_key(v), table)]

    try:
        lookup = {v: code(v) for v in set(values)}
        codes = list(map(lookup.__getitem__, values))
    except TypeError:  # an unhashable cell: look at each one
        codes = [code(v) for v in values]
    return np.array(codes, dtype=np.int64).reshape(len(codes))


def status_flags(statuses: Sequence[Any] | np.ndarray | pd.Series,
                 extra: Mapping[Any, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(closed, on_hold) boolean arrays for a column of status cells."""
    codes = status_codes(statuses, extra)
    return codes == MEANING_CODES[schema.CLOSED_MEANING], codes == MEANING_CODES[schema.ON_HOLD]


def _as_days(values: Any) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return values.astype("datetime64[D]")
    import pandas as pd

    return pd.to_datetime(pd.Series(values, dtype=object), errors="raise").to_numpy().astype("datetime64[D]")


def _as_float(values: Any, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        return values.astype(float)
    import pandas as pd

    return pd.to_numeric(pd.Series(values, dtype=object), errors="raise").to_numpy(dtype=float)


def evaluate_many(*, last_contact: Any, interview_date: Any, status: Any, cadence: Any = None,
                  followups_sent: Any = None, settings: Settings, calendar: WorkCalendar,
                  as_of: dt.date, applied_date: Any = None,
                  statuses: Mapping[Any, Any] | None = None) -> pd.DataFrame:
    """All the rules over whole columns; returns next_contact (datetime64[D], NaT = blank),
    followup_state (str) and days_overdue (int), one row per input row."""
    import pandas as pd

    next_, states, overdue = evaluate_arrays(
        last_contact=last_contact, interview_date=interview_date, status=status, cadence=cadence,
        followups_sent=followups_sent, settings=settings, calendar=calendar, as_of=as_of,
        applied_date=applied_date, statuses=statuses)
    return pd.DataFrame({"next_contact": next_, "followup_state": states, "days_overdue": overdue})


def _latest(*columns: np.ndarray) -> np.ndarray:
    """Element-wise the latest date of the columns, NaT where all are NaT."""
    out = columns[0].copy()
    for col in columns[1:]:
        later = ~np.isnat(col) & (np.isnat(out) | (col > out))
        out[later] = col[later]
    return out


def evaluate_arrays(*, last_contact: Any, interview_date: Any, status: Any, cadence: Any = None,
                    followups_sent: Any = None, settings: Settings, calendar: WorkCalendar,
                    as_of: dt.date, applied_date: Any = None,
                    statuses: Mapping[Any, Any] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """evaluate_many as numpy arrays (next contact, state, days overdue): the weekly list
    needs no DataFrame, and pandas costs a fifth of a second to import. applied_date may be
    None (no such column); statuses: the workbook's own (status -> meaning)."""
    last = _as_days(last_contact)
    interview = _as_days(interview_date)
    n = last.shape[0]
    applied = np.full(n, NAT, dtype="datetime64[D]") if applied_date is None else _as_days(applied_date)
    meaning = status_codes(status, statuses)
    closed = meaning == MEANING_CODES[schema.CLOSED_MEANING]
    not_applied = meaning == MEANING_CODES[schema.NOT_APPLIED_MEANING]
    on_hold = meaning == MEANING_CODES[schema.ON_HOLD]
    cad = _as_float(cadence, n)
    sent = np.nan_to_num(_as_float(followups_sent, n), nan=0.0)
    base = _latest(last, interview, applied)
    c = np.where(on_hold, settings.on_hold_cadence, np.where(np.isnan(cad), settings.default_cadence, cad))
    c = c.astype(np.int64)
    has_base = ~np.isnat(base)
    raw = np.full(n, NAT, dtype="datetime64[D]")
    todo = has_base & ~closed & ~not_applied
    raw[todo] = next_contact_many(base[todo], c[todo], settings.max_days, calendar)

    a = np.datetime64(as_of, "D")
    sunday = np.datetime64(week_bounds(as_of)[1], "D")
    limit = np.zeros(n, dtype=bool) if settings.max_followups is None else sent >= settings.max_followups
    conditions = [closed, not_applied, ~has_base, limit, raw < a, raw == a, raw <= sunday]
    codes = np.select(conditions, np.arange(len(conditions)), default=len(conditions))
    states = np.array(schema.STATES, dtype=object)[codes]
    overdue_code = schema.STATES.index(schema.OVERDUE)
    scheduled = codes >= overdue_code
    next_ = np.where(scheduled, raw, NAT)
    overdue = np.where(codes == overdue_code, (a - raw).astype(np.int64), 0)
    return next_, states, overdue
