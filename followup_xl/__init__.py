"""followup-xl: follow up after job interviews every 7-10 days, never on a weekend or a holiday.

The library is the product; the CLI (`followup_xl.cli`) and the Excel functions
(`followup_xl.udfs`) are thin layers over it.
"""

from .calendar import WorkCalendar, get_calendar, holidays_in_year, parse_weekend
from .dates import coerce_date, date_to_serial, serial_to_date
from .errors import CalendarError, FollowupError, NotADateError, TrackerError, UsageError
from .rules import (
    Outcome,
    days_overdue,
    evaluate_many,
    evaluate_row,
    followup_state,
    next_contact_date,
    next_contact_many,
    week_bounds,
)
from .schema import Settings

__version__ = "0.1.0"

__all__ = [
    "WorkCalendar", "get_calendar", "holidays_in_year", "parse_weekend",
    "coerce_date", "date_to_serial", "serial_to_date",
    "CalendarError", "FollowupError", "NotADateError", "TrackerError", "UsageError",
    "Outcome", "days_overdue", "evaluate_many", "evaluate_row", "followup_state",
    "next_contact_date", "next_contact_many", "week_bounds", "Settings", "__version__",
]
