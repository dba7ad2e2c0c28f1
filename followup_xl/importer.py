"""`followup-xl import SOURCE... -o OUT.xlsx` (SPEC "Command line"): an existing tracker, in
any layout the reader takes (.csv included), into a fresh template workbook whose formulas
then work in any spreadsheet app.

Every source row with something in it is kept, in order (rows without a Company too, so
nothing is lost); recognised columns go to the template's columns, every other column is
kept beside them under its own header. Dates the reader understood become real dates (a
date typed as text would be invisible to the formulas); every other cell is copied as it
is. Statuses the template does not know are added to its Statuses sheet with the meaning
the reader gave them (active, for the user to change). Settings the source has (country,
cadences, YourName, ...) are copied. The sources are only read; OUT is written whole or
not at all.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from . import schema
from .cells import CellError, is_blank
from .errors import TrackerError, UsageError
from .output import write_atomic


@dataclass
class ImportReport:
    """What import did: the rows and columns taken from each source."""

    out: Path
    rows: int = 0
    extra_columns: list[str] = field(default_factory=list)
    statuses_added: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def import_trackers(sources: Sequence[str | os.PathLike], out: str | os.PathLike, *,
                    sheet: str | None = None, country: str | None = None,
                    subdivision: str | None = None) -> ImportReport:
    """Write a template workbook holding the applications of the source trackers."""
    from . import template
    from .reader import read_tracker

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out.name}: the imported tracker must be saved as an .xlsx file, e.g. tracker.xlsx.")
    if out.exists():
        raise UsageError(f"{out} already exists: choose another name (import never overwrites a file).")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist: create it first, or choose another path.")
    paths = [Path(s) for s in sources]
    for p in paths:
        try:
            same = p.exists() and out.resolve() == p.resolve()
        except OSError:
            same = False
        if same:
            raise UsageError(f"The output {out} is one of the sources: choose another file with -o.")
    datas = [read_tracker(p, sheet=sheet, country=country, subdivision=subdivision) for p in paths]
    first = datas[0].settings
    wb = template.build_workbook(country=first.country, subdivision=first.subdivision)
    report = ImportReport(out, sources=[d.name for d in datas])
    ws = wb[schema.TRACKER_SHEET]
    keys = [c.key for c in schema.COLUMNS]
    extra: dict[str, int] = {}  # header (case-folded) -> sheet column
    r = template.FIRST_ROW
    own: dict[str, str] = {}
    for data in datas:
        src = data.source
        by_row = {int(x): i for i, x in enumerate(data.rows.tolist())}
        theirs = {j: k for k, j in data.columns.cols.items() if k not in _COMPUTED}
        others = [(j, str(h).strip()) for j, h in enumerate(src.header)
                  if j not in theirs and h is not None and str(h).strip()]
        for _, h in others:
            if h.casefold() not in extra:
                extra[h.casefold()] = len(keys) + 1 + len(extra)
                ws.cell(template.HEADER_ROW, extra[h.casefold()], h)
                report.extra_columns.append(h)
        wanted = sorted(set(by_row) | set(data.skipped))
        if r + len(wanted) - 1 > template.LAST_ROW:
            raise TrackerError(f"{data.name} has more applications than the template's {template.ROWS:,} "
                               "rows: split it into several trackers.")
        for excel_row in wanted:
            cells = src.row(excel_row)
            i = by_row.get(excel_row)
            for j, key in theirs.items():
                value = _value(data, key, i, cells[j] if j < len(cells) else None)
                if value is not None:
                    ws.cell(r, keys.index(key) + 1, value)
            for j, h in others:
                v = cells[j] if j < len(cells) else None
                if not is_blank(v) or isinstance(v, bool):
                    ws.cell(r, extra[h.casefold()], str(v) if isinstance(v, CellError) else v)
            r += 1
            report.rows += 1
        own.update({s: m for s, m in data.statuses.items() if s not in own})
        for status in {s for s in data.status.tolist() if s}:
            if not schema.is_known_status(status, own):
                own[status] = schema.ACTIVE
    report.statuses_added = _add_statuses(wb, own, template)
    _copy_settings(wb, datas[0])
    write_atomic(out, template._workbook_bytes(wb, out))  # output.py: the one file writer
    return report


_COMPUTED = frozenset(c.key for c in schema.COMPUTED_COLUMNS)


def _value(data, key: str, i: int | None, raw: Any) -> Any:
    """The cell to write: the typed date or number when the reader understood it, else the
    cell as it is (placeholders and check boxes dropped: they stand for nothing)."""
    if is_blank(raw):
        return None
    if isinstance(raw, CellError):
        return str(raw)
    if i is not None and not data.bad[i]:
        if key in data.dates:
            day = data.dates[key][i]
            return None if day != day else day.astype("datetime64[D]").item()
        if key in data.numbers:
            n = float(data.numbers[key][i])
            return None if math.isnan(n) else int(n)
    if isinstance(raw, dt.datetime) and raw.time() == dt.time(0):
        return raw.date()
    return raw


def _add_statuses(wb, own: dict[str, str], template) -> list[str]:
    """The source's own statuses (and unknown ones, as active) below the built-in list."""
    ws = wb[schema.STATUSES_SHEET]
    r = template.STATUS_FIRST_ROW
    while ws.cell(r, 1).value not in (None, ""):
        r += 1
    added = []
    for status, meaning in own.items():
        if schema.canonical_status(status) is not None or r > template.STATUS_LAST_ROW:
            continue
        ws.cell(r, 1, status)
        ws.cell(r, 2, meaning)
        added.append(status)
        r += 1
    return added


def _copy_settings(wb, data) -> None:
    """The source's settings that differ from the defaults, into the template's named cells."""
    s = data.settings
    for setting in schema.SETTINGS:
        attr = schema.SETTING_ATTRS[setting.name]
        value = getattr(s, attr, None)
        if setting.name in ("Country", "Subdivision") or value in (None, setting.default):
            continue
        name = wb.defined_names.get(setting.name)
        if name is None:
            continue
        sheet, ref = next(iter(name.destinations))
        wb[sheet][ref.replace("$", "")] = value
