"""How the list is laid out in every export: dates as text, the sections (overdue, then a
day at a time), the one-line summary, the trackers' display names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import schema
from ..messages import WEEKDAYS, natural_date
from ..model import COUNT_KEYS, Item, WeeklyResult
from .fields import count_label


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def long_date(day: dt.date) -> str:
    """ "Monday, November 30, 2026" (locale-independent)."""
    return f"{natural_date(day)}, {day.year}"


def short_date(day: dt.date) -> str:
    """ "Mon 2026-11-30": the weekday and an unambiguous date."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day.isoformat()}"


# ----------------------------------------------------------------------------- grouping

@dataclass
class Group:
    """A section of the list: the overdue items, or the items due on one day."""

    title: str
    day: dt.date | None  # None for the overdue group
    items: list[Item]


def groups(result: WeeklyResult) -> list[Group]:
    """Overdue first, then one group per day with items, in date order (item order kept)."""
    overdue = [i for i in result.items if i.state == schema.OVERDUE]
    out = [Group(f"Overdue — {_n_followups(len(overdue))}", None, overdue)] if overdue else []
    by_day: dict[dt.date, list[Item]] = {}
    for item in result.items:
        if item.state != schema.OVERDUE:
            by_day.setdefault(item.due_date, []).append(item)
    for day in sorted(by_day):
        title = long_date(day) + (" (today)" if day == result.as_of else "")
        out.append(Group(f"{title} — {_n_followups(len(by_day[day]))}", day, by_day[day]))
    return out


def _n_followups(n: int) -> str:
    return f"{n} follow-up{'s' if n != 1 else ''}"


def summary_line(result: WeeklyResult) -> str:
    """ "12 rows in 3 trackers: 5 listed, 4 not due, ..." — the counts in one sentence."""
    parts = [f"{result.counts[k]} {count_label(k)[0].lower()}" for k in COUNT_KEYS if k != "problem"]
    bad = result.counts["problem"]
    parts.append(f"{bad} with {'a problem' if bad == 1 else 'problems'}")
    n = len(result.trackers)
    return (f"{result.total_rows} rows in {n} tracker{'s' if n != 1 else ''}: "
            + ", ".join(parts) + ".")


def state_text(item: Item) -> str:
    if item.state == schema.OVERDUE and item.days_overdue:
        return f"Overdue {item.days_overdue} day{'s' if item.days_overdue != 1 else ''}"
    return item.state


def tracker_names(result: WeeklyResult) -> dict[str, str]:
    """Display name -> file, as items and problems name trackers (the file name, unless two
    trackers share it), plus files that only appear in problems (unreadable ones)."""
    paths = list(dict.fromkeys(result.trackers))
    seen: dict[str, int] = {}
    names = {p: Path(p).name for p in paths}
    for path in paths:
        seen[names[path]] = seen.get(names[path], 0) + 1
    out = {(names[p] if seen[names[p]] == 1 else p): p for p in paths}
    for name in [*(i.tracker for i in result.items), *(p.tracker for p in result.problems)]:
        out.setdefault(name, "")
    return out

