"""Benchmark: our SpreadsheetML writer vs XlsxWriter for the same weekly workbook.

    python benchmarks/xlsx_writers.py TRACKER.xlsx [--as-of 2026-11-25]

Reads the tracker once, then writes the weekly workbook with followup_xl.exports (our
writer) and with XlsxWriter (tests/xlsxwriter_reference.py: the same sheets, values and
formats), each in a fresh child process so that each one's peak memory is its own. Prints
CPU seconds of the write alone and each process's peak RSS. The part-by-part comparison
of the two files is tests/test_xlsx_parts.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import resource, sys, time
sys.path.insert(0, sys.argv[4])
from followup_xl import exports, tracker, weekly
result = weekly.combine([tracker.read_tracker(sys.argv[1])], as_of=sys.argv[2])
t = time.process_time()
if sys.argv[3] == "ours":
    data = exports.render(result, "xlsx")
    open(sys.argv[5], "wb").write(data)
else:
    from xlsxwriter_reference import write_reference
    write_reference(result, sys.argv[5])
cpu = time.process_time() - t
print(f"{cpu:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {len(result.items)}")
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tracker")
    ap.add_argument("--as-of", default="2026-11-25")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    out = Path(args.tracker).with_suffix(".writers")
    out.mkdir(exist_ok=True)
    for who in ("ours", "xlsxwriter"):
        best = None
        for _ in range(args.repeat):
            done = subprocess.run([sys.executable, "-c", CHILD, args.tracker, args.as_of, who,
                                   str(HERE.parent / "tests"), str(out / f"{who}.xlsx")],
                                  capture_output=True, text=True, check=True)
            cpu, rss, items = done.stdout.split()
            best = min(best or (float(cpu), rss), (float(cpu), rss))
        size = (out / f"{who}.xlsx").stat().st_size / 1e6
        print(f"{who:11} {items} items: write {best[0]:.2f} s CPU, process peak {best[1]} MB, "
              f"file {size:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
