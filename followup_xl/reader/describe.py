"""How a tracker was read, in words (`followup-xl check`): the sheet, which header became
which column and which were ignored, the statuses found and the meaning given to each."""

from __future__ import annotations

from collections import Counter

from .. import schema
from .table import TrackerData


def describe(data: TrackerData) -> list[str]:
    """Lines for `followup-xl check`, before the problems."""
    lines = [f"{data.name}: sheet {data.sheet!r}, header on row {data.header_row}, "
             f"{len(data)} application row{'s' if len(data) != 1 else ''}"
             + (f", {len(data.skipped)} skipped" if data.skipped else "")]
    pairs = data.columns.describe()
    for key, header in data.set_aside.items():
        pairs = [(h, what if h != header else f"ignored (mostly not dates, not used as "
                                              f"{schema.COLUMN_BY_KEY[key].header})")
                 for h, what in pairs]
    if pairs:
        lines.append("  Columns:")
        width = min(max(len(h) for h, _ in pairs), 32)
        lines += [f"    {h.ljust(width)} -> {what}" for h, what in pairs]
    found = Counter(s for s in data.status.tolist() if s)
    if found:
        lines.append("  Statuses:")
        width = min(max(len(s) for s in found), 32)
        for status, n in sorted(found.items(), key=lambda t: (-t[1], t[0].casefold())):
            meaning = schema.status_meaning(status, data.statuses)
            known = schema.is_known_status(status, data.statuses)
            lines.append(f"    {status.ljust(width)} -> {meaning}{'' if known else ', not a known status'}"
                         f" ({n} row{'s' if n != 1 else ''})")
    return lines
