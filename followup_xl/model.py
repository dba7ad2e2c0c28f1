"""The data the reader, the weekly list and the exports share (SPEC: "The weekly list").

Standard library only, at the bottom of the package: every other module imports down into
this one, none the other way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# How every non-blank data row is counted, exactly once (SPEC: "Nothing is lost");
# counts.rows is their sum.
COUNT_KEYS = ("listed", "not_due", "closed", "not_applied", "needs_date", "limit_reached",
              "problem", "skipped")


@dataclass
class Item:
    """One follow-up to make this week (field names and order as the spec's JSON)."""

    due_date: dt.date
    weekday: str  # "Monday" ...
    state: str  # Overdue, Due today, Due this week (or Upcoming for a later week's day)
    days_overdue: int
    company: str
    role: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    last_contact: dt.date | None
    followups_sent: int
    status: str | None
    decision_expected: str | None
    tracker: str  # file name
    row: int  # Excel row number
    message: str
    your_name: str | None = None  # the tracker's YourName setting (names a coach's client)

    def to_json(self) -> dict[str, Any]:
        # The instance dict holds the fields in declaration order (no nesting): faster than asdict.
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items()}


@dataclass
class Problem:
    """A cell (or a whole file, row=None) that could not be used, or a warning."""

    tracker: str
    row: int | None
    column: str | None
    value: Any
    message: str
    severity: str = "error"  # "error" | "warning"

    @property
    def where(self) -> str:
        """'tracker row N, Column' (what a person looks for in the workbook)."""
        where = self.tracker + (f" row {self.row}" if self.row is not None else "")
        return where + (f", {self.column}" if self.column else "")

    def to_json(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, float) and not abs(value) < float("inf"):  # inf/NaN are not JSON
            value = str(value)
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        return {"tracker": self.tracker, "row": self.row, "column": self.column, "value": value,
                "message": self.message, "severity": self.severity}


@dataclass
class WeeklyResult:
    week_start: dt.date
    week_end: dt.date
    as_of: dt.date
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in COUNT_KEYS})
    trackers: list[str] = field(default_factory=list)  # the files read

    @property
    def total_rows(self) -> int:
        return sum(self.counts[k] for k in COUNT_KEYS)

    @property
    def severity_counts(self) -> tuple[int, int]:
        """(errors, warnings) among the problems."""
        errors = sum(1 for p in self.problems if p.severity == "error")
        return errors, len(self.problems) - errors

    def to_json(self) -> dict[str, Any]:
        return {
            "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "items": [i.to_json() for i in self.items],
            "problems": [p.to_json() for p in self.problems],
            "counts": {"rows": self.total_rows, **{k: self.counts[k] for k in COUNT_KEYS}},
        }
