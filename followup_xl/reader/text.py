"""A tracker kept as a text table: .csv or .tsv (SPEC "The tracker").

The encoding is UTF-8 (with or without a byte-order mark), else cp1252 (what Excel on
Windows writes); the delimiter is a tab for .tsv, else detected (comma, semicolon, tab or
bar). A text table has no Settings: the calendar is the command line's --country /
--subdivision (else FOLLOWUP_XL_COUNTRY, else US), and dates typed like 11/30/2026 are read
in that country's order unless the file says otherwise (a first number above 12 somewhere
in its date columns means day first, a second number above 12 month first).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from ..errors import TrackerError
from .header import DATE_KEYS, find_header, map_columns
from .settings import Place, settings_from_values
from .table import TrackerData, parse_table

MAX_TEXT_BYTES = 64 << 20  # far more than any tracker (100,000 rows take ~15 MB)
DELIMITERS = ",;\t|"
MAX_COLUMNS = 16_384  # Excel's columns (XFD)
SNIFF_CHARS = 64 << 10  # the start of the file the delimiter is guessed from
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


def read_text_tracker(path: Path, place: Place | None = None) -> TrackerData:
    """Read a .csv/.tsv tracker; TrackerError (one sentence naming the file) when it cannot be used."""
    name = path.name
    try:
        if not path.exists():
            raise TrackerError(f"{path} was not found: check the file name and the folder.")
        if path.is_dir():
            raise TrackerError(f"{path} is a folder, not a tracker file.")
        if not path.is_file():  # a pipe or a device: reading it could wait forever
            raise TrackerError(f"{name} is not a regular file: give the tracker's .csv, .tsv or .xlsx file.")
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise TrackerError(f"{name} is {size >> 20} MB, far larger than any tracker: check that it "
                               "is the right file.")
        raw = path.read_bytes()
    except OSError as exc:
        raise TrackerError(f"{name} could not be read ({exc.strerror or exc}).") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Unicode Text)
        raw = raw.decode("utf-16", errors="replace").encode("utf-8")
    if b"\x00" in raw[:4096]:
        raise TrackerError(f"{name} is not a text table (it holds binary data): give a .csv or .tsv "
                           "file, or the tracker's .xlsx workbook.")
    text, encoding = decode(raw)
    if "\x00" in text:  # a stray NUL past the start (binary data is refused above): no cell's text;
        text = text.replace("\x00", "")  # Python 3.10's csv refuses a line holding one, 3.11's reads it
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    try:
        rows: list[list[Any]] = [[c if c.strip() else None for c in r]
                                 for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:  # a cell beyond the csv module's field limit (131,072 characters)
        raise TrackerError(f"{name} has a cell of more than {csv.field_size_limit():,} characters (or a "
                           "quote that is never closed), which no tracker holds: check that it is the "
                           "right file, or open it in a spreadsheet app and save it again.") from None
    widest = max(map(len, rows), default=0)
    if widest > MAX_COLUMNS:
        raise TrackerError(f"{name} has a line of {widest:,} cells, more than the {MAX_COLUMNS:,} columns "
                           "a spreadsheet holds: check that it is the right file.")
    order = file_date_order(rows)
    raw_settings: dict[str, Any] = {"DateOrder": order} if order else {}
    settings, problems = settings_from_values(raw_settings, name, place=place or Place())
    sheet = f"text table ({_NAMES.get(delimiter, repr(delimiter))}-separated, {encoding})"
    data = parse_table(rows, tracker=name, settings=settings, path=path, sheet=sheet)
    data.problems = problems + data.problems
    return data


def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding's name: UTF-8 (a BOM allowed), else cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter of a text table (comma when nothing else is clear)."""
    sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def file_date_order(rows: list[list[Any]]) -> str | None:
    """DMY or MDY when the date columns' numeric dates show it (a part above 12), else None."""
    h = find_header(rows)
    if h is None:
        return None
    cmap, _ = map_columns(rows[h])
    cols = [j for k, j in cmap.cols.items() if k in DATE_KEYS]
    day_first = month_first = False
    for row in rows[h + 1:h + 5001]:
        for j in cols:
            v = row[j] if j < len(row) else None
            m = _NUMERIC_DATE.match(v) if isinstance(v, str) else None
            if m:
                a, b = int(m[1]), int(m[2])
                day_first |= a > 12 >= b
                month_first |= b > 12 >= a
    if day_first != month_first:
        return "DMY" if day_first else "MDY"
    return None
