"""The columns of the weekly list's exports: the spec's item fields with the template's
headers and widths, and what each count of "Nothing is lost" means."""

from __future__ import annotations

from dataclasses import dataclass

from .. import schema
from ..model import Item


@dataclass(frozen=True)
class Field:
    key: str  # Item attribute (the spec's JSON name)
    header: str
    width: float
    kind: str = "text"  # text | date | int | message | email


def _header(key: str, fallback: str) -> str:
    col = schema.COLUMN_BY_KEY.get(key)
    return col.header if col else fallback


def _width(key: str, fallback: float) -> float:
    col = schema.COLUMN_BY_KEY.get(key)
    return col.width if col else fallback


_KINDS = {"due_date": "date", "last_contact": "date", "days_overdue": "int",
          "followups_sent": "int", "row": "int", "message": "message", "contact_email": "email"}
_OWN = {"due_date": ("Due date", 16), "weekday": ("Weekday", 11), "state": ("State", 14),
        "tracker": ("Tracker", 24), "row": ("Row", 7), "message": ("Message draft", 70)}

# The spec's item fields, in its order, with the tracker template's headers where they exist.
FIELDS: tuple[Field, ...] = tuple(
    Field(key, _header(key, _OWN.get(key, (key,))[0]), _width(key, _OWN.get(key, ("", 14))[1]),
          _KINDS.get(key, "text"))
    for key in Item.__dataclass_fields__ if key != "your_name"  # JSON only; it names the groups
)

COUNT_LABELS = {
    "listed": ("Listed", "To contact this week: due by Sunday, overdue ones included."),
    "not_due": ("Not due", "Scheduled, next contact after this week."),
    "closed": (schema.CLOSED, "A closed status (Rejected, Withdrawn, Accepted, ...): no more follow-ups."),
    "not_applied": ("Not applied", "Not applied yet (Wishlist, Saved, ...): no follow-up before applying."),
    "needs_date": (schema.NEEDS_DATE, "No Last contact, Interview date or Applied date to count from."),
    "limit_reached": (schema.LIMIT_REACHED, "Follow-ups sent has reached MaxFollowups."),
    "problem": ("Problem", "A cell could not be understood: see the problems."),
    "skipped": ("Skipped", "Not an application: a row without a Company (a legend, a total, a note)."),
}


def count_label(key: str) -> tuple[str, str]:
    """(label, meaning) of a count of COUNT_KEYS; a key this table does not know yet still
    shows, under its own name (every count reaches every export)."""
    return COUNT_LABELS.get(key) or (key.replace("_", " ").capitalize(), "")
