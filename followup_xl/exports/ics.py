"""The calendar export (RFC 5545): one all-day event per follow-up (SPEC: "Calendar (.ics)").

- The UID names the follow-up, not the week: tracker, row, company and the date it counts
  from (Last contact, and the number of follow-ups sent). Re-run next week, the same
  pending follow-up keeps its UID, so the calendar updates the event instead of adding
  one; once it is logged (Last contact changes), it is a new follow-up with a new UID.
  SEQUENCE grows with the as-of date, so a later run's copy of an event wins.
- An overdue follow-up is placed on the as-of date, "overdue since <due date>", so it
  shows today rather than in the past.
- Every event has a display reminder (VALARM) at 09:00 on its day (TRIGGER:PT9H from the
  start of the all-day event, in the calendar's own time zone).
- Text is cleaned of control characters, escaped (\\ ; , and line breaks) and lines are
  folded at 75 octets, on UTF-8 character boundaries.

Written as text here: a library object per event (icalendar) measured 6x the time of the
csv export on a heavy week; the tests parse the output with icalendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from .. import __version__, schema
from ..messages import clean_text
from ..model import Item, WeeklyResult
from .sections import iso_week, short_date

REMINDER_AT = dt.time(9, 0)  # the VALARM's time on the event's day
SEQUENCE_EPOCH = dt.date(2020, 1, 1)  # SEQUENCE = days from this to the as-of date
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # \t \n kept here, handled by escape
_SPECIAL = re.compile(r"[\\;,\n\t]")
_MAX_OCTETS = 75


def clean(value: object) -> str:
    """Text without control characters; line breaks (CRLF, CR, LF) as LF."""
    text = "" if value is None else value if type(value) is str else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def escape(value: object) -> str:
    """An RFC 5545 TEXT value (3.3.11): control characters removed, \\ ; , escaped,
    a line break as \\n, a tab as a space."""
    text = clean(value)
    if not _SPECIAL.search(text):
        return text
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    return (text.replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
            .replace("\t", " "))


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1): CRLF and a space before each
    continuation, never inside a UTF-8 character."""
    if len(line) <= _MAX_OCTETS and (line.isascii() or len(line.encode("utf-8")) <= _MAX_OCTETS):
        return line
    if line.isascii():
        parts = [line[:_MAX_OCTETS]]
        parts += [line[k:k + _MAX_OCTETS - 1] for k in range(_MAX_OCTETS, len(line), _MAX_OCTETS - 1)]
        return "\r\n ".join(parts)
    raw = line.encode("utf-8")
    parts, start, room = [], 0, _MAX_OCTETS
    while start < len(raw):
        end = min(start + room, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # a continuation byte: back off
            end -= 1
        parts.append(raw[start:end].decode("utf-8"))
        start, room = end, _MAX_OCTETS - 1  # the leading space counts
    return "\r\n ".join(parts)


def event_uid(item: Item) -> str:
    """The follow-up's identity: tracker, row, company, and the date it counts from (Last
    contact, with the follow-ups sent): the same across weeks until it is logged."""
    base = item.last_contact.isoformat() if item.last_contact else "-"
    key = "\x1f".join((item.tracker, str(item.row), clean_text(item.company).casefold(), base,
                       str(item.followups_sent)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@followup-xl"


def event_day(item: Item, as_of: dt.date) -> dt.date:
    """The day the event is on: its due date, or the as-of date when it is overdue."""
    return as_of if item.state == schema.OVERDUE and item.due_date < as_of else item.due_date


def _summary(item: Item, overdue: bool) -> str:
    who = clean_text(item.contact_name)
    text = f"Follow up: {clean_text(item.company)}" + (f" ({who})" if who else "")
    return text + (f" — overdue since {short_date(item.due_date)}" if overdue else "")


def _description(item: Item, overdue: bool) -> str:
    lines = []
    if overdue:
        days = item.days_overdue
        lines.append(f"Overdue since {short_date(item.due_date)}"
                     + (f" ({days} day{'s' if days != 1 else ''})" if days else "") + ".")
    for label, value in (("Contact", item.contact_name), ("Email", item.contact_email),
                         ("Phone", item.contact_phone), ("Role", item.role),
                         ("Status", item.status), ("Last contact", item.last_contact),
                         ("Follow-ups sent", item.followups_sent),
                         ("Decision expected", item.decision_expected)):
        if value not in (None, ""):
            text = value.isoformat() if isinstance(value, dt.date) else clean_text(value)
            lines.append(f"{label}: {text}")
    lines.append(f"Tracker: {item.tracker}, row {item.row}")
    return "\n".join(lines) + "\n\n" + item.message


def _event(item: Item, result: WeeklyResult, stamp: str, sequence: int) -> str:
    day = event_day(item, result.as_of)
    overdue = day != item.due_date
    summary = escape(_summary(item, overdue))
    lines = (
        "BEGIN:VEVENT",
        f"UID:{event_uid(item)}",
        f"DTSTAMP:{stamp}",
        f"SEQUENCE:{sequence}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        fold(f"SUMMARY:{summary}"),
        fold(f"DESCRIPTION:{escape(_description(item, overdue))}"),
        "TRANSP:TRANSPARENT",
        "CATEGORIES:Follow-up",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        fold(f"DESCRIPTION:{summary}"),
        f"TRIGGER:PT{REMINDER_AT.hour}H{REMINDER_AT.minute}M" if REMINDER_AT.minute
        else f"TRIGGER:PT{REMINDER_AT.hour}H",
        "END:VALARM",
        "END:VEVENT",
    )
    return "\r\n".join(lines)


def render_ics(result: WeeklyResult, now: dt.datetime | None = None) -> bytes:
    """An iCalendar (RFC 5545) file: one all-day event per follow-up."""
    moment = (now or dt.datetime.now(dt.timezone.utc))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    stamp = moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    sequence = max((result.as_of - SEQUENCE_EPOCH).days, 0)
    head = ("BEGIN:VCALENDAR", f"PRODID:-//followup-xl//followup-xl {__version__}//EN",
            "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            fold(f"X-WR-CALNAME:Follow-ups {iso_week(result.week_start)}"))
    body = [_event(item, result, stamp, sequence) for item in result.items]
    return "\r\n".join((*head, *body, "END:VCALENDAR", "")).encode("utf-8")
