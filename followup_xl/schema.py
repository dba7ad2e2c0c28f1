"""The tracker's schema: columns, statuses, states and settings — the one place they live.

Everything else (engine, template, reader, UDFs, docs) reads from here, so a column or
a default changes in exactly one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Mapping
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
           aliases=("Employer", "Organisation", "Organization", "Company name", "Firm",
                    "Employer name", "Company/Organization", "Name of company", "Hiring company",
                    "Business"),
           help="The company you applied to (required)."),
    Column("role", "Role", "text", width=24,
           aliases=("Position", "Job title", "Job", "Title", "Role applied for",
                    "Job position", "Position title", "Position applied for", "Role title", "Job role",
                    "Job name", "Opening", "Vacancy"),
           help="The job you applied for."),
    Column("contact_name", "Contact name", "text", width=20,
           aliases=("Contact", "Contact person", "Recruiter", "Hiring manager", "Name",
                    "Contact name", "Contact's name", "Point of contact", "POC", "Recruiter name",
                    "Recruiter's name", "Hiring manager name", "Hiring mgr", "My contact",
                    "Name of person contacted", "Person contacted", "Main contact", "Key contact"),
           help="The one person who knows the hiring timetable."),
    Column("contact_email", "Contact email", "text", width=28,
           aliases=("Email", "E-mail", "Email address", "Contact e-mail",
                    "Contact email", "Contact's email", "Contact email address", "Recruiter email",
                    "Recruiter e-mail", "Recruiter's email", "Hiring manager email",
                    "Point of contact email", "POC email"),
           help="Their e-mail address."),
    Column("contact_phone", "Contact phone", "text", width=16,
           aliases=("Phone", "Telephone", "Phone number", "Contact number", "Tel",
                    "Contact phone number", "Contact's phone", "Recruiter phone", "Recruiter phone number",
                    "Hiring manager phone", "Point of contact phone", "POC phone", "Mobile", "Cell"),
           help="Their phone number."),
    Column("applied_date", "Applied date", "date", width=13,
           aliases=("Date applied", "Applied on", "Application date", "Date submitted",
                    "Applied date", "Date of application", "Submitted on", "Submission date", "Date sent",
                    "Application sent", "Application submitted", "Date"),
           help="The day you applied."),
    Column("interview_date", "Interview date", "date", width=14,
           aliases=("Interview", "Interviewed", "Interviewed on", "Date of interview",
                    "Interview dates", "Date interview", "Interview day", "Interview on",
                    "Interview scheduled", "Next interview"),
           help="The day of the (last or next) interview."),
    Column("last_contact", "Last contact", "date", width=14,
           aliases=("Last contacted", "Last follow-up", "Last followup", "Last contact date",
                    "Date of last contact",
                    "Last contacted on", "Date of contact", "Date contacted", "Contacted on",
                    "Last follow-up date", "Most recent follow-up", "Most recent follow-up date",
                    "Last touch", "Last heard from", "Last communication"),
           help="The date of your last follow-up or conversation."),
    Column("followups_sent", "Follow-ups sent", "int", width=11,
           aliases=("Followups", "Follow-ups", "Follow ups sent", "Number of follow-ups",
                    "Number of followups", "Follow-up count", "No. of follow-ups", "Times followed up",
                    "Follow ups"),
           help="How many follow-ups you have sent (blank = 0)."),
    Column("cadence", "Cadence (days)", "int", width=10,
           aliases=("Cadence", "Every (days)", "Interval", "Interval (days)"),
           help="Days between follow-ups, 1-90 (blank = the Settings default)."),
    Column("status", "Status", "status", width=13,
           aliases=("Stage", "Application status", "State",
                    "Current status", "Status of application", "Current stage", "Application stage",
                    "Pipeline stage", "Progress"),
           help="Where the application stands (pick from the list)."),
    Column("decision_expected", "Decision expected", "text", width=16,
           aliases=("Decision by", "Decision date", "Timeline", "Expected decision",
                    "Decision expected by", "Expected decision date", "Decision timeline",
                    "Hiring timeline"),
           help="The timetable the company gave you (for your information)."),
    Column("next_contact", "Next contact", "date", computed=True, width=16,
           help="Computed: the next working day to follow up."),
    Column("followup_state", "Follow-up state", "text", computed=True, width=15,
           help="Computed: Overdue, Due today, Due this week, Upcoming, ..."),
    Column("days_overdue", "Days overdue", "int", computed=True, width=10,
           help="Computed: calendar days past the next-contact date."),
    Column("notes", "Notes", "text", width=36,
           aliases=("Comments", "Comment", "Note", "Remarks",
                    "Details", "Other notes", "Additional notes", "Comments/Notes"),
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
#
# Each status has a meaning (SPEC: "Statuses"). Statuses are matched as headers are: case,
# spaces, non-breaking spaces and punctuation ignored ("On-hold" is On hold). Blank and
# unknown text mean active. A workbook may add its own statuses (a Statuses sheet: Status,
# Meaning); those are passed as `extra` and win over the built-in list.

NOT_APPLIED_MEANING, ACTIVE, ON_HOLD, CLOSED_MEANING = "not applied", "active", "on hold", "closed"
MEANINGS: tuple[str, ...] = (NOT_APPLIED_MEANING, ACTIVE, ON_HOLD, CLOSED_MEANING)

STATUS_MEANINGS: dict[str, tuple[str, ...]] = {
    NOT_APPLIED_MEANING: ("Not applied", "Not started", "Wishlist", "Saved", "Bookmarked", "To apply",
                          "Interested", "Researching"),
    ACTIVE: ("Applied", "Submitted", "Screening", "Phone screen", "Interviewing", "Interview scheduled",
             "Assessment", "Final round", "Waiting", "Pending", "In progress", "Offer", "Offer received",
             "Negotiating"),
    ON_HOLD: ("On hold", "Paused", "Hiring freeze", "Postponed"),
    CLOSED_MEANING: ("Accepted", "Offer accepted", "Hired", "Rejected", "Reject", "Declined", "Not selected",
                     "Unsuccessful", "Position filled", "No offer", "Withdrawn", "Withdrew", "Offer declined",
                     "Ghosted", "No response", "Closed"),
}
# Every built-in status, in the table's order (the template's Statuses sheet and drop-down).
STATUSES: tuple[str, ...] = tuple(s for group in STATUS_MEANINGS.values() for s in group)
CLOSED_STATUSES: tuple[str, ...] = STATUS_MEANINGS[CLOSED_MEANING]
NOT_APPLIED_STATUSES: tuple[str, ...] = STATUS_MEANINGS[NOT_APPLIED_MEANING]
ON_HOLD_STATUSES: tuple[str, ...] = STATUS_MEANINGS[ON_HOLD]
ON_HOLD_STATUS = "On hold"

# normalized status -> (canonical spelling, meaning)
_STATUS_LOOKUP: dict[str, tuple[str, str]] = {
    normalize_header(s): (s, meaning) for meaning, group in STATUS_MEANINGS.items() for s in group}
_MEANING_LOOKUP: dict[str, str] = {normalize_header(m): m for m in MEANINGS}


def status_key(value: Any) -> str:
    """The matching key of a status cell: '' for blank; case, spaces, non-breaking spaces
    and punctuation ignored."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN = blank
        return ""
    if isinstance(value, (list, tuple, dict, set)):  # an odd reader's value: no status, unknown
        return "#" + type(value).__name__
    return normalize_header(value)


def meaning_of(text: Any) -> str | None:
    """One of MEANINGS for a Meaning cell ('On-hold' is on hold), or None when it is none."""
    return _MEANING_LOOKUP.get(status_key(text))


def status_table(extra: Mapping[Any, Any] | None) -> dict[str, str]:
    """A workbook's own statuses (status text -> meaning) as normalized key -> meaning; the
    first spelling of a key wins, and a pair whose meaning is not one of MEANINGS is left out."""
    table: dict[str, str] = {}
    for status, meaning in (extra or {}).items():
        key, m = status_key(status), meaning_of(meaning)
        if key and m is not None:
            table.setdefault(key, m)
    return table


def status_meaning(value: Any, extra: Mapping[Any, Any] | None = None) -> str:
    """The meaning of a status cell: the workbook's own statuses (extra: status -> meaning)
    first, then the built-in list; blank and unknown text are active."""
    return meaning_by_key(status_key(value), status_table(extra) if extra else None)


def meaning_by_key(key: str, table: Mapping[str, str] | None = None) -> str:
    """status_meaning for a status_key, table being status_table(extra) (built once for a
    column)."""
    if not key:
        return ACTIVE
    if table:
        found = table.get(key)
        if found is not None:
            return found
    known = _STATUS_LOOKUP.get(key)
    return known[1] if known is not None else ACTIVE


def is_known_status(value: Any, extra: Mapping[Any, Any] | None = None) -> bool:
    """True for blank, a built-in status or one of extra (in any spelling)."""
    key = status_key(value)
    return not key or key in _STATUS_LOOKUP or key in status_table(extra)


def canonical_status(value: Any) -> str | None:
    """The built-in spelling of a known status, '' for blank, None when unknown."""
    key = status_key(value)
    if not key:
        return ""
    known = _STATUS_LOOKUP.get(key)
    return known[0] if known is not None else None


def is_closed(status: Any, extra: Mapping[Any, Any] | None = None) -> bool:
    return status_meaning(status, extra) == CLOSED_MEANING


def is_not_applied(status: Any, extra: Mapping[Any, Any] | None = None) -> bool:
    return status_meaning(status, extra) == NOT_APPLIED_MEANING


def is_on_hold(status: Any, extra: Mapping[Any, Any] | None = None) -> bool:
    return status_meaning(status, extra) == ON_HOLD


# --------------------------------------------------------------------------- states

CLOSED = "Closed"
NOT_APPLIED = "Not applied"
NEEDS_DATE = "Needs date"
LIMIT_REACHED = "Limit reached"
OVERDUE = "Overdue"
DUE_TODAY = "Due today"
DUE_THIS_WEEK = "Due this week"
UPCOMING = "Upcoming"

# In the order of the spec: first match wins.
STATES: tuple[str, ...] = (
    CLOSED, NOT_APPLIED, NEEDS_DATE, LIMIT_REACHED, OVERDUE, DUE_TODAY, DUE_THIS_WEEK, UPCOMING,
)
# States with no next-contact date.
UNSCHEDULED_STATES: tuple[str, ...] = (CLOSED, NOT_APPLIED, NEEDS_DATE, LIMIT_REACHED)
# States only the template workbook shows, where the sheet cannot know what the command
# line knows (SPEC: "The template workbook").
CHECK_HOLIDAYS = "Check holidays"  # a Next contact past the Holidays sheet's years, or another place
CHECK_ROW = "Check this row"  # a cell the formulas cannot read (a date typed as text)
TEMPLATE_STATES: tuple[str, ...] = (CHECK_HOLIDAYS, CHECK_ROW)

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
    Setting("YourName", None, "Your name: signs the message drafts and names you in a coach's lists."),
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
    your_name: str | None = SETTING_BY_NAME["YourName"].default
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
    "YourName": "your_name",
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
STATUSES_SHEET = "Statuses"
LOG_SHEET = "Log"
HOW_TO_SHEET = "How to use"
