"""An oracle of the rules for the tests, independent of the code under test.

It walks the calendar one day at a time, takes public holidays straight from the holidays
package, reads weekends from its own table of WORKDAY.INTL's codes (written from Excel's
documentation as day names, not copied from calendar.py), and decides statuses and states
in the spec's words. Nothing here imports followup_xl.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import holidays as holidays_lib

ONE = dt.timedelta(days=1)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# WORKDAY.INTL's weekend argument (Excel's documentation): the days off.
WEEKEND_DAYS = {
    1: ("Sat", "Sun"), 2: ("Sun", "Mon"), 3: ("Mon", "Tue"), 4: ("Tue", "Wed"), 5: ("Wed", "Thu"),
    6: ("Thu", "Fri"), 7: ("Fri", "Sat"), 11: ("Sun",), 12: ("Mon",), 13: ("Tue",), 14: ("Wed",),
    15: ("Thu",), 16: ("Fri",), 17: ("Sat",),
}
# The countries' own weekends, as the world knows them.
COUNTRY_WEEKEND = {"US": ("Sat", "Sun"), "GB": ("Sat", "Sun"), "DE": ("Sat", "Sun"),
                   "FR": ("Sat", "Sun"), "JP": ("Sat", "Sun"), "CA": ("Sat", "Sun"),
                   "IL": ("Fri", "Sat"), "SA": ("Fri", "Sat"), "AE": ("Sat", "Sun")}
# The spec's built-in statuses (SPEC: "Statuses", version 2), as matching words.
NOT_APPLIED = {"notapplied", "notstarted", "wishlist", "saved", "bookmarked", "toapply", "interested",
               "researching"}
ON_HOLD = {"onhold", "paused", "hiringfreeze", "postponed"}
CLOSED = {"accepted", "offeraccepted", "hired", "rejected", "reject", "declined", "notselected",
          "unsuccessful", "positionfilled", "nooffer", "withdrawn", "withdrew", "offerdeclined",
          "ghosted", "noresponse", "closed"}


def mask_of(days_off: Iterable[str]) -> str:
    return "".join("1" if name in days_off else "0" for name in DAY_NAMES)


def weekend_mask(weekend: Any, country: str) -> str:
    """A weekend argument (None = the country's, a WORKDAY.INTL code, a mask) as a mask."""
    if weekend is None:
        return mask_of(COUNTRY_WEEKEND[country])
    if isinstance(weekend, (int, float)) or (isinstance(weekend, str) and len(weekend) <= 2):
        return mask_of(WEEKEND_DAYS[int(float(weekend))])
    return weekend


def days_off(country: str, subdivision: str | None, extra: Iterable[dt.date], years: Iterable[int]) -> set:
    return set(holidays_lib.country_holidays(country, subdiv=subdivision, years=list(years))) | set(extra)


def working(day: dt.date, mask: str, off: set) -> bool:
    return mask[day.weekday()] == "0" and day not in off


def next_contact(base: dt.date, cadence: int, max_days: int, mask: str, off: set) -> dt.date:
    """Rule step 5 in the spec's words, day by day."""
    t = base + dt.timedelta(days=cadence)
    if working(t, mask, off):
        return t
    f = t + ONE
    while not working(f, mask, off):
        f += ONE
    if (f - base).days <= max(max_days, cadence):
        return f
    b = t - ONE
    while not working(b, mask, off):
        b -= ONE
    return b if b > base else f


def workday(start: dt.date, n: int, mask: str, off: set) -> dt.date:
    step = ONE if n >= 0 else -ONE
    day, left = start, abs(n)
    while left:
        day += step
        left -= working(day, mask, off)
    return day


def networkdays(start: dt.date, end: dt.date, mask: str, off: set) -> int:
    lo, hi = min(start, end), max(start, end)
    count = sum(working(lo + dt.timedelta(days=i), mask, off) for i in range((hi - lo).days + 1))
    return count if start <= end else -count


def _word(status: Any) -> str:
    return "".join(c for c in str(status or "").casefold() if c.isalnum())


def is_closed(status: Any) -> bool:
    return _word(status) in CLOSED


def is_on_hold(status: Any) -> bool:
    return _word(status) in ON_HOLD


def is_not_applied(status: Any) -> bool:
    return _word(status) in NOT_APPLIED


def state(next_day: dt.date | None, status: Any, as_of: dt.date, sent: int | None,
          limit: int | None) -> str:
    """The follow-up state, first match wins, in the spec's order."""
    if is_closed(status):
        return "Closed"
    if is_not_applied(status):
        return "Not applied"
    if next_day is None:
        return "Needs date"
    if limit is not None and (sent or 0) >= limit:
        return "Limit reached"
    if next_day < as_of:
        return "Overdue"
    if next_day == as_of:
        return "Due today"
    sunday = as_of + dt.timedelta(days=6 - as_of.weekday())
    return "Due this week" if next_day <= sunday else "Upcoming"


def days_overdue(next_day: dt.date | None, status: Any, as_of: dt.date) -> int:
    if next_day is None or is_closed(status) or is_not_applied(status) or next_day >= as_of:
        return 0
    return (as_of - next_day).days


def row(*, dates: Iterable[dt.date | None], status: Any, cadence: int | None, sent: int | None,
        as_of: dt.date, mask: str, off: set, default_cadence: int = 7, max_days: int = 10,
        on_hold_cadence: int = 14, limit: int | None = None) -> tuple[dt.date | None, str, int]:
    """(next contact or None, state, days overdue) of one typed row: base = the latest date."""
    known = [x for x in dates if x is not None]
    base = max(known) if known else None
    nxt = None
    if base is not None and not is_closed(status) and not is_not_applied(status):
        c = on_hold_cadence if is_on_hold(status) else (cadence or default_cadence)
        nxt = next_contact(base, c, max_days, mask, off)
    st = state(nxt, status, as_of, sent, limit)
    if st in ("Closed", "Not applied", "Needs date", "Limit reached"):
        return None, st, 0
    return nxt, st, days_overdue(nxt, status, as_of)
