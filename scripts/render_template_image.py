#!/usr/bin/env python
"""Render the sample tracker as a spreadsheet shows it: docs/images/template_sample.png.

The sample workbook (`followup-xl template --sample`, native formulas, a fixed as-of date
so the picture does not change every day) is printed to PDF by LibreOffice, with every
formula recalculated on load, then the Tracker page is turned into a PNG by pdftoppm
(Debian/Ubuntu: apt-get install poppler-utils) and cropped to the printed area.

    python scripts/render_template_image.py [--as-of 2026-12-02] [--out docs/images/template_sample.png]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from libreoffice import convert  # tests/libreoffice.py: LibreOffice with forced recalculation

from followup_xl import schema
from followup_xl.template import FIRST_ROW, build_workbook

DEFAULT_AS_OF = dt.date(2026, 12, 2)  # a Wednesday: every state shows
DEFAULT_OUT = ROOT / "docs" / "images" / "template_sample.png"
DPI = 110
MARGIN = 12  # pixels kept around the printed area


def printable_copy(path: Path, as_of: dt.date, extra_rows: int = 3) -> int:
    """Write the sample tracker, set up to print the sample rows on one landscape page."""
    wb = build_workbook(country="US", engine="native", sample=True, as_of=as_of, live_as_of=False)
    ws = wb[schema.TRACKER_SHEET]
    last = FIRST_ROW + sum(1 for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value) - 1 + extra_rows
    last_col = openpyxl.utils.get_column_letter(len(schema.COLUMNS))
    ws.print_area = f"A1:{last_col}{last}"
    ws.print_title_rows = None
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.print_options.headings = True  # row numbers and column letters, as on screen
    ws.page_margins.left = ws.page_margins.right = ws.page_margins.top = ws.page_margins.bottom = 0.3
    ws.oddHeader.center.text = ws.oddFooter.center.text = ""
    for r in range(FIRST_ROW, last + 1):  # the long notes stay on one line
        ws.row_dimensions[r].height = 18
    wb.save(path)
    return last


def _pgm(path: Path) -> np.ndarray:
    """A binary PGM (P5) as a 2-D uint8 array."""
    data = path.read_bytes()
    parts, pos = [], 0
    while len(parts) < 4:  # magic, width, height, maxval (comments are not written by pdftoppm)
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        parts.append(data[start:pos])
    w, h = int(parts[1]), int(parts[2])
    return np.frombuffer(data, dtype=np.uint8, count=w * h, offset=pos + 1).reshape(h, w)


def render(out: Path, as_of: dt.date) -> Path:
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        tmp = Path(tmp)
        book = tmp / "followup_tracker_sample.xlsx"
        printable_copy(book, as_of)
        pdf = convert([book], tmp / "pdf", "pdf")[0]
        gray = tmp / "page"
        subprocess.run([pdftoppm, "-f", "1", "-l", "1", "-r", str(DPI), "-gray", "-singlefile", str(pdf), str(gray)],
                       check=True)
        pixels = _pgm(gray.with_suffix(".pgm"))
        rows = np.flatnonzero((pixels < 250).any(axis=1))
        cols = np.flatnonzero((pixels < 250).any(axis=0))
        x, y = max(0, cols[0] - MARGIN), max(0, rows[0] - MARGIN)
        w = min(pixels.shape[1], cols[-1] + MARGIN) - x
        h = min(pixels.shape[0], rows[-1] + MARGIN) - y
        out.parent.mkdir(parents=True, exist_ok=True)
        stem = tmp / "crop"
        subprocess.run([pdftoppm, "-f", "1", "-l", "1", "-r", str(DPI), "-png", "-singlefile",
                        "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), str(stem)], check=True)
        shutil.move(str(stem.with_suffix(".png")), out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF,
                        help=f"the sample's as-of date (default {DEFAULT_AS_OF})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the PNG to write")
    args = parser.parse_args(argv)
    print(render(args.out, args.as_of))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
