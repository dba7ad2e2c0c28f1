"""Many texts transformed at once (the exports' escaping and percent-encoding).

The texts are joined by a separator, transformed by a few passes of str.replace (or
html.escape, ...) over the whole, and split again: a handful of passes over a column where
each of its cells would take as many. Exact when the transformation leaves the separator
alone (or turns it into something only it becomes) and no text holds the separator itself:
`joined` checks the second; for such texts the caller transforms each alone.
"""

from __future__ import annotations

SEP = "\x00"


def joined(texts: list[str], sep: str = SEP) -> str | None:
    """The texts joined by `sep` (a transformation that removes control characters needs
    another one), or None when one of them holds `sep` itself."""
    text = sep.join(texts)
    return text if text.count(sep) == max(len(texts) - 1, 0) else None
