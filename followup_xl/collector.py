"""Python's cyclic garbage collector, paused while a run makes its million objects.

Reading 100,000 rows makes about 1.5 million Python objects (the cells, the rows, the typed
columns), the list and the exports as many again. None of them is part of a cycle, yet the
collector walks them over and over as they are made (each pass of its oldest generation
visits every object alive): about 0.1 s of a 2 s weekly run, measured with
benchmarks/weekly.py. `paused()` turns the collector off for a block and back on after (if
it was on); what cyclic garbage the block leaves is found by the next pass after it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off within the block (nested blocks: the outermost turns it back on)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
