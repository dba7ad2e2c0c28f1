"""A large sheet parsed in two halves at once gives python-calamine's grid of the whole sheet.

reader/halves.py cuts the sheet part (kept inflated by the safety check) at a <row> tag,
has python-calamine parse both halves in two threads and joins the grids. Here the joined
grid is compared with python-calamine's own parse of the whole sheet on random sheets
(gaps, ragged and wider or narrower halves, every cell type, any cut), the cuts that could
change a cell are shown not to be made, and a large tracker reads exactly as before.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from test_sheet_scan import _typed, first_halves
from trackers import fast_tracker

from followup_xl import safety
from followup_xl.a1 import column_letter
from followup_xl.reader import halves
from followup_xl.tracker import read_tracker

MEMBER = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:T999"/><sheetData>')
TAIL = b'</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A small tracker whose workbook parts (styles: s="1" is a date) hold the sheets below."""
    return fast_tracker(tmp_path_factory.mktemp("halves") / "base.xlsx", 3, as_of=dt.date(2026, 11, 25))


def _workbook(base: Path, dst: Path, sheet: bytes) -> Path:
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, sheet if name == MEMBER else zin.read(name))
    return dst


def _chunks(xml: bytes, rng: random.Random) -> list[bytes]:
    """The part in chunks that end just before a '<', as the safety check streams it."""
    out, at = [], 0
    while at < len(xml):
        end = xml.rfind(b"<", at + 1, at + rng.randint(20, 400))
        end = len(xml) if end <= at or at + 400 >= len(xml) else end
        out.append(xml[at:end])
        at = end
    return out


def _cell(ref: str, rng: random.Random) -> bytes:
    kind = rng.randrange(9)
    if kind == 0:
        return f'<c r="{ref}" t="inlineStr"><is><t>text {rng.randint(0, 99)}</t></is></c>'.encode()
    if kind == 1:
        return f'<c r="{ref}" s="1"><v>{rng.randint(40000, 47000)}</v></c>'.encode()
    if kind == 2:
        return f'<c r="{ref}" t="b"><v>{rng.randint(0, 1)}</v></c>'.encode()
    if kind == 3:
        return f'<c r="{ref}" t="e"><v>#N/A</v></c>'.encode()
    if kind == 4:
        return f'<c r="{ref}" s="1"/>'.encode()  # styled, empty
    if kind == 5:
        return f'<c r="{ref}"><f>1+1</f><v>2</v></c>'.encode()
    if kind == 6:
        return f'<c r="{ref}" t="str"><f>"a"</f><v>a</v></c>'.encode()
    return f'<c r="{ref}"><v>{rng.uniform(-50, 5000):.3f}</v></c>'.encode()


def _random_sheet(rng: random.Random) -> bytes:
    rows, r = [], rng.randint(1, 6)
    for _ in range(rng.randint(2, 60)):
        width = rng.choice((3, 8, 20))
        cols = sorted(rng.sample(range(1, width + 1), rng.randint(0, width)))
        cells = b"".join(_cell(f"{column_letter(c)}{r}", rng) for c in cols)
        attrs = f' r="{r}"' + (' spans="1:20"' if rng.random() < 0.3 else "")
        rows.append(f"<row{attrs}>".encode() + cells + b"</row>" if cells or rng.random() < 0.5
                    else f"<row{attrs}/>".encode())
        r += rng.choice((1, 1, 1, 2, 7))
    return HEAD + b"".join(rows) + TAIL


def _whole(path: Path) -> list:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Tracker").to_python(skip_empty_area=False)


def _halves(path: Path, chunks: list[bytes]):
    with zipfile.ZipFile(path) as zf:
        others = halves.workbook_parts(zf, MEMBER, [])
    return halves.parse_halves(list(chunks), MEMBER, "Tracker", others)


@pytest.mark.parametrize("seed", range(120))
def test_the_joined_halves_are_the_whole_grid(base, tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    xml = _random_sheet(rng)
    path = _workbook(base, tmp_path / "random.xlsx", xml)
    monkeypatch.setattr(halves, "TOP_SHARE", rng.uniform(0.05, 0.95))
    if seed % 3 == 0:  # the portable way in: python-calamine reads the archive through Python
        monkeypatch.delattr(os, "memfd_create", raising=False)
    grid = _halves(path, _chunks(xml, rng))
    rows = xml[len(HEAD):xml.index(b"</sheetData>")]
    cuttable = rows.find(b"<row", int(len(rows) * halves.TOP_SHARE)) > 0  # a row starts after the point
    assert (grid is not None) == cuttable
    if grid is not None:
        assert grid == _whole(path)


@pytest.mark.parametrize("seed", range(80))
def test_a_first_half_begun_during_the_check_joins_to_the_whole_grid(base, tmp_path, monkeypatch, seed):
    """The way the reader goes: the check offers its chunks as they pass (Split.offer),
    the first half begins past PIPE_SHARE, Split.finish parses the rest after the check."""
    rng = random.Random(1000 + seed)
    xml = _random_sheet(rng) if seed % 4 else _random_sheet(rng).replace(
        b"<pageMargins", b'<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells><pageMargins')
    path = _workbook(base, tmp_path / "random.xlsx", xml)
    monkeypatch.setattr(halves, "PIPE_SHARE", rng.uniform(0.05, 0.95))
    if seed % 3 == 0:
        monkeypatch.delattr(os, "memfd_create", raising=False)
    chunks = _chunks(xml, rng)
    split = halves.Split(path.read_bytes())
    kept: list[bytes] = []
    try:
        for chunk in chunks:
            kept.append(chunk)
            if split.offer(MEMBER, "Tracker", (MEMBER,), kept, len(xml)):
                break
        kept += chunks[len(kept):]
        grid = split.finish(kept, MEMBER, "Tracker")
    finally:
        split.close()
    if split.member is not None:  # a first half began: the join is the whole grid
        assert grid == _whole(path)
    else:
        assert grid is None


def test_a_cut_is_made_at_a_row_and_keeps_the_head_and_the_tail():
    xml = HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>' + TAIL
    top, bottom = halves.split_xml([xml], share=0.5)
    assert b"".join(top) == HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>' + TAIL
    assert b"".join(bottom) == HEAD + b'<row r="2"><c r="A2"><v>2</v></c></row>' + TAIL


ROWS = b"".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
               for r in range(1, 41))


@pytest.mark.parametrize("xml", [
    # a comment, a CDATA section, a processing instruction spanning the cut: the first half
    # is left unclosed, python-calamine refuses it, the sheet is parsed whole
    HEAD + ROWS[:200] + b"<!-- " + ROWS[200:-300] + b" -->" + ROWS[-300:] + TAIL,
    HEAD + ROWS[:200] + b"<?pi " + ROWS[200:-300] + b" ?>" + ROWS[-300:] + TAIL,
    HEAD + ROWS[:-120] + b'<row r="41"><c r="A41" t="inlineStr"><is><t><![CDATA[' + ROWS[-600:]
    + b"]]></t></is></c></row>" + TAIL,
    # a comment before the rows and one after them: no cut at all
    HEAD.replace(b"<sheetData>", b"<!-- x --><sheetData>") + ROWS + TAIL.replace(b"</worksheet>", b"<!-- --></worksheet>"),
    HEAD.replace(b"<sheetData>", b"<!-- <sheetData> --><sheetData>") + ROWS + TAIL,
    HEAD.replace(b"<sheetData>", b"<!-- <sheetData> --><sheetData>") + ROWS
    + TAIL.replace(b"</worksheet>", b"<!-- --></worksheet>"),
    # rows out of order: the halves overlap
    HEAD + ROWS[len(ROWS) // 2:] + ROWS[:len(ROWS) // 2] + TAIL,
    HEAD + ROWS + b'<row r="3"><c r="C3"><v>1</v></c></row>' + TAIL,
    # no rows to cut
    HEAD.replace(b"<sheetData>", b"<sheetData/>") + TAIL.replace(b"</sheetData>", b""),
    HEAD + TAIL,
])
def test_a_cut_that_could_change_a_cell_is_not_made(base, tmp_path, xml):
    path = _workbook(base, tmp_path / "odd.xlsx", xml)
    try:
        whole = _whole(path)
    except Exception:  # noqa: BLE001 - python-calamine cannot read it whole either
        whole = None
    for share in (0.2, 0.5, 0.8):
        grid = None
        for seed in range(3):
            chunks = _chunks(xml, random.Random(seed))
            with zipfile.ZipFile(path) as zf:
                others = halves.workbook_parts(zf, MEMBER, [])
            halves.TOP_SHARE, saved = share, halves.TOP_SHARE
            try:
                grid = halves.parse_halves(chunks, MEMBER, "Tracker", others)
            finally:
                halves.TOP_SHARE = saved
            assert grid is None or grid == whole, (share, seed)


def test_the_check_keeps_only_plain_parts(base, tmp_path, monkeypatch):
    """The check keeps a part inflated only when every cell tag is a plain <c r="...">
    (then no cell's place depends on the rows before it), and the chunks are the part."""
    monkeypatch.setattr(safety, "KEEP_FROM", 0)
    xml = HEAD + ROWS + TAIL
    plain = _workbook(base, tmp_path / "plain.xlsx", xml)
    seen = safety.workbook_check(plain)
    assert b"".join(seen.inflated[MEMBER]) == xml
    odd = _workbook(base, tmp_path / "odd.xlsx", HEAD + ROWS + b"<row><c><v>1</v></c></row>" + TAIL)
    assert safety.workbook_check(odd).inflated == {}
    assert safety.workbook_check(plain, keep_from=None).inflated == {}


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A tracker past safety.KEEP_FROM, with an error cell and a formula with no stored
    result in each half."""
    from test_hostile import add_cells

    root = tmp_path_factory.mktemp("big")
    path = fast_tracker(root / "big.xlsx", 15_000, as_of=dt.date(2026, 11, 25))
    odd = (b'<row r="15003"><c r="A15003" t="inlineStr"><is><t>Err Inc</t></is></c>'
           b'<c r="G15003" t="e"><v>#N/A</v></c></row>'
           b'<row r="15004"><c r="A15004" t="inlineStr"><is><t>Formula Ltd</t></is></c>'
           b'<c r="G15004"><f>TODAY()-3</f></c></row>')
    path = add_cells(path, root / "odd.xlsx", odd)
    early = (b'<c r="G5" t="e"><v>#DIV/0!</v></c>', b'<c r="H6"><f>1/0</f></c>')
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(MEMBER)
        assert zf.getinfo(MEMBER).file_size >= safety.KEEP_FROM
    for cell in early:  # an error and a formula in the first half too
        ref = cell.split(b'"')[1]
        start = xml.index(b'<c r="' + ref + b'"')
        xml = xml[:start] + cell + xml[xml.index(b"</c>", start) + 4:]
    return _workbook(path, root / "big-odd.xlsx", xml)


def _spied(monkeypatch) -> list[str]:
    """Which way each read parsed the large sheet: "pipelined" (the first half begun while
    the check read on), "halves" (both after the check), or neither."""
    used: list[str] = []
    finish, parse = halves.Split.finish, halves.parse_halves

    def spy_finish(self, *args, **kwargs):
        grid = finish(self, *args, **kwargs)
        if grid is not None:
            used.append("pipelined")
        return grid

    def spy_parse(*args, **kwargs):
        grid = parse(*args, **kwargs)
        if grid is not None:
            used.append("halves")
        return grid

    from followup_xl.reader import workbook

    monkeypatch.setattr(halves.Split, "finish", spy_finish)
    monkeypatch.setattr(workbook, "parse_halves", spy_parse)
    return used


def _threads() -> list[str]:
    import threading

    return sorted(t.name for t in threading.enumerate() if t.name.startswith("followup-xl"))


@pytest.mark.parametrize("share", [0.05, 0.5, 0.95])
def test_a_large_tracker_reads_in_halves_as_it_reads_whole(big, monkeypatch, share):
    used = _spied(monkeypatch)
    monkeypatch.setattr(halves, "PIPE_SHARE", share)
    in_halves = read_tracker(big)
    assert used == ["pipelined"] and _threads() == []
    monkeypatch.setattr(halves.Split, "offer", lambda self, *a: True)  # no first half during the check
    assert _typed(read_tracker(big)) == _typed(in_halves)
    assert used == ["pipelined", "halves"]
    monkeypatch.setattr(safety, "KEEP_FROM", 1 << 62)
    whole = read_tracker(big)
    assert used == ["pipelined", "halves"]
    assert _typed(in_halves) == _typed(whole)
    shown = " ".join(f"{p.row} {p.column} {p.message}" for p in in_halves.problems)
    for row in ("15003", "15004"):
        assert row in shown, shown


@pytest.mark.parametrize("late", [
    b'<row r="15009"><c r="XFD15009"><v>1</v></c></row>',  # a far cell: refused
    b'<row r="15009"><c r="B15009" t="inlineStr"><is><t>x</t></is></c><c><v>7</v></c></row>',  # odd tag
    b'<row r="15009"><c r="A15009" t="inlineStr"><is><t>Neg</t></is></c><c r="F15009" s="1"><v>-1e308</v></c></row>',
    b'<row r="15009"><c r="A15009" t="inlineStr"><is><t>Neg</t></is></c><c r="F15009" s="1"><v>-3</v></c></row>',
])
def test_what_the_check_finds_after_the_first_half_began_is_as_before(big, tmp_path, monkeypatch, late):
    """The first half is parsed while the check reads on: a far cell, an odd cell tag or an
    odd number found later gives the same refusal or the same read as without halves, and
    no thread of the first half outlives the read."""
    from test_hostile import add_cells

    path = add_cells(big, tmp_path / "late.xlsx", late)
    used = _spied(monkeypatch)
    monkeypatch.setattr(halves, "PIPE_SHARE", 0.3)
    started = first_halves(monkeypatch)

    def outcome():
        try:
            return _typed(read_tracker(path))
        except Exception as exc:  # noqa: BLE001 - the refusal is the outcome
            return ("refused", type(exc).__name__, str(exc))

    first = outcome()
    assert any(started) and _threads() == [] and used == []
    monkeypatch.setattr(safety, "KEEP_FROM", 1 << 62)
    assert outcome() == first


def test_a_half_python_calamine_cannot_open_is_read_whole(big, monkeypatch):
    whole = _typed(read_tracker(big))
    calls = []
    real = halves._open

    def fail_second(archive):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("no memory file here")
        return real(archive)

    monkeypatch.setattr(halves, "_open", fail_second)
    assert _typed(read_tracker(big)) == whole
    assert len(calls) == 2


@pytest.mark.parametrize("names, kept", [(("Archive", "Tracker"), "Tracker"), (("Archive", "Jobs"), "Archive")])
def test_the_check_keeps_one_part_the_trackers(tmp_path, monkeypatch, names, kept):
    """One part is kept inflated, whatever else the workbook holds: the Tracker sheet's, or
    else the first large one (the memory the reader needs is then one sheet's)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = names[0]
    book.create_sheet(names[1])
    for ws in book.worksheets:
        for r in range(1, 30):
            ws.append(["Acme", "Analyst", r])
    path = tmp_path / "two.xlsx"
    book.save(path)
    monkeypatch.setattr(safety, "KEEP_FROM", 0)
    seen = safety.workbook_check(path)
    part = f"xl/worksheets/sheet{names.index(kept) + 1}.xml"
    assert list(seen.inflated) == [part]


@pytest.mark.parametrize("when", ["during the check", "after the check"])
def test_no_memory_for_a_half_reads_the_sheet_whole(big, monkeypatch, when):
    """Writing a half's archive fails (here: MemoryError): the sheet is read whole, the same."""
    whole = _typed(read_tracker(big))
    real, calls = halves._archive, []

    def fail(*args):
        calls.append(1)
        if (when == "during the check") == (len(calls) == 1):
            raise MemoryError
        return real(*args)

    monkeypatch.setattr(halves, "_archive", fail)
    assert _typed(read_tracker(big)) == whole
    assert calls and _threads() == []
