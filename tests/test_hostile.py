"""Hostile and broken workbooks are refused cleanly, fast and in bounded memory (issue 6).

Every file here is made by the test itself: a billion-laughs DOCTYPE inside a sheet, a
sheet that really inflates to gigabytes, a zip with a hundred thousand parts, sizes that
lie, truncated archives, a renamed CSV, an encrypted-looking and an old-.xls-looking
compound file. Each is run through the real `followup-xl check` and `followup-xl weekly`
processes: exit 1, one line, no traceback, within seconds, peak memory measured with
os.wait4 (the child's own ru_maxrss) under an address-space limit.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
import resource
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from followup_xl import cli, safety
from followup_xl.errors import FollowupError, TrackerError
from required import require_module

GIB = 1 << 30
MEMORY_CAP = 2 * GIB  # RLIMIT_AS of each child: a regression fails instead of eating the machine
MAX_RSS_MB = 400  # a refusal needs the interpreter and its imports, nothing more
MAX_SECONDS = 10
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
AS_OF = dt.date(2026, 11, 30)  # a Monday


# --------------------------------------------------------------------------- running the CLI

@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    maxrss_mb: float

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.out + self.err).splitlines() if line.strip()]


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> Run:
    """`python -m followup_xl ARGS` in a child; its own peak RSS comes from os.wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "followup_xl", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_cap_memory,
                            env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    reader.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    out = proc.stdout.read()
    reader.join()
    _, status, usage = os.wait4(proc.pid, 0)
    killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    return Run(proc.returncode, out.decode("utf-8", "replace"), err[0].decode("utf-8", "replace"),
               time.perf_counter() - start, usage.ru_maxrss / 1024)


def assert_refused(run: Run, name: str, *phrases: str) -> None:
    """The spec's standard: exit 1, one sentence naming the file, no traceback, fast, small."""
    text = run.out + run.err
    assert "Traceback" not in text and "panicked" not in text, text
    assert run.code == 1, text
    assert len(run.lines) == 1, text
    assert name in run.lines[0], text
    for phrase in phrases:
        assert phrase in run.lines[0], text
    assert run.seconds < MAX_SECONDS, f"{run.seconds:.1f} s"
    assert run.maxrss_mb < MAX_RSS_MB, f"{run.maxrss_mb:.0f} MB"


# --------------------------------------------------------------------------- building files

def good_tracker(path: Path) -> Path:
    """A small, valid tracker: one row due in AS_OF's week."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Company", "Contact name", "Contact email", "Last contact", "Status"])
    ws.append(["Acme", "Dana Smith", "dana@acme.example", dt.date(2026, 11, 23), "Interviewing"])
    ws.append(["Globex", "Lee Park", "lee@globex.example", dt.date(2026, 11, 25), "Waiting"])
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, changes: dict) -> Path:
    """Copy a workbook with some parts' bytes changed (or added): part -> bytes -> bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        for name in names:
            data = zin.read(name)
            zout.writestr(name, changes[name](data) if name in changes else data)
        for part in changes:
            if part not in names:
                zout.writestr(part, changes[part](b""))
    return dst


def rewrite_part(src: Path, dst: Path, part: str, change) -> Path:
    return rewrite(src, dst, {part: change})


LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [\n'
          b'<!ENTITY lol "lollollollollollollollollollollollollollollollollollollollol">\n'
          + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")) * 10)
                     for i in range(1, 10))
          + b"]>\n")


def _without_declaration(data: bytes) -> bytes:
    return data.split(b"?>", 1)[-1].lstrip() if data.startswith(b"<?xml") else data


def billion_laughs(src: Path, dst: Path, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A DOCTYPE whose entity &lol9; expands to 10^9 'lol's (3 GB), used in a cell of the sheet;
    part="xl/sharedStrings.xml" moves the cell's text (and the entity) to a shared-strings table."""
    if part == "xl/sharedStrings.xml":
        return with_shared_strings(src, dst, LAUGHS + f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1">'.encode()
                                   + b"<si><t>Acme &lol9;</t></si></sst>")

    def change(data: bytes) -> bytes:
        body = _without_declaration(data).replace(
            b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>', 1)
        return LAUGHS + body

    return rewrite_part(src, dst, part, change)


def write_raw_zip(path: Path, members: list[tuple[str, int, bytes, int, int]]) -> Path:
    """A zip written by hand: (name, method, compressed bytes, crc32, uncompressed size) each,
    so a precomputed deflate stream goes in as it is."""
    with open(path, "wb") as fh:
        central = []
        for name, method, comp, crc, usize in members:
            offset = fh.tell()
            raw = name.encode()
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(comp), usize,
                                 len(raw), 0) + raw)
            fh.write(comp)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc,
                                       len(comp), usize, len(raw), 0, 0, 0, 0, 0, offset) + raw)
        start = fh.tell()
        directory = b"".join(central)
        fh.write(directory)
        count = len(members)
        if count > 0xFFFF:  # zip64 end records, as a real million-part archive has
            record = fh.tell()
            fh.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(directory), start))
            fh.write(struct.pack("<IIQI", 0x07064B50, 0, record, 1))
            count = 0xFFFF
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return path


def deflated(data: bytes) -> tuple[str, int, bytes, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return ("", zipfile.ZIP_DEFLATED, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def repeated_deflate(prefix: bytes, chunk: bytes, repeats: int, suffix: bytes) -> tuple[bytes, int, int]:
    """One deflate stream of prefix + chunk*repeats + suffix, built in milliseconds.

    After a full flush the compressor forgets everything, so each chunk compresses to the
    same bytes: compress it once and repeat them. Returns (stream, crc32, size).
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again  # the premise of the construction
    tail = c.compress(suffix) + c.flush()
    crc = zlib.crc32(prefix)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return head + block * repeats + tail, crc, len(prefix) + len(chunk) * repeats + len(suffix)


BOMB_PREFIX = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}"><sheetData>'
               '<row r="1"><c r="A1" t="inlineStr"><is><t>Company</t></is></c></row>'
               '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode()
BOMB_SUFFIX = b"</t></is></c></row></sheetData></worksheet>"


def sheet_bomb(src: Path, dst: Path, gib: int = 3) -> Path:
    """The tracker with a sheet whose one cell inflates to `gib` GiB of text (~1 MB on disk)."""
    stream, crc, size = repeated_deflate(BOMB_PREFIX, b"A" * (1 << 20), gib * 1024, BOMB_SUFFIX)
    members = []
    with zipfile.ZipFile(src) as zin:
        for name in zin.namelist():
            if name == "xl/worksheets/sheet1.xml":
                members.append((name, zipfile.ZIP_DEFLATED, stream, crc, size))
            else:
                members.append((name, *deflated(zin.read(name))[1:]))
    return write_raw_zip(dst, members)


def many_parts(src: Path, dst: Path, count: int = 100_000) -> Path:
    """A valid tracker plus `count` empty parts (a directory bomb)."""
    members = []
    with zipfile.ZipFile(src) as zin:
        for name in zin.namelist():
            members.append((name, *deflated(zin.read(name))[1:]))
    empty = deflated(b"")[1:]
    members += [(f"xl/media/x{i}.bin", *empty) for i in range(count)]
    return write_raw_zip(dst, members)


def lying_size(src: Path, dst: Path, declared: int, inflates_to: int) -> Path:
    """The sheet part declares `declared` bytes but its deflate stream holds `inflates_to`."""
    stream, crc, _ = repeated_deflate(BOMB_PREFIX, b"A" * (1 << 20), inflates_to >> 20, BOMB_SUFFIX)
    members = []
    with zipfile.ZipFile(src) as zin:
        for name in zin.namelist():
            if name == "xl/worksheets/sheet1.xml":
                members.append((name, zipfile.ZIP_DEFLATED, stream, crc, declared))
            else:
                members.append((name, *deflated(zin.read(name))[1:]))
    return write_raw_zip(dst, members)


def ole2(path: Path, streams: list[str], filler_sectors: int = 0) -> Path:
    """A minimal OLE2 compound file: header, `filler_sectors` of noise, then a directory
    sector naming `streams` (the header points at it, as a real one does)."""
    header = bytearray(512)
    header[:8] = safety.OLE2_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)  # FAT sectors
    struct.pack_into("<I", header, 0x30, filler_sectors)  # first directory sector
    directory = bytearray(512)
    for k, name in enumerate(streams[:4]):
        raw = name.encode("utf-16-le")
        entry = k * 128
        directory[entry:entry + len(raw)] = raw
        struct.pack_into("<HB", directory, entry + 64, len(raw) + 2, 5 if k == 0 else 2)
    noise = os.urandom(512 * filler_sectors).replace(b"\x00", b"\x01")
    path.write_bytes(bytes(header) + noise + bytes(directory))
    return path


def add_cells(src: Path, dst: Path, xml: bytes) -> Path:
    """The tracker with rows/cells (raw XML) appended to its sheet."""
    return rewrite_part(src, dst, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", xml + b"</sheetData>"))


def far_cell(src: Path, dst: Path) -> Path:
    """One number in the last cell Excel has, XFD1048576: a 5 KB file whose grid is 17 billion
    cells (python-calamine would allocate 550 GB and abort the whole process)."""
    return add_cells(src, dst, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def huge_unique_count(src: Path, dst: Path, count: int = 4_000_000_000) -> Path:
    """A shared-strings table claiming 4 billion entries: python-calamine reserves room for
    them up front (96 GB) and aborts."""
    return with_shared_strings(src, dst, f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="{count}">'.encode()
                               + b"<si><t>Acme</t></si></sst>")


def with_shared_strings(src: Path, dst: Path, sst: bytes) -> Path:
    """The tracker with cell A2 (Company) moved into a shared-strings part whose XML is sst."""
    rel = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml" Id="rId99" /></Relationships>')
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>')
    return rewrite(src, dst, {
        "xl/worksheets/sheet1.xml": lambda d: d.replace(
            b'<c r="A2" t="inlineStr"><is><t>Acme</t></is></c>', b'<c r="A2" t="s"><v>0</v></c>'),
        "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rel),
        "[Content_Types].xml": lambda d: d.replace(b"</Types>", override),
        "xl/sharedStrings.xml": lambda d: sst,
    })


ENCRYPTED_STREAMS = ["Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]
XLS_STREAMS = ["Root Entry", "Workbook", "\x05SummaryInformation", "\x05DocumentSummaryInformation"]


# --------------------------------------------------------------------------- the hostile set

@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """name -> (path, phrases its refusal must contain)."""
    d = tmp_path_factory.mktemp("hostile")
    good = good_tracker(d / "good.xlsx")
    made: dict[str, tuple[Path, tuple[str, ...]]] = {}

    def add(key: str, path: Path, *phrases: str) -> None:
        made[key] = (path, phrases)

    add("laughs_sheet", billion_laughs(good, d / "laughs.xlsx"), "document type declaration")
    add("laughs_strings", billion_laughs(good, d / "laughs_strings.xlsx", "xl/sharedStrings.xml"),
        "document type declaration")
    add("laughs_workbook", billion_laughs(good, d / "laughs_workbook.xlsx", "xl/workbook.xml"),
        "document type declaration")
    add("sheet_bomb", sheet_bomb(good, d / "bomb.xlsx"), "zip bomb")
    add("many_parts", many_parts(good, d / "parts.xlsx"), "parts, far more than any workbook", "zip bomb")
    add("lying_size", lying_size(good, d / "liar.xlsx", declared=4096, inflates_to=512 << 20), "impossible")
    data = good.read_bytes()
    (d / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    add("truncated", d / "truncated.xlsx", "truncated")
    (d / "clients.xlsx").write_text("Company,Contact name,Last contact\nAcme,Dana,2026-11-23\n", encoding="utf-8")
    add("renamed_csv", d / "clients.xlsx", "not an Excel workbook", "text or CSV")
    (d / "photo.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    add("renamed_binary", d / "photo.xlsx", "not an Excel workbook")
    (d / "empty.xlsx").write_bytes(b"")
    add("empty", d / "empty.xlsx", "empty")
    add("encrypted", ole2(d / "secret.xlsx", ENCRYPTED_STREAMS), "encrypted", "password")
    add("encrypted_far", ole2(d / "secret_big.xlsx", ENCRYPTED_STREAMS, filler_sectors=2048), "encrypted")
    add("old_xls", ole2(d / "old.xlsx", XLS_STREAMS), "old .xls", "save it as .xlsx")
    add("old_doc", ole2(d / "letter.xlsx", ["Root Entry", "WordDocument"]), "not an Excel workbook")
    add("far_cell", far_cell(good, d / "far.xlsx"), "row 1,048,576 and column XFD", "Ctrl+End")
    add("shared_strings_count", huge_unique_count(good, d / "count.xlsx"), "4,000,000,000 entries", "impossible")
    # a number python-calamine panics on in a date cell, in a cell without a position (one with
    # a position is put back by the reader: a problem of its row, test_odd_numbers_...)
    add("negative_date", add_cells(good, d / "negative.xlsx", b'<row r="9"><c s="1"><v>-1e308</v></c></row>'),
        "a cell", "cannot be read as a date")
    wb = openpyxl.Workbook()
    wb.active.title = "Applications"
    wb.save(d / "no_tracker.xlsx")
    add("no_tracker", d / "no_tracker.xlsx", "no sheet whose header row names a Company column",
        "'Applications'", "--sheet")
    with zipfile.ZipFile(d / "archive.xlsx", "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    add("plain_zip", d / "archive.xlsx", "not an Excel workbook")
    return made


HOSTILE = ["laughs_sheet", "laughs_strings", "laughs_workbook", "sheet_bomb", "many_parts", "lying_size",
           "far_cell", "shared_strings_count", "negative_date",
           "truncated", "renamed_csv", "renamed_binary", "empty", "encrypted", "encrypted_far", "old_xls",
           "old_doc", "plain_zip"]
# Refused by the reader, not by the safety check: which sheet holds the applications is the
# reader's choice (SPEC "Which sheet").
REFUSED = HOSTILE + ["no_tracker"]


@pytest.mark.parametrize("key", HOSTILE)
def test_check_workbook_refuses_in_one_sentence(files, key):
    path, phrases = files[key]
    start = time.perf_counter()
    with pytest.raises(TrackerError) as info:
        safety.check_workbook(path)
    assert time.perf_counter() - start < 1.0
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message and message.endswith(".")
    for phrase in phrases:
        assert phrase in message


@pytest.mark.parametrize("command", ["check", "weekly"])
@pytest.mark.parametrize("key", REFUSED)
def test_cli_refuses_each_hostile_file(files, key, command, tmp_path):
    path, phrases = files[key]
    args = [command, str(path)] + (["--as-of", AS_OF.isoformat(), "-o", str(tmp_path / "out.json")]
                                   if command == "weekly" else [])
    run = run_cli(*args, cwd=tmp_path)
    print(f"{key} {command}: exit {run.code}, {run.seconds:.2f} s, peak RSS {run.maxrss_mb:.0f} MB")  # pytest -s
    assert_refused(run, path.name, *phrases)
    assert not list(tmp_path.iterdir())  # no output, not even a half-written one


def test_the_sheet_bomb_really_inflates_to_gigabytes(files):
    """The bomb is real, not just a big number in a header. Its stream is head + block*N +
    tail where each block, byte-aligned after a full flush, inflates alone to 1 MiB of text;
    the declared size and CRC are those of the whole text (computed independently here), and
    the first 256 MiB really stream out of the file (inflating all 3 GiB takes ~12 s)."""
    path, _ = files["sheet_bomb"]
    assert path.stat().st_size < 8 << 20
    chunk = b"A" * (1 << 20)
    stream, crc, size = repeated_deflate(BOMB_PREFIX, chunk, 2, BOMB_SUFFIX)
    assert zlib.decompress(stream, -15) == BOMB_PREFIX + chunk * 2 + BOMB_SUFFIX
    expected_crc = zlib.crc32(BOMB_SUFFIX, functools.reduce(lambda c, _: zlib.crc32(chunk, c), range(3072),
                                                            zlib.crc32(BOMB_PREFIX)))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size == len(BOMB_PREFIX) + 3 * GIB + len(BOMB_SUFFIX) and info.CRC == expected_crc
        with zf.open(info) as member:
            assert member.read(len(BOMB_PREFIX)) == BOMB_PREFIX
            for _ in range(4):
                assert member.read(64 << 20) == b"A" * (64 << 20)


def test_declared_sizes_are_checked_before_the_directory_is_loaded(files):
    """A hundred thousand parts are refused from the end record alone (zipfile never builds
    them): quick, and the error names the count."""
    path, _ = files["many_parts"]
    start = time.perf_counter()
    with pytest.raises(TrackerError, match=r"100,0\d\d parts"):
        safety.check_workbook(path)
    assert time.perf_counter() - start < 0.2


# --------------------------------------------------------------------------- parsers themselves

CHILD_CALAMINE = """
import resource, sys
from python_calamine import CalamineWorkbook
try:
    rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name("Tracker").to_python()
    text = "".join(str(c) for r in rows for c in r)
    print("READ", len(text), "root:" in text)
except Exception as exc:
    print("ERROR", type(exc).__name__, str(exc)[:200].replace("\\n", " "))
# The child's own peak (VmHWM is per address space, reset by exec; ru_maxrss keeps the
# forked pytest parent's peak, which grows with the suite).
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1], file=sys.stderr)
"""


def run_python(code: str, *args: str) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_cap_memory)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    return Run(proc.returncode, out.decode(), err.decode(), time.perf_counter() - start, usage.ru_maxrss / 1024)


@pytest.mark.parametrize("key", ["laughs_sheet", "laughs_strings"])
def test_calamine_does_not_expand_entities(files, key):
    """Even without the DOCTYPE refusal, python-calamine does not expand a billion laughs:
    it stops with an XML error (the sheet: "unrecognized entity"), in a few MB."""
    path, _ = files[key]
    run = run_python(CHILD_CALAMINE, str(path))
    assert run.code == 0, run.err
    assert run.out.startswith("ERROR XmlError"), run.out  # refused, never a huge string
    own_peak_mb = int(run.err.split()[-1]) / 1024
    assert own_peak_mb < 200 and run.seconds < MAX_SECONDS


def test_calamine_does_not_read_external_entities(tmp_path):
    """An external entity (XXE) naming /etc/passwd is never fetched into a cell."""
    good = good_tracker(tmp_path / "good.xlsx")
    xxe = b'<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'

    def change(data: bytes) -> bytes:
        return xxe + _without_declaration(data).replace(b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr"><is><t>&xxe;</t></is>'
                                                   b"</c></row></sheetData>", 1)

    path = rewrite_part(good, tmp_path / "xxe.xlsx", "xl/worksheets/sheet1.xml", change)
    run = run_python(CHILD_CALAMINE, str(path))
    assert "True" not in run.out and ("ERROR" in run.out or "READ" in run.out), run.out + run.err
    with pytest.raises(TrackerError, match="document type declaration"):
        safety.check_workbook(path)


@pytest.mark.parametrize("key", ["laughs_sheet", "laughs_strings", "laughs_workbook"])
def test_openpyxl_refuses_entities_through_defusedxml(files, key):
    """openpyxl parses through defusedxml: the same files raise instead of expanding."""
    from defusedxml import DefusedXmlException

    safety.ensure_defusedxml()
    path, _ = files[key]
    with pytest.raises(Exception) as info:  # openpyxl wraps it in a ValueError
        wb = openpyxl.load_workbook(path, read_only=True)
        for _ in wb["Tracker"].iter_rows(values_only=True):
            pass
    chain, exc = [], info.value
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert any(isinstance(e, DefusedXmlException) for e in chain), chain


def test_parsers_stop_at_a_lying_declared_size(files):
    """A part that inflates beyond its declared size: zipfile and calamine both stop at the
    declared size (CRC / size error) instead of inflating on, so a lie the cheap check cannot
    see costs nothing. Here the lie is plausible (the stream is 1:100 over its claim)."""
    good = files["truncated"][0].with_name("good.xlsx")
    path = lying_size(good, good.with_name("subtle_liar.xlsx"), declared=64 << 20, inflates_to=1 << 30)
    with pytest.raises(TrackerError, match="damaged or incomplete|single text or tag"):
        safety.check_workbook(path)  # the directory looks sane (64 MB at ratio ~60); streaming does not
    with zipfile.ZipFile(path) as zf, pytest.raises(zipfile.BadZipFile):
        with zf.open("xl/worksheets/sheet1.xml") as member:
            while member.read(16 << 20):
                pass
    run = run_python(CHILD_CALAMINE, str(path))
    assert run.out.startswith("ERROR"), run.out + run.err
    assert run.maxrss_mb < 400, run.maxrss_mb
    cli_run = run_cli("check", str(path), cwd=path.parent)
    assert_refused(cli_run, path.name)


# --------------------------------------------------------------------------- start-up check

def test_ensure_defusedxml_passes_here():
    safety.ensure_defusedxml()


def test_ensure_defusedxml_fails_when_openpyxl_falls_back(monkeypatch):
    import openpyxl.xml

    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(FollowupError, match="pip install defusedxml") as info:
        safety.ensure_defusedxml()
    assert "\n" not in str(info.value)


def test_openpyxl_without_defusedxml_is_detected_in_a_fresh_process(tmp_path):
    """OPENPYXL_DEFUSEDXML=False makes openpyxl parse with the standard library: the tool
    notices at start-up and says how to fix it."""
    good = good_tracker(tmp_path / "good.xlsx")
    code = "from followup_xl import safety\ntry:\n    safety.ensure_defusedxml()\nexcept Exception as e:\n    print(e)\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "OPENPYXL_DEFUSEDXML": "False"})
    assert "openpyxl is not using defusedxml" in proc.stdout, proc.stdout + proc.stderr
    assert good.exists()


# --------------------------------------------------------------------------- folder runs

def test_folder_run_lists_each_refused_file_and_keeps_the_rest(files, tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    good_tracker(folder / "alice.xlsx")
    good_tracker(folder / "bob.xlsx")
    refused = {}
    for key in ("laughs_sheet", "sheet_bomb", "truncated", "renamed_csv", "encrypted", "old_xls", "no_tracker"):
        path, phrases = files[key]
        target = folder / f"{key}.xlsx"
        target.write_bytes(path.read_bytes())
        refused[target.name] = phrases
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    out = tmp_path / "week.json"
    run = run_cli("weekly", str(folder), "--as-of", AS_OF.isoformat(), "-o", str(out), cwd=tmp_path)
    assert "Traceback" not in run.out + run.err
    assert run.code == 0, run.out + run.err
    assert run.seconds < 3 * MAX_SECONDS and run.maxrss_mb < MAX_RSS_MB
    result = json.loads(out.read_text(encoding="utf-8"))
    whole_file = {p["tracker"]: p for p in result["problems"] if p["row"] is None and p["severity"] == "error"}
    assert set(whole_file) == set(refused)
    for name, phrases in refused.items():
        assert all(phrase in whole_file[name]["message"] for phrase in phrases), whole_file[name]
    assert {i["tracker"] for i in result["items"]} == {"alice.xlsx", "bob.xlsx"}
    counts = result["counts"]
    assert counts["rows"] == 4 == sum(v for k, v in counts.items() if k != "rows")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # inputs only read


def test_build_weekly_turns_a_refusal_into_a_problem(files, tmp_path):
    from followup_xl.weekly import build_weekly

    good = good_tracker(tmp_path / "good.xlsx")
    bomb, _ = files["sheet_bomb"]
    result = build_weekly([good, bomb], as_of=AS_OF)
    problem = next(p for p in result.problems if p.tracker == bomb.name)
    assert problem.row is None and problem.severity == "error" and "zip bomb" in problem.message
    assert result.total_rows == 2


# --------------------------------------------------------------------------- the same standard elsewhere

def test_missing_file(tmp_path):
    for command in ("check", "weekly"):
        run = run_cli(command, "no-such-tracker.xlsx", cwd=tmp_path)
        assert_refused(run, "no-such-tracker.xlsx", "not found")


def test_a_folder_given_to_check(tmp_path):
    (tmp_path / "clients.xlsx").mkdir()
    run = run_cli("check", "clients.xlsx", cwd=tmp_path)
    assert_refused(run, "clients.xlsx")


def test_folder_with_no_trackers(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello")
    run = run_cli("weekly", "empty", cwd=tmp_path)
    assert_refused(run, "empty", "no tracker")


def test_folder_with_only_lock_files(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "~$alice.xlsx").write_bytes(b"\x05locked by Dana" + b" " * 150)
    run = run_cli("weekly", "f", cwd=tmp_path)
    assert_refused(run, "f")


def test_output_folder_does_not_exist(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    run = run_cli("weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "missing/dir/week.xlsx", cwd=tmp_path)
    assert_refused(run, "week.xlsx", "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_output_is_a_folder(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    (tmp_path / "week.xlsx").mkdir()
    run = run_cli("weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "week.xlsx", cwd=tmp_path)
    assert_refused(run, "week.xlsx", "folder")
    assert (tmp_path / "week.xlsx").is_dir() and not list((tmp_path / "week.xlsx").iterdir())


def test_output_is_an_input(tmp_path):
    good = good_tracker(tmp_path / "t.xlsx")
    before = good.read_bytes()
    run = run_cli("weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "t.xlsx", cwd=tmp_path)
    text = run.out + run.err
    assert run.code in (1, 2) and len(run.lines) == 1 and "Traceback" not in text, text
    assert "t.xlsx" in text
    assert good.read_bytes() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_output_open_elsewhere(tmp_path, monkeypatch, capsys, fmt):
    """Excel holds the old output open: os.replace fails with PermissionError (as on Windows).
    One sentence, exit 1, the old file untouched, no temporary file left behind."""
    good_tracker(tmp_path / "t.xlsx")
    target = tmp_path / f"week.{fmt}"
    target.write_bytes(b"last week's list")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process",
                              str(dst))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "replace", locked)
    code = cli.main(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", target.name])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == 1, text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1 and target.name in lines[0] and "Traceback" not in text, text
    assert target.read_bytes() == b"last week's list"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx", target.name]


def test_output_lock_file_present(tmp_path):
    """Excel's lock file ~$week.xlsx next to the output means the output is open."""
    good_tracker(tmp_path / "t.xlsx")
    (tmp_path / "week.xlsx").write_bytes(b"old")
    (tmp_path / "~$week.xlsx").write_bytes(b"\x05Dana" + b" " * 160)
    run = run_cli("weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "week.xlsx", cwd=tmp_path)
    assert_refused(run, "week.xlsx")
    assert (tmp_path / "week.xlsx").read_bytes() == b"old"


# --------------------------------------------------------------------------- check_workbook details

def test_a_good_tracker_passes_quickly(tmp_path):
    good = good_tracker(tmp_path / "good.xlsx")
    start = time.perf_counter()
    for _ in range(100):
        safety.check_workbook(good)
    assert (time.perf_counter() - start) / 100 < 0.01


def test_tracker_sheet_name_is_case_and_space_insensitive(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = " tracker "
    wb.save(tmp_path / "t.xlsx")
    safety.check_workbook(tmp_path / "t.xlsx")
    assert safety.has_tracker_sheet(["Settings", "TRACKER"]) and not safety.has_tracker_sheet(["Trackers"])


def test_a_real_password_protected_workbook(tmp_path):
    """A workbook really encrypted by Office's agile encryption (msoffcrypto-tool)."""
    msoffcrypto = require_module("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    good = good_tracker(tmp_path / "good.xlsx")
    out = tmp_path / "locked.xlsx"
    with open(good, "rb") as src, open(out, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    assert msoffcrypto
    with pytest.raises(TrackerError, match="encrypted"):
        safety.check_workbook(out)


def test_a_real_old_xls_workbook(tmp_path):
    """LibreOffice saves the tracker in Excel 97 format: refused as an old .xls."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        if os.environ.get("FOLLOWUP_XL_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required but not installed.")
        pytest.skip("LibreOffice (soffice) is not installed.")
    good = good_tracker(tmp_path / "good.xlsx")
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
                    "--outdir", str(tmp_path / "out"), str(good)], check=True, capture_output=True, timeout=180)
    xls = tmp_path / "out" / "good.xls"
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(xls.read_bytes())
    for path in (xls, renamed):
        with pytest.raises(TrackerError, match=r"old \.xls workbook"):
            safety.check_workbook(path)


def test_doctype_hidden_behind_a_long_prolog_or_utf16(tmp_path):
    good = good_tracker(tmp_path / "good.xlsx")
    padded = rewrite_part(good, tmp_path / "padded.xlsx", "xl/styles.xml",
                          lambda d: b"<?xml version='1.0'?>" + b"<!-- pad -->" * 3000 + b"<!DOCTYPE x []>" + d)
    with pytest.raises(TrackerError, match="document type declaration|no content"):
        safety.check_workbook(padded)
    utf16 = rewrite_part(good, tmp_path / "utf16.xlsx", "docProps/app.xml",
                         lambda d: ('\ufeff<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
                         .encode("utf-16-le"))
    with pytest.raises(TrackerError, match="document type declaration"):
        safety.check_workbook(utf16)


def test_a_huge_declared_total_is_refused_without_reading(tmp_path):
    """A zip whose parts declare more than the limit in total (each part alone is modest)."""
    good = good_tracker(tmp_path / "good.xlsx")
    members = []
    with zipfile.ZipFile(good) as zin:
        for name in zin.namelist():
            members.append((name, *deflated(zin.read(name))[1:]))
    noisy = random.Random(6).randbytes(8 << 10) + bytes((1 << 20) - (8 << 10))  # compresses ~100:1
    part = repeated_deflate(b"", noisy, 15, b"")  # 15 MiB each: under the ratio floor and limit
    assert 50 < part[2] / len(part[0]) < safety.MAX_RATIO
    count = safety.MAX_TOTAL_UNCOMPRESSED // (15 << 20) + 1
    members += [(f"xl/media/image{i}.bin", zipfile.ZIP_DEFLATED, *part) for i in range(count)]
    path = write_raw_zip(tmp_path / "total.xlsx", members)
    with pytest.raises(TrackerError, match="would inflate to"):
        safety.check_workbook(path)


@pytest.mark.parametrize("cut", [22, 100, 1000, -1, -22, -23])
def test_truncated_anywhere(tmp_path, cut):
    data = good_tracker(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[:cut])
    with pytest.raises(TrackerError, match="damaged or incomplete"):
        safety.check_workbook(path)


def test_damaged_member_crc_is_reported_by_the_reader_in_one_sentence(tmp_path):
    """Bytes flipped inside the sheet: the directory is intact, so the reader finds it and
    says the file cannot be read (exit 1, one line)."""
    good = good_tracker(tmp_path / "good.xlsx")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 10, start + min(info.compress_size, 200) - 10):
        data[k] ^= 0x55
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    run = run_cli("check", "flipped.xlsx", cwd=tmp_path)
    assert_refused(run, "flipped.xlsx")


def test_messages_name_the_file_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.xlsx").write_text("x")
    for given in ("sub/a.xlsx", Path("sub") / "a.xlsx", str(tmp_path / "sub" / "a.xlsx")):
        with pytest.raises(TrackerError) as info:
            safety.check_workbook(given)
        assert str(info.value).startswith(f"{given} is not an Excel workbook")


def test_many_small_bombs_add_up(tmp_path):
    """Sixty parts of 15 MiB of zeros (each under the per-part floor, 900 MiB in all, under the
    total limit) still inflate about 1000:1 overall: refused."""
    good = good_tracker(tmp_path / "good.xlsx")
    with zipfile.ZipFile(good) as zin:
        members = [(name, *deflated(zin.read(name))[1:]) for name in zin.namelist()]
    part = repeated_deflate(b"", bytes(1 << 20), 15, b"")
    members += [(f"xl/media/image{i}.bin", zipfile.ZIP_DEFLATED, *part) for i in range(60)]
    path = write_raw_zip(tmp_path / "sixty.xlsx", members)
    with pytest.raises(TrackerError, match=r"would inflate [\d,]+ times"):
        safety.check_workbook(path)


def test_folder_run_lists_workbooks_in_other_formats(files, tmp_path):
    """A client's .xls, .xlsb or .ods in the folder is refused with a reason (listed), not
    skipped silently; other files (notes, CSV exports) are not trackers and are left alone."""
    folder = tmp_path / "clients"
    folder.mkdir()
    good_tracker(folder / "alice.xlsx")
    (folder / "bob.xls").write_bytes(files["old_xls"][0].read_bytes())
    with zipfile.ZipFile(folder / "carol.ods", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    with zipfile.ZipFile(folder / "dan.xlsb", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    (folder / "notes.txt").write_text("call Dana on Monday")
    out = tmp_path / "week.json"
    run = run_cli("weekly", str(folder), "--as-of", AS_OF.isoformat(), "-o", str(out), cwd=tmp_path)
    assert run.code == 0 and "Traceback" not in run.out + run.err, run.out + run.err
    result = json.loads(out.read_text(encoding="utf-8"))
    listed = {p["tracker"]: p["message"] for p in result["problems"] if p["row"] is None}
    assert set(listed) == {"bob.xls", "carol.ods", "dan.xlsb"}
    assert "old .xls" in listed["bob.xls"] and "OpenDocument" in listed["carol.ods"] and ".xlsb" in listed["dan.xlsb"]
    assert result["counts"]["rows"] == 2


def test_a_named_pipe_does_not_hang(tmp_path):
    """A FIFO named like a tracker would block a reader forever: refused without opening it."""
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    run = run_cli("check", "pipe.xlsx", cwd=tmp_path, timeout=20)
    assert_refused(run, "pipe.xlsx", "not a regular file")


def test_unreadable_file(tmp_path, monkeypatch):
    """Permission denied (tests run as root, so the denial is simulated at open)."""
    good = good_tracker(tmp_path / "t.xlsx")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == good else real_access(p, mode, **kw))
    with pytest.raises(TrackerError, match=r"cannot be read \(permission denied\)"):
        safety.check_workbook(good)


# --------------------------------------------------------------------------- docs/troubleshooting.md

DOC = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"


def _console_examples(text: str) -> list[tuple[str, list[str]]]:
    """($ command, expected output lines) from the doc's console blocks."""
    examples: list[tuple[str, list[str]]] = []
    for block in text.split("```console\n")[1:]:
        for line in block.split("\n```")[0].splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            elif examples:
                examples[-1][1].append(line)
    return examples


def test_troubleshooting_examples(tmp_path, monkeypatch):
    """The doc's Python examples (doctest), then its console examples in the same folder."""
    import doctest
    import shlex

    monkeypatch.chdir(tmp_path)
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 20 and result.failed == 0
    examples = _console_examples(DOC.read_text(encoding="utf-8"))
    assert len(examples) >= 4
    for command, expected in examples:
        argv = shlex.split(command)
        assert argv[0] == "followup-xl"
        run = run_cli(*argv[1:], cwd=tmp_path)
        assert run.lines == expected, command
        assert run.code == (1 if expected[0].startswith("Error:") else 0), command


def _message_fragments() -> list[tuple[str, str]]:
    """(module, longest literal piece) of each message raised as TrackerError/FollowupError or
    reported as a file-level Problem, in the modules a batch user meets."""
    import ast

    found = []
    for module in ("safety", "tracker", "weekly", "export", "reader/sheets", "reader/table",
                   "reader/workbook", "reader/text"):
        path = DOC.parent.parent / "followup_xl" / f"{module}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    getattr(node.exc.func, "id", "") in ("TrackerError", "FollowupError") and node.exc.args:
                arg = node.exc.args[0]
                parts = [v.value for v in getattr(arg, "values", [arg]) if isinstance(v, ast.Constant)
                         and isinstance(v.value, str)]
                if parts:
                    piece = max((p.strip(" :;,.()") for p in parts), key=len)
                    if len(piece) >= 12:
                        found.append((module, piece))
    return found


def test_troubleshooting_lists_every_refusal():
    """Each refusal the batch can print (its longest fixed wording) is in the doc."""
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    fragments = _message_fragments()
    assert len(fragments) >= 25
    missing = [(m, f) for m, f in fragments if " ".join(f.split()) not in text]
    assert not missing, missing


# --------------------------------------------------------------------------- how far a sheet's cells reach

CHILD_READ = """
import sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name("Tracker").to_python()
print(len(rows), max(len(r) for r in rows))
"""


@pytest.mark.parametrize("xml, rows, cols", [
    (b'<row r="3"><c r="XFD3"><v>1</v></c></row>', 3, 16384),  # a note far right: small grid
    (b'<row r="9"><c r="XFD1048576" s="1"/></row>', 3, 5),  # formatted but empty: not read
    (b'<row r="9"><c r="F9" t="inlineStr"><is><t>r="XFD1048576"</t></is></c></row>', 9, 6),  # text
    (b'<row r="200000"><c r="E200000"><v>1</v></c></row>', 200000, 5),  # a stray value far down
    (b"<row><c><v>1</v></c><c><v>2</v></c></row>", 4, 5),  # cells without r (positions follow)
])
def test_sheets_that_read_fine_pass(tmp_path, xml, rows, cols):
    """Legitimate odd sheets pass, and python-calamine reads them to the grid the check expects."""
    path = add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "odd.xlsx", xml)
    safety.check_workbook(path)
    run = run_python(CHILD_READ, str(path))
    assert run.out.split() == [str(rows), str(cols)], run.out + run.err


@pytest.mark.parametrize("xml", [
    b'<row r="1048576"><c r="A1048576"><v>1</v><v>2</v></c><c r="O1048576"><v>1</v></c></row>',
    b'<row r="1048576"><c><v>1</v></c></row>' + b"<row>" + b"<c><v>1</v></c>" * 40 + b"</row>",  # no r: walk
    b'<row r="700000"><c s="1" r="Z700000"><v>1</v></c></row>',  # r not the first attribute
    b'<row r="700000"><c foo=">" r="Z700000"><v>1</v></c></row>',  # a ">" inside an attribute
    b'<row r="700000"><c r="Z700000" foo="/>"><v>1</v></c></row>',  # "/>" inside an attribute
    b'<x:row xmlns:x="' + MAIN_NS.encode() + b'" r="9"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    b"<row>" + b"<c><v>1</v></c>" * 20000 + b"</row>" + b'<row r="1000"><c><v>1</v></c></row>',
])
def test_sheets_spanning_too_many_cells_are_refused(tmp_path, xml):
    """However the far cell is written, the grid the reader would build is measured."""
    path = add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "wide.xlsx", xml)
    start = time.perf_counter()
    with pytest.raises(TrackerError, match="million cells to read"):
        safety.check_workbook(path)
    assert time.perf_counter() - start < 2


def test_the_limit_is_the_grid_not_the_file(tmp_path, monkeypatch):
    """Just at the limit passes, one row more is refused (MAX_CELLS lowered to keep it quick)."""
    monkeypatch.setattr(safety, "MAX_CELLS", 200_000 * 26)
    good = good_tracker(tmp_path / "good.xlsx")
    fits = add_cells(good, tmp_path / "fits.xlsx", b'<row r="200000"><c r="Z200000"><v>1</v></c></row>')
    over = add_cells(good, tmp_path / "over.xlsx", b'<row r="200001"><c r="Z200001"><v>1</v></c></row>')
    safety.check_workbook(fits)
    with pytest.raises(TrackerError, match="row 200,001 and column Z"):
        safety.check_workbook(over)


def test_a_text_longer_than_any_cell_is_refused(tmp_path, monkeypatch):
    """The sheet is streamed in chunks cut before a '<'; a run without one that outgrows
    MAX_TAG is refused instead of being held (limits lowered to keep the file small)."""
    monkeypatch.setattr(safety, "MAX_TAG", 1 << 20)
    monkeypatch.setattr(safety, "CHUNK", 32 << 10)
    path = add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "long.xlsx",
                     b'<row r="9"><c r="A9" t="inlineStr"><is><t>' + b"A" * (3 << 20) + b"</t></is></c></row>")
    with pytest.raises(TrackerError, match="single text or tag"):
        safety.check_workbook(path)


def test_shared_strings_count_must_fit_the_part(tmp_path):
    good = good_tracker(tmp_path / "good.xlsx")
    fine = huge_unique_count(good, tmp_path / "fine.xlsx", count=1)
    safety.check_workbook(fine)
    assert run_python(CHILD_READ, str(fine)).out.split() == ["3", "5"]
    with pytest.raises(TrackerError, match="impossible"):
        safety.check_workbook(huge_unique_count(good, tmp_path / "bad.xlsx", count=10_000_000))


def test_a_rust_panic_in_the_reader_is_one_sentence(files, tmp_path):
    """Were a cell to make python-calamine panic anyway (here: the date cell at -1e308 with
    the check switched off), the reader reports one sentence: the panic's message and
    backtrace, which Rust writes straight to stderr, are silenced while reading."""
    path, _ = files["negative_date"]
    code = ("import sys\nimport followup_xl.safety as s\n"
            "s.workbook_check = lambda p, data=None: s.WorkbookCheck()\n"
            "from followup_xl.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", code, "check", str(path)], capture_output=True, text=True,
                          env={**os.environ, "RUST_BACKTRACE": "1"})
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert proc.returncode == 1 and len(lines) == 1, proc.stdout + proc.stderr
    assert "could not be read" in lines[0] and "panicked" not in proc.stderr


def test_silencing_restores_stderr(capfd):
    import os as _os

    with safety.native_errors_silenced():
        _os.write(2, b"hidden\n")
    _os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


def test_refused_file_to_stdout_writes_nothing(files, tmp_path):
    """`-o -` with a refused tracker: the sentence on stderr, nothing on stdout (a pipe
    downstream sees an empty input, not half a list)."""
    path, _ = files["far_cell"]
    run = run_cli("weekly", str(path), "--as-of", AS_OF.isoformat(), "-o", "-", "--format", "json", cwd=tmp_path)
    assert run.code == 1 and run.out == "" and len(run.err.splitlines()) == 1, run.out + run.err


def test_sheets_sharing_a_part_are_scanned_once(tmp_path):
    """2,000 sheet entries pointing at one part (a cheap way to multiply work): one scan."""
    good = good_tracker(tmp_path / "good.xlsx")
    many = b"".join(b'<sheet name="S%d" sheetId="%d" r:id="rId1"/>' % (i, i + 10) for i in range(2000))
    path = rewrite_part(good, tmp_path / "many.xlsx", "xl/workbook.xml", lambda d: d.replace(b"<sheets>", b"<sheets>" + many))
    calls = []
    real = safety._check_span
    try:
        safety._check_span = lambda *a: calls.append(a[1].filename) or real(*a)
        safety.check_workbook(path)
    finally:
        safety._check_span = real
    assert calls == ["xl/worksheets/sheet1.xml"]


def test_walking_cells_without_positions_stops_at_the_limit(tmp_path, monkeypatch):
    """Cells without r="A1" are walked one by one, but never beyond MAX_CELLS tags (lowered here)."""
    monkeypatch.setattr(safety, "MAX_CELLS", 5000)
    path = add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "many.xlsx",
                     (b"<row>" + b"<c><v>1</v></c>" * 10 + b"</row>") * 600)
    with pytest.raises(TrackerError, match="more than 5,000 cells and rows"):
        safety.check_workbook(path)


def test_folder_run_lists_refused_files_in_the_xlsx_and_on_the_terminal(files, tmp_path):
    """The coach sees each refused file in the workbook's Problems sheet and after the summary."""
    folder = tmp_path / "clients"
    folder.mkdir()
    good_tracker(folder / "alice.xlsx")
    for key in ("far_cell", "encrypted"):
        (folder / f"{key}.xlsx").write_bytes(files[key][0].read_bytes())
    out = tmp_path / "week.xlsx"
    run = run_cli("weekly", str(folder), "--as-of", AS_OF.isoformat(), "-o", str(out), cwd=tmp_path)
    assert run.code == 0 and "Traceback" not in run.out + run.err, run.out + run.err
    not_used = [line for line in run.err.splitlines() if line.startswith("Not used:")]
    assert len(not_used) == 2 and any("far_cell.xlsx" in line for line in not_used), run.err
    book = openpyxl.load_workbook(out, read_only=True)
    cells = {str(v) for row in book["Problems"].iter_rows(values_only=True) for v in row if v is not None}
    assert {"far_cell.xlsx", "encrypted.xlsx"} <= cells
    assert any("encrypted (password-protected)" in c for c in cells)


# --------------------------------------------------------------------------- the cheap scan's hints

PADDING = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(10, 3000))  # ~100 KB


@pytest.mark.parametrize("padded", [False, True], ids=["read-whole", "streamed"])
@pytest.mark.parametrize("xml, refused", [
    (b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "million cells"),  # the last cell
    (b'<row r="1048576"><c r="Z1048576"><v>1</v></c></row><row r="5"><c r="A5"><v>1</v></c></row>',
     "million cells"),  # a far row before the others (out of order), one letter
    (b'<row r="400000"><c r="Z400000"><v>1</v></c></row>', "million cells"),  # 6 digits: 10.4 million
    (b'<row r="20000"><c r="ZZZ20000"><v>1</v></c></row>', "million cells"),  # 3 letters, far down
    (b'<row r="1048576"><c r="B1048576"/></row><row>' + b"<c><v>1</v></c>" * 11 + b"</row>",
     "million cells"),  # cells without r continue from the far row: the walk
    # (a cell without a position: one with a position is noted for the reader instead)
    (b'<row r="9"><c s="1"><' + b"p" * 80 + b':v>-1e308</' + b"p" * 80 + b':v></c></row>',
     "cannot be read as a date"),  # a namespace prefix longer than any look-back
    (b'<row r="9"><c s="1"><v>\n -1e308</v></c></row>', "cannot be read as a date"),
    (b'<row r="4"><c r="AA4"><v>1</v></c><c r="ABC4"><v>1</v></c></row>', None),  # wide but short
    (b'<row r="300000"><c r="O300000"><v>1</v></c></row>', None),  # long but narrow: 4.5 million
    (b'<row r="9"><c r="D9" t="inlineStr"><is><t>r="ZZZ1048576" v>-1e308</t></is></c></row>', None),
])
def test_hints_find_what_the_exact_patterns_find(tmp_path, monkeypatch, xml, refused, padded):
    """The exact patterns run only where a cheap hint is found; the small sheet read whole and
    the large one streamed in many chunks (limits lowered) reach the same verdict."""
    monkeypatch.setattr(safety, "CHUNK", 4 << 10)
    path = add_cells(good_tracker(tmp_path / "good.xlsx"), tmp_path / "odd.xlsx", (PADDING if padded else b"") + xml)
    with zipfile.ZipFile(path) as zf:
        assert (zf.getinfo("xl/worksheets/sheet1.xml").file_size > safety.PROLOG_SCAN) is padded
    if refused:
        with pytest.raises(TrackerError, match=refused):
            safety.check_workbook(path)
    else:
        safety.check_workbook(path)


def _big_sheet(rows: int, extra: bytes = b"") -> bytes:
    """A Tracker sheet of `rows` data rows over 15 columns, as openpyxl writes one."""
    cols = [chr(65 + j) for j in range(15)]
    head = b"<row r=\"1\">" + b"".join(b'<c r="%s1" t="inlineStr"><is><t>H%s</t></is></c>' % (c.encode(), c.encode())
                                       for c in cols) + b"</row>"
    body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="n"><v>%d</v></c>' % (c.encode(), r, r)
                                                  for c in cols) + b"</row>" for r in range(2, rows + 2))
    return (b'<worksheet xmlns="' + MAIN_NS.encode() + b'"><sheetData>' + head + body + extra
            + b"</sheetData></worksheet>")


def test_a_real_size_tracker_passes_and_its_error_cells_are_noted(tmp_path):
    """100,000 rows x 15 columns (refs up to O100001, six digits) pass; the note for the reader
    says whether the sheet holds an error cell."""
    good = good_tracker(tmp_path / "good.xlsx")
    plain = rewrite_part(good, tmp_path / "big.xlsx", "xl/worksheets/sheet1.xml", lambda d: _big_sheet(100_000))
    safety.check_workbook(plain)
    seen = safety.last_check(plain)
    assert seen.scanned == {"xl/worksheets/sheet1.xml"} and not seen.error_parts
    error = b'<row r="100002"><c r="F100002" t="e"><v>#N/A</v></c></row>'
    marked = rewrite_part(good, tmp_path / "err.xlsx", "xl/worksheets/sheet1.xml", lambda d: _big_sheet(100_000, error))
    safety.check_workbook(marked)
    assert safety.last_check(marked).error_parts == {"xl/worksheets/sheet1.xml"}
    assert safety.last_check(plain) is None  # the note is for the last file checked only


def test_a_workbook_part_too_large_to_keep_is_parsed_as_before(tmp_path):
    """workbook.xml beyond PROLOG_SCAN is read again and parsed; a damaged small one gets the
    same sentence whether or not the same content was parsed before."""
    good = good_tracker(tmp_path / "good.xlsx")
    pad = b"<!--" + b"x" * (safety.PROLOG_SCAN + 10) + b"-->"
    big = rewrite_part(good, tmp_path / "big.xlsx", "xl/workbook.xml", lambda d: d.replace(b"<sheets>", pad + b"<sheets>"))
    safety.check_workbook(big)
    for k in range(2):
        bad = rewrite_part(good, tmp_path / f"bad{k}.xlsx", "xl/workbook.xml", lambda d: d.replace(b"</sheets>", b"</sheet>"))
        with pytest.raises(TrackerError, match=f"bad{k}.xlsx is damaged"):
            safety.check_workbook(bad)


def test_the_reader_takes_the_checks_findings(tmp_path, monkeypatch):
    """A clean small tracker is read without opening its zip a second time (the check hands
    over the workbook part, the sheet sizes and 'no error cell'); a tracker with an error
    cell, or a workbook part too large to keep, is opened and read as before (from the
    bytes that were checked: the file itself is read once)."""
    from followup_xl import tracker
    from followup_xl.reader import workbook

    opened, checks, reads = [], {}, []
    real_get, real_check, real_read = workbook._LazyZip.get, safety.workbook_check, safety.read_whole
    monkeypatch.setattr(workbook._LazyZip, "get", lambda self: opened.append(len(checks)) or real_get(self))
    monkeypatch.setattr(safety, "workbook_check",
                        lambda path, data=None: checks.setdefault(Path(path).name, real_check(path, data)))
    monkeypatch.setattr(safety, "read_whole", lambda path: reads.append(Path(path).name) or real_read(path))
    clean = good_tracker(tmp_path / "clean.xlsx")
    wb = openpyxl.load_workbook(clean)
    wb["Tracker"]["D3"] = "#N/A"  # openpyxl stores an error value (t="e")
    wb.save(tmp_path / "error.xlsx")
    pad = b"<!--" + b"x" * (safety.PROLOG_SCAN + 10) + b"-->"
    big = rewrite_part(clean, tmp_path / "big.xlsx", "xl/workbook.xml", lambda d: d.replace(b"<sheets>", pad + b"<sheets>"))
    plain = tracker.read_tracker(clean)
    assert opened == [] and checks["clean.xlsx"].workbook_parts is not None
    flagged = tracker.read_tracker(tmp_path / "error.xlsx")
    assert opened == [2]  # while reading the second tracker
    assert any(p.value == "#N/A" for p in flagged.problems), flagged.problems
    again = tracker.read_tracker(big)
    assert opened == [2, 3] and checks["big.xlsx"].workbook_parts is None
    assert len(again.problems) == len(plain.problems) and again.date1904 == plain.date1904
    assert reads == ["clean.xlsx", "error.xlsx", "big.xlsx"]  # each file read once


def _parts_both_ways(path: Path) -> list[tuple[str, bytes | None, bytes | Exception]]:
    """(part, inflated from the file's bytes or None, what zipfile reads or raises) of each part."""
    blob = path.read_bytes()
    found = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            try:
                read: bytes | Exception = zf.read(info)
            except Exception as exc:  # noqa: BLE001 - compared below
                read = exc
            found.append((info.filename, safety._part_of(blob, info), read))
    return found


def _stored(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
    return dst


def _patched(src: Path, dst: Path, old: bytes, new: bytes, last: bool = False) -> Path:
    """The file with the first (or last: in the zip directory) occurrence of `old` replaced."""
    data = src.read_bytes()
    at = data.rfind(old) if last else data.find(old)
    assert at >= 0
    dst.write_bytes(data[:at] + new + data[at + len(old):])
    return dst


def test_parts_inflated_from_memory_are_those_zipfile_reads(tmp_path):
    """A small file's parts are inflated from its bytes; whenever that succeeds the bytes are
    exactly zipfile's, and a part zipfile refuses (a wrong CRC, a local header naming another
    part, a cut) is never inflated that way, so the check still refuses the file."""
    good = good_tracker(tmp_path / "good.xlsx")
    stored = _stored(good, tmp_path / "stored.xlsx")
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/workbook.xml")
    crc = struct.pack("<I", info.CRC)
    bad_crc = _patched(good, tmp_path / "crc.xlsx", crc, struct.pack("<I", info.CRC ^ 1), last=True)
    renamed = _patched(good, tmp_path / "renamed.xlsx", b"xl/workbook.xml", b"xl/workbooc.xml")  # the local header
    for path in (good, stored):
        rows = _parts_both_ways(path)
        assert all(fast == read for _, fast, read in rows), path.name
        safety.check_workbook(path)
    for path in (bad_crc, renamed):
        rows = _parts_both_ways(path)
        assert [fast for name, fast, _ in rows if name == "xl/workbook.xml"] == [None], path.name
        assert all(fast == read for _, fast, read in rows if fast is not None), path.name
        with pytest.raises(TrackerError, match="damaged"):
            safety.check_workbook(path)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: info.header_offset + 40])
    assert safety._part_of(cut.read_bytes(), info) is None


# --------------------------------------------------------------------------- dates at the end of time (issue 12, item 5)

def assert_one_sentence(run: Run, code: int, *phrases: str) -> None:
    """A refusal that names no file (a command's own date, the environment): exit `code`, one
    line, no traceback, no 'failed unexpectedly'."""
    text = run.out + run.err
    assert "Traceback" not in text and "unexpectedly" not in text, text
    assert run.code == code, text
    assert len(run.lines) == 1, text
    for phrase in phrases:
        assert phrase in run.lines[0], text


def _dated_tracker(path: Path, last_contacts: list, settings: dict | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Company", "Contact name", "Last contact", "Status"])
    for k, day in enumerate(last_contacts):
        ws.append([f"Firm {k}", "Dana Smith", day, "Waiting"])
    if settings:
        from openpyxl.workbook.defined_name import DefinedName

        ss = wb.create_sheet("Settings")
        for i, (name, value) in enumerate(settings.items(), start=1):
            ss.append([name, value])
            wb.defined_names[name] = DefinedName(name, attr_text=f"Settings!$B${i}")
    wb.save(path)
    return path


@pytest.mark.parametrize("args, phrases", [
    (("next", "9999-12-25"), ("9999-12-25", "past 9999-12-31")),
    (("next", "9999-12-31", "--cadence", "1"), ("past 9999-12-31",)),
    (("next", "2150-12-18"), ("2150-12-25", "1900-2100", "public holidays", "US")),
    (("next", "2099-12-28", "--country", "JP"), ("2100-01-04", "1949-2099", "JP")),  # Japan's calendar ends in 2099
    (("next", "2026-12-28", "--country", "LK"), ("2027-01-04", "2026", "LK")),  # Sri Lanka's in 2026
    (("next", "1899-12-20"), ("1899-12-20", "out of range", "1900-01-01")),
    (("holidays", "--country", "US", "--year", "2150"), ("2150", "1900 to 2100")),
    (("holidays", "--country", "LK", "--year", "2027"), ("2027", "to 2026")),
])
def test_a_commands_date_beyond_the_calendar_is_one_sentence(tmp_path, args, phrases):
    """Where each country's calendar ends (the holidays package's last year) is said, never an
    OverflowError and never a date that may be a public holiday (2150-12-25 was printed)."""
    assert_one_sentence(run_cli(*args, cwd=tmp_path), 2, *phrases)


def test_the_calendar_still_answers_up_to_its_last_year(tmp_path):
    run = run_cli("next", "2100-12-18", cwd=tmp_path)
    assert (run.code, run.out.strip()) == (0, "2100-12-27"), run.err  # 25th: Christmas, 26th: Sunday


@pytest.mark.parametrize("option, value, phrases", [
    ("--as-of", "9999-12-31", ("--as-of 9999-12-31", "9999-12-26")),
    ("--as-of", "9999-12-27", ("--as-of 9999-12-27", "past 9999-12-31")),
    ("--week", "9999-12-31", ("--week 9999-12-31",)),
    ("--as-of", "1899-12-31", ("--as-of 1899-12-31", "1900-01-01")),
    ("--as-of", "", ("--as-of", "a date is required")),  # it silently meant today
    ("--week", " ", ("--week", "a date is required")),
])
@pytest.mark.parametrize("command", ["weekly", "check"])
def test_a_run_date_at_the_end_of_time_is_a_usage_error(tmp_path, command, option, value, phrases):
    if command == "check" and option == "--week":
        return  # check has no --week
    good = good_tracker(tmp_path / "good.xlsx")
    out = ("-o", str(tmp_path / "out.json")) if command == "weekly" else ()
    assert_one_sentence(run_cli(command, str(good), option, value, *out, cwd=tmp_path), 2, *phrases)
    assert not (tmp_path / "out.json").exists()


def test_the_last_week_that_fits_still_runs(tmp_path):
    good = good_tracker(tmp_path / "good.xlsx")
    run = run_cli("weekly", str(good), "--as-of", "9999-12-26", "-o", "-", "--format", "json", cwd=tmp_path)
    assert run.code == 0, run.err
    got = json.loads(run.out)
    end = dt.date(9999, 12, 26)
    assert (got["week_end"], [i["days_overdue"] for i in got["items"]]) == (  # due 11-30 and 12-02
        "9999-12-26", [(end - dt.date(2026, 11, 30)).days, (end - dt.date(2026, 12, 2)).days])


def test_rows_stepping_past_an_end_are_problems_of_their_rows(tmp_path):
    """A Last contact whose next contact falls past the calendar's last year (or past 9999, or
    before 1900) is a problem for its row; a Settings AsOf whose week cannot fit is a warning
    and today is used; the other rows are scheduled as usual."""
    path = _dated_tracker(tmp_path / "end.xlsx", [
        dt.date(2150, 12, 18), dt.date(9999, 12, 28), "1850-01-02", dt.date(2026, 11, 23),
        dt.date(2100, 12, 18)], settings={"AsOf": dt.date(9999, 12, 30)})
    run = run_cli("weekly", str(path), "-o", "-", "--format", "json", "--week", "2026-11-30", cwd=tmp_path)
    assert run.code == 0 and "Traceback" not in run.err, run.err
    got = json.loads(run.out)
    errors = {p["row"]: p for p in got["problems"] if p["severity"] == "error"}
    assert sorted(errors) == [2, 3, 4]
    assert all(p["column"] == "Last contact" for p in errors.values())
    assert "2150-12-25" in errors[2]["message"] and "1900-2100" in errors[2]["message"]
    assert "10000-01-04" in errors[3]["message"] and "9999-12-31" in errors[3]["message"]
    assert "1850-01-09" in errors[4]["message"]
    warning = [p for p in got["problems"] if p["column"] == "Settings AsOf"]
    assert len(warning) == 1 and "9999-12-26" in warning[0]["message"]
    assert got["counts"]["problem"] == 3 and got["counts"]["rows"] == 5
    assert [i["due_date"] for i in got["items"]] == ["2026-11-30"]  # 2026-11-23 + 7


def test_an_unknown_country_in_the_environment_names_the_variable(tmp_path):
    run = subprocess.run([sys.executable, "-m", "followup_xl", "next", "2026-11-19"], cwd=tmp_path,
                         capture_output=True, text=True, env={**os.environ, "FOLLOWUP_XL_COUNTRY": "ZZ"})
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and "FOLLOWUP_XL_COUNTRY" in run.stderr and "'ZZ'" in run.stderr
    run = subprocess.run([sys.executable, "-m", "followup_xl", "next", "2026-11-19"], cwd=tmp_path,
                         capture_output=True, text=True,
                         env={**os.environ, "FOLLOWUP_XL_COUNTRY": "US", "FOLLOWUP_XL_SUBDIVISION": "QQ"})
    assert run.returncode == 2 and "FOLLOWUP_XL_SUBDIVISION" in run.stderr and "'QQ'" in run.stderr
    run = subprocess.run([sys.executable, "-m", "followup_xl", "next", "2026-11-19", "--country", "US"],
                         cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "FOLLOWUP_XL_COUNTRY": "ZZ"})
    assert (run.returncode, run.stdout) == (0, "2026-11-27\n")  # the option wins (26th: Thanksgiving)


# --------------------------------------------------------------------------- what a real file system holds (items 2, 3, 12)

SHOWN_LATIN1 = "caf\\xe9.xlsx"  # b"caf\xe9.xlsx" as every output shows it


def _latin1_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "clients"
    folder.mkdir()
    good_tracker(folder / "good.xlsx")
    good_tracker(Path(os.fsdecode(bytes(folder) + b"/caf\xe9.xlsx")))
    return folder


def _trackers_named(path: Path, fmt: str) -> list[str]:
    """The tracker names an export holds, read back the way its format is read."""
    import csv

    if fmt == "json":
        got = json.loads(path.read_text(encoding="utf-8"))
        return [i["tracker"] for i in got["items"]] + [p["tracker"] for p in got["problems"]]
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [row["Tracker"] for row in csv.DictReader(fh)]
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        return [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                if isinstance(v, str) and ".xlsx" in v]
    text = path.read_text(encoding="utf-8")
    if fmt == "ics":
        text = text.replace("\r\n ", "").replace("\\\\", "\\")
    if fmt == "md":
        text = text.replace("\\\\", "\\")
    return [SHOWN_LATIN1] * text.count(SHOWN_LATIN1)


@pytest.mark.parametrize("fmt", ["json", "xlsx", "html", "md", "csv", "ics"])
def test_a_file_name_that_is_not_utf8_reaches_every_format(tmp_path, fmt):
    """cp good.xlsx $'clients/caf\\xe9.xlsx': the tracker is read (never 'missing') and named
    with its undecodable byte shown as \\xe9 (json/xlsx/html/md aborted with UnicodeEncodeError)."""
    folder = _latin1_folder(tmp_path)
    out = tmp_path / f"week.{fmt}"
    run = run_cli("weekly", str(folder), "--as-of", AS_OF.isoformat(), "-o", str(out), cwd=tmp_path)
    assert run.code == 0 and "Traceback" not in run.err and "unexpectedly" not in run.err, run.err
    assert "Files not used                 0" in run.err, run.err
    names = _trackers_named(out, fmt)
    assert SHOWN_LATIN1 in names, names
    if fmt in ("json", "csv"):
        assert sorted(set(names)) == [SHOWN_LATIN1, "good.xlsx"]
        assert names.count(SHOWN_LATIN1) == names.count("good.xlsx") == 2  # both rows of each


def test_a_file_name_that_is_not_utf8_on_the_terminal(tmp_path):
    folder = _latin1_folder(tmp_path)
    run = run_cli("check", str(folder), "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert run.code == 0 and run.lines[-1].startswith("4 rows: 4 to contact"), run.out + run.err
    junk = Path(os.fsdecode(bytes(tmp_path) + b"/junk\xe9.xlsx"))
    junk.write_bytes(b"Company,Status\n")
    assert_refused(run_cli("check", str(junk), cwd=tmp_path), "junk\\xe9.xlsx", "not an Excel workbook")


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"


def test_terminal_escapes_in_names_and_cells_are_shown_escaped(tmp_path):
    """A file name or a cell holding ESC sequences (set the title, clear the screen), a C1
    CSI or a bidi override is printed escaped by check, weekly's summary and demo-like
    lists: nothing the terminal would act on, and rich markup in a cell stays text."""
    name = f"evil{ESCAPES}.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Company", "Contact name", "Last contact", "Status"])
    typed = ESCAPES.replace("\x1b", "ESC").replace("\x07", "BEL")  # XML holds them as _xHHHH_ only
    ws.append([f"Acme{typed}[/b]", f"Dana{typed}", dt.date(2026, 11, 23), f"Odd{typed}"])
    wb.save(tmp_path / "typed.xlsx")
    rewrite_part(tmp_path / "typed.xlsx", tmp_path / name, "xl/worksheets/sheet1.xml",
                 lambda b: b.replace(b"ESC", b"_x001B_").replace(b"BEL", b"_x0007_"))
    garbage = tmp_path / f"bad{ESCAPES}.xlsx"
    garbage.write_bytes(b"not a workbook")
    for args in (("check", name, f"bad{ESCAPES}.xlsx"), ("weekly", name, f"bad{ESCAPES}.xlsx", "-o", "w.json")):
        run = run_cli(*args, "--as-of", AS_OF.isoformat(), cwd=tmp_path)
        text = run.out + run.err
        assert run.code == 0 and "Traceback" not in text, text
        assert not any(c in text for c in "\x1b\x07\x9b\u202e"), ascii(text)
        assert "\\x1b]0;pwned\\x07" in text and "\\u202e" in text, text
    one = run_cli("check", str(garbage), cwd=tmp_path)
    assert one.code == 1 and "\x1b" not in one.err and "bad\\x1b" in one.err, ascii(one.err)
    assert json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))["items"][0]["tracker"] == name


def test_the_echo_helper_escapes_everything_printed():
    from followup_xl.printable import file_name, for_terminal

    assert for_terminal("a\x1b[31mb\tc\nd\x00\x7f\x85\u2066") == "a\\x1b[31mb\tc\nd\\x00\\x7f\\x85\\u2066"
    assert for_terminal("caf\udce9 ok é") == "caf\\xe9 ok é"
    assert file_name("caf\udce9.xlsx") == "caf\\xe9.xlsx" and file_name("naïve.xlsx") == "naïve.xlsx"
    assert file_name("odd\ud800.xlsx") == "odd\\ud800.xlsx"  # a surrogate no byte escapes
    assert ast_calls_of("echo") == [], "cli.py prints with click.echo, bypassing echo()"


def ast_calls_of(name: str) -> list[int]:
    """Lines of cli.py calling click.<name> directly."""
    import ast

    tree = ast.parse((Path(cli.__file__)).read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == name and getattr(n.func.value, "id", "") == "click"
            and n.lineno not in _ECHO_LINES()]


def _ECHO_LINES() -> set[int]:
    import inspect

    lines, start = inspect.getsourcelines(cli.echo)
    return set(range(start, start + len(lines)))


def _folder_with(tmp_path: Path) -> Path:
    folder = tmp_path / "clients"
    folder.mkdir()
    good_tracker(folder / "good.xlsx")
    os.symlink("loop.xlsx", folder / "loop.xlsx")  # a link to itself
    os.symlink("gone.xlsx", folder / "client.xlsx")  # a client's tracker moved away
    os.link(folder / "good.xlsx", folder / "hard.xlsx")
    os.symlink("good.xlsx", folder / "soft.xlsx")
    (folder / "sub.xlsx").mkdir()  # a folder named like a workbook
    return folder


def test_folder_entries_that_lead_nowhere_are_warnings_and_each_file_counts_once(tmp_path):
    """A looping link named *.xlsx no longer stops the run, a dangling client.xlsx link is
    named (its client's rows would vanish), and a tracker reached by a hard link, a
    symbolic link and its own name, or a folder given twice, is read once."""
    folder = _folder_with(tmp_path)
    run = run_cli("weekly", str(folder), str(folder), str(folder / "hard.xlsx"), "-o", "-", "--format",
                  "json", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert run.code == 0 and "Traceback" not in run.err, run.err
    got = json.loads(run.out)
    assert got["counts"]["rows"] == 2 and len(got["items"]) == 2
    warnings = {p["tracker"]: p["message"] for p in got["problems"]}
    assert sorted(warnings) == ["client.xlsx", "loop.xlsx"]
    assert "gone.xlsx, which does not exist" in warnings["client.xlsx"]
    assert "loop" in warnings["loop.xlsx"]
    assert all("rows are not in the list" in m for m in warnings.values())


SCANDIR_DENIED = """
import os, sys
from followup_xl import cli
denied = os.path.abspath(sys.argv[1])
real = os.scandir
def scandir(path="."):
    if os.path.abspath(path) == denied:
        raise PermissionError(13, "Permission denied", path)
    return real(path)
os.scandir = scandir
sys.exit(cli.main(sys.argv[2:]))
"""


def test_a_folder_that_cannot_be_listed(tmp_path):
    """chmod 000 on a client folder (simulated: the tests may run as root, which reads anyway):
    the folder is named in one sentence; given with other trackers, the run goes on."""
    folder = _folder_with(tmp_path)
    other = good_tracker(tmp_path / "other.xlsx")
    alone = run_python(SCANDIR_DENIED, str(folder), "check", str(folder))
    assert_refused(alone, str(folder), "cannot be listed", "Permission denied")
    both = run_python(SCANDIR_DENIED, str(folder), "check", str(folder), str(other), "--as-of", AS_OF.isoformat())
    assert both.code == 0, both.out + both.err
    assert f"ERROR   {folder}: The folder {folder} cannot be listed (Permission denied)" in both.out
    assert both.out.splitlines()[-1].startswith("2 rows: 2 to contact"), both.out


# --------------------------------------------------------------------------- a tracker rewritten in place (log)

WRITE_FAULT = """
import errno, os, sys
from pathlib import Path
import openpyxl
from followup_xl import cli, inplace
mode, target = sys.argv[1], Path(sys.argv[2])
real_save, real_replace, real_copy = openpyxl.Workbook.save, os.replace, inplace.shutil.copy2
def save(self, filename):
    if mode == "excel-opens":
        target.with_name("~$" + target.name).write_bytes(b"owner")
    if mode == "libreoffice-opens":
        target.with_name(".~lock." + target.name + "#").write_text("owner")
    if mode == "disk-full-saving":
        real_save(self, filename)
        raise OSError(errno.ENOSPC, "No space left on device")
    return real_save(self, filename)
def replace(src, dst):
    if mode == "disk-full-replacing" and Path(dst) == target:
        raise OSError(errno.ENOSPC, "No space left on device")
    return real_replace(src, dst)
def copy2(src, dst, **kwargs):
    if mode == "backup-denied":
        raise PermissionError(errno.EACCES, "Permission denied")
    return real_copy(src, dst, **kwargs)
openpyxl.Workbook.save, os.replace, inplace.shutil.copy2 = save, replace, copy2
sys.exit(cli.main(sys.argv[3:]))
"""


def _logged_tracker(folder: Path) -> Path:
    from openpyxl.workbook.defined_name import DefinedName

    path = good_tracker(folder / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Tracker"]
    ws["F1"] = "Follow-ups sent"
    ss = wb.create_sheet("Settings")
    ss.append(["AsOf", AS_OF])
    wb.defined_names["AsOf"] = DefinedName("AsOf", attr_text="Settings!$B$1")
    wb.save(path)
    return path


@pytest.mark.parametrize("mode, phrases", [
    ("excel-opens", ("was opened in a spreadsheet app while", "~$t.xlsx", "left unchanged")),
    ("libreoffice-opens", ("was opened in a spreadsheet app while", ".~lock.t.xlsx#")),
    ("disk-full-saving", ("Cannot write", "no space left on device", "left unchanged")),
    ("disk-full-replacing", ("Cannot write", "no space left on device", "left unchanged")),
    ("backup-denied", ("Cannot keep the previous version", "t.bak.xlsx", "permission denied",
                       "t.xlsx was left unchanged")),
])
def test_log_faults_leave_the_tracker_as_it_was(tmp_path, mode, phrases):
    """A lock file appearing mid-run (the user opens the tracker in Excel while log works), a
    backup that cannot be written, the disk filling while saving or between the backup and
    the replace: one sentence, exit 1, the tracker byte for byte as it was, no temporary
    file left."""
    path = _logged_tracker(tmp_path)
    before = path.read_bytes()
    run = run_python(WRITE_FAULT, mode, str(path), "log", str(path), "--company", "Acme",
                     "--date", "2026-11-30")
    assert_refused(run, "t.xlsx", *phrases)
    assert path.read_bytes() == before
    left = sorted(p.name for p in tmp_path.iterdir())
    assert not [n for n in left if n.endswith(".tmp")], left
    assert "t.bak.xlsx" not in left or mode == "disk-full-replacing", left  # the backup comes last but one


def test_log_with_a_folder_where_the_backup_goes(tmp_path):
    path = _logged_tracker(tmp_path)
    (tmp_path / "t.bak.xlsx").mkdir()
    before = path.read_bytes()
    run = run_cli("log", str(path), "--company", "Acme", "--date", "2026-11-30", cwd=tmp_path)
    assert_refused(run, "t.bak.xlsx", "Cannot keep the previous version", "left unchanged")
    assert path.read_bytes() == before


def test_log_replaces_a_link_where_the_backup_goes_not_its_target(tmp_path):
    path = _logged_tracker(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "t.bak.xlsx").symlink_to(victim)
    run = run_cli("log", str(path), "--company", "Acme", "--date", "2026-11-30", cwd=tmp_path)
    assert run.code == 0, run.err
    assert victim.read_text() == "keep me" and not (tmp_path / "t.bak.xlsx").is_symlink()


@pytest.mark.parametrize("value", ["", " "])
def test_log_date_given_empty_is_a_usage_error(tmp_path, value):
    path = _logged_tracker(tmp_path)
    before = path.read_bytes()
    run = run_cli("log", str(path), "--company", "Acme", "--date", value, cwd=tmp_path)
    assert_one_sentence(run, 2, "--date", "a date is required")
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- two sheets of one name (item 7)

def _twin_trackers(tmp_path: Path, second: str) -> Path:
    """A workbook whose second sheet is renamed in workbook.xml to `second` (Excel refuses to
    do this; a crafted file can): one holds an error cell, the other does not."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Company", "Contact name", "Last contact", "Status"])
    ws.append(["Acme", "Dana Smith", dt.date(2026, 11, 23), "Waiting"])
    other = wb.create_sheet("Other")
    other.append(["Company", "Contact name", "Last contact", "Status"])
    other.append(["Evil", "Eve", "#N/A", "Waiting"])
    other["C2"].data_type = "e"
    wb.save(tmp_path / "made.xlsx")
    return rewrite_part(tmp_path / "made.xlsx", tmp_path / "twins.xlsx", "xl/workbook.xml",
                        lambda b: b.replace(b'name="Other"', f'name="{second}"'.encode()))


@pytest.mark.parametrize("second", ["Tracker", "tracker", " TRACKER "])
def test_two_sheets_named_tracker_are_refused(tmp_path, second):
    """Crafted: the cells were read from one sheet and the error cells from the other."""
    path = _twin_trackers(tmp_path, second)
    with pytest.raises(TrackerError, match="two sheets named"):
        safety.check_workbook(path)
    for command in ("check", "weekly"):
        out = ("-o", str(tmp_path / "w.json")) if command == "weekly" else ()
        assert_refused(run_cli(command, str(path), *out, cwd=tmp_path), "twins.xlsx",
                       "two sheets named", "may be hostile")
    assert not (tmp_path / "w.json").exists()


# --------------------------------------------------------------------------- odd numbers (item 6)

def _odd_numbers_tracker(tmp_path: Path) -> Path:
    """Cells a spreadsheet app would not write but a crafted or damaged file holds: 1e308
    follow-ups, NaN and negative serials in date-formatted cells, a number below -100 billion
    in a date cell (python-calamine panics on it) and in a plain one."""
    import re

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Company", "Contact name", "Last contact", "Follow-ups sent", "Status", "Notes"])
    rows = [("Big", dt.date(2026, 11, 23), "SENT"), ("Nan", "NANDATE", 1), ("Neg", "NEGDATE", 1),
            ("Huge", "HUGENEG", 1), ("Zero", "ZERODATE", 1), ("Ok", dt.date(2026, 11, 24), 1),
            # most of the column is dates, so it stays the Last contact column
            ("Ok2", dt.date(2026, 11, 10), 0), ("Ok3", dt.date(2026, 11, 11), 0), ("Ok4", dt.date(2026, 11, 12), 0)]
    for company, last, sent in rows:
        ws.append([company, "Pat Lee", last, sent, "Waiting", "PLAIN" if company == "Ok" else None])
    for r in range(2, 11):
        ws.cell(r, 3).number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "made.xlsx")

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b't="inlineStr"><is><t>SENT</t></is></c>', b'><v>1e308</v></c>')
        for token, value in ((b"NANDATE", b"NaN"), (b"NEGDATE", b"-5"), (b"HUGENEG", b"-2e11"), (b"ZERODATE", b"0"),
                             (b"PLAIN", b"-3e11")):
            xml = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t>' + token + rb"</t></is></c>",
                         lambda m: m.group(1) + b"><v>" + value + b"</v></c>", xml)
        return xml

    return rewrite_part(tmp_path / "made.xlsx", tmp_path / "odd.xlsx", "xl/worksheets/sheet1.xml", change)


def test_odd_numbers_are_problems_of_their_rows(tmp_path):
    """Follow-ups sent 1e308 read as -9223372036854775808 with a numpy warning on stderr; NaN
    in a date cell read as 1899-12-30 (46,347 days overdue); a negative serial was 'a time of
    day only'; a number below -100 billion refused the whole tracker. Each is now a problem
    of its row with a plain reason, and the other rows are read."""
    path = _odd_numbers_tracker(tmp_path)
    run = run_cli("weekly", str(path), "--as-of", AS_OF.isoformat(), "-o", "-", "--format", "json",
                  cwd=tmp_path)
    assert run.code == 0, run.err
    assert "Warning" not in run.err and "Traceback" not in run.err, run.err
    got = json.loads(run.out)
    errors = {p["row"]: (p["column"], p["message"]) for p in got["problems"] if p["severity"] == "error"}
    assert sorted(errors) == [2, 3, 4, 5, 6], got["problems"]
    assert errors[2][0] == "Follow-ups sent" and "not a number of follow-ups" in errors[2][1]
    for row in (3, 4, 5, 6):
        assert errors[row][0] == "Last contact" and "is not a date" in errors[row][1], errors[row]
    for row in (3, 4, 5):  # the value as written, never 'a time of day'
        assert "time of day" not in errors[row][1]
    assert "'NaN'" in errors[3][1] and "-5" in errors[4][1] and "-200000000000" in errors[5][1]
    assert "number below 1 in a cell formatted as a date" in errors[6][1]  # a date cell holding 0
    assert [(i["company"], i["due_date"]) for i in got["items"]] == [
        ("Ok2", "2026-11-17"), ("Ok3", "2026-11-18"), ("Ok4", "2026-11-19"), ("Ok", "2026-12-01")]
    assert got["counts"]["problem"] == 5 and got["counts"]["rows"] == 9


# --------------------------------------------------------------------------- text-table trackers (.csv, .tsv)

CSV_HEADER = "Company,Contact name,Last contact,Status\n"


def _csv_cases(tmp_path: Path) -> dict[str, tuple[bytes, int, tuple[str, ...]]]:
    """name -> (bytes, expected exit, phrases of the one line when refused)."""
    rnd = random.Random(12)
    good_row = "Acme,Dana Smith,2026-11-23,Waiting\n"
    return {
        "junk.csv": (bytes(rnd.getrandbits(8) for _ in range(200_000)), 1, ("junk.csv", "not a text table")),
        "late_nul.csv": ((CSV_HEADER + good_row * 400).encode() + b"Ac\x00me,\x00,2026-11-23,Waiting\n", 0, ()),
        "huge_line.csv": ((CSV_HEADER + "Acme," + "x" * 20_000_000 + ",2026-11-23,Waiting\n").encode(), 1,
                          ("huge_line.csv",)),
        "huge_unquoted.csv": ((CSV_HEADER + '"' + "y" * 5_000_000 + "\n").encode(), 1, ("huge_unquoted.csv",)),
        "wide.csv": ((CSV_HEADER.rstrip("\n") + "," + ",".join(f"x{i}" for i in range(40_000)) + "\n"
                      + good_row).encode(), 1, ("wide.csv", "16,384")),
        "utf16.csv": ((CSV_HEADER + good_row).encode("utf-16"), 0, ()),
        "utf16.tsv": ((CSV_HEADER + good_row).replace(",", "\t").encode("utf-16-le"), 1, ("utf16.tsv",)),
        "mixed.csv": ((CSV_HEADER + "Caf\xe9 Ltd,Dana,2026-11-23,Waiting\n").encode("cp1252")
                      + "Zürich AG,Lee,2026-11-24,Waiting\n".encode("utf-8"), 0, ()),
        "cr_only.csv": ((CSV_HEADER + good_row).replace("\n", "\r").encode(), 0, ()),
        "formulas.csv": ((CSV_HEADER + '=HYPERLINK("http://evil.example";"x"),@SUM(1+1),+2026-11-23,-cmd|calc\n')
                         .encode(), 0, ()),
        "only_header.csv": (CSV_HEADER.encode(), 0, ()),
        "empty.csv": (b"", 1, ("empty.csv",)),
        "bom_only.csv": (b"\xef\xbb\xbf", 1, ("bom_only.csv",)),
    }


@pytest.mark.parametrize("name", ["junk.csv", "late_nul.csv", "huge_line.csv", "huge_unquoted.csv",
                                  "wide.csv", "utf16.csv", "utf16.tsv", "mixed.csv", "cr_only.csv",
                                  "formulas.csv", "only_header.csv", "empty.csv", "bom_only.csv"])
def test_text_trackers_from_hell(tmp_path, name):
    """Binary junk, NULs, a 20-million-character cell, an unclosed quote, 40,000 columns,
    UTF-16, two encodings in one file, old Mac line ends, formula-looking cells: read, or
    refused in one sentence, fast and in bounded memory; never 'failed unexpectedly'."""
    data, code, phrases = _csv_cases(tmp_path)[name]
    (tmp_path / name).write_bytes(data)
    run = run_cli("weekly", name, "--as-of", AS_OF.isoformat(), "-o", "week.csv", cwd=tmp_path)
    if code == 1:
        assert_refused(run, name, *phrases)
        assert not (tmp_path / "week.csv").exists()
        return
    text = run.out + run.err
    assert run.code == 0 and "Traceback" not in text and "unexpectedly" not in text, text
    assert run.seconds < MAX_SECONDS and run.maxrss_mb < MAX_RSS_MB, (run.seconds, run.maxrss_mb)
    import csv

    with (tmp_path / "week.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:  # nothing a spreadsheet would run as a formula
        for value in row.values():
            assert not value[:1] in ("=", "+", "-", "@") or value == "-", row
    if name == "mixed.csv":
        assert sorted(r["Company"] for r in rows)[0] == "Café Ltd"
    if name in ("late_nul.csv",):
        assert len(rows) == 401


def test_a_named_pipe_called_csv_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    run = run_cli("check", str(tmp_path / "pipe.csv"), cwd=tmp_path, timeout=30)
    assert_refused(run, "pipe.csv", "not a regular file")


# --------------------------------------------------------------------------- check and read see the same bytes (item 4)

SWAP_AFTER_CHECK = """
import shutil, sys
from followup_xl import cli, safety
tracker, bomb = sys.argv[1], sys.argv[2]
checked = safety.workbook_check
def check_then_swap(*args, **kwargs):
    found = checked(*args, **kwargs)
    shutil.copyfile(bomb, tracker)  # the file changes on disk once it has been checked
    return found
safety.workbook_check = check_then_swap
sys.exit(cli.main(sys.argv[3:]))
"""


@pytest.mark.parametrize("bomb", ["far_cell", "sheet_bomb"])
def test_a_file_swapped_between_check_and_read_is_not_parsed(files, tmp_path, bomb):
    """The check passed one file and the reader parsed whatever was on disk a moment later
    (a far-cell bomb then aborted the process without a word): now the reader parses the
    very bytes that were checked, read once."""
    tracker = good_tracker(tmp_path / "client.xlsx")
    run = run_python(SWAP_AFTER_CHECK, str(tracker), str(files[bomb][0]), "check", str(tracker),
                     "--as-of", AS_OF.isoformat())
    assert run.code == 0, run.out + run.err
    assert run.out.splitlines()[-1].startswith("2 rows: 2 to contact this week"), run.out
    assert run.maxrss_mb < MAX_RSS_MB and run.seconds < MAX_SECONDS
    assert tracker.read_bytes() == files[bomb][0].read_bytes()  # the swap did happen


def test_read_whole_reads_a_regular_file_once(tmp_path):
    tracker = good_tracker(tmp_path / "client.xlsx")
    assert safety.read_whole(tracker) == tracker.read_bytes()
    os.mkfifo(tmp_path / "pipe.xlsx")
    with pytest.raises(TrackerError, match="not a regular file"):
        safety.read_whole(tmp_path / "pipe.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(TrackerError, match="empty"):
        safety.read_whole(tmp_path / "empty.xlsx")


def test_a_date_cell_before_1900_is_a_problem_of_its_row():
    """A date cell of 1899 (what a damaged or crafted value, or the 1904 system's odd serials,
    can give) was scheduled as a next contact in 1900, 46,000 days overdue."""
    from followup_xl.tracker import parse_table

    data = parse_table([["Company", "Last contact"], ["Acme", dt.datetime(1899, 12, 30)],
                        ["Beta", dt.date(2026, 11, 23)]], tracker="t.xlsx")
    assert data.bad.tolist() == [True, False]
    assert "before 1900-01-01" in data.problems[0].message
