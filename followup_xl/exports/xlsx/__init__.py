"""The xlsx export: a SpreadsheetML workbook written part by part.

- layout.py   what the weekly workbook shows (Follow-ups, Problems, Summary)
- sheet.py    one worksheet part, row by row, within Excel's limits (limits.py)
- strings.py  the shared-strings part
- styles.py   the styles part
- package.py  workbook part, relationships, content types, properties, the zip
- xml.py      namespaces and the one text escaper
"""

from __future__ import annotations

from .layout import message_height, render_xlsx

__all__ = ["message_height", "render_xlsx"]
