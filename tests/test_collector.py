"""The cyclic collector is paused while a run makes its objects, and only then (collector.py)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from trackers import fast_tracker

from followup_xl import collector, exports, weekly
from followup_xl.reader import workbook


def test_paused_turns_the_collector_off_and_back_on():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block turns it back on, not the inner
    assert gc.isenabled()


def test_paused_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_turns_the_collector_back_on():
    with pytest.raises(ZeroDivisionError), collector.paused():
        raise ZeroDivisionError
    assert gc.isenabled()


def test_a_weekly_run_reads_lists_and_exports_with_the_collector_paused(tmp_path, monkeypatch):
    path = fast_tracker(tmp_path / "t.xlsx", 50, as_of=dt.date(2026, 11, 25))
    seen = []
    parse_table = workbook.parse_table

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return parse_table(*args, **kwargs)

    monkeypatch.setattr(workbook, "parse_table", spy)
    result = weekly.build_weekly([path], as_of="2026-11-25")
    assert seen == [False] and gc.isenabled()
    from followup_xl.tracker import read_tracker

    read_tracker(path)
    assert seen == [False, False] and gc.isenabled()
    render_json = exports.RENDERERS["json"]
    monkeypatch.setitem(exports.RENDERERS, "json", lambda r: seen.append(gc.isenabled()) or render_json(r))
    assert exports.render(result, "json")
    assert seen == [False, False, False] and gc.isenabled()
