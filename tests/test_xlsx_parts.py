"""Our SpreadsheetML writer compared part by part with what XlsxWriter writes for the same
sheets (tests/xlsxwriter_reference.py): the parts and their content types, the
relationships, the order of a worksheet's elements (the schema's sequence), and the
styles part's sections. What XlsxWriter writes and we do not is named here, with why."""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET

import pytest

from followup_xl.exports import render
from test_export import make_result

import xlsxwriter_reference  # noqa: E402  (XlsxWriter: the test extra)

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Parts XlsxWriter writes that this writer leaves out on purpose: a theme (Excel falls back
# to Office's default theme, which our fonts name explicitly) and nothing else.
NOT_WRITTEN = {"xl/theme/theme1.xml"}


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    ours = folder / "ours.xlsx"
    ours.write_bytes(render(make_result(), "xlsx"))
    theirs = folder / "xlsxwriter.xlsx"
    xlsxwriter_reference.write_reference(make_result(), theirs)
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        yield ({n: a.read(n) for n in a.namelist()}, {n: b.read(n) for n in b.namelist()})


def content_types(parts: dict) -> tuple[dict, dict]:
    root = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {e.get("Extension"): e.get("ContentType") for e in root if local(e.tag) == "Default"}
    overrides = {e.get("PartName").lstrip("/"): e.get("ContentType") for e in root if local(e.tag) == "Override"}
    return defaults, overrides


def part_type(parts: dict, name: str) -> str | None:
    defaults, overrides = content_types(parts)
    return overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1])


def test_the_same_parts_as_xlsxwriter(books):
    ours, theirs = books
    assert set(theirs) - set(ours) == NOT_WRITTEN
    assert set(ours) <= set(theirs) | {"[Content_Types].xml"}


def test_every_part_has_the_content_type_xlsxwriter_gives_it(books):
    ours, theirs = books
    for name in ours:
        if name == "[Content_Types].xml":
            continue
        assert part_type(ours, name) == part_type(theirs, name), name
    _, overrides = content_types(ours)
    assert set(overrides) <= set(ours)  # no override names a missing part


def relationships(parts: dict) -> dict[str, list[tuple[str, str, str | None]]]:
    """rels part -> [(type, resolved target, TargetMode)]."""
    out = {}
    for name, data in parts.items():
        if not name.endswith(".rels"):
            continue
        source_dir = posixpath.dirname(posixpath.dirname(name))
        rels = []
        for e in ET.fromstring(data):
            target = e.get("Target")
            if e.get("TargetMode") != "External":
                target = posixpath.normpath(posixpath.join(source_dir, target)).lstrip("/")
            rels.append((e.get("Type").rsplit("/", 1)[-1], target, e.get("TargetMode")))
        out[name] = sorted(rels)
    return out


def test_the_same_relationships_as_xlsxwriter(books):
    ours, theirs = books
    a, b = relationships(ours), relationships(theirs)
    assert set(a) == set(b)
    for name in a:
        expected = [r for r in b[name] if r[1] not in NOT_WRITTEN]
        assert a[name] == expected, name
    for rels in a.values():  # every internal target exists
        assert all(t in ours for _, t, mode in rels if mode != "External")


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml"])
def test_elements_in_the_schema_order_xlsxwriter_uses(books, part):
    ours, theirs = books
    a = [local(e.tag) for e in ET.fromstring(ours[part])]
    b = [local(e.tag) for e in ET.fromstring(theirs[part])]
    shared = [t for t in a if t in b]
    assert shared == [t for t in b if t in a], (a, b)
    # the elements XlsxWriter writes for these features are all here
    assert set(b) - set(a) <= {"fileVersion", "printOptions"}, set(b) - set(a)


def test_the_first_sheet_has_the_same_features(books):
    ours, theirs = books
    for parts in (ours, theirs):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        assert re.search(r'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>', sheet)
        assert '<autoFilter ref="A1:' in sheet and "<hyperlinks>" in sheet
        assert 'orientation="landscape"' in sheet and 'fitToHeight="0"' in sheet
        workbook = parts["xl/workbook.xml"].decode()
        assert "_xlnm._FilterDatabase" in workbook and "_xlnm.Print_Titles" in workbook


def test_the_styles_part_has_every_section_xlsxwriter_writes(books):
    ours, theirs = books
    a = [local(e.tag) for e in ET.fromstring(ours["xl/styles.xml"])]
    b = [local(e.tag) for e in ET.fromstring(theirs["xl/styles.xml"])]
    assert [t for t in b if t not in ("dxfs", "tableStyles")] == a
    for tag in ("fonts", "fills", "borders", "cellXfs"):
        section = next(e for e in ET.fromstring(ours["xl/styles.xml"]) if local(e.tag) == tag)
        assert int(section.get("count")) == len(section), tag
