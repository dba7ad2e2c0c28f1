"""Benchmark: one FOLLOWUP_NEXT call over a column through xlwings' UDF pipeline, against the
engine's own vector call (rules.next_contact_many) on the same dates, in the same run.

    python benchmarks/udfs.py [--cells 10000] [--span-days 730] [--repeat 30] [--seed 1]

The pipeline is xlwings' real call_udf on Linux (tests/xlwings_harness.py): the column
arrives as COM hands it over (a tuple of row tuples of pywin32 date-times, None for blank
cells), goes through xlwings' argument conversion, the UDF, and xlwings' answer conversion
(dates -> COM dates). What Excel itself spends marshalling the range is not in it.
Prints best-of-repeat times (pipeline and engine timed in turn, and the engine alone: the
faster engine time counts), the ratio (goal: <= 3x), the part each stage takes, and the
cost of one warm single-cell call (goal: well under 1 ms) and of a first call that builds
a calendar. Exits 1 if the pipeline's answer differs from the engine's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from xlwings import conversion
from xlwings_harness import ComRange, Harness, to_com

from followup_xl import udfs
from followup_xl.calendar import get_calendar
from followup_xl.rules import next_contact_many


class FixedRange(ComRange):
    """A range argument whose COM value is built once (Excel's marshalling is not timed)."""

    def __init__(self, value):
        super().__init__([[None]])
        self._value = value

    @property
    def Value(self):
        return self._value


def make_dates(n: int, span: int, seed: int) -> np.ndarray:
    """n dates over span days from 2026-01-01, 5% blank (NaT)."""
    rng = np.random.default_rng(seed)
    days = np.datetime64("2026-01-01", "D") + rng.integers(0, span, n).astype("timedelta64[D]")
    days[rng.random(n) < 0.05] = np.datetime64("NaT")
    return days


def once(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def best(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def best_of_pair(fn_a, fn_b, repeat: int) -> tuple[float, float]:
    """best() of two functions timed in turn, so that a busy machine slows both alike."""
    fn_a(), fn_b()
    times_a, times_b = [], []
    for _ in range(repeat):
        for fn, times in ((fn_a, times_a), (fn_b, times_b)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return min(times_a), min(times_b)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cells", type=int, default=10_000)
    p.add_argument("--span-days", type=int, default=730)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    xl = Harness()
    days = make_dates(a.cells, a.span_days, a.seed)
    com = tuple((to_com(d),) for d in days.tolist())  # NaT -> None -> an empty cell
    column = FixedRange(com)
    cal = get_calendar("US")

    first = once(lambda: xl.call_raw("FOLLOWUP_NEXT", column))
    pipeline, engine = best_of_pair(lambda: xl.call_raw("FOLLOWUP_NEXT", column),
                                    lambda: next_contact_many(days, 7, 10, cal), a.repeat)
    # The engine timed alone runs with warm caches; the ratio takes its faster time.
    engine = min(engine, best(lambda: next_contact_many(days, 7, 10, cal), a.repeat))
    function = best(lambda: udfs.FOLLOWUP_NEXT(com), a.repeat)
    g = udfs.grid(com)
    read = best(lambda: udfs.to_days(udfs.grid(com), "MDY"), a.repeat)
    answer_days, ok, _ = udfs.to_days(g.flat, "MDY")
    nxt = next_contact_many(answer_days, 7, 10, cal)
    write = best(lambda: udfs.answer_days(g.shape, nxt, ok, {}), a.repeat)
    rows = udfs.FOLLOWUP_NEXT(com)
    jagged = best(lambda: conversion._check_not_jagged(rows), a.repeat)  # in conversion.write

    got = [row[0] for row in xl.call_raw("FOLLOWUP_NEXT", column)]
    want = next_contact_many(days, 7, 10, cal).tolist()
    same = [None if c == "" else c.date() for c in got] == want
    distinct = len({d for d in want if d})

    one = FixedRange(to_com(dt.date(2026, 11, 20)))
    single = best(lambda: xl.call_raw("FOLLOWUP_NEXT", one), 2000)
    first_calendar = once(lambda: xl.call_raw("FOLLOWUP_NEXT", one, 7.0, 10.0, "NZ"))  # new
    again = best(lambda: xl.call_raw("FOLLOWUP_NEXT", one, 7.0, 10.0, "NZ"), 2000)

    ms = 1e3
    lines = [
        f"FOLLOWUP_NEXT over {a.cells:,} cells ({distinct} distinct answers), best of {a.repeat}:",
        f"  engine next_contact_many       {engine * ms:8.2f} ms",
        (f"  xlwings pipeline (call_udf)    {pipeline * ms:8.2f} ms   "
         f"ratio {pipeline / engine:5.1f}x  (goal <= 3x)"),
        f"  pipeline, very first call      {first * ms:8.2f} ms   (dates not yet converted for COM)",
        f"  of which: UDF function         {function * ms:8.2f} ms   ratio {function / engine:5.1f}x",
        f"            read cells -> dates  {read * ms:8.2f} ms",
        f"            answer -> COM rows   {write * ms:8.2f} ms",
        (f"            xlwings call_udf     {(pipeline - function) * ms:8.2f} ms   "
         "(argument/answer conversion, jagged check)"),
        f"            of which jagged check{jagged * ms:8.2f} ms   (a loop over the answer's rows)",
        f"single cell, warm                {single * 1e6:8.1f} us   (goal well under 1 ms)",
        (f"single cell, new calendar (NZ)   {first_calendar * ms:8.2f} ms once, "
         f"then {again * 1e6:.1f} us"),
    ]
    print("\n".join(lines))
    if not same:
        print("MISMATCH: the pipeline's answer differs from the engine's", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
