"""Error types. Every message is one plain sentence a user can act on."""

from __future__ import annotations


class FollowupError(Exception):
    """Base class: an input the tool cannot use. The CLI prints str(err) and exits 1."""


class UsageError(FollowupError, ValueError):
    """A bad argument (CLI or function): the CLI exits 2."""


class NotADateError(UsageError):
    """A value that cannot be read as a date; the message quotes it and says why."""


class CalendarError(UsageError):
    """An unknown country/subdivision or an invalid weekend."""


class TrackerError(FollowupError):
    """A file that cannot be used as a tracker at all (missing, not a workbook, unsafe)."""


def quote(value: object, limit: int = 40) -> str:
    """A short, quoted rendering of a user's value for messages."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text
