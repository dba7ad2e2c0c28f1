"""Safe in-place edits (followup_xl.inplace): refuse while open or when something would be
lost, keep a backup, replace in one step, leave the input byte-identical on refusal."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image

from followup_xl import inplace
from followup_xl.errors import FollowupError, TrackerError

# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000185d8d0f30000000049454e44ae426082")


class _PngImage(Image):
    """openpyxl's Image without Pillow (not installed here): the bytes of a 1x1 PNG."""

    def __init__(self) -> None:
        self.ref, self.width, self.height, self.format = io.BytesIO(PNG), 1, 1, "png"

    def _data(self) -> bytes:
        return PNG


def _plain_tracker(path: Path, decorate=None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Company", "Last contact", "Follow-ups sent"])
    ws.append(["Acme", dt.date(2026, 11, 20), 1])
    ws.append(["Globex", dt.date(2026, 11, 21), 0])
    if decorate:
        decorate(ws)
    wb.save(path)
    return path


def _add_chart(ws) -> None:
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=3), titles_from_data=True)
    ws.add_chart(chart, "E2")


def _add_image(ws) -> None:
    ws.add_image(_PngImage(), "E2")


def _with_part(path: Path, name: str, data: bytes) -> Path:
    """A copy of the workbook with one more zip part (what openpyxl cannot add itself)."""
    out = path.with_name("extra-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(name, data)
    return out


def _folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _set_a_cell(wb) -> str:
    wb["Tracker"]["A4"].value = "Edited Inc"
    return "done"


# --------------------------------------------------------------------------- edits that succeed

def test_edit_keeps_the_template_whole_and_a_backup(tracker):
    before = tracker.read_bytes()
    old = load_workbook(tracker)
    assert inplace.edit_workbook(tracker, _set_a_cell) == "done"
    assert inplace.backup_path(tracker) == tracker.with_name("tracker.bak.xlsx")
    assert inplace.backup_path(tracker).read_bytes() == before
    new = load_workbook(tracker)
    assert new["Tracker"]["A4"].value == "Edited Inc"
    assert new.sheetnames == old.sheetnames
    for name in old.sheetnames:
        o, n = old[name], new[name]
        formulas = lambda ws: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                               if isinstance(c.value, str) and c.value.startswith("=")}
        assert formulas(n) == formulas(o), name
        assert len(n.conditional_formatting) == len(o.conditional_formatting), name
        assert [(str(r.sqref), r.formula1) for r in n.data_validations.dataValidation] == \
               [(str(r.sqref), r.formula1) for r in o.data_validations.dataValidation], name
        assert n.freeze_panes == o.freeze_panes
        assert n["A3"].font.b == o["A3"].font.b and n["A3"].fill.fgColor.rgb == o["A3"].fill.fgColor.rgb
    assert {k: v.attr_text for k, v in new.defined_names.items()} == \
           {k: v.attr_text for k, v in old.defined_names.items()}
    assert new.calculation.fullCalcOnLoad
    assert sorted(p.name for p in tracker.parent.iterdir()) == ["tracker.bak.xlsx", "tracker.xlsx"]


def test_a_second_edit_replaces_the_backup_with_the_previous_version(tracker):
    inplace.edit_workbook(tracker, _set_a_cell)
    first = tracker.read_bytes()
    inplace.edit_workbook(tracker, lambda wb: None)
    assert inplace.backup_path(tracker).read_bytes() == first


def test_backup_name_keeps_the_extension():
    assert inplace.backup_path("a/My Tracker.xlsx") == Path("a/My Tracker.bak.xlsx")
    assert inplace.backup_path("b.xlsm") == Path("b.bak.xlsm")


# --------------------------------------------------------------------------- refusals

@pytest.mark.parametrize("lock", ["~$tracker.xlsx", "~$acker.xlsx", ".~lock.tracker.xlsx#"])
def test_refused_while_open_in_a_spreadsheet_app(tracker, lock):
    (tracker.parent / lock).write_bytes(b"owner")
    before = _folder_state(tracker.parent)
    with pytest.raises(inplace.WorkbookLocked, match=r"tracker\.xlsx is open in a spreadsheet app \(lock file "
                                                     + lock.replace("$", r"\$").replace(".", r"\.")):
        inplace.edit_workbook(tracker, _set_a_cell)
    assert _folder_state(tracker.parent) == before


@pytest.mark.parametrize("decorate, what", [(_add_chart, "a chart"), (_add_image, "an image")])
def test_refused_when_the_writer_would_drop_a_chart_or_an_image(tmp_path, decorate, what):
    path = _plain_tracker(tmp_path / "t.xlsx", decorate)
    before = _folder_state(tmp_path)
    with pytest.raises(inplace.WorkbookNotEditable) as err:
        inplace.edit_workbook(path, _set_a_cell)
    message = str(err.value)
    assert message.startswith(f"{path} holds ") and what in message
    assert "left unchanged" in message and message.count(". ") == 0
    assert _folder_state(tmp_path) == before


@pytest.mark.parametrize("part, data, what", [
    ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0", "macros"),
    ("xl/pivotTables/pivotTable1.xml", b"<pivotTableDefinition/>", "a pivot table"),
    ("xl/slicers/slicer1.xml", b"<slicers/>", "a slicer or timeline"),
    ("xl/ctrlProps/ctrlProp1.xml", b"<formControlPr/>", "a form control"),
    ("xl/embeddings/oleObject1.bin", b"\x00", "an embedded object"),
    ("xl/connections.xml", b"<connections/>", "a data connection"),
    ("xl/threadedComments/threadedComment1.xml", b"<ThreadedComments/>", "threaded comments"),
])
def test_refused_parts(tmp_path, part, data, what):
    path = _with_part(_plain_tracker(tmp_path / "t.xlsx"), part, data)
    before = path.read_bytes()
    with pytest.raises(inplace.WorkbookNotEditable, match=what):
        inplace.edit_workbook(path, _set_a_cell)
    assert path.read_bytes() == before
    assert not inplace.backup_path(path).exists()


def test_refused_excel_2010_extension_in_a_sheet(tmp_path):
    path = _plain_tracker(tmp_path / "t.xlsx")
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    ext = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           b'<x14:dataValidations count="0"/></ext></extLst></worksheet>')
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"</worksheet>", ext)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    before = path.read_bytes()
    with pytest.raises(inplace.WorkbookNotEditable, match="drop-down lists stored as an Excel 2010 extension"):
        inplace.edit_workbook(path, _set_a_cell)
    assert path.read_bytes() == before


def test_comments_of_the_template_are_no_reason_to_refuse(tracker):
    assert any("comment" in n for n in zipfile.ZipFile(tracker).namelist())
    assert inplace.dropped_content(tracker) == []


@pytest.mark.parametrize("name", ["t.csv", "t.tsv", "t.xls", "t.ods"])
def test_refused_formats_that_cannot_be_rewritten(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"Company,Last contact\nAcme,2026-11-20\n")
    with pytest.raises(inplace.WorkbookNotEditable, match="only .xlsx and .xlsm workbooks can be updated"):
        inplace.edit_workbook(path, _set_a_cell)
    assert path.read_bytes() == b"Company,Last contact\nAcme,2026-11-20\n"


def test_missing_or_broken_workbook_is_one_sentence(tmp_path):
    with pytest.raises(TrackerError, match="missing.xlsx"):
        inplace.edit_workbook(tmp_path / "missing.xlsx", _set_a_cell)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(TrackerError):
        inplace.edit_workbook(broken, _set_a_cell)
    assert broken.read_bytes() == b"PK\x03\x04 not really"


def test_a_link_is_refused(tmp_path, tracker):
    link = tmp_path / "link.xlsx"
    link.symlink_to(tracker)
    with pytest.raises(inplace.WorkbookNotEditable, match="not a regular file"):
        inplace.edit_workbook(link, _set_a_cell)


# --------------------------------------------------------------------------- failures

def test_an_edit_that_raises_writes_nothing(tracker):
    before = _folder_state(tracker.parent)

    def fail(wb):
        wb["Tracker"]["A4"].value = "half done"
        raise FollowupError("no such row")

    with pytest.raises(FollowupError, match="no such row"):
        inplace.edit_workbook(tracker, fail)
    assert _folder_state(tracker.parent) == before


def test_a_save_that_fails_leaves_the_file_and_no_temporary(tracker):
    before = _folder_state(tracker.parent)

    def bad_save(tmp: str) -> None:
        Path(tmp).write_bytes(b"half a zip")
        raise OSError(28, "No space left on device")

    with pytest.raises(FollowupError, match="No space left|no space left"):
        inplace.save_in_place(tracker, bad_save)
    assert _folder_state(tracker.parent) == before


def test_a_save_that_writes_a_broken_archive_is_not_installed(tracker):
    before = _folder_state(tracker.parent)
    with pytest.raises(TrackerError, match="failed its check"):
        inplace.save_in_place(tracker, lambda tmp: Path(tmp).write_bytes(b"PK\x05\x06" + b"\0" * 18 + b"x"))
    assert _folder_state(tracker.parent) == before
