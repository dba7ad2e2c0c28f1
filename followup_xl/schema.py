"""The tracker's schema: columns, statuses, states and settings — the one place they live.

Everything else (engine, template, reader, UDFs, docs) reads from here, so a column or
a default changes in exactly one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str  # Python name, also the JSON field name where one exists
    header: str  # as the template names it
    kind: str  # "text" | "date" | "int" | "status"
    computed: bool = False
    required: bool = False
    width: float = 14  # template column width (characters)
    aliases: tuple[str, ...] = ()  # other headers people use for it
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("company", "Company", "text", required=True, width=22,
           aliases=("Employer", "Organisation", "Organization", "Company name", "Firm"),
           help="The company you applied to (required)."),
    Column("role", "Role", "text", width=24,
           aliases=("Position", "Job title", "Job", "Title", "Role applied for"),
           help="The job you applied for."),
    Column("contact_name", "Contact name", "text", width=20,
           aliases=("Contact", "Contact person", "Recruiter", "Hiring manager", "Name"),
           help="The one person who knows the hiring timetable."),
    Column("contact_email", "Contact email", "text", width=28,
           aliases=("Email", "E-mail", "Email address", "Contact e-mail"),
           help="Their e-mail address."),
    Column("contact_phone", "Contact phone", "text", width=16,
           aliases=("Phone", "Telephone", "Phone number", "Contact number", "Tel"),
           help="Their phone number."),
    Column("interview_date", "Interview date", "date", width=14,
           aliases=("Interview", "Interviewed", "Interviewed on", "Date of interview"),
           help="The day of the (last) interview."),
    Column("last_contact", "Last contact", "date", width=14,
           aliases=("Last contacted", "Last follow-up", "Last followup", "Last contact date",
                    "Date of last contact"),
           help="The date of your last follow-up or conversation."),
    Column("followups_sent", "Follow-ups sent", "int", width=11,
           aliases=("Followups", "Follow-ups", "Follow ups sent", "Number of follow-ups"),
           help="How many follow-ups you have sent (blank = 0)."),
    Column("cadence", "Cadence (days)", "int", width=10,
           aliases=("Cadence", "Every (days)", "Interval", "Interval (days)"),
           help="Days between follow-ups, 1-90 (blank = the Settings default)."),
    Column("status", "Status", "status", width=13,
           aliases=("Stage", "Application status", "State"),
           help="Where the application stands (pick from the list)."),
    Column("decision_expected", "Decision expected", "text", width=16,
           aliases=("Decision by", "Decision date", "Timeline", "Expected decision"),
           help="The timetable the company gave you (for your information)."),
    Column("next_contact", "Next contact", "date", computed=True, width=16,
           help="Computed: the next working day to follow up."),
    Column("followup_state", "Follow-up state", "text", computed=True, width=15,
           help="Computed: Overdue, Due today, Due this week, Upcoming, ..."),
    Column("days_overdue", "Days overdue", "int", computed=True, width=10,
           help="Computed: calendar days past the next-contact date."),
    Column("notes", "Notes", "text", width=36,
           aliases=("Comments", "Comment", "Note", "Remarks"),
           help="Anything else."),
)

COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
INPUT_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if not c.computed)
COMPUTED_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.computed)


_NOT_WORD = re.compile(r"[\W_]+")


def normalize_header(text: Any) -> str:
    """Header matching key: case-insensitive, spaces and punctuation ignored."""
    if text is None:
        return ""
    if type(text) is str:
        return _normalized(text)
    return _NOT_WORD.sub("", str(text)).casefold()


@lru_cache(maxsize=4096)
def _normalized(text: str) -> str:
    """Cached: every tracker of a folder has the same header row and Settings labels."""
    return _NOT_WORD.sub("", text).casefold()


# normalized header (or alias) -> column key
HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.header, _c.key, *_c.aliases):
        HEADER_LOOKUP.setdefault(normalize_header(_h), _c.key)


def match_header(text: Any) -> str | None:
    """The column key a header cell names, or None for an extra column."""
    return HEADER_LOOKUP.get(normalize_header(text))


# --------------------------------------------------------------------------- statuses

STATUSES: tuple[str, ...] = (
    "Applied", "Interviewing", "Waiting", "On hold", "Offer", "Accepted", "Rejected", "Withdrawn",
)
CLOSED_STATUSES: tuple[str, ...] = ("Accepted", "Rejected", "Withdrawn")
ON_HOLD_STATUS = "On hold"

_STATUS_LOOKUP = {s.casefold(): s for s in STATUSES}


def canonical_status(value: Any) -> str | None:
    """The canonical spelling of a known status, '' for blank, None when unknown."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    return _STATUS_LOOKUP.get(text.casefold())


def is_closed(status: Any) -> bool:
    return canonical_status(status) in CLOSED_STATUSES


def is_on_hold(status: Any) -> bool:
    return canonical_status(status) == ON_HOLD_STATUS


# --------------------------------------------------------------------------- states

CLOSED = "Closed"
NEEDS_DATE = "Needs date"
LIMIT_REACHED = "Limit reached"
OVERDUE = "Overdue"
DUE_TODAY = "Due today"
DUE_THIS_WEEK = "Due this week"
UPCOMING = "Upcoming"

# In the order of the spec: first match wins.
STATES: tuple[str, ...] = (
    CLOSED, NEEDS_DATE, LIMIT_REACHED, OVERDUE, DUE_TODAY, DUE_THIS_WEEK, UPCOMING,
)
# States with no next-contact date.
UNSCHEDULED_STATES: tuple[str, ...] = (CLOSED, NEEDS_DATE, LIMIT_REACHED)

# --------------------------------------------------------------------------- settings

CADENCE_MIN, CADENCE_MAX = 1, 90
DATE_ORDERS = ("MDY", "DMY")


@dataclass(frozen=True)
class Setting:
    name: str  # the defined name in the Settings sheet
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("Country", "US", "ISO country code of the companies' public holidays (US, GB, DE, IL, ...)."),
    Setting("Subdivision", None, "State or region code for regional holidays (CA, NY, BY, ...); may be blank."),
    Setting("DefaultCadence", 7, "Days between follow-ups when a row's Cadence is blank."),
    Setting("MaxDays", 10, "Never wait longer than this many days: a holiday pushes the date back, not forward, past it."),
    Setting("OnHoldCadence", 14, "Cadence for rows whose Status is On hold."),
    Setting("MaxFollowups", None, "Stop after this many follow-ups (blank = no limit)."),
    Setting("Weekend", None, "Days off as 7 digits, Monday first, 1 = off (0000011 = Saturday and Sunday). Blank = the country's weekend."),
    Setting("AsOf", None, "The date states are computed for (blank = today)."),
    Setting("DateOrder", None, "How to read dates typed as text like 11/30/2026: MDY or DMY (blank = MDY for US, else DMY)."),
)
SETTING_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """A tracker's settings; defaults are those of SETTINGS."""

    country: str = SETTING_BY_NAME["Country"].default
    subdivision: str | None = SETTING_BY_NAME["Subdivision"].default
    default_cadence: int = SETTING_BY_NAME["DefaultCadence"].default
    max_days: int = SETTING_BY_NAME["MaxDays"].default
    on_hold_cadence: int = SETTING_BY_NAME["OnHoldCadence"].default
    max_followups: int | None = SETTING_BY_NAME["MaxFollowups"].default
    weekend: str | None = SETTING_BY_NAME["Weekend"].default
    as_of: Any = SETTING_BY_NAME["AsOf"].default
    date_order: str | None = SETTING_BY_NAME["DateOrder"].default
    holidays: tuple = field(default=())  # extra dates from the Holidays sheet

    @property
    def effective_date_order(self) -> str:
        return default_date_order(self.country, self.date_order)


# Settings name -> Settings attribute
SETTING_ATTRS: dict[str, str] = {
    "Country": "country",
    "Subdivision": "subdivision",
    "DefaultCadence": "default_cadence",
    "MaxDays": "max_days",
    "OnHoldCadence": "on_hold_cadence",
    "MaxFollowups": "max_followups",
    "Weekend": "weekend",
    "AsOf": "as_of",
    "DateOrder": "date_order",
}
assert set(SETTING_ATTRS) == set(SETTING_BY_NAME)


def default_date_order(country: str | None, date_order: str | None = None) -> str:
    """DateOrder setting, else MDY for the US and DMY everywhere else."""
    if date_order:
        return str(date_order).strip().upper()
    return "MDY" if (country or "US").strip().upper() == "US" else "DMY"


# Sheet and name constants used by the template and the reader.
TRACKER_SHEET = "Tracker"
SETTINGS_SHEET = "Settings"
HOLIDAYS_SHEET = "Holidays"
HOLIDAYS_NAME = "Holidays"
HOW_TO_SHEET = "How to use"
