"""The header row of a sheet (below a title block, if any) and which header is which column
(SPEC "Columns").

A header names a column when, ignoring case, spaces and punctuation, it is the column's
name or one of its aliases (schema.COLUMNS); failing that, the same without a qualifier:
the text in brackets ("Company Name (website)"), or after a slash or a spaced dash ("Role/Title",
"Date applied - MM/DD"). A header naming a reference or a referral is never the contact.
When several headers could be the contact (name, e-mail or phone), the one nearest to the
person who knows the timetable wins: Contact, then Point of contact, then Recruiter, then
Hiring manager; the others are ignored, and `followup-xl check` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from .. import schema

HEADER_SCAN_ROWS = 20
CONTACT_KEYS = ("contact_name", "contact_email", "contact_phone")
DATE_KEYS = tuple(c.key for c in schema.INPUT_COLUMNS if c.kind == "date")

_BRACKETS = re.compile(r"\s*[(\[{][^)\]}]*[)\]}]\s*")
_QUALIFIER = re.compile(r"\s*(?:/|\s[-\u2013\u2014]\s|[\u2013\u2014]).*$")  # "/...", " - ...", "–..."
_REFERENCE = re.compile(r"referen|referr|referral|referee|referred")
# Who a contact header names, nearest to the timetable first (SPEC "Columns"); a header
# naming none of them ("Contact email", "Email") is the contact itself.
CONTACT_ROLES = (("pointofcontact", 1), ("poc", 1), ("recruiter", 2), ("hiringmanager", 3),
                 ("hiringmgr", 3), ("contact", 0))


@lru_cache(maxsize=4096)
def column_of(text: str) -> str | None:
    """The column key a header names (qualifiers allowed), or None."""
    key = schema.match_header(text)
    if key is None:
        for candidate in (_BRACKETS.sub(" ", text).strip(), _QUALIFIER.sub("", text).strip(),
                          _QUALIFIER.sub("", _BRACKETS.sub(" ", text)).strip()):
            if candidate and candidate != text:
                key = schema.match_header(candidate)
                if key is not None:
                    break
    if key in CONTACT_KEYS and is_reference(text):
        return None
    return key


def is_reference(text: str) -> bool:
    """A header naming a reference or a referral (Referred by, Reference contact phone)."""
    return _REFERENCE.search(schema.normalize_header(text)) is not None


def contact_rank(text: str) -> int:
    """0 Contact, 1 Point of contact, 2 Recruiter, 3 Hiring manager (lower wins)."""
    norm = schema.normalize_header(text)
    for word, rank in CONTACT_ROLES:
        if word in norm:
            return rank
    return 0


def header_score(row: Sequence[Any]) -> tuple[int, dict[str, int]]:
    """How many distinct schema columns a row names, and key -> first column index."""
    found: dict[str, int] = {}
    for j, v in enumerate(row):
        if type(v) is str and v.strip():
            key = column_of(v.strip())
            if key and key not in found:
                found[key] = j
    return len(found), found


SURE_HEADER = 3  # a row naming Company and this many schema columns ends the scan


def find_header(values: Sequence[Sequence[Any]], scan: int = HEADER_SCAN_ROWS, *,
                need_date: bool = False) -> int | None:
    """Index of the header row among the first `scan` rows: the one naming the most schema
    columns, Company among them (and a date column, when need_date). The scan stops at the
    first row naming Company and at least SURE_HEADER columns: the rows below it are data."""
    best, best_score = None, 0
    for i, row in enumerate(values[:scan]):
        score, found = header_score(row)
        if "company" in found and score > best_score and (
                not need_date or any(k in found for k in DATE_KEYS)):
            best, best_score = i, score
            if score >= SURE_HEADER:
                break
    return best


@dataclass
class ColumnMap:
    """Which header became which column, and the headers ignored with the reason."""

    cols: dict[str, int] = field(default_factory=dict)  # key -> column index
    headers: dict[str, str] = field(default_factory=dict)  # key -> header text as written
    ignored: list[tuple[int, str, str]] = field(default_factory=list)  # (index, header, why)

    def describe(self) -> list[tuple[str, str]]:
        """(header, what it became) in the sheet's column order, for `followup-xl check`."""
        rows = [(j, self.headers[k], schema.COLUMN_BY_KEY[k].header) for k, j in self.cols.items()]
        rows += [(j, h, f"ignored ({why})") for j, h, why in self.ignored]
        return [(h, what) for _, h, what in sorted(rows)]


def map_columns(header: Sequence[Any]) -> tuple[ColumnMap, list[tuple[int, str, str]]]:
    """The column map of a header row, and (index, header, warning) for a second header of
    the same column (the first is used)."""
    cmap = ColumnMap()
    ranks: dict[str, int] = {}
    duplicates: list[tuple[int, str, str]] = []
    for j, v in enumerate(header):
        if v is None or (type(v) is str and not v.strip()):
            continue
        text = str(v).strip()
        key = column_of(text) if type(v) is str else None
        if key is None:
            why = ("a reference or referral, never the contact" if is_reference(text)
                   else "not a column followup-xl reads")
            cmap.ignored.append((j, text, why))
            continue
        if key in CONTACT_KEYS:
            rank = contact_rank(text)
            if key in cmap.cols and rank < ranks[key]:  # nearer to the timetable: it wins
                old = cmap.cols[key]
                cmap.ignored.append((old, cmap.headers[key],
                                     f"{schema.COLUMN_BY_KEY[key].header} is taken from {text!r}"))
                cmap.cols[key], cmap.headers[key], ranks[key] = j, text, rank
                continue
            if key in cmap.cols:
                cmap.ignored.append((j, text, f"{schema.COLUMN_BY_KEY[key].header} is taken from "
                                              f"{cmap.headers[key]!r}"))
                continue
            ranks[key] = rank
        elif key in cmap.cols:
            duplicates.append((j, text, f"this column also matches {schema.COLUMN_BY_KEY[key].header}; "
                                        f"the first one ({cmap.headers[key]}) is used"))
            cmap.ignored.append((j, text, f"{schema.COLUMN_BY_KEY[key].header} is taken from "
                                          f"{cmap.headers[key]!r}"))
            continue
        cmap.cols[key], cmap.headers[key] = j, text
    return cmap, duplicates
