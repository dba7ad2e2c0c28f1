"""Benchmark: the vectorised rules (rules.evaluate_many) against the one-row function
(rules.evaluate_row) in a Python loop, on the same machine in the same run.

    python benchmarks/engine.py [--rows 1000000] [--sample 20000] [--seed 1]

Prints rows/s of each path (best of --repeat runs) and their ratio. Exits 1 if the two paths disagree on the
sample (the speed means nothing if the answers differ); it asserts no speed target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import numpy as np

from followup_xl import schema
from followup_xl.calendar import get_calendar
from followup_xl.rules import evaluate_many, evaluate_row
from followup_xl.schema import Settings

STATUS_CHOICES = np.array(list(schema.STATUSES) + ["", None, "  waiting ", "Phone screen"], dtype=object)


def make_rows(n: int, seed: int) -> dict[str, np.ndarray]:
    """n random tracker rows as typed columns (datetime64[D] dates, NaT = blank)."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01", "D")
    last = start + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    last[rng.random(n) < 0.3] = np.datetime64("NaT")
    interview = start + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    interview[rng.random(n) < 0.1] = np.datetime64("NaT")
    cadence = rng.integers(1, 31, n).astype(float)
    cadence[rng.random(n) < 0.5] = np.nan
    sent = rng.integers(0, 8, n).astype(float)
    return {
        "last_contact": last,
        "interview_date": interview,
        "status": STATUS_CHOICES[rng.integers(0, len(STATUS_CHOICES), n)],
        "cadence": cadence,
        "followups_sent": sent,
    }


def _opt_date(value: np.datetime64) -> dt.date | None:
    return None if np.isnat(value) else value.item()


def loop(rows: dict[str, np.ndarray], idx: np.ndarray, settings: Settings, cal, as_of: dt.date):
    """evaluate_row over the chosen rows, plain Python values in, Outcomes out."""
    out = []
    for i in idx:
        cad = rows["cadence"][i]
        out.append(evaluate_row(
            last_contact=_opt_date(rows["last_contact"][i]),
            interview_date=_opt_date(rows["interview_date"][i]),
            status=rows["status"][i],
            cadence=None if np.isnan(cad) else int(cad),
            followups_sent=int(rows["followups_sent"][i]),
            settings=settings, calendar=cal, as_of=as_of))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings (shared machines are noisy)")
    parser.add_argument("--country", default="US")
    parser.add_argument("--subdivision", default="CA")
    args = parser.parse_args(argv)

    settings = Settings(country=args.country, subdivision=args.subdivision, max_followups=5)
    cal = get_calendar(settings.country, settings.subdivision)
    as_of = dt.date(2026, 11, 25)
    rows = make_rows(args.rows, args.seed)
    # Warm the calendar (holiday tables for the years in play) so neither path pays for it.
    cal.is_workday_many(rows["interview_date"][:1000])
    evaluate_many(**{k: v[:1000] for k, v in rows.items()}, settings=settings, calendar=cal, as_of=as_of)

    vec_times, loop_times = [], []
    idx = np.random.default_rng(args.seed + 1).choice(args.rows, size=min(args.sample, args.rows), replace=False)
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        frame = evaluate_many(**rows, settings=settings, calendar=cal, as_of=as_of)
        vec_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        outcomes = loop(rows, idx, settings, cal, as_of)
        loop_times.append(time.perf_counter() - t0)
    vec_s, loop_s = min(vec_times), min(loop_times)

    vec_rate, loop_rate = args.rows / vec_s, len(idx) / loop_s
    print(f"calendar        {cal!r}")
    print(f"vectorised      {args.rows:>9,} rows in {vec_s:8.3f} s = {vec_rate:>12,.0f} rows/s")
    print(f"one-row loop    {len(idx):>9,} rows in {loop_s:8.3f} s = {loop_rate:>12,.0f} rows/s")
    print(f"ratio           {vec_rate / loop_rate:,.1f}x (vectorised / loop)")

    nxt_col = frame["next_contact"].to_numpy().astype("datetime64[D]")[idx]
    states = frame["followup_state"].to_numpy()[idx]
    overdue = frame["days_overdue"].to_numpy()[idx]
    bad = sum(
        (_opt_date(n), s, int(d)) != (o.next_contact, o.state, o.days_overdue)
        for n, s, d, o in zip(nxt_col, states, overdue, outcomes)
    )
    print(f"agreement       {len(idx) - bad:,}/{len(idx):,} sample rows identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
