"""Text that reaches a file or a terminal: names with undecodable bytes, control characters.

A file name the file system holds as bytes that are not UTF-8 reaches Python with
surrogate escapes ('caf\\udce9.xlsx'): no UTF-8 output can hold it, so `file_name` shows
each such byte as \\xNN ('caf\\xe9.xlsx'), the same in every format. On a terminal, a
control character in a file name or a cell (ESC starts a terminal escape sequence that can
rewrite the screen or the title, set the clipboard, or hide text) is shown escaped by
`for_terminal`, and so are the invisible bidirectional overrides.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, bidirectional embeddings/overrides and
# isolates, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def file_name(name: str) -> str:
    """A file name as text any output can hold: undecodable bytes as \\xNN."""
    if name.isascii():
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte (from elsewhere)
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """Text safe to print: file-name bytes as \\xNN, control characters escaped (tab and line
    feed kept)."""
    text = file_name(text)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text
