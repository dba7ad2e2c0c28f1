"""The package: workbook part, relationships, content types, properties, and the zip."""

from __future__ import annotations

import io
import re
import zipfile

from ... import __version__
from .styles import styles_xml
from .xml import CT, NS_MAIN, NS_PKG_REL, NS_REL, XML_DECL, xl_escape


def workbook_xml(sheets: list) -> str:
    """xl/workbook.xml: the sheets, and each list sheet's AutoFilter range and print titles."""
    entries = "".join(f'<sheet name="{xl_escape(s.name)}" sheetId="{k}" r:id="rId{k}"/>'
                      for k, s in enumerate(sheets, start=1))
    names = []
    for k, s in enumerate(sheets):
        if s.header:
            last = s.last_ref
            col = re.match(r"[A-Z]+", last).group(0)
            row = last[len(col):]
            quoted = xl_escape("'" + s.name.replace("'", "''") + "'")  # a formula's sheet reference
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                         f"{quoted}!$A$1:${col}${row}</definedName>")
            names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{k}">'
                         f"{quoted}!$1:$1</definedName>")
    return (f'{XML_DECL}<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
            '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets>{entries}</sheets><definedNames>{"".join(names)}</definedNames>'
            '<calcPr calcId="191029"/></workbook>')


def package(sheets: list, strings, title: str) -> bytes:
    """The .xlsx bytes: every part, in a zip with fixed dates (the same list, the same bytes)."""
    n = len(sheets)
    sheet_ct = "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" '
                       f'ContentType="{CT}spreadsheetml.worksheet+xml"/>' for k in range(1, n + 1))
    parts = {
        "[Content_Types].xml": (
            f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}spreadsheetml.sheet.main+xml"/>'
            f'{sheet_ct}'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{CT}extended-properties+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            f'{XML_DECL}<Relationships xmlns="{NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{NS_REL}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>'),
        "docProps/core.xml": (
            f'{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{xl_escape(title)}</dc:title><dc:creator>followup-xl</dc:creator>'
            '</cp:coreProperties>'),
        "docProps/app.xml": (
            f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Application>followup-xl {__version__}</Application></Properties>'),
        "xl/workbook.xml": workbook_xml(sheets),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_DECL}<Relationships xmlns="{NS_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{k}" Type="{NS_REL}/worksheet" '
                      f'Target="worksheets/sheet{k}.xml"/>' for k in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{NS_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>'),
        "xl/styles.xml": styles_xml(),
    }
    for k, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{k}.xml"] = sheet.xml(selected=k == 1)
        rels = sheet.rels()
        if rels:
            parts[f"xl/worksheets/_rels/sheet{k}.xml.rels"] = rels
    parts["xl/sharedStrings.xml"] = strings.xml()  # last: the sheets fill the table
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name in list(parts):  # each part let go once written
            text = parts.pop(name)
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text.encode("utf-8"),
                        compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return buf.getvalue()

