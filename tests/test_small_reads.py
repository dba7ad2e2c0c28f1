"""A folder of small trackers (issue 13): what is the same in every file is worked out once
per process, and every verdict and every result stays what it was file by file.

The safety check keeps the small parts it has inflated and found clean (safety._SEEN: the
theme, the styles, the relationships of trackers made from one template are the same bytes
in every file); the reader keeps what a status or a header text reads as. Each test compares
with the same work done with those memories emptied.
"""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from test_hostile import _patched
from trackers import write_tracker

from followup_xl import exports, safety
from followup_xl.cells import CellError
from followup_xl.errors import TrackerError
from followup_xl.reader import sheets, statuses
from followup_xl.weekly import build_weekly

AS_OF = dt.date(2026, 11, 25)
D = dt.date


def _forget() -> None:
    """Empty the per-process memories this file is about."""
    safety._SEEN.clear()
    safety._seen_bytes = 0
    statuses._text_status.cache_clear()
    sheets._text_day.cache_clear()


@pytest.fixture(autouse=True)
def _fresh():
    _forget()
    yield
    _forget()


def _tracker(path: Path, k: int) -> Path:
    rows = [[f"Company {k}-{i}", "Analyst", f"Pat {i}", f"pat{i}@example.com", None,
             None, D(2026, 11, 2 + i), D(2026, 11, 10 + i), 0, None,
             ("Applied", "Rejected", "Interviewing", "Waiting", "#N/A", "Hired?")[(k + i) % 6]]
            for i in range(6)]
    return write_tracker(path, rows, settings={"Country": "US", "YourName": f"Client {k}"})


def _verdict(path: Path):
    """check_workbook's findings, or its refusal's sentence."""
    try:
        return safety.workbook_check(path)
    except TrackerError as exc:
        return str(exc)


def _counting_inflates(monkeypatch) -> list[str]:
    inflated: list[str] = []
    real = safety._inflate

    def counted(info, raw):
        inflated.append(info.filename)
        return real(info, raw)

    monkeypatch.setattr(safety, "_inflate", counted)
    return inflated


def test_a_part_seen_before_is_not_inflated_again_and_the_check_is_the_same(tmp_path, monkeypatch):
    first = _tracker(tmp_path / "a.xlsx", 1)
    copy = shutil.copy(first, tmp_path / "b.xlsx")
    other = _tracker(tmp_path / "c.xlsx", 2)
    inflated = _counting_inflates(monkeypatch)
    seen = [safety.workbook_check(p) for p in (first, copy, other)]
    with zipfile.ZipFile(first) as zf:
        xml_parts = [n for n in zf.namelist() if n.endswith(safety.XML_SUFFIXES)]
    assert inflated[:len(xml_parts)] == xml_parts  # the first file: every part
    assert len(inflated) < 2 * len(xml_parts)  # the copy: none; the other tracker: its own sheets
    assert "xl/theme/theme1.xml" not in inflated[len(xml_parts):]
    _forget()
    alone = [safety.workbook_check(p) for p in (first, copy, other)]
    for a, b in zip(seen, alone):
        assert a == b and a.workbook_parts == b.workbook_parts and a.sizes == b.sizes
        assert a.formula_parts == b.formula_parts and a.odd_numbers == b.odd_numbers


def test_a_seen_part_in_a_file_that_lies_about_it_is_still_refused(tmp_path):
    """The same compressed bytes as a part that passed, but the zip directory declares another
    CRC, or the local header names another part: refused exactly as with nothing remembered."""
    good = _tracker(tmp_path / "good.xlsx", 1)
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/styles.xml")
    crc = struct.pack("<I", info.CRC)
    bad_crc = _patched(good, tmp_path / "crc.xlsx", crc, struct.pack("<I", info.CRC ^ 1), last=True)
    renamed = _patched(good, tmp_path / "renamed.xlsx", b"xl/styles.xml", b"xl/styles.xmm")
    cold = {p.name: _verdict(p) for p in (bad_crc, renamed)}
    assert all(isinstance(v, str) and "damaged" in v for v in cold.values()), cold
    _forget()
    safety.workbook_check(good)  # every part of the good file remembered
    assert any(raw for (_, raw) in safety._SEEN)
    warm = {p.name: _verdict(p) for p in (bad_crc, renamed)}
    assert warm == cold


def test_a_refused_part_is_never_remembered(tmp_path):
    good = _tracker(tmp_path / "good.xlsx", 1)
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n'
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(tmp_path / "dtd.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, doctype + data.split(b"?>", 1)[-1] if name == "xl/styles.xml" else data)
    hostile = tmp_path / "dtd.xlsx"
    verdicts = [_verdict(p) for p in (hostile, good, hostile)]
    assert verdicts[0] == verdicts[2] and "document type declaration" in verdicts[0]
    assert not any(b"DOCTYPE" in data for data, _ in safety._SEEN.values())


def test_the_memory_of_seen_parts_stays_within_its_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "SEEN_BUDGET", 40_000)
    paths = [_tracker(tmp_path / f"t{k}.xlsx", k) for k in range(8)]
    found = [safety.workbook_check(p) for p in paths]
    assert 0 < safety._seen_bytes <= 40_000
    _forget()
    assert found == [safety.workbook_check(p) for p in paths]


def test_a_folder_reads_the_same_as_each_file_alone(tmp_path, monkeypatch):
    """The weekly list of a folder (problems, warnings, drafts) is byte for byte the one built
    with every per-process memory emptied before each tracker."""
    folder = tmp_path / "clients"
    folder.mkdir()
    for k in range(12):
        _tracker(folder / f"client-{k:02}.xlsx", k)
    shutil.copy(folder / "client-03.xlsx", folder / "client-99.xlsx")
    together = build_weekly([folder], as_of=AS_OF)
    assert together.problems  # the unknown status and the #N/A text are warned about

    from followup_xl.reader import workbook

    real = workbook.read_tracker

    def alone(*args, **kwargs):
        _forget()
        return real(*args, **kwargs)

    monkeypatch.setattr("followup_xl.tracker.read_tracker", alone)
    separately = build_weekly([folder], as_of=AS_OF)
    for fmt in ("json", "csv"):
        assert exports.render(together, fmt) == exports.render(separately, fmt)


def test_a_status_read_as_text_is_not_taken_for_an_error_value():
    """'#N/A' typed as text and an error cell #N/A are told apart, whichever comes first."""
    text_first = statuses.status_column(["#N/A", CellError("#N/A"), "Applied"])
    _forget()
    error_first = statuses.status_column([CellError("#N/A"), "#N/A", "Applied"])
    assert list(text_first[2]) == [1] and list(error_first[2]) == [0]
    assert list(text_first[1]) == [0] and list(error_first[1]) == [1]
    assert text_first[1][0] == error_first[1][1] and text_first[2][1] == error_first[2][0]


def test_a_header_text_reads_as_the_same_day_every_time():
    for _ in range(2):
        assert sheets._as_day("2026-11-30") == D(2026, 11, 30)
        assert sheets._as_day("Company") is None
        assert sheets._as_day("Follow-up 2") is None
        assert sheets._as_day("x" * 21 + "1") is None


def test_the_inputs_are_resolved_as_path_resolve_does(tmp_path, monkeypatch):
    """refuse_input_as_output resolves a folder once for all its trackers: each input still
    resolves to what Path.resolve gives (links to folders and to files, a dangling link, '..'
    after a link, relative names)."""
    import os

    from followup_xl import output

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.xlsx").write_text("x")
    os.symlink(real, tmp_path / "link")
    os.symlink(real / "a.xlsx", real / "l.xlsx")
    os.symlink(tmp_path / "nowhere.xlsx", real / "dangling.xlsx")
    link = tmp_path / "link"
    cases = [link / "a.xlsx", link / "l.xlsx", real / "dangling.xlsx", link / ".." / "real" / "a.xlsx",
             link / "missing.xlsx", real / ".", Path("/"), Path("a.xlsx"), Path("../link/l.xlsx")]
    monkeypatch.chdir(link)
    folders: dict = {}
    for path in cases:
        assert output._resolved(path, folders) == path.resolve(), path
    with pytest.raises(Exception, match="one of the input trackers"):
        output.refuse_input_as_output(real / "a.xlsx", [link / "l.xlsx"])
    output.refuse_input_as_output(real / "b.xlsx", [link / "a.xlsx", link / "l.xlsx"])


@pytest.mark.parametrize("stated", [0, 1, 100, None])
def test_a_file_is_read_whole_whatever_size_it_states(tmp_path, monkeypatch, stated):
    """read_whole asks for the size the file states and a byte more: a file that states less
    (it grew since, or its file system says 0) is still read to its end, and one past the
    limit is still refused."""
    import os

    path = tmp_path / "t.xlsx"
    shutil.copy(_any_tracker(tmp_path), path)
    real = path.read_bytes()
    true_fstat = os.fstat

    def fstat(fd):
        st = true_fstat(fd)
        if stated is None:
            return st
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, stated,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(safety.os, "fstat", fstat)
    assert safety.read_whole(path) == real
    monkeypatch.setattr(safety, "MAX_FILE", len(real) - 1)
    with pytest.raises(TrackerError, match="far larger than any tracker"):
        safety.read_whole(path)
    monkeypatch.setattr(safety, "MAX_FILE", len(real))
    assert safety.read_whole(path) == real


def _any_tracker(tmp_path: Path) -> Path:
    from test_hostile import good_tracker

    return good_tracker(tmp_path / "good.xlsx")
