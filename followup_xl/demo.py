"""`followup-xl demo`: sample trackers to try every command of the README's tour on.

`write_demo(folder)` writes:

- `sample-tracker.xlsx`: a job seeker's tracker (the template with a dozen sample
  applications, every state shown);
- `clients/`: a small career coach's folder, one tracker per client in three countries
  (Alice Martin in California, Ben Clarke in England, Clara Weber in Bavaria), each with
  its own public holidays and the client's name in YourName;

then runs the weekly job on both and writes the lists beside them (`followups-YYYY-Www.*`
for the seeker, `coach-followups-YYYY-Www.*` for the coach).

Run again, it never overwrites a tracker the user has changed (by hand, or with
`followup-xl log`): what it wrote is remembered by content in `.followup-demo.json`, and a
tracker whose bytes differ is kept as it is. Unchanged trackers are written afresh (their
dates follow today), and the lists are always refreshed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FollowupError, UsageError

DEMO_DIR = "followup-demo"
SEEKER_TRACKER = "sample-tracker.xlsx"
CLIENTS_DIR = "clients"
MANIFEST = ".followup-demo.json"
SEEKER_FORMATS = ("xlsx", "html", "ics")
COACH_FORMATS = ("xlsx", "html")
COACH_PREFIX = "coach-"


@dataclass(frozen=True)
class Client:
    file: str
    your_name: str
    country: str
    subdivision: str | None
    samples: tuple[int, ...]  # which of template.sample_rows' applications the client has


CLIENTS = (
    Client("alice-martin.xlsx", "Alice Martin", "US", "CA", (0, 5, 7, 9)),
    Client("ben-clarke.xlsx", "Ben Clarke", "GB", "ENG", (2, 4, 10)),
    Client("clara-weber.xlsx", "Clara Weber", "DE", "BY", (1, 3, 6, 8, 11)),
)
SEEKER_NAME = "Sam Taylor"


@dataclass
class DemoResult:
    folder: Path
    seeker: Path
    clients: list[Path]
    written: list[Path] = field(default_factory=list)  # trackers written (new or refreshed)
    kept: list[Path] = field(default_factory=list)  # trackers the user changed: left alone
    seeker_result: Any = None  # the WeeklyResult of the seeker's tracker
    coach_result: Any = None  # the WeeklyResult of the clients' folder
    lists: list[Path] = field(default_factory=list)  # the exported lists


def demo_day(today: dt.date) -> dt.date:
    """The first day from today on that shows every state in every demo tracker (a working
    day with another later in its week, in each demo country): one as-of date for all."""
    from .calendar import get_calendar
    from .template import sample_day

    cals = [get_calendar("US")] + [get_calendar(c.country, c.subdivision) for c in CLIENTS]
    day = today
    for _ in range(60):
        if all(sample_day(day, cal) == day for cal in cals):
            return day
        day += dt.timedelta(days=1)
    return today  # pragma: no cover - no such day in two months


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _workbook(country: str, subdivision: str | None, day: dt.date, live: bool, your_name: str,
              samples: tuple[int, ...] | None):
    """The template with sample rows (all, or the chosen ones packed from the first row) and
    YourName set when the template has that setting."""
    from . import schema
    from .template import FIRST_ROW, build_workbook, letter

    wb = build_workbook(country=country, subdivision=subdivision, sample=True, as_of=day,
                        live_as_of=live)
    ws = wb[schema.TRACKER_SHEET]
    if samples is not None:
        from .calendar import get_calendar
        from .template import sample_day, sample_rows

        cal = get_calendar(country, subdivision)
        rows = sample_rows(sample_day(day, cal), cal)
        chosen = [rows[k] for k in samples]
        for i in range(len(rows)):
            values = chosen[i] if i < len(chosen) else {}
            for col in schema.INPUT_COLUMNS:
                cell = ws[f"{letter(col.key)}{FIRST_ROW + i}"]
                cell.value = values.get(col.key)
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    name = wb.defined_names.get("YourName")
    if name is not None:
        for sheet, ref in name.destinations:
            wb[sheet][ref.replace("$", "")].value = your_name
    return wb


def _save_new(path: Path, wb) -> bytes:
    """Save the workbook whole (temporary file beside it, then one rename); its bytes."""
    from .inplace import save_in_place

    save_in_place(path, wb.save, backup=False)
    return path.read_bytes()


def write_demo(folder: str | os.PathLike[str] | None = None, *, today: dt.date | None = None) -> DemoResult:
    """Write the demo trackers (keeping those the user changed), run the weekly job on the
    seeker's tracker and on the clients' folder, and export the lists (see the module notes)."""
    from . import export
    from .weekly import build_weekly

    root = Path(folder or DEMO_DIR)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is a file: give a folder for the demo, e.g. {DEMO_DIR}.")
    clients_dir = root / CLIENTS_DIR
    try:
        clients_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FollowupError(f"Cannot create the folder {clients_dir}: {exc.strerror or exc}.") from None
    today = today or dt.date.today()
    day = demo_day(today)
    live = day == dt.date.today()
    manifest = _load_manifest(root)
    result = DemoResult(folder=root, seeker=root / SEEKER_TRACKER,
                        clients=[clients_dir / c.file for c in CLIENTS])
    plan = [(result.seeker, SEEKER_TRACKER, ("US", None, SEEKER_NAME, None))]
    plan += [(clients_dir / c.file, f"{CLIENTS_DIR}/{c.file}", (c.country, c.subdivision, c.your_name, c.samples))
             for c in CLIENTS]
    for path, key, (country, subdivision, your_name, samples) in plan:
        if path.exists() or path.is_symlink():
            try:
                unchanged = path.is_file() and manifest.get(key) == _digest(path.read_bytes())
            except OSError:
                unchanged = False
            if not unchanged:
                result.kept.append(path)
                continue
        data = _save_new(path, _workbook(country, subdivision, day, live, your_name, samples))
        manifest[key] = _digest(data)
        result.written.append(path)
    from .export import write_bytes_atomic

    write_bytes_atomic(root / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    as_of = None if live else day
    result.seeker_result = build_weekly([result.seeker], as_of=as_of)
    result.coach_result = build_weekly([clients_dir], as_of=as_of)
    for res, prefix, formats in ((result.seeker_result, "", SEEKER_FORMATS),
                                 (result.coach_result, COACH_PREFIX, COACH_FORMATS)):
        for fmt in formats:
            group = "tracker" if prefix else None  # the coach's lists: a section per client
            result.lists.append(export.write(res, root / (prefix + export.default_name(res, fmt)), fmt, group))
    return result
