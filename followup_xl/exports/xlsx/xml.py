"""SpreadsheetML text: the namespaces, the XML declaration and the one escaper of cell text."""

from __future__ import annotations

import re

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument."
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XL_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>\r]|_x")  # what xl_escape changes
NEEDS_ESCAPE_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>\r]")  # the same, "_x" aside


def xl_escape(text: str) -> str:
    """Text for a SpreadsheetML string: XML-escaped, "_xHHHH_" kept literal (Excel would
    decode it), a carriage return as &#13; (a literal one becomes a line feed on reading),
    and the control characters XML cannot hold dropped."""
    text = _XML_ILLEGAL.sub("", text)
    if "_x" in text:
        text = _XL_ESCAPE_LIKE.sub(r"_x005F_\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


