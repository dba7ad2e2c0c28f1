"""Excel's limits in every workbook written (exports/xlsx/limits.py), read back with openpyxl
and python-calamine: a cell's 32,767 characters, a sheet's rows, sheet names, link lengths."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from followup_xl.exports import render, write
from followup_xl.exports.xlsx import limits
from followup_xl.exports.xlsx.sheet import Sheet
from followup_xl.exports.xlsx.strings import Strings
from test_export import make_item, make_result

MARKER = "… [cut: "


def cells_longer_than(path, n: int) -> list:
    book = CalamineWorkbook.from_path(str(path))
    return [(name, v) for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python() for v in row
            if isinstance(v, str) and len(v) > n]


def test_the_limits_are_excels():
    assert limits.MAX_CELL_CHARS == 32_767 and limits.MAX_ROWS == 1_048_576
    assert limits.MAX_SHEET_NAME == 31 and limits.MAX_URL_CHARS == 2_079


@pytest.mark.parametrize("field, length", [("company", 40_000), ("message", 98_621)])
def test_a_long_cell_is_cut_with_a_marker_and_a_warning(tmp_path, field, length):
    result = make_result()
    text = ("Lorem ipsum dolor sit amet. " * (length // 28 + 1))[:length]
    setattr(result.items[0], field, text)
    path = write(result, tmp_path / "week.xlsx")
    assert cells_longer_than(path, limits.MAX_CELL_CHARS) == []
    wb = openpyxl.load_workbook(path)
    cut = [c.value for row in wb["Follow-ups"].iter_rows() for c in row
           if isinstance(c.value, str) and MARKER in c.value]
    assert len(cut) == 1 and len(cut[0]) == limits.MAX_CELL_CHARS
    assert cut[0].startswith("Lorem ipsum dolor") and f"{length:,} characters" in cut[0]
    warnings = [[c.value for c in row] for row in wb["Problems"].iter_rows(min_row=2)
                if row[0].value == "(this workbook)"]
    assert len(warnings) == 1 and warnings[0][4] == "warning"
    assert warnings[0][2].startswith("Follow-ups!") and f"{length:,} characters" in warnings[0][5]
    # the other formats keep the whole text
    assert text in render(result, "json").decode("utf-8")


def test_astral_characters_count_twice():
    text = "😀" * 20_000  # 20,000 characters, 40,000 UTF-16 code units
    cut = limits.fit_cell(text)
    assert cut is not None and limits.utf16_len(cut) <= limits.MAX_CELL_CHARS
    assert limits.fit_cell("😀" * 16_000) is None  # 32,000 units fit


def test_a_text_that_fits_is_untouched():
    assert limits.fit_cell("x" * limits.MAX_CELL_CHARS) is None
    assert limits.fit_cell("x" * (limits.MAX_CELL_CHARS + 1)).endswith("a cell]")


def test_rows_past_the_last_are_left_out_with_a_note(tmp_path):
    from followup_xl.exports.xlsx.package import package

    strings = Strings()
    sheet = Sheet("Follow-ups", strings, [10, 10], max_rows=5)
    numbers = [sheet.add([f"row {k}", k]) for k in range(1, 9)]
    assert numbers == [1, 2, 3, 4, 0, 0, 0, 0]
    sheet.link(0, 1, "mailto:a@example.com")  # a row not written gets no link
    assert sheet.links == []
    path = tmp_path / "rows.xlsx"
    path.write_bytes(package([sheet], strings, "t"))
    rows = openpyxl.load_workbook(path)["Follow-ups"]
    assert rows.max_row == 5
    assert rows["A5"].value.startswith("4 more rows are not shown")


def test_links_beyond_excels_length_are_not_made():
    sheet = Sheet("S", Strings(), [10])
    assert sheet.can_link("mailto:a@b.c?body=" + "x" * 2000)
    assert not sheet.can_link("mailto:a@b.c?body=" + "x" * limits.MAX_URL_CHARS)


def test_a_long_draft_keeps_its_text_but_not_a_link(tmp_path):
    result = make_result()
    result.items[0].message = "Hello, " * 600  # the mailto link would pass 2,079 characters
    wb = openpyxl.load_workbook(write(result, tmp_path / "w.xlsx"))
    ws = wb["Follow-ups"]
    emails = [c for row in ws.iter_rows() for c in row if c.value == result.items[0].contact_email]
    assert emails and emails[0].hyperlink is None


@pytest.mark.parametrize("name, expected", [
    ("Follow-ups", "Follow-ups"),
    ("Ana: week 49/50 [draft]?*", "Ana_ week 49_50 _draft___"),
    ("'quoted'", "quoted"),
    ("A" * 40, "A" * 31),
    ("", "Sheet"),
    ("History", "History_"),
])
def test_sheet_names_are_made_valid(name, expected):
    assert limits.sheet_name(name) == expected


def test_sheet_names_are_unique_case_insensitively():
    taken = {"Ana", "A" * 31}
    assert limits.sheet_name("ANA", taken) == "ANA (2)"
    assert limits.sheet_name("A" * 40, taken) == "A" * 27 + " (2)"


def test_a_sheet_name_with_a_quote_is_quoted_in_defined_names(tmp_path):
    from followup_xl.exports.xlsx.package import package

    strings = Strings()
    sheet = Sheet("Ana's & Bob's <list>", strings, [10])
    sheet.add(["Header"])
    sheet.add(["x"])
    path = tmp_path / "q.xlsx"
    path.write_bytes(package([sheet], strings, "t"))
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
    assert "'Ana''s &amp; Bob''s &lt;list&gt;'!$A$1:$A$2" in workbook
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Ana's & Bob's <list>"]


def test_render_xlsx_is_the_same_bytes_twice():
    assert render(make_result(), "xlsx") == render(make_result(), "xlsx")
