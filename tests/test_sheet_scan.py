"""The sheet scan of the safety check gives the same verdict however it runs (issue 13).

While the check reads a large sheet part, the reader may already have python-calamine
parse the rows that passed (safety.early_rows, reader/halves.Split), and one search
(safety._CELL_HINT) looks for odd and far cells at once. Each file below is checked with
that first half forced on (every part kept and offered after each small block) and off:
the verdicts (the refusal's sentence, or what the check hands the reader) are the same, no
thread outlives the check, and the fast estimate of a sheet's extent never lets through a
grid that python-calamine's own walk (safety._walk_span) would refuse.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import zipfile

import pytest
from test_hostile import add_cells, good_tracker

from followup_xl import safety
from followup_xl.errors import TrackerError
from followup_xl.tracker import read_tracker

CELLS = [
    b'<row r="3"><c r="XFD3"><v>1</v></c></row>',
    b'<row r="9"><c r="XFD1048576" s="1"/></row>',
    b'<row r="9"><c r="F9" t="inlineStr"><is><t>r="XFD1048576"</t></is></c></row>',
    b'<row r="200000"><c r="E200000"><v>1</v></c></row>',
    b"<row><c><v>1</v></c><c><v>2</v></c></row>",
    b'<row r="1048576"><c r="A1048576"><v>1</v></c><c r="O1048576"><v>1</v></c></row>',
    b'<row r="700000"><c s="1" r="Z700000"><v>1</v></c></row>',
    b'<row r="700000"><c foo=">" r="Z700000"><v>1</v></c></row>',
    b'<row r="700000"><c r="Z700000" foo="/>"><v>1</v></c></row>',
    b'<row r="700000"><c\tr="Z700000"><v>1</v></c></row>',
    b"<row r='700000'><c r='Z700000'><v>1</v></c></row>",
    b'<row r="9"><c r="zzzz9"><v>1</v></c></row>',
    b'<row r="9"><c r="a1"><v>1</v></c><c r="AA99999"><v>1</v></c></row>',
    b'<row r="99999"><c r="Z99999"><v>1</v></c></row>',
    b'<row r="700000"><c r="Z700000"><v>1</v></c></row>',
    b'<row r="9"><c r="A9"><v>1</v></c><c r="AB9999"><v>1</v></c></row>',
    b'<row r="9"><c r="A9"><v>-5</v></c><c r="B9"><v>NaN</v></c><c r="C9" t="e"><v>#N/A</v></c></row>',
    b'<row r="9"><c s="1"><v>-1e308</v></c></row>',
    b'<row r="9"><c r="A9"><f>1+1</f></c></row>',
]


def _verdict(path, early: bool, monkeypatch) -> tuple:
    from followup_xl.reader import halves

    monkeypatch.setattr(safety, "KEEP_FROM", 0 if early else None)
    monkeypatch.setattr(halves, "PIPE_SHARE", 0.3)
    monkeypatch.setattr(safety, "CHUNK", 64)  # many blocks: the first half begins mid-part
    monkeypatch.setattr(safety, "SMALL_FILE", 0)  # the sheet is streamed, not read whole
    monkeypatch.setattr(safety, "PROLOG_SCAN", 256)
    split = halves.Split(path.read_bytes())
    try:
        with safety.early_rows(split.offer):
            seen = safety.workbook_check(path)
    except TrackerError as exc:
        return ("refused", str(exc))
    finally:
        split.close()
    return ("passed", sorted(seen.scanned), sorted(seen.error_parts), sorted(seen.formula_parts),
            {k: list(v) for k, v in seen.odd_numbers.items()})


def first_halves(monkeypatch) -> list[bool]:
    """After each offer the check makes to a reader's Split: whether its first half began."""
    from followup_xl.reader import halves

    started: list[bool] = []
    offer = halves.Split.offer

    def spy(self, *args):
        done = offer(self, *args)
        started.append(self._thread is not None)
        return done

    monkeypatch.setattr(halves.Split, "offer", spy)
    return started


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("followup-xl")]


@pytest.mark.parametrize("xml", CELLS)
def test_the_first_half_begun_during_the_check_changes_no_verdict(tmp_path, monkeypatch, xml):
    monkeypatch.setattr(safety, "MAX_CELLS", 200_000 * 26)
    path = add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "odd.xlsx", xml)
    assert _verdict(path, True, monkeypatch) == _verdict(path, False, monkeypatch)
    assert not _workers()


def test_a_damaged_part_is_one_sentence_after_its_first_half_began(tmp_path, monkeypatch):
    """Bytes flipped in the second half of the sheet: the zlib or CRC error is the
    damaged-file sentence, as without a first half, and its thread is gone."""
    good = good_tracker(tmp_path / "good.xlsx")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (k, k, k) for k in range(4, 3000))
    big = add_cells(good, tmp_path / "big.xlsx", rows)
    data = bytearray(big.read_bytes())
    with zipfile.ZipFile(big) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + info.compress_size // 2, start + info.compress_size - 10):
        data[k] ^= 0x55
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    started = first_halves(monkeypatch)
    verdict = _verdict(path, True, monkeypatch)
    assert any(started)
    assert verdict[0] == "refused" and "damaged or incomplete" in verdict[1], verdict
    assert verdict == _verdict(path, False, monkeypatch)
    assert not _workers()


def test_a_refusal_mid_part_leaves_no_thread(tmp_path, monkeypatch):
    """A text run longer than MAX_TAG late in a long part: the scan refuses after the first
    half began; its thread is joined."""
    monkeypatch.setattr(safety, "MAX_TAG", 4 << 10)
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (k, k, k) for k in range(10, 20000))
    xml = rows + b'<row r="20001"><c r="A20001" t="inlineStr"><is><t>' + b"A" * (64 << 10) + b"</t></is></c></row>"
    path = add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "long.xlsx", xml)
    started = first_halves(monkeypatch)
    verdict = _verdict(path, True, monkeypatch)
    assert verdict[0] == "refused" and "single text or tag" in verdict[1]
    assert any(started) and not _workers()
    assert verdict == _verdict(path, False, monkeypatch)


SPANS = [xml for xml in CELLS if b"-1e308" not in xml]  # the grid decides (not a number)


@pytest.mark.parametrize("xml", SPANS)
def test_the_check_refuses_exactly_the_grids_the_walk_refuses(tmp_path, monkeypatch, xml):
    monkeypatch.setattr(safety, "MAX_CELLS", 150_000 * 26)
    _agrees_with_the_walk(add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "odd.xlsx", xml), monkeypatch)


def _agrees_with_the_walk(path, monkeypatch) -> None:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        rows, cols = safety._walk_span(zf, info, "Tracker", path.name)
    verdict = _verdict(path, True, monkeypatch)
    assert (verdict[0] == "refused") == (rows * cols > safety.MAX_CELLS), (verdict, rows, cols)


def _cell(rng: random.Random) -> bytes:
    """A cell tag as Excel, other writers or a hostile file may write it."""
    # (a reference without its letters or its digits is an error of python-calamine's,
    # reported by the reader, not a grid to measure)
    col = rng.choice([b"A", b"Z", b"AA", b"XFD", b"zz"])
    row = rng.choice([b"1", b"99999", b"100000", b"700000", b"1048576"])
    plain = [b' r="%s%s"' % (col, row), b' r="%s%s" s="2"' % (col, row)]
    odd = [b" r='%s%s'" % (col, row), b"", b' s="1" r="%s%s"' % (col, row), b'\tr="%s%s"' % (col, row)]
    ref = rng.choice(plain) if rng.random() < 0.85 else rng.choice(odd)
    prefix = b"x:" if rng.random() < 0.05 else b""
    end = rng.choice([b"><v>1</v></c>", b"/>"]) if not prefix else b"><x:v>1</x:v></x:c>"
    return b"<" + prefix + b"c" + ref + end


@pytest.mark.parametrize("seed", range(150))
def test_the_fast_estimate_agrees_with_the_walk(tmp_path, monkeypatch, seed):
    """Random rows of random cell tags: the check refuses exactly when python-calamine's
    walk of the same sheet spans more than MAX_CELLS (MAX_CELLS lowered to make both sides
    of the limit likely)."""
    rng = random.Random(seed)
    monkeypatch.setattr(safety, "MAX_CELLS", 150_000 * 26)
    xml = b"".join(
        (b'<row r="%d">' % rng.choice([20, 99999, 100000, 700000]) if rng.random() < 0.7 else b"<row>")
        + b"".join(_cell(rng) for _ in range(rng.randint(1, 3))) + b"</row>"
        for _ in range(rng.randint(1, 4)))
    _agrees_with_the_walk(add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "random.xlsx", xml),
                          monkeypatch)


def _typed(data) -> tuple:
    """What a read gives the rules and the user: every typed column and every problem."""
    import numpy as np

    columns = {f"{kind}.{k}": repr(v.tolist() if isinstance(v, np.ndarray) else list(v))  # repr: NaN == NaN
               for kind in ("dates", "numbers", "text") for k, v in getattr(data, kind).items()}
    return (columns, data.status.tolist(), data.rows.tolist(), [vars(p) for p in data.problems])


def test_a_large_sheet_read_beside_its_scan_reads_as_a_small_one(tmp_path, monkeypatch):
    """A tracker past the size at which python-calamine parses in a thread and the check
    leaves error cells and formulas to the reader (safety.MARKS_BELOW): an error cell, a
    formula with no stored result and odd numbers (a negative date, NaN) in it are found
    and reported exactly as when the same file is read the sequential way."""
    from trackers import fast_tracker

    from followup_xl.reader import workbook

    path = fast_tracker(tmp_path / "big.xlsx", 7_000, as_of=dt.date(2026, 11, 25))
    odd = (b'<row r="7003"><c r="A7003" t="inlineStr"><is><t>Err Inc</t></is></c>'
           b'<c r="G7003" t="e"><v>#N/A</v></c></row>'
           b'<row r="7004"><c r="A7004" t="inlineStr"><is><t>Formula Ltd</t></is></c>'
           b'<c r="G7004"><f>TODAY()-3</f></c></row>'
           b'<row r="7005"><c r="A7005" t="inlineStr"><is><t>Odd GmbH</t></is></c>'
           b'<c r="F7005" s="1"><v>-5</v></c><c r="G7005" s="1"><v>NaN</v></c></row>')
    big = add_cells(path, tmp_path / "odd.xlsx", odd)
    with zipfile.ZipFile(big) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size >= safety.MARKS_BELOW
    threaded = read_tracker(big)
    monkeypatch.setattr(workbook, "THREAD_MIN_BYTES", 1 << 62)
    monkeypatch.setattr(safety, "MARKS_BELOW", 1 << 62)
    sequential = read_tracker(big)
    assert _typed(threaded) == _typed(sequential)
    shown = " ".join(f"{p.row} {p.column} {p.message}" for p in threaded.problems)
    for row in ("7003", "7004", "7005"):
        assert row in shown, shown


def _chunks_as_before(blocks, max_tag):
    """The chunking as it was written first (a copy of each block, then a slice)."""
    carry = b""
    for data in blocks:
        data = carry + data
        cut = data.rfind(b"<")
        if cut <= 0:
            if len(data) > max_tag:
                yield "refused"
                return
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


@pytest.mark.parametrize("seed", range(60))
def test_the_chunks_end_before_a_tag_as_they_did(monkeypatch, seed):
    rng = random.Random(seed)
    xml = b"".join(rng.choice([b"<c r=\"A1\">", b"<v>1</v>", b"</c>", b"text ", b"x" * rng.randint(0, 300), b"<"])
                   for _ in range(rng.randint(0, 80)))
    blocks, at = [], 0
    while at < len(xml):
        n = rng.randint(1, 120)
        blocks.append(xml[at:at + n])
        at += n
    monkeypatch.setattr(safety, "_inflated", lambda zf, info: iter(blocks))
    monkeypatch.setattr(safety, "MAX_TAG", 200)
    got: list = []
    try:
        for chunk in safety._sheet_chunks(None, None, "t.xlsx"):
            got.append(chunk)
    except TrackerError:
        got.append("refused")
    assert got == list(_chunks_as_before(blocks, 200))
    if "refused" not in got:
        assert b"".join(got) == xml and all(c.startswith(b"<") for c in got[1:])
