"""A1 column letters <-> column numbers, for the modules on the weekly path.

openpyxl.utils has the same two functions, but importing openpyxl costs the weekly batch
more start-up time than all of its own reading; the template, which imports openpyxl
anyway, uses openpyxl's.
"""

from __future__ import annotations


def column_letter(n: int) -> str:
    """1 -> 'A', 27 -> 'AA', 16384 -> 'XFD' ('' for 0)."""
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """'A' -> 1, 'aa' -> 27, b'XFD' -> 16384."""
    n = 0
    for ch in (letters.encode("ascii") if isinstance(letters, str) else letters).upper():
        n = n * 26 + ch - 64
    return n
