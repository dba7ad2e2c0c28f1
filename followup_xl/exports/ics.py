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
from operator import attrgetter

from .. import __version__, schema
from ..messages import clean_text
from ..model import Item, WeeklyResult
from . import batch
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


def escape_all(texts: list[str]) -> list[str]:
    """escape() of each text, in one pass over all of them joined (by a private-use
    character escape leaves alone; where a text holds it, each text alone)."""
    joined = batch.joined(texts, _SEP)
    if joined is None or not texts:
        return list(map(escape, texts))
    return escape(joined).split(_SEP)


_SEP = "\ue000"  # escape removes control characters: not batch.SEP
_CHUNK = 4096  # events built and encoded at a time: the intermediate texts stay small


def _clean_texts(values: list[object]) -> list[str]:
    """clean_text of each value (one line, blanks collapsed), inline for text."""
    return [" ".join(v.split()) if type(v) is str else "" if v is None else
            str(v) if type(v) is int else clean_text(v) for v in values]


def event_uid(item: Item) -> str:
    """The follow-up's identity: tracker, row, company, and the date it counts from (Last
    contact, with the follow-ups sent): the same across weeks until it is logged."""
    return _uid(item, clean_text(item.company))


def _uid(item: Item, company: str) -> str:
    base = item.last_contact.isoformat() if item.last_contact else "-"
    key = "\x1f".join((item.tracker, str(item.row), company.casefold(), base,
                       str(item.followups_sent)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@followup-xl"


def event_day(item: Item, as_of: dt.date) -> dt.date:
    """The day the event is on: its due date, or the as-of date when it is overdue."""
    return as_of if item.state == schema.OVERDUE and item.due_date < as_of else item.due_date


_DESCRIBED = (("Contact", "contact_name"), ("Email", "contact_email"), ("Phone", "contact_phone"),
              ("Role", "role"), ("Status", "status"), ("Last contact", "last_contact"),
              ("Follow-ups sent", "followups_sent"), ("Decision expected", "decision_expected"))


def _described(label: str, values: list[object]) -> list[str | None]:
    """A description's "Label: value" line for each item (None: no value)."""
    return [None if v is None or v == "" else
            f"{label}: {v.isoformat() if isinstance(v, dt.date) else text}"
            for v, text in zip(values, _clean_texts(values))]


def _events(items: list[Item], as_of: dt.date, stamp: str, sequence: int) -> list[str]:
    """The VEVENTs, built a field at a time over all the items (the heavy week: 42,307)."""
    days = [event_day(item, as_of) for item in items]
    short = {day: short_date(day) for day in {item.due_date for item in items}}
    dates = {day: (f"{day:%Y%m%d}", f"{day + dt.timedelta(days=1):%Y%m%d}") for day in set(days)}
    companies = _clean_texts([item.company for item in items])
    contacts = _clean_texts([item.contact_name for item in items])
    # The summary: "Follow up: Acme (Ana)", " — overdue since Mon 2026-11-23" when overdue.
    summaries = escape_all([
        f"Follow up: {company}" + (f" ({who})" if who else "")
        + (f" — overdue since {short[item.due_date]}" if day != item.due_date else "")
        for item, day, company, who in zip(items, days, companies, contacts)])
    # The description: overdue since, the item's fields, its tracker and row, then the draft.
    described = [_described(label, list(map(attrgetter(key), items))) for label, key in _DESCRIBED]
    descriptions = []
    for item, day, fields in zip(items, days, zip(*described)):
        lines = [line for line in fields if line is not None]
        if day != item.due_date:
            n = item.days_overdue
            lines.insert(0, f"Overdue since {short[item.due_date]}"
                         + (f" ({n} day{'s' if n != 1 else ''})" if n else "") + ".")
        lines.append(f"Tracker: {item.tracker}, row {item.row}")
        descriptions.append("\n".join(lines) + "\n\n" + item.message)
    trigger = (f"TRIGGER:PT{REMINDER_AT.hour}H{REMINDER_AT.minute}M" if REMINDER_AT.minute
               else f"TRIGGER:PT{REMINDER_AT.hour}H")
    return [
        f"BEGIN:VEVENT\r\nUID:{_uid(item, company)}\r\nDTSTAMP:{stamp}\r\nSEQUENCE:{sequence}\r\n"
        f"DTSTART;VALUE=DATE:{dates[day][0]}\r\nDTEND;VALUE=DATE:{dates[day][1]}\r\n"
        f"{fold('SUMMARY:' + summary)}\r\n{fold('DESCRIPTION:' + description)}\r\n"
        "TRANSP:TRANSPARENT\r\nCATEGORIES:Follow-up\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
        f"{fold('DESCRIPTION:' + summary)}\r\n{trigger}\r\nEND:VALARM\r\nEND:VEVENT"
        for item, day, company, summary, description in zip(
            items, days, companies, summaries, escape_all(descriptions))]


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
    items = result.items
    parts = ["\r\n".join(head).encode("utf-8")]
    for k in range(0, len(items), _CHUNK):
        parts.append("\r\n".join(_events(items[k:k + _CHUNK], result.as_of, stamp, sequence)).encode("utf-8"))
    parts.append(b"END:VCALENDAR\r\n")
    return b"\r\n".join(parts)
