"""Working-day calendars: public holidays + extra closures + a weekend, WORKDAY.INTL style.

A `WorkCalendar` wraps a numpy business-day calendar, so one date and a million dates go
through the same code. Calendars are cached (a country's holidays take ~0.01 s to build).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from functools import lru_cache
from typing import Any, Iterable

import numpy as np

from .dates import FIRST_DAY, LAST_DAY, coerce_date
from .errors import CalendarError, quote

# WORKDAY.INTL weekend numbers -> mask (Monday..Sunday, 1 = day off).
WEEKEND_CODES: dict[int, str] = {
    1: "0000011", 2: "1000001", 3: "1100000", 4: "0110000", 5: "0011000", 6: "0001100",
    7: "0000110", 11: "0000001", 12: "1000000", 13: "0100000", 14: "0010000",
    15: "0001000", 16: "0000100", 17: "0000010",
}
DEFAULT_WEEKEND = WEEKEND_CODES[1]

# Where the calendar ends: each country's public holidays are known only for the years its
# class in the holidays package covers (start_year..end_year: most end in 2100, Japan in 2099,
# Sri Lanka in 2026; they start between 1771 and 2023), within the spreadsheet range
# FIRST_DAY..LAST_DAY. A date outside cannot be told a working day or not: `known_range`.
_DAY = np.timedelta64(1, "D")


def _holidays_lib():
    """The holidays package, imported on first use (the package is slow to import, and a
    command that needs no calendar should not pay for it), with its countries loaded one at
    a time (`_countries_on_demand`)."""
    import holidays

    if "holidays.countries" not in sys.modules:
        with _COUNTRIES_LOCK:
            if "holidays.countries" not in sys.modules:
                _countries_on_demand(holidays)
    return holidays


_COUNTRIES_LOCK = threading.RLock()


def _countries_on_demand(holidays_lib) -> None:
    """Let the holidays package load only the countries asked for.

    Its registry creates a calendar by importing `holidays.countries.<country>`, and Python
    runs the `holidays.countries` package's own __init__ first, which imports all of its
    ~280 country modules: 0.12 s of every run, where the one country a tracker names takes
    0.01 s. So the package is put in place (sys.modules) without running that __init__:
    the country modules are found in its folder as before and each loads only what it
    imports. Anything else asked of the package (`from holidays.countries import Germany`,
    another program in the same process) runs the __init__ then, and gets what it always
    got. Where the package is not laid out as expected, nothing is changed.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("holidays.countries")
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None or not spec.submodule_search_locations \
            or not hasattr(spec.loader, "exec_module"):
        return
    module = importlib.util.module_from_spec(spec)

    def complete(name: str) -> Any:  # the first name the package does not have yet: all of it
        with _COUNTRIES_LOCK:
            if module.__dict__.pop("__getattr__", None) is not None:
                spec.loader.exec_module(module)
        return getattr(module, name)

    module.__getattr__ = complete
    sys.modules[spec.name] = module
    setattr(holidays_lib, "countries", module)


def _canonical_subdivision(country: str, subdivision: str | None) -> str | None:
    """The package's own spelling of a subdivision, matched case-insensitively ('Zone A', 'Flemish')."""
    if subdivision:
        for known in _subdivisions(country):
            if known.casefold() == subdivision.casefold():
                return known
    return subdivision


# What the holidays package raises for a code it has no calendar for: NotImplementedError,
# or TypeError when the code names one of its module's constants (it looks the code up with
# getattr on the module: JAN, MON and WEEKEND are ints and tuples, not calendars).
_UNKNOWN_CODE = (NotImplementedError, TypeError)


@lru_cache(maxsize=None)
def _subdivisions(country: str) -> tuple[str, ...]:
    """The country's subdivision codes (what list_supported_countries gives for it, without
    loading every country: that takes 40 ms)."""
    try:
        entity = _holidays_lib().country_holidays(country)
    except _UNKNOWN_CODE:
        return ()
    return tuple(type(entity).subdivisions)


def _holiday_entity(country: str, subdivision: str | None, years: Iterable[int] = ()):
    holidays_lib = _holidays_lib()
    try:
        subdivision = _canonical_subdivision(country, subdivision)
        return holidays_lib.country_holidays(country, subdiv=subdivision, years=years)
    except _UNKNOWN_CODE:
        if subdivision and country in holidays_lib.list_supported_countries():
            known = holidays_lib.list_supported_countries()[country]
            choices = f"use one of {', '.join(known[:8])}{', ...' if len(known) > 8 else ''} or " \
                if known else f"{country} has no subdivisions: "
            raise CalendarError(
                f"Unknown subdivision {quote(subdivision)} for country {country}: {choices}leave it blank."
            ) from None
        raise CalendarError(
            f"Unknown country code {quote(country)}: use a two-letter ISO code such as US, GB, DE or IL."
        ) from None


COUNTRY_ENV, SUBDIVISION_ENV = "FOLLOWUP_XL_COUNTRY", "FOLLOWUP_XL_SUBDIVISION"


def default_place(country: Any = None, subdivision: Any = None) -> tuple[Any, Any]:
    """(country, subdivision) as given; when no country is given, FOLLOWUP_XL_COUNTRY (else
    the Settings default, US) with FOLLOWUP_XL_SUBDIVISION unless a subdivision is given."""
    if country is None or not str(country).strip():
        from .schema import SETTING_BY_NAME

        env_country = os.environ.get(COUNTRY_ENV, "").strip() or None
        country = env_country or SETTING_BY_NAME["Country"].default
        env_subdivision = None
        if subdivision is None or not str(subdivision).strip():
            subdivision = env_subdivision = os.environ.get(SUBDIVISION_ENV, "").strip() or None
        _check_environment(country, subdivision, env_country, env_subdivision)
    return country, subdivision


def _check_environment(country: str, subdivision: Any, env_country: str | None,
                       env_subdivision: str | None) -> None:
    """A place taken from the environment is checked here, so its error names the variable."""
    if env_country:
        try:
            _holiday_entity(normalize_country(country), None)
        except CalendarError:
            raise CalendarError(
                f"The environment variable {COUNTRY_ENV} holds {quote(env_country)}, which is not a "
                "country code: set it to a two-letter ISO code such as US, GB, DE or IL, or unset it."
            ) from None
    if env_subdivision:
        try:
            _holiday_entity(normalize_country(country), normalize_subdivision(subdivision))
        except CalendarError as exc:
            raise CalendarError(
                f"The environment variable {SUBDIVISION_ENV} holds {quote(env_subdivision)}, which "
                f"is not a subdivision of {normalize_country(country)} ({str(exc).rstrip('.')}): change it or unset it."
            ) from None


def normalize_country(country: Any) -> str:
    text = "" if country is None else str(country).strip().upper()
    return text or "US"


def normalize_subdivision(subdivision: Any) -> str | None:
    if subdivision is None:
        return None
    if isinstance(subdivision, float) and subdivision.is_integer():
        subdivision = int(subdivision)  # e.g. a French departement typed as a number
    text = str(subdivision).strip()
    return text.upper() if text else None


@lru_cache(maxsize=None)
def country_weekend(country: str) -> str:
    """The country's own weekend as a mask (Friday-Saturday in Israel, for example)."""
    entity = _holiday_entity(normalize_country(country), None)
    days = getattr(entity, "weekend", None) or {5, 6}
    return "".join("1" if d in days else "0" for d in range(7))


def parse_weekend(value: Any, country: str | None = None) -> str:
    """A weekend in any form WORKDAY.INTL accepts (1-7, 11-17, 7-character mask) as a mask.

    Blank means the country's own weekend.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return country_weekend(normalize_country(country))
    if isinstance(value, bool):
        raise CalendarError(f"Weekend {value} is not valid: use 1-7, 11-17 or a mask like 0000011.")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if float(value).is_integer() and int(value) in WEEKEND_CODES:
            return WEEKEND_CODES[int(value)]
        raise CalendarError(
            f"Weekend number {quote(value)} is not valid: use 1-7 or 11-17 as in WORKDAY.INTL, "
            "or a 7-character mask like 0000011."
        )
    text = str(value).strip()
    if len(text) != 7 or set(text) - {"0", "1"}:
        if text.isdigit() and int(text) in WEEKEND_CODES and len(text) <= 2:
            return WEEKEND_CODES[int(text)]
        raise CalendarError(
            f"Weekend {quote(text)} is not valid: a mask has exactly 7 characters of 0 and 1, "
            "Monday first, 1 = day off (0000011 = Saturday and Sunday)."
        )
    if text == "1111111":
        raise CalendarError("Weekend '1111111' is not valid: it leaves no working day in the week.")
    return text


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").item()
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _years_of(days: np.ndarray) -> tuple[int, int] | None:
    valid = days[~np.isnat(days)]
    if valid.size == 0:
        return None
    lo, hi = valid.min(), valid.max()
    return (lo.astype("datetime64[Y]").astype(int) + 1970, hi.astype("datetime64[Y]").astype(int) + 1970)


class WorkCalendar:
    """Public holidays of a country/subdivision + extra dates + a weekend mask."""

    def __init__(self, country: Any = "US", subdivision: Any = None, weekend: Any = None,
                 extra: Iterable[Any] = ()):
        self.country = normalize_country(country)
        self.subdivision = normalize_subdivision(subdivision)
        self._entity = _holiday_entity(self.country, self.subdivision)  # validates both codes
        self.weekend = parse_weekend(weekend, self.country)
        self.extra: frozenset[dt.date] = frozenset(_extra_dates(extra))
        self._weekmask = "".join("0" if c == "1" else "1" for c in self.weekend)
        self._covered: tuple[int, int] | None = None
        self._cal: np.busdaycalendar | None = None

    def __repr__(self) -> str:
        sub = f"-{self.subdivision}" if self.subdivision else ""
        return f"WorkCalendar({self.country}{sub}, weekend={self.weekend}, extra={len(self.extra)})"

    # ----------------------------------------------------------------- where it ends
    @property
    def known_range(self) -> tuple[dt.date, dt.date]:
        """The first and last day whose public holidays are known (see the module notes)."""
        return known_range(self.country)

    def place(self) -> str:
        return self.country + (f"-{self.subdivision}" if self.subdivision else "")

    def known_many(self, days: np.ndarray) -> np.ndarray:
        """True where a date (datetime64[D]) lies in known_range; NaT counts as known."""
        days = np.asarray(days, dtype="datetime64[D]")
        first, last = (np.datetime64(d, "D") for d in self.known_range)
        return np.isnat(days) | ((days >= first) & (days <= last))

    def range_message(self, day: Any) -> str:
        """A date beyond the calendar and why: '2150-12-25, outside 1900-2100, the years ...'."""
        day = np.datetime64(day, "D")
        first, last = self.known_range
        if not np.datetime64(FIRST_DAY, "D") <= day <= np.datetime64(LAST_DAY, "D"):
            return (f"{day}, outside {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}, the dates a "
                    "spreadsheet holds")
        return (f"{day}, outside {first.year}-{last.year}, the years whose public holidays are known "
                f"for {self.place()}: whether it is a working day cannot be told")

    def require_known(self, day: Any, what: str = "The date") -> dt.date:
        """The date itself when it lies in known_range; else CalendarError in one sentence."""
        if not bool(self.known_many(np.array([day], dtype="datetime64[D]"))[0]):
            raise CalendarError(f"{what} {self.range_message(day)}.")
        return _to_date(day)

    # ----------------------------------------------------------------- holidays
    def public_holidays(self, first_year: int, last_year: int | None = None) -> dict[dt.date, str]:
        """The country's public holidays over the years, date -> name, sorted by date (none
        for years outside known_range)."""
        last_year = first_year if last_year is None else last_year
        first, last = self.known_range
        lo, hi = max(first_year, first.year), min(last_year, last.year)
        if lo > hi:
            return {}
        entity = _holiday_entity(self.country, self.subdivision, range(lo, hi + 1))
        return dict(sorted(entity.items()))

    def _busdaycal(self, lo_year: int, hi_year: int) -> np.busdaycalendar:
        """The numpy calendar, covering at least the years lo..hi (grown on demand)."""
        if self._covered and self._covered[0] <= lo_year and hi_year <= self._covered[1]:
            return self._cal
        if self._covered:
            lo_year, hi_year = min(lo_year, self._covered[0]), max(hi_year, self._covered[1])
        lo_year, hi_year = lo_year - 1, hi_year + 2
        days = set(self.public_holidays(lo_year, hi_year)) | self.extra
        self._cal = np.busdaycalendar(
            weekmask=self._weekmask,
            holidays=np.array(sorted(days), dtype="datetime64[D]"),
        )
        self._covered = (lo_year, hi_year)
        return self._cal

    def _cal_for(self, *arrays: np.ndarray, spread_days: int = 0) -> np.busdaycalendar:
        spans = [s for s in (_years_of(a) for a in arrays) if s]
        if not spans:
            return self._busdaycal(2000, 2000)
        lo = min(s[0] for s in spans)
        hi = max(s[1] for s in spans)
        spread_years = spread_days // 250 + 1
        return self._busdaycal(lo - spread_years, hi + spread_years)

    # ----------------------------------------------------------------- vector API
    def is_workday_many(self, days: np.ndarray) -> np.ndarray:
        days = np.asarray(days, dtype="datetime64[D]")
        cal = self._cal_for(days)
        out = np.zeros(days.shape, dtype=bool)
        ok = ~np.isnat(days)
        out[ok] = np.is_busday(days[ok], busdaycal=cal)
        return out

    def forward_many(self, days: np.ndarray) -> np.ndarray:
        """First working day on or after each date (NaT stays NaT)."""
        return self._roll(days, "forward")

    def backward_many(self, days: np.ndarray) -> np.ndarray:
        """Last working day on or before each date (NaT stays NaT)."""
        return self._roll(days, "backward")

    def _roll(self, days: np.ndarray, roll: str) -> np.ndarray:
        days = np.asarray(days, dtype="datetime64[D]")
        cal = self._cal_for(days, spread_days=30)
        out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        ok = ~np.isnat(days)
        out[ok] = np.busday_offset(days[ok], 0, roll=roll, busdaycal=cal)
        return out

    def workday_many(self, start: np.ndarray, days: np.ndarray) -> np.ndarray:
        """WORKDAY.INTL over arrays: days = 0 gives start itself, the start is never counted."""
        start = np.asarray(start, dtype="datetime64[D]")
        days = np.broadcast_to(np.asarray(days, dtype=np.int64), start.shape)
        spread = int(np.abs(days).max()) * 7 // max(1, self._weekmask.count("1")) if days.size else 0
        cal = self._cal_for(start, spread_days=spread + 30)
        out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        ok = ~np.isnat(start)
        s, d = start[ok], days[ok]
        res = s.copy()
        pos, neg = d > 0, d < 0
        # Rolling a non-working start backward (forward for negative days) makes it count as 0.
        res[pos] = np.busday_offset(s[pos], d[pos], roll="backward", busdaycal=cal)
        res[neg] = np.busday_offset(s[neg], d[neg], roll="forward", busdaycal=cal)
        out[ok] = res
        return out

    def networkdays_many(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """NETWORKDAYS.INTL over arrays: both ends counted, negative when end < start."""
        start = np.asarray(start, dtype="datetime64[D]")
        end = np.asarray(end, dtype="datetime64[D]")
        start, end = np.broadcast_arrays(start, end)
        cal = self._cal_for(start, end)
        ok = ~(np.isnat(start) | np.isnat(end))
        out = np.zeros(start.shape, dtype=np.int64)
        s, e = start[ok], end[ok]
        fwd = s <= e
        res = np.empty(s.shape, dtype=np.int64)
        res[fwd] = np.busday_count(s[fwd], e[fwd] + _DAY, busdaycal=cal)
        res[~fwd] = -np.busday_count(e[~fwd], s[~fwd] + _DAY, busdaycal=cal)
        out[ok] = res
        return out

    # ----------------------------------------------------------------- scalar API
    def is_workday(self, day: Any) -> bool:
        return bool(self.is_workday_many(np.array([_to_date(day)], dtype="datetime64[D]"))[0])

    def workday(self, start: Any, days: int) -> dt.date:
        """WORKDAY.INTL for one date; CalendarError when the answer is past 9999-12-31 or
        before year 1 (no date object holds it)."""
        arr = np.array([_to_date(start)], dtype="datetime64[D]")
        day = self.workday_many(arr, np.array([int(days)]))[0]
        if not np.datetime64(dt.date.min, "D") <= day <= np.datetime64(dt.date.max, "D"):
            raise CalendarError(f"Working day {int(days)} from {arr[0]} would be "
                                f"{self.range_message(day)}.")
        return day.item()

    def networkdays(self, start: Any, end: Any) -> int:
        s = np.array([_to_date(start)], dtype="datetime64[D]")
        e = np.array([_to_date(end)], dtype="datetime64[D]")
        return int(self.networkdays_many(s, e)[0])

    def next_workday_after(self, day: Any) -> dt.date:
        """WORKDAY.INTL(day, 1): the first working day strictly after day."""
        return self.workday(day, 1)

    def last_workday_before(self, day: Any) -> dt.date:
        """WORKDAY.INTL(day, -1): the last working day strictly before day."""
        return self.workday(day, -1)


@lru_cache(maxsize=None)
def known_range(country: str) -> tuple[dt.date, dt.date]:
    """The days whose public holidays the holidays package knows for the country (its class's
    start_year..end_year), within FIRST_DAY..LAST_DAY."""
    entity = _holiday_entity(normalize_country(country), None)
    start, end = type(entity).start_year, type(entity).end_year
    return max(FIRST_DAY, dt.date(max(start, 1), 1, 1)), min(LAST_DAY, dt.date(min(end, 9999), 12, 31))


def _extra_dates(extra: Iterable[Any]) -> list[dt.date]:
    """Closure dates as given by a Holidays column: blanks skipped, text/serials read as dates."""
    days = (coerce_date(v) for v in ([] if extra is None else extra))
    return [day for day in days if day is not None]


def _extra_key(extra: Iterable[Any]) -> tuple[dt.date, ...]:
    return tuple(sorted(set(_extra_dates(extra))))


@lru_cache(maxsize=256)
def _cached(country: str, subdivision: str | None, weekend: str, extra: tuple[dt.date, ...]) -> WorkCalendar:
    return WorkCalendar(country, subdivision, weekend, extra)


def get_calendar(country: Any = "US", subdivision: Any = None, weekend: Any = None,
                 extra: Iterable[Any] = ()) -> WorkCalendar:
    """A cached WorkCalendar: the same arguments give the same (already built) calendar."""
    c = normalize_country(country)
    s = normalize_subdivision(subdivision)
    return _cached(c, s, parse_weekend(weekend, c), _extra_key(extra))


def holidays_in_year(year: int, country: Any = "US", subdivision: Any = None) -> list[tuple[dt.date, str]]:
    """A year's public holidays as (date, name), sorted: what `followup-xl holidays` prints."""
    cal = get_calendar(country, subdivision)
    first, last = cal.known_range
    if not first.year <= int(year) <= last.year:
        raise CalendarError(f"Year {int(year)} is out of range: the public holidays of {cal.place()} "
                            f"are known from {first.year} to {last.year}.")
    return list(cal.public_holidays(int(year)).items())
