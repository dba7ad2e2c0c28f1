"""The Status column, each status by its meaning (SPEC "Statuses"), and a workbook's own
statuses from its Statuses sheet (Status, Meaning).

A status is matched as a header is (case, spaces, non-breaking spaces and punctuation
ignored): the workbook's own first, then the built-in list. Blank means active; any other
text counts as active and gets a warning naming the nearest known status.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np

from .. import schema
from ..cells import CellError, cell_text, is_blank
from ..errors import quote
from ..model import Problem
from .columns import _map_unique
from .header import HEADER_SCAN_ROWS

STATUSES_SHEET = getattr(schema, "STATUSES_SHEET", "Statuses")


def status_column(col: Sequence[Any], own: Mapping[str, str] | None = None
                  ) -> tuple[np.ndarray, dict[int, str], dict[int, str]]:
    """(statuses as shown: the known spelling, or the text as typed; warnings; errors) by row."""
    table = tuple(sorted(schema.status_table(own).items())) if own else ()
    values, found = _map_unique(col, lambda v: _status_of(v, table))
    out = np.empty(len(values), dtype=object)
    out[:] = values
    bad = {i: r for i, r in found.items() if isinstance(col[i], CellError)}
    warn = {i: r for i, r in found.items() if i not in bad}
    return out, warn, bad


_status_column = status_column  # the former name


def _status_of(v: Any, table: tuple = ()) -> tuple[str, str | None]:
    if type(v) is str:  # the usual cell: statuses repeat across a folder's trackers
        return _text_status(v, table)
    return _cell_status(v, table)


@lru_cache(maxsize=4096)
def _text_status(v: str, table: tuple) -> tuple[str, str | None]:
    return _cell_status(v, table)


def _cell_status(v: Any, table: tuple = ()) -> tuple[str, str | None]:
    if isinstance(v, CellError):
        return "", f"the cell shows the error {v}: pick a status from the list"
    if is_blank(v):
        return "", None
    text = cell_text(v) or ""
    key = schema.status_key(text)
    if table and key in dict(table):
        return text, None
    canon = schema.canonical_status(text)
    if canon is None:
        return text, (f"{quote(text)} is not a known status, so the row is treated as active: "
                      f"did you mean {nearest_status(text, table)}? Or give it a meaning in a "
                      f"{STATUSES_SHEET} sheet.")
    return canon, None


@lru_cache(maxsize=1024)
def nearest_status(text: str, table: tuple = ()) -> str:
    """The known status nearest to a text (by its letters, case and punctuation ignored)."""
    known = {schema.status_key(s): s for s in schema.STATUSES}
    known.update({k: k for k, _ in table if k not in known})
    key = schema.status_key(text)
    best = difflib.get_close_matches(key, list(known), n=1, cutoff=0.0)
    return known[best[0]] if best else schema.STATUSES[0]


def read_statuses(grid: Sequence[Sequence[Any]] | None, tracker: str,
                  sheet: str = STATUSES_SHEET) -> tuple[dict[str, str], list[Problem]]:
    """A workbook's own statuses (status text -> meaning) from its Statuses sheet: a header
    row naming Status and Meaning, then one status a row. A meaning that is not one of the
    four is a warning and the status is left out."""
    if not grid:
        return {}, []
    col_s = col_m = start = None
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        labels = [schema.normalize_header(v) if isinstance(v, str) else "" for v in row]
        if "status" in labels and "meaning" in labels:
            col_s, col_m, start = labels.index("status"), labels.index("meaning"), i + 1
            break
    if start is None:
        return {}, [Problem(tracker, None, f"{sheet} sheet", None,
                            f"The {sheet} sheet has no header row naming Status and Meaning, so the "
                            "built-in statuses are used.", "warning")]
    own: dict[str, str] = {}
    problems: list[Problem] = []
    for i, row in enumerate(grid[start:], start=start):
        status = row[col_s] if col_s < len(row) else None
        meaning = row[col_m] if col_m < len(row) else None
        if is_blank(status):
            continue
        text = cell_text(status) or ""
        m = schema.meaning_of(meaning)
        if m is None:
            problems.append(Problem(tracker, None, f"{sheet} sheet, row {i + 1}", cell_text(meaning),
                                    f"The meaning of {quote(text)} is not one of "
                                    f"{', '.join(schema.MEANINGS)}, so it counts as active.", "warning"))
            continue
        own.setdefault(text, m)
    return own, problems


def meaning_of_status(status: str, own: Mapping[str, str] | None = None) -> str:
    """The meaning a status is given (for `followup-xl check`)."""
    return schema.status_meaning(status, own)
