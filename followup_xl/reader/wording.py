"""How the reader words what it reports: a cell's raw value and a reason as a sentence."""

from __future__ import annotations

from typing import Any

from ..cells import CellError


def raw(value: Any) -> Any:
    """The raw cell value as a problem shows it."""
    if isinstance(value, CellError):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def sentence(reason: str) -> str:
    reason = reason.strip()
    reason = reason[0].upper() + reason[1:] if reason else reason
    return reason if reason.endswith((".", "!", "?")) else reason + "."

