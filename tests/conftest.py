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


@pytest.fixture(scope="session")
def template_bytes(tmp_path_factory) -> bytes:
    """The sample template (as of Monday 2026-11-30), written once per test session."""
    from followup_xl.template import write_template

    path = tmp_path_factory.mktemp("tpl") / "tracker.xlsx"
    write_template(path, sample=True, as_of=dt.date(2026, 11, 30))
    return path.read_bytes()


@pytest.fixture
def tracker(tmp_path, template_bytes):
    """A fresh copy of the sample template to edit: tmp_path / "tracker.xlsx"."""
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(template_bytes)
    return path
