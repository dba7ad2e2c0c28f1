"""Where a template workbook's formulas and the command line may disagree (SPEC: "The
template workbook": the sheet and the command line agree, "or `check` reports the row with a
warning saying why they differ").

The template's formulas cannot do everything the command line does; for each such row this
module gives `check` a warning naming the cell:

- a date typed as text: the command line reads "2026-11-20" or "20 Nov 2026", the formulas
  read no text at all (they would depend on the machine's language) and show *Check this row*;
- a Next contact outside the years the Holidays sheet covers, or Settings naming another
  Country or Subdivision than the sheet: the command line knows every year's holidays, the
  sheet shows *Check holidays*;
- a status holding a punctuation character the formulas do not remove (they remove the
  usual ones: template.STATUS_IGNORED): the two may read it as different statuses.

Only workbooks made by `followup-xl template` (they have the Holidays sheet's place and
years as defined names) get these warnings; the workbook is only read.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from . import schema
from .errors import quote
from .model import Problem

DATE_KEYS = ("applied_date", "interview_date", "last_contact")


def _names_and_cells(path: Path) -> tuple[dict[str, Any], Any, Any] | None:
    """(defined name -> cell value for the template's names, the calamine book, info) or None
    when the workbook is not a template."""
    from python_calamine import CalamineWorkbook

    from .template import HOLIDAY_INFO_NAMES
    from .reader.xml import _cell_index, workbook_info

    try:
        with zipfile.ZipFile(path) as zf:
            info = workbook_info(zf)
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
    if not all(n in info.names for n in HOLIDAY_INFO_NAMES):
        return None
    book = CalamineWorkbook.from_path(str(path))
    values: dict[str, Any] = {}
    grids: dict[str, list[list[Any]]] = {}
    for name in (*HOLIDAY_INFO_NAMES, "Country", "Subdivision"):
        where = info.names.get(name)
        if not where:
            continue
        sheet, ref = where
        if sheet not in grids:
            try:
                grids[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception:  # noqa: BLE001 - a sheet calamine cannot read: no value
                grids[sheet] = []
        r, c = _cell_index(ref)
        g = grids[sheet]
        values[name] = g[r][c] if r < len(g) and c < len(g[r]) else None
    return values, book, info


def _code(value: Any) -> str:
    return "" if value is None else str(value).replace("\u00a0", " ").strip().upper()


def _year(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def parity_problems(path: str | Path, as_of: Any = None) -> list[Problem]:
    """The warnings `check` adds for a template workbook (see the module notes); [] for any
    other tracker or one that cannot be read (the reader reports that)."""
    from .errors import FollowupError
    from .template import CHECK_HOLIDAYS, CHECK_ROW, status_residue
    from .tracker import read_tracker
    from .weekly import choose_as_of, evaluate_group

    path = Path(path)
    found = _names_and_cells(path)
    if found is None:
        return []
    values, book, _ = found
    try:
        data = read_tracker(path)
    except FollowupError:
        return []
    name = data.name
    problems: list[Problem] = []
    # Dates typed as text, and statuses with characters the formulas keep.
    grid = book.get_sheet_by_name(data.sheet).to_python(skip_empty_area=False)
    header = grid[data.header_row - 1] if len(grid) >= data.header_row else []
    columns = {schema.match_header(v): j for j, v in enumerate(header) if isinstance(v, str)}
    errors = {(p.row, p.column) for p in data.problems if p.severity == "error"}
    for r in data.rows.tolist():
        cells = grid[r - 1] if r - 1 < len(grid) else []
        for key in DATE_KEYS:
            j = columns.get(key)
            if j is None or j >= len(cells):
                continue
            v = cells[j]
            label = data.headers.get(key, schema.COLUMN_BY_KEY[key].header)
            if isinstance(v, str) and v.replace("\u00a0", " ").strip() and (r, label) not in errors:
                problems.append(Problem(name, r, label, v, (
                    f"{quote(v)} is typed as text: followup-xl reads it, but the workbook's formulas "
                    f"cannot, so the row shows {CHECK_ROW}; type it again as a date (e.g. 30 Nov 2026)."),
                    "warning"))
        j = columns.get("status")
        if j is not None and j < len(cells) and isinstance(cells[j], str):
            odd = status_residue(cells[j])
            if odd:
                problems.append(Problem(name, r, data.headers.get("status", "Status"), cells[j], (
                    f"the status holds {quote(odd)}, which followup-xl ignores and the workbook's formulas "
                    "do not: the sheet may read it as another status; remove those characters."),
                    "warning"))
    # The Holidays sheet's place and years.
    country, subdivision = _code(values.get("Country")), _code(values.get("Subdivision"))
    sheet_country, sheet_subdivision = _code(values.get("HolidaysCountry")), _code(values.get("HolidaysSubdivision"))
    first, last = _year(values.get("HolidaysFirstYear")), _year(values.get("HolidaysLastYear"))
    update = f"run  followup-xl holidays --update {path.name}"
    place_changed = (country, subdivision) != (sheet_country, sheet_subdivision)
    if place_changed:
        here = country + (f"-{subdivision}" if subdivision else "") or "(blank)"
        there = sheet_country + (f"-{sheet_subdivision}" if sheet_subdivision else "")
        problems.append(Problem(name, None, "Holidays", there, (
            f"Settings say {here} but the Holidays sheet holds the public holidays of {there}: the "
            f"workbook shows {CHECK_HOLIDAYS} on every row with a next contact; {update}."), "warning"))
    elif first is not None and last is not None and len(data):
        a, _ = choose_as_of(as_of, [data])
        ((good, state, nxt, _late),) = evaluate_group([data], a)
        lo, hi = np.datetime64(dt.date(first, 1, 1), "D"), np.datetime64(dt.date(last, 12, 31), "D")
        outside = ~np.isnat(nxt) & ((nxt < lo) | (nxt > hi))
        for k in np.flatnonzero(outside).tolist():
            r = int(data.rows[good[k]])
            day = nxt[k].item()
            problems.append(Problem(name, r, schema.COLUMN_BY_KEY["next_contact"].header, day.isoformat(), (
                f"the next contact, {day.isoformat()}, falls outside the years the Holidays sheet "
                f"covers ({first}-{last}): the workbook shows {CHECK_HOLIDAYS}; {update}."), "warning"))
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return problems
