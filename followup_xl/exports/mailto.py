"""RFC 6068 mailto: links carrying a draft (html and xlsx exports)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..messages import subject
from ..model import Item

EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+$")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _pct_table(safe: str) -> list[str]:
    """A str.translate table for ASCII (a list is faster than a dict; other code points,
    past its end, are left alone)."""
    return [chr(c) if chr(c) in _UNRESERVED or chr(c) in safe else f"%{c:02X}" for c in range(128)]


_PCT_ANY, _PCT_ADDRESS = _pct_table(""), _pct_table("@!$*+")


def percent_encode(text: str, table: list[str] = _PCT_ANY) -> str:
    """RFC 3986 percent-encoding of UTF-8 (as urllib.parse.quote with safe="", much faster:
    one str.translate for ASCII; the rare non-ASCII runs encoded byte by byte)."""
    out = text.translate(table)
    if out.isascii():
        return out
    return _NON_ASCII.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), out)


def mailto(item: Item) -> str | None:
    """An RFC 6068 mailto: URL carrying the draft as subject and body (None: no valid address)."""
    address = (item.contact_email or "").strip()
    if not EMAIL_RE.match(address):
        return None
    subj = subject(item.company, item.role)
    # RFC 6068: line breaks as CRLF, %0D%0A. Encoded line by line and sentence by sentence
    # (the same as encoding the whole: it works character by character), as most sentences
    # of the drafts repeat (measured: faster than one translate of the whole draft).
    body = "%0D%0A".join(map(_percent_line, item.message.replace("\r\n", "\n").split("\n")))
    return f"mailto:{percent_encode(address, _PCT_ADDRESS)}?subject={percent_encode(subj)}&body={body}"


def _percent_line(line: str) -> str:
    return ".%20".join(map(_percent_piece, line.split(". ")))


@lru_cache(maxsize=2048)
def _percent_piece(text: str) -> str:
    return percent_encode(text)

