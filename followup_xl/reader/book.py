"""The sheets of one workbook as python-calamine gives them: `Book(calamine_book, shown)`.

Each sheet's grid is parsed once (`grid(name)`), however many readers ask for it (the sheet
choice, the Settings, the Holidays and the Statuses), and the grids of one read hold at most
MAX_READ_CELLS cells in all. The safety check caps each sheet's span (safety.MAX_CELLS), but
choosing the sheet of a workbook without a Tracker sheet parses every sheet, and a workbook
of many sheets each just under the cap would take gigabytes; it is refused in one sentence
when the sheets read pass the total, the memory held then at most the total and one sheet.
"""

from __future__ import annotations

from typing import Any

from ..errors import TrackerError
from ..safety import MAX_CELLS

# Cells of all the grids one read holds: as many as one sheet may span (a 100,000-row
# tracker of 15 columns: 1.5 million); the grids of a refused read stay within the hostile
# suite's 400 MB.
MAX_READ_CELLS = MAX_CELLS


class Book:
    """A python-calamine workbook's sheets, each parsed once, all within MAX_READ_CELLS."""

    def __init__(self, native: Any, shown: str) -> None:
        self.native = native  # the CalamineWorkbook
        self.names: list[str] = list(native.sheet_names)
        self._shown = shown
        self._grids: dict[str, list[list[Any]]] = {}
        self.cells = 0  # cells of the grids parsed so far

    def grid(self, name: str) -> list[list[Any]]:
        """The sheet's cells, rows of equal length from A1 (parsed on first use). The cells are
        counted before python-calamine makes them Python objects (from the sheet's last
        cell), so a refused read never holds that sheet's grid."""
        if name not in self._grids:
            sheet = self.native.get_sheet_by_name(name)
            if not hasattr(sheet, "end"):  # an older python-calamine: counted once it is built
                self._grids[name] = self.counted(name, sheet.to_python(skip_empty_area=False))
                return self._grids[name]
            end = sheet.end  # the last cell (None: an empty sheet); the grid spans A1 to it
            self._charge(name, (end[0] + 1) * (end[1] + 1) if end else 0)
            self._grids[name] = sheet.to_python(skip_empty_area=False)
        return self._grids[name]

    def parsed(self, name: str) -> bool:
        return name in self._grids

    def counted(self, name: str, grid: list[list[Any]]) -> list[list[Any]]:
        """`grid` (the sheet `name`'s, parsed here or elsewhere), counted against the total."""
        self._charge(name, sum(map(len, grid)))
        return grid

    def _charge(self, name: str, cells: int) -> None:
        self.cells += cells
        if self.cells > MAX_READ_CELLS:
            raise TrackerError(
                f"{self._shown} holds more than {MAX_READ_CELLS:,} cells across its sheets (the sheet "
                f"{name!r} brought them to {self.cells:,}), far more than any tracker: name the sheet "
                "with your applications \"Tracker\" or choose it with --sheet, or delete the rows and "
                "columns beyond your data on the other sheets and save it.")
