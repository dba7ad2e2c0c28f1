"""followup-xl: follow up after job interviews every 7-10 days, never on a weekend or a holiday.

The library is the product; the CLI (`followup_xl.cli`) and the Excel functions
(`followup_xl.udfs`) are thin layers over it.

The names below are imported on first use (PEP 562), so `followup-xl weekly` does not pay
for modules it does not need (pandas, the holidays package); `from followup_xl import X`
works as usual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_EXPORTS = {
    "calendar": ("WorkCalendar", "get_calendar", "holidays_in_year", "parse_weekend"),
    "dates": ("coerce_date", "date_to_serial", "serial_to_date"),
    "errors": ("CalendarError", "FollowupError", "NotADateError", "TrackerError", "UsageError"),
    "rules": ("Outcome", "days_overdue", "evaluate_many", "evaluate_row", "followup_state",
              "next_contact_date", "next_contact_many", "week_bounds"),
    "schema": ("Settings",),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [name for names in _EXPORTS.values() for name in names] + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs
    from .calendar import WorkCalendar, get_calendar, holidays_in_year, parse_weekend  # noqa: F401
    from .dates import coerce_date, date_to_serial, serial_to_date  # noqa: F401
    from .errors import CalendarError, FollowupError, NotADateError, TrackerError, UsageError  # noqa: F401
    from .rules import (  # noqa: F401
        Outcome,
        days_overdue,
        evaluate_many,
        evaluate_row,
        followup_state,
        next_contact_date,
        next_contact_many,
        week_bounds,
    )
    from .schema import Settings  # noqa: F401
