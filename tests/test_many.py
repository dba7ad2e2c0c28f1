"""A folder of many trackers read by two processes gives what one process gives (issue 13).

reader/many.py forks a child for the second half of a long list of files (PARALLEL_MIN
lowered here so that small folders take that path). Whatever the files hold — good
trackers, rows with problems, refused workbooks, a bug raised by the reader, a child that
dies — the weekly list, its problems, the order of `progress` and `on_read`, and the
exceptions are the same as a serial read's.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from test_hostile import billion_laughs, good_tracker, sheet_bomb
from trackers import fast_tracker

from followup_xl.errors import TrackerError
from followup_xl.reader import many
from followup_xl.weekly import build_weekly

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Trackers of several sizes and settings, with a refused workbook and a renamed text file."""
    d = tmp_path_factory.mktemp("clients")
    for k in range(9):
        fast_tracker(d / f"client-{k}.xlsx", 20 + 7 * k, as_of=AS_OF, seed=k,
                     settings={"Country": ["US", "GB", "DE"][k % 3]})
    good = good_tracker(d / "good.xlsx")
    billion_laughs(good, d / "laughs.xlsx")
    sheet_bomb(good, d / "bomb.xlsx", gib=1)
    (d / "notes.xlsx").write_text("Company,Last contact\nAcme,yesterday\n", encoding="utf-8")
    (d / "typed.csv").write_text("Company,Contact name,Last contact\nInitech,Bo,2026-11-18\nHooli,,soon\n",
                                 encoding="utf-8")
    return d


def _run(folder: Path, monkeypatch, parallel: bool) -> tuple:
    monkeypatch.setattr(many, "PARALLEL_MIN", 2 if parallel else 1 << 30)
    seen: list[str] = []
    steps: list[tuple[int, int, str]] = []
    result = build_weekly([folder], as_of=AS_OF, on_read=lambda d: seen.append(d.name),
                          progress=lambda k, n, name: steps.append((k, n, name)))
    items = [i.to_json() for i in result.items]
    problems = [vars(p) for p in result.problems]
    return items, problems, dict(result.counts), result.trackers, seen, steps


def test_two_processes_give_what_one_gives(folder, monkeypatch):
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    parallel = _run(folder, monkeypatch, True)
    assert forks, "the parallel path was not taken"
    serial = _run(folder, monkeypatch, False)
    assert parallel == serial
    items, problems, counts, trackers, seen, steps = parallel
    assert len(items) > 20 and len(trackers) == 11
    assert {p["tracker"] for p in problems if p["row"] is None} >= {"laughs.xlsx", "bomb.xlsx", "notes.xlsx"}
    assert [k for k, _, _ in steps] == list(range(1, 15))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv"))


def test_a_child_that_dies_leaves_its_files_to_the_parent(folder, monkeypatch):
    """The child ends abruptly at its second file: the parent reads what it did not report."""
    from followup_xl.tracker import read_tracker

    monkeypatch.setattr(many, "PARALLEL_MIN", 2)
    parent = os.getpid()
    files = _files(folder)
    victim = files[len(files) // 2 + 2]

    def read(path: Path):
        if os.getpid() != parent and path == victim:
            os._exit(3)
        return read_tracker(path)

    got = [(p, type(d).__name__, str(d) if isinstance(d, TrackerError) else len(d))
           for p, d in many.read_many(files, read)]
    monkeypatch.setattr(many, "PARALLEL_MIN", 1 << 30)
    want = [(p, type(d).__name__, str(d) if isinstance(d, TrackerError) else len(d))
            for p, d in many.read_many(files, read_tracker)]
    assert got == want


def test_a_bug_in_the_childs_half_is_raised_at_its_turn(folder, monkeypatch):
    """An exception that is not a refusal (a bug of ours) is raised in the parent when the
    file's turn comes, after the files before it were given, as a serial read raises it."""
    monkeypatch.setattr(many, "PARALLEL_MIN", 2)
    files = _files(folder)
    bad = files[-2]

    def read(path: Path):
        if path == bad:
            raise ValueError(f"bug reading {path.name}")
        return path.name

    given = []
    with pytest.raises(ValueError, match=f"bug reading {bad.name}"):
        for path, value in many.read_many(files, read):
            given.append(value)
    assert given == [p.name for p in files[:-2]]


def test_a_consumer_that_stops_early_leaves_no_child(folder, monkeypatch):
    monkeypatch.setattr(many, "PARALLEL_MIN", 2)
    reads = many.read_many(_files(folder), lambda p: p.name)
    next(reads)
    next(reads)
    reads.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_serial_where_forking_is_not_wise(monkeypatch):
    monkeypatch.setattr(many, "PARALLEL_MIN", 2)
    assert many._parallel(10)
    monkeypatch.setenv(many.ENV_SERIAL, "1")
    assert not many._parallel(10)
    monkeypatch.delenv(many.ENV_SERIAL)
    assert not many._parallel(1)
    monkeypatch.setattr(many.threading, "active_count", lambda: 2)  # a progress bar's thread
    assert not many._parallel(10)


def test_records_are_taken_whole_however_the_pipe_cuts_them():
    """The parent unpickles what has come between its own reads: a record that has arrived
    only in part waits for the rest, and one never finished (the child died) is not taken."""
    import pickle
    import threading

    child = many._Child.__new__(many._Child)  # its buffer alone: no process, no drain thread
    child._data, child._got, child._lock = bytearray(), {}, threading.Lock()
    records = [many._pickled(k, lambda p: {"file": p, "rows": list(range(k * 50))}, f"f{k}") for k in range(5)]
    stream = b"".join(records) + records[0][:20]  # and a record cut short
    at = 0
    for step in (3, 8, 1, 700, 90, 4000, 1, 10_000):
        child._data += stream[at:at + step]
        at += step
        child.take()
        whole = sum(1 for k in range(5) if sum(map(len, records[:k + 1])) <= at)
        assert sorted(child._got) == list(range(whole))
    child._data += stream[at:]
    child.take()
    assert {k: v[1]["rows"] for k, v in child._got.items()} == {k: list(range(k * 50)) for k in range(5)}
    assert bytes(child._data) == records[0][:20]  # left: never completed
    assert pickle.loads(records[2][8:])[0] == 2
