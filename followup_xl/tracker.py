"""The former home of the reader, kept for one release: the code lives in `followup_xl/reader/`
(and the shared cell helpers in `cells.py`, the data types in `model.py`). Import from there.
"""

from __future__ import annotations

from .cells import (  # noqa: F401
    CLASSIC_ERROR_TEXTS,
    EXCEL_ERROR_TEXTS,
    CellError,
    LazyColumn,
    cell_text,
    empty_mask,
    is_empty,
    take,
)
from .model import Problem  # noqa: F401
from .reader.columns import _cell_date, _date_column, _int_column, _whole_number  # noqa: F401
from .reader.header import HEADER_SCAN_ROWS, SURE_HEADER, find_header, header_score  # noqa: F401
from .reader.holidays import read_holidays  # noqa: F401
from .reader.settings import read_settings, settings_from_values  # noqa: F401
from .reader.statuses import _status_column, status_column  # noqa: F401
from .reader.table import (  # noqa: F401
    COMPUTED_KEYS,
    DATE_KEYS,
    INT_KEYS,
    TEXT_KEYS,
    TrackerData,
    parse_table,
)
from .reader.workbook import (  # noqa: F401
    THREAD_MIN_BYTES,
    _LazyZip,
    _read,
    _read_book,
    read_tracker,
    tracker_sheet_name,
)
from .reader.xml import (  # noqa: F401
    NEW_ERROR_VALUES,
    WorkbookInfo,
    _classic_errors,
    error_cells,
    workbook_info,
    workbook_info_of,
)

_empty_mask = empty_mask  # the former private name
