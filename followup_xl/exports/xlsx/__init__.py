"""The xlsx export: a SpreadsheetML workbook written part by part.

- layout.py   what the weekly workbook shows (Follow-ups, Problems, Summary)
- sheet.py    one worksheet part, row by row (the items' rows a column at a time:
              add_rows), within Excel's limits (limits.py)
- strings.py  the shared-strings part
- styles.py   the styles part
- package.py  workbook part, relationships, content types, properties, the zip
- xml.py      namespaces and the one text escaper

Why our own writer and not XlsxWriter (decided by measurement, December 2026; re-measured
after issue 13's second round made this writer faster, same conclusion):
- Speed: benchmarks/xlsx_writers.py writes the same workbook with both (XlsxWriter: the
  same sheets, values, formats and links, tests/xlsxwriter_reference.py), each in its own
  process after reading and listing the tracker. The heavy week (100,000 rows, 42,307
  items): this writer 1.9 s of CPU, XlsxWriter 9.4 s; the realistic mix (9,397 items):
  0.39 s against 1.96 s (on a shared 2-CPU machine). XlsxWriter would break the export's
  time goal alone.
  XlsxWriter's process peaked lower on the heavy week (274 MB against 413 MB, both under
  the 500 MB goal; 215 against 223 MB on the realistic mix) and its file was smaller
  (4.8 MB against 6.8 MB: it compresses harder; this writer deflates at level 1).
- Correctness: tests/test_xlsx_parts.py compares the two files part by part: the same
  parts with the same content types, the same relationships, the worksheet and workbook
  elements in the same schema order, the styles part's sections with true counts. We
  leave out the theme part (our fonts are named explicitly), `fileVersion`, and the empty
  `dxfs` and `tableStyles`, none of which Excel requires. Excel's limits are enforced by
  the sheet writer (limits.py), as XlsxWriter's write_string does.
So this writer stays; XlsxWriter is the reference in the tests (the `test` extra).
"""

from __future__ import annotations

from .layout import message_height, render_xlsx

__all__ = ["message_height", "render_xlsx"]
