"""The calendar export (RFC 5545): one all-day event per follow-up."""

from __future__ import annotations

import datetime as dt
import hashlib

from .. import __version__
from ..messages import clean_text
from ..model import Item, WeeklyResult
from .sections import iso_week


def event_uid(result: WeeklyResult, item: Item) -> str:
    """Stable across re-runs of the same week, so calendar apps update instead of duplicating."""
    key = "\x1f".join((result.week_start.isoformat(), item.tracker, str(item.row),
                       clean_text(item.company).casefold()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@followup-xl"


def _description(item: Item) -> str:
    lines = []
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


def render_ics(result: WeeklyResult, now: dt.datetime | None = None) -> bytes:
    """An iCalendar (RFC 5545) file: one all-day event per follow-up."""
    from icalendar import Calendar, Event

    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", f"-//followup-xl//followup-xl {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Follow-ups {iso_week(result.week_start)}")
    for item in result.items:
        who = clean_text(item.contact_name)
        event = Event()
        event.add("uid", event_uid(result, item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + dt.timedelta(days=1))
        event.add("summary", f"Follow up: {clean_text(item.company)}" + (f" ({who})" if who else ""))
        event.add("description", _description(item))
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Follow-up"])
        cal.add_component(event)
    return cal.to_ical()

