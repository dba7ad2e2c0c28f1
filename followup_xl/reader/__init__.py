"""Reading the trackers people have (SPEC: "The tracker", "Dates in cells").

The modules, in the order the data flows:
- `xml`: what xl/workbook.xml says (date system, sheet parts, defined names) and the error
  cells python-calamine does not show;
- `sheets`: which sheet holds the applications, and the layouts refused;
- `header`: which row is the header, and which header is which column (`ColumnMap`);
- `columns`: typing a column's cells (dates, whole numbers);
- `statuses`: the Status column by meaning, and a workbook's own Statuses sheet;
- `table`: a sheet's rows -> typed columns (`parse_table`, `TrackerData`);
- `settings`, `holidays`: the Settings and Holidays sheets (and the command line's place);
- `workbook`: `read_tracker(path)`; `text`: the .csv/.tsv trackers.
"""

from __future__ import annotations

from .header import HEADER_SCAN_ROWS, ColumnMap, column_of, find_header, header_score, map_columns
from .settings import Place, read_settings, settings_from_values
from .sheets import choose_sheet, layout_refusal
from .table import TrackerData, parse_table
from .workbook import read_tracker, tracker_sheet_name
from .xml import WorkbookInfo, error_cells, workbook_info, workbook_info_of

__all__ = ["HEADER_SCAN_ROWS", "ColumnMap", "Place", "TrackerData", "WorkbookInfo", "choose_sheet",
           "column_of", "error_cells", "find_header", "header_score", "layout_refusal", "map_columns",
           "parse_table", "read_settings", "read_tracker", "settings_from_values", "tracker_sheet_name",
           "workbook_info", "workbook_info_of"]
