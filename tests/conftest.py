"""Shared pytest fixtures (minimal; other test modules may append their own below)."""

from __future__ import annotations

import datetime as dt

import pytest

from followup_xl.calendar import get_calendar


def d(text: str) -> dt.date:
    """A date from ISO text: keeps the known-answer tables readable."""
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="session")
def us():
    return get_calendar("US")


@pytest.fixture(scope="session")
def us_ca():
    return get_calendar("US", "CA")
