"""The workbook's XML parts the cell reader does not show: the date system, the sheets'
parts and defined names (xl/workbook.xml), and the error cells of a sheet."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Sequence

from ..a1 import column_number
from ..cells import CLASSIC_ERROR_TEXTS, EXCEL_ERROR_TEXTS
from ..safety import ERROR_MARK


@dataclass
class WorkbookInfo:
    """What xl/workbook.xml says: the date system, sheets (name -> part) and defined names."""

    date1904: bool = False
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> zip member
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (sheet, ref)


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def workbook_info(zf: zipfile.ZipFile | Path) -> WorkbookInfo:
    """Parse xl/workbook.xml (and its rels) with defusedxml: entity tricks stay off."""
    if not isinstance(zf, zipfile.ZipFile):
        with zipfile.ZipFile(zf) as opened:
            return workbook_info(opened)
    workbook = zf.read("xl/workbook.xml")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels = None
    return workbook_info_of(workbook, rels)


def workbook_info_of(workbook: bytes, rels: bytes | None) -> WorkbookInfo:
    """workbook_info from the parts' bytes (the safety check hands them over, already read)."""
    small = len(workbook) + len(rels or b"") <= 1 << 16  # only small parts are kept in the cache
    info = (_parse_workbook_info if small else _parse_workbook_info.__wrapped__)(workbook, rels)
    return WorkbookInfo(info.date1904, dict(info.sheets), dict(info.names))  # a copy of the cached one


@lru_cache(maxsize=64)
def _parse_workbook_info(workbook: bytes, rels_xml: bytes | None) -> WorkbookInfo:
    """The parse, cached by content: a coach's trackers come from one template, so their
    workbook parts are often byte for byte the same."""
    from defusedxml import ElementTree as ET

    info = WorkbookInfo()
    root = ET.fromstring(workbook)
    rels = None if rels_xml is None else ET.fromstring(rels_xml)
    pr = root.find("m:workbookPr", _NS)
    if pr is not None and pr.get("date1904", "").lower() in ("1", "true"):
        info.date1904 = True
    targets = {}
    if rels is not None:
        for rel in rels.findall("rel:Relationship", _NS):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = target
    for sh in root.findall("m:sheets/m:sheet", _NS):
        info.sheets[sh.get("name", "")] = targets.get(sh.get(f"{{{_NS['r']}}}id"), "")
    for dn in root.findall("m:definedNames/m:definedName", _NS):
        name, text = dn.get("name", ""), (dn.text or "").strip()
        m = _REF.match(text)
        if not m or (name in info.names and dn.get("localSheetId") is not None):
            continue  # formulas, #REF! and sheet-scoped duplicates are of no use here
        sheet = (m[1] or "").replace("''", "'") if m[1] else m[2]
        info.names[name] = (sheet, f"{m[3]}{m[4]}")
    return info


def _cell_index(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    return int(m[2]) - 1, column_number(m[1]) - 1


_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)


_ERROR_CELL2 = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)


def error_cells(zf: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    """(row, col) -> error text of the cells holding an error value (#N/A, ...).

    python-calamine reads those as empty; a quick scan of the sheet XML finds them so a
    broken lookup is reported instead of silently looking blank. Streaming and cheap:
    the regex only runs when the marker t="e" occurs at all.
    """
    return scan_cells(zf, member, errors=True, formulas=False)[0]


_FORMULA_CELL = re.compile(
    rb'<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_TEXT_RESULT = re.compile(rb'\bt="(?:str|inlineStr|s)"')


# The markers scan_cells looks for first (a regex finds a literal faster than `in` does): an
# error cell's, the very one the safety check looks for, and any tag beginning "<f" (wider
# than the check's, as _FORMULA_CELL takes <f followed by any non-word character).
_FORMULA_MARK = re.compile(rb"<f")


def _blocks(zf: zipfile.ZipFile, member: str, inflated: Sequence[bytes] | None):
    """The part's XML, non-empty blocks: `inflated` when given, else read from the archive."""
    if inflated is not None:
        yield from (chunk for chunk in inflated if chunk)
        return
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 22):
            yield chunk


def scan_cells(zf: zipfile.ZipFile, member: str, *, errors: bool = True, formulas: bool = True,
               inflated: Sequence[bytes] | None = None
               ) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """One streaming read of a sheet part for what python-calamine shows as empty: the cells
    holding an error value ((row, col) -> error text) and, when `formulas`, the cells holding
    a formula with no stored result ((row, col) -> formula; a program wrote the file and no
    spreadsheet app has computed it). Each regex runs only where its marker occurs.
    `inflated`: the part's XML already inflated, in chunks (then the archive is not read)."""
    found: dict[tuple[int, int], str] = {}
    no_value: dict[tuple[int, int], str] = {}
    if not member or not (errors or formulas):
        return found, no_value
    marks = ([ERROR_MARK] if errors else []) + ([_FORMULA_MARK] if formulas else [])
    try:
        prev = b""
        chunks: list[bytes] = []  # from the first hit on, with 4 KB before it
        for chunk in _blocks(zf, member, inflated):
            if chunks:
                chunks.append(chunk)
            elif any(m.search(chunk) or m.search(prev[-8:] + chunk[:8]) for m in marks):
                chunks = [prev[-4096:], chunk]
            else:
                prev = chunk
        if not chunks:
            return found, no_value
        xml = b"".join(chunks)
    except (KeyError, zipfile.BadZipFile, OSError):
        return found, no_value
    if errors and b't="e"' in xml:
        for rx in (_ERROR_CELL, _ERROR_CELL2):
            for m in rx.finditer(xml):
                r, c = _cell_index((m[1] + m[2]).decode())
                found[(r, c)] = m[3].decode("utf-8", "replace") or "#N/A"
    if formulas:
        for m in _FORMULA_CELL.finditer(xml):
            ref = _CELL_REF.search(m[1])
            if ref is None or _TEXT_RESULT.search(m[1]):  # t="str" and an empty <v>: the result is ""
                continue
            r, c = _cell_index((ref[1] + ref[2]).decode())
            if (r, c) not in found:
                no_value[(r, c)] = (m[2] or b"").decode("utf-8", "replace")
    return found, no_value


@dataclass(frozen=True)
class TablePart:
    """An Excel Table (Insert > Table): its range and how many header and totals rows."""

    name: str
    top: int  # row index (0-based) of the first row of the range
    bottom: int  # row index of the last row
    left: int
    right: int
    header_rows: int = 1
    totals_rows: int = 0


def sheet_tables(zf: zipfile.ZipFile, member: str, table_parts: Sequence[str]) -> list[TablePart]:
    """The Excel Tables of a sheet part (through the sheet's relationships)."""
    from defusedxml import ElementTree as ET

    if not member or not table_parts:
        return []
    folder, _, base = member.rpartition("/")
    try:
        rels = ET.fromstring(zf.read(f"{folder}/_rels/{base}.rels"))
    except KeyError:
        return []
    tables = []
    for rel in rels.findall("rel:Relationship", _NS):
        if not rel.get("Type", "").endswith("/table"):
            continue
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(folder) / target)
        part = _normpath(part)
        if part not in table_parts:
            continue
        try:
            root = ET.fromstring(zf.read(part))
        except KeyError:
            continue
        m = re.match(r"^\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$", root.get("ref", ""))
        if not m:
            continue
        (top, left), (bottom, right) = _cell_index(m[1] + m[2]), _cell_index(m[3] + m[4])
        tables.append(TablePart(root.get("displayName") or root.get("name") or "", top, bottom, left, right,
                                _int(root.get("headerRowCount"), 1), _int(root.get("totalsRowCount"), 0)))
    return tables


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _normpath(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece and piece != ".":
            out.append(piece)
    return "/".join(out)


# Error values of Excel 365 (dynamic arrays, data types, Python in Excel) that python-calamine
# refuses to read, failing the whole sheet; the error scan still reports them cell by cell.
NEW_ERROR_VALUES = tuple(e.encode() for e in EXCEL_ERROR_TEXTS if e not in CLASSIC_ERROR_TEXTS)


_NEW_ERROR = re.compile(rb"<v>(?:" + b"|".join(re.escape(e) for e in NEW_ERROR_VALUES) + rb")</v>")


def _classic_errors(zf: zipfile.ZipFile):
    """An in-memory copy of the workbook where Excel 365's newer error values read #N/A."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in zf.namelist():  # by name: writestr would rewrite a shared ZipInfo's offsets
            data = zf.read(name)
            if name.endswith(".xml") and b't="e"' in data:
                data = _NEW_ERROR.sub(b"<v>#N/A</v>", data)
            copy.writestr(name, data)
    out.seek(0)
    return out


def _member_size(zf: zipfile.ZipFile, member: str) -> int:
    try:
        return zf.getinfo(member).file_size if member else 0
    except KeyError:
        return 0

