"""Formulas repeated down a column, stored once (Excel's shared formulas), for openpyxl.

The template repeats the same formula (shifted by row) in thousands of cells. Excel, and
every app that reads .xlsx (LibreOffice, Google Sheets), stores such a column as one
*shared formula*: the first cell holds the text and the range it covers, the others only
its number. openpyxl reads shared formulas (it expands them into each cell's own text) but
writes each cell's formula whole, which makes the template seven times larger. Here:

- `SharedFormula` / `SharedFormulaCell`: cell values that openpyxl writes as
  `<f t="shared" ref=... si=...>text</f>` and `<f t="shared" si=.../>`;
- `share_formulas(wb)`: after openpyxl has loaded and edited a workbook, turn each run of
  cells holding the first cell's formula shifted by row back into one shared formula (what
  `followup-xl log` and `holidays --update` use before saving);
- `print_areas(path)` / `restore_print_areas(wb, areas)`: openpyxl drops a print area given
  as a formula (the template's ends at the last row with a Company) when it loads a
  workbook; these read it from the file and put it back.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.formula.translate import Translator
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

MIN_RUN = 20  # shorter runs are left as they are


class SharedFormula(ArrayFormula):
    """The first cell of a shared formula: its text and the range it covers."""

    t = "shared"

    def __init__(self, ref: str, text: str, si: int):
        super().__init__(ref, text)
        self.si = si

    def __iter__(self):
        yield "t", "shared"
        yield "ref", self.ref
        yield "si", str(self.si)


class SharedFormulaCell(DataTableFormula):
    """A cell taking shared formula number si (written <f t="shared" si="N"/>)."""

    t = "shared"

    def __init__(self, si: int):
        super().__init__(ref=None)
        self.si = si

    def __iter__(self):
        yield "t", "shared"
        yield "si", str(self.si)


class SharedIndex:
    """Numbers the shared formulas of one sheet (si is per sheet)."""

    def __init__(self, start: int = 0) -> None:
        self.n = start

    def fill(self, ws, col: str, first: int, last: int, text: str) -> None:
        """text (the first row's formula) in col, rows first..last, stored once."""
        si, self.n = self.n, self.n + 1
        ws[f"{col}{first}"] = SharedFormula(f"{col}{first}:{col}{last}", text, si)
        for r in range(first + 1, last + 1):
            ws[f"{col}{r}"] = SharedFormulaCell(si)


def share_formulas(wb) -> int:
    """Store each run of at least MIN_RUN cells down a column holding the run's first formula
    shifted by row as one shared formula; the number of cells changed."""
    changed = 0
    for ws in wb.worksheets:
        used = [c.si for row in ws.iter_rows() for c in row
                if isinstance(c.value, (SharedFormula, SharedFormulaCell))]
        index = SharedIndex(max(used, default=-1) + 1)
        columns: dict[int, list] = {}
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    columns.setdefault(c.column, []).append(c)
        for cells in columns.values():
            i = 0
            while i < len(cells):
                first = cells[i]
                translator = Translator(first.value, first.coordinate)
                j = i + 1
                while (j < len(cells) and cells[j].row == cells[j - 1].row + 1
                       and cells[j].value == translator.translate_formula(cells[j].coordinate)):
                    j += 1
                if j - i >= MIN_RUN:
                    index.fill(ws, first.column_letter, first.row, cells[j - 1].row, first.value)
                    changed += j - i
                i = j
    return changed


_PRINT_AREA = re.compile(rb'<definedName\b([^>]*\bname="_xlnm\.Print_Area"[^>]*)>([^<]*)</definedName>')
_SHEET_ID = re.compile(rb'\blocalSheetId="(\d+)"')


def print_areas(path: str | Path) -> dict[int, str]:
    """Sheet index -> print area formula, for print areas that are formulas (openpyxl drops
    those on loading)."""
    import html

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return {}
    out = {}
    for attrs, text in _PRINT_AREA.findall(xml):
        sheet = _SHEET_ID.search(attrs)
        value = html.unescape(text.decode("utf-8"))
        if sheet and "(" in value:
            out[int(sheet.group(1))] = value
    return out


def restore_print_areas(wb: Any, areas: dict[int, str]) -> None:
    for sheet, text in areas.items():
        if sheet < len(wb.worksheets):
            wb.defined_names["_xlnm.Print_Area"] = DefinedName("_xlnm.Print_Area", localSheetId=sheet,
                                                               attr_text=text)
