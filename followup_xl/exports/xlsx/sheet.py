"""One worksheet part (xl/worksheets/sheetN.xml), built row by row."""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
from collections.abc import Callable
from itertools import chain, repeat
from typing import Any

from ...a1 import column_letter
from .limits import MAX_CELL_CHARS, MAX_LINKS, MAX_ROW_HEIGHT, MAX_ROWS, MAX_URL_CHARS, fit_cell, sheet_name
from .strings import Strings
from .styles import S_CLIENT, S_TEXT
from .xml import NS_MAIN, NS_PKG_REL, NS_REL, XML_DECL

_EPOCH_1900 = dt.date(1899, 12, 30).toordinal()
_LETTERS = tuple(column_letter(n) for n in range(1, 27))  # every sheet here has <= 26 columns
_STYLE_ATTRS = {k: (f' s="{k}"' if k else "") for k in range(S_CLIENT + 1)}
_SHORT = MAX_CELL_CHARS // 2  # a text this long fits whatever its characters


def _xl_number(value: Any, strings: Callable[[str], int]) -> str:
    """The type attribute and value of a non-text cell (after `<c r=.. s=..`)."""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v>'
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f"><v>{day.toordinal() - _EPOCH_1900}</v>"
    if isinstance(value, numbers.Integral):
        return f"><v>{int(value)}</v>"
    if isinstance(value, numbers.Real) and math.isfinite(value):
        return f"><v>{float(value)!r}</v>"
    return f' t="s"><v>{strings(str(value))}</v>'  # NaN, an odd type: shown as its text


def _style_attr(style: int) -> str:
    return f' s="{style}"' if style else ""


def _height_attr(height: float | None) -> str:
    return f' ht="{min(height, MAX_ROW_HEIGHT):g}" customHeight="1"' if height else ""


_PLAIN = {str, type(None), int, dt.date}  # the cells add_rows writes itself


class Sheet:
    """One worksheet built row by row; values: str (text), int/float, date, None.

    Excel's limits (limits.py) hold whatever is added: a text longer than a cell can hold
    is cut with a visible marker and noted in `cut` (cell, characters in all); rows past
    the last one are counted in `dropped` and a last row says so; a link too long for
    Excel, or past the sheet's maximum, is not made (the cell keeps its text).
    """

    def __init__(self, name: str, strings: Strings, widths: list[float], *,
                 header: bool = True, taken: set[str] = frozenset(),
                 max_rows: int = MAX_ROWS) -> None:
        self.name = sheet_name(name, taken)
        self.strings, self.widths, self.header = strings, widths, header
        self.rows: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.ncols = len(widths)
        self.max_rows = max_rows
        self.cut: list[tuple[str, int]] = []
        self.dropped = 0

    def add(self, values: list[Any], styles: list[int] | int = S_TEXT,
            height: float | None = None) -> int:
        """Append a row; returns its Excel row number (0: past the last row, left out). The
        common cell types are written inline, the others by _xl_number; many rows of the
        common types at once: add_rows."""
        r = len(self.rows) + 1
        if r >= self.max_rows:  # the last row is kept for the note of what was left out
            self.dropped += 1
            return 0
        if isinstance(styles, int):
            styles = [styles] * len(values)
        cells = []
        append = cells.append
        strings = self.strings
        index = strings.index
        get = index.get
        style_attr = _STYLE_ATTRS.get
        texts = 0
        tail = f'{r}"'  # the row number, formatted once a row
        for letter, value, style in zip(_LETTERS, values, styles):
            s = style_attr(style)
            if s is None:
                s = f' s="{style}"' if style else ""
            kind = type(value)
            if kind is str and value:
                if len(value) > _SHORT:
                    value = self._fit(value, f"{letter}{r}")
                k = get(value)
                if k is None:
                    k = index[value] = len(index)
                texts += 1
                append(f'<c r="{letter}{tail}{s} t="s"><v>{k}</v></c>')
            elif value is None or value == "":
                if style:
                    append(f'<c r="{letter}{tail}{s}/>')
            elif kind is int:
                append(f'<c r="{letter}{tail}{s}><v>{value}</v></c>')
            elif kind is dt.date:
                append(f'<c r="{letter}{tail}{s}><v>{value.toordinal() - _EPOCH_1900}</v></c>')
            elif isinstance(value, str):
                if len(value) > _SHORT:
                    value = self._fit(value, f"{letter}{r}")
                append(f'<c r="{letter}{tail}{s} t="s"><v>{strings(value)}</v></c>')
            else:
                append(f'<c r="{letter}{tail}{s}{_xl_number(value, strings)}</c>')
        strings.count += texts
        self.rows.append(f'<row r="{r}"{_height_attr(height)}>{"".join(cells)}</row>')
        return r

    def add_rows(self, rows: list[tuple[Any, ...]], styles: list[int | list[int]],
                 heights: list[float | None]) -> list[int]:
        """Append rows at once, the same XML as add() for each; returns their numbers (0: a
        row past the last, left out).

        styles: one per column, an int for all the rows or a list with one per row. Written a
        column at a time (the items: 16 cells for each of tens of thousands): each cell is
        one step of a comprehension rather than a pass through add()'s branches. Rows that
        need more than text, None, int and date cells, a long text, or would pass the last
        row go through add() one by one.
        """
        first = len(self.rows) + 1
        cells = list(chain.from_iterable(rows))
        kinds = list(map(type, cells))
        texts = [v for v in dict.fromkeys(cells) if type(v) is str]  # distinct, in order
        if (not rows or first + len(rows) > self.max_rows or not set(kinds) <= _PLAIN
                or len(set(map(len, rows))) != 1 or len(rows[0]) > len(_LETTERS)
                or max(map(len, texts), default=0) > _SHORT):
            return [self.add(list(row), [st if type(st) is int else st[k] for st in styles], height)
                    for k, (row, height) in enumerate(zip(rows, heights))]
        strings = self.strings
        index = strings.index
        for value in texts:  # shared strings numbered in the order add() would: row by row
            if value and value not in index:
                index[value] = len(index)
        strings.count += kinds.count(str) - cells.count("")
        tails = [f'{r}"' for r in range(first, first + len(rows))]
        columns = []
        for letter, values, style in zip(_LETTERS, zip(*rows), styles):
            attrs = (repeat(_style_attr(style)) if type(style) is int
                     else map({k: _style_attr(k) for k in set(style)}.__getitem__, style))
            columns.append([
                f'<c r="{letter}{t}{s} t="s"><v>{index[v]}</v></c>' if type(v) is str and v else
                (f'<c r="{letter}{t}{s}/>' if s else "") if v is None or v == "" else
                f'<c r="{letter}{t}{s}><v>{v}</v></c>' if type(v) is int else
                f'<c r="{letter}{t}{s}><v>{v.toordinal() - _EPOCH_1900}</v></c>'
                for t, v, s in zip(tails, values, attrs)])
        ht = {h: _height_attr(h) for h in set(heights)}  # a few heights: each written once
        self.rows += [f'<row r="{r}"{ht[h]}>{"".join(row)}</row>'
                      for r, h, row in zip(range(first, first + len(rows)), heights, zip(*columns))]
        return list(range(first, first + len(rows)))

    def _fit(self, text: str, ref: str) -> str:
        cut = fit_cell(text)
        if cut is None:
            return text
        self.cut.append((ref, len(text)))
        return cut

    def can_link(self, url: str) -> bool:
        """Whether Excel takes url as one more hyperlink of this sheet."""
        return len(url) <= MAX_URL_CHARS and len(self.links) < MAX_LINKS

    def link(self, row: int, col: int, url: str) -> None:
        if row and self.can_link(url):
            self.links.append((f"{column_letter(col)}{row}", url))

    @property
    def last_ref(self) -> str:
        return f"{column_letter(self.ncols)}{max(len(self.rows) + (1 if self.dropped else 0), 1)}"

    def xml(self, selected: bool) -> str:
        tab = ' tabSelected="1"' if selected else ""
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if self.header else ""
        cols = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                       for c, w in enumerate(self.widths, start=1))
        rows = self.rows
        if self.dropped:
            r = len(rows) + 1
            note = (f"{self.dropped:,} more rows are not shown: a sheet holds at most "
                    f"{MAX_ROWS:,} rows in Excel; the other formats (csv, json) hold them all.")
            rows = rows + [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{note}</t></is></c></row>']
        links = "".join(f'<hyperlink ref="{ref}" r:id="rId{k}"/>'
                        for k, (ref, _) in enumerate(self.links, start=1))
        # One join of the pieces: the rows (tens of MB) are copied once, into the part.
        return "".join([
            f'{XML_DECL}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{self.last_ref}"/>'
            f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>',
            *rows,
            "</sheetData>",
            f'<autoFilter ref="A1:{self.last_ref}"/>' if self.header else "",
            f"<hyperlinks>{links}</hyperlinks>" if links else "",
            '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<pageSetup orientation="landscape" fitToHeight="0"/></worksheet>'])

    def rels(self) -> str | None:
        if not self.links:
            return None
        return "".join([f'{XML_DECL}<Relationships xmlns="{NS_PKG_REL}">',
                        *[f'<Relationship Id="rId{k}" Type="{NS_REL}/hyperlink" '
                          f'Target="{html.escape(url)}" TargetMode="External"/>'
                          for k, (_, url) in enumerate(self.links, start=1)],
                        "</Relationships>"])

