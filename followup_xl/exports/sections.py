"""How the list is laid out in every export: dates as text, the sections (overdue, then a
day at a time), the one-line summary, the trackers' display names."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import schema
from ..messages import WEEKDAYS, clean_text, natural_date
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


def groups(result: WeeklyResult, items: list[Item] | None = None) -> list[Group]:
    """Overdue first, then one group per day with items, in date order (item order kept);
    of result.items, or of the items given (one client's)."""
    items = result.items if items is None else items
    overdue = [i for i in items if i.state == schema.OVERDUE]
    out = [Group(f"Overdue — {_n_followups(len(overdue))}", None, overdue)] if overdue else []
    by_day: dict[dt.date, list[Item]] = {}
    for item in items:
        if item.state != schema.OVERDUE:
            by_day.setdefault(item.due_date, []).append(item)
    for day in sorted(by_day):
        title = long_date(day) + (" (today)" if day == result.as_of else "")
        out.append(Group(f"{title} — {_n_followups(len(by_day[day]))}", day, by_day[day]))
    return out


GROUP_BY = ("tracker",)  # --group-by: a section per client (html, md, xlsx)
GROUPABLE = ("html", "md", "xlsx")


@dataclass
class Client:
    """A coach's client: one tracker's items, named by its YourName, else the file name."""

    name: str
    tracker: str
    items: list[Item]

    @property
    def title(self) -> str:
        overdue = sum(1 for i in self.items if i.state == schema.OVERDUE)
        return f"{self.name} — {_n_followups(len(self.items))}" + (f", {overdue} overdue" if overdue else "")


def clients(result: WeeklyResult) -> list[Client]:
    """The trackers with items this week, by client name (case-insensitive), each with its
    items in the list's order. Two trackers with the same YourName are told apart by file."""
    by_tracker: dict[str, list[Item]] = {}
    for item in result.items:
        by_tracker.setdefault(item.tracker, []).append(item)
    names = {tracker: client_name(items, tracker) for tracker, items in by_tracker.items()}
    seen = Counter(n.casefold() for n in names.values())
    out = [Client(name if seen[name.casefold()] == 1 or name == tracker else f"{name} ({tracker})",
                  tracker, by_tracker[tracker]) for tracker, name in names.items()]
    return sorted(out, key=lambda c: (c.name.casefold(), c.tracker))


def client_name(items: list[Item], tracker: str) -> str:
    """YourName of the tracker's items (the first that has one), else the tracker's name."""
    for item in items:
        name = clean_text(getattr(item, "your_name", None))
        if name:
            return name
    return tracker


def client_counts(result: WeeklyResult) -> list[tuple[str, int, int, int, int]]:
    """(client, listed, overdue, errors, warnings) for every tracker of the run, by name."""
    by_tracker: dict[str, list[Item]] = {}
    for item in result.items:
        by_tracker.setdefault(item.tracker, []).append(item)
    errors = Counter(p.tracker for p in result.problems if p.severity == "error")
    warnings = Counter(p.tracker for p in result.problems if p.severity != "error")
    rows = []
    for tracker in tracker_names(result):
        items = by_tracker.get(tracker, [])
        name = client_name(items, tracker)
        rows.append((name if name == tracker else f"{name} ({tracker})", len(items),
                     sum(1 for i in items if i.state == schema.OVERDUE), errors[tracker],
                     warnings[tracker]))
    return sorted(rows, key=lambda r: r[0].casefold())


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

