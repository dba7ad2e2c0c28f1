"""The weekly follow-up list across trackers (SPEC: "The weekly list").

The data types (Item, Problem, WeeklyResult, COUNT_KEYS) live in `model.py`; they are
re-exported here for one release.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from itertools import repeat
from pathlib import Path
from typing import Any

from .collector import paused
from .model import COUNT_KEYS, Item, Problem, WeeklyResult  # noqa: F401 - re-exported
from .printable import file_name

# --------------------------------------------------------------------------- building the list
#
# The as-of date A: the `as_of` argument (the CLI's --as-of); else the AsOf setting when
# every tracker that has one agrees on the same date (one tracker: its own AsOf, so the
# list matches what the workbook shows); else today, and a tracker whose AsOf differs gets
# a warning. The week is the Monday-Sunday week containing `week_of` (default A). One A
# and one week for the whole run, so a coach's list is one coherent week.

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NO_CONTACT = ("No contact person: ask the company who knows the hiring timetable and who you "
              "should follow up with, then put their name in Contact name.")
LOCK_PREFIX = "~$"


def _to_day(value: Any, what: str) -> dt.date | None:
    from .dates import coerce_date
    from .errors import NotADateError, UsageError

    try:
        return coerce_date(value)
    except NotADateError as exc:
        raise UsageError(f"{what}: {exc}") from None


def choose_as_of(as_of: Any, trackers: list, today: dt.date | None = None) -> tuple[dt.date, list[Problem]]:
    """The as-of date of a run (see the module notes) and warnings for trackers overruled."""
    from .dates import week_out_of_range

    chosen = _to_week_day(as_of, "as_of")
    settings = [(t.name, t.as_of_setting) for t in trackers if t.as_of_setting is not None]
    unusable = {day: week_out_of_range(day, "The AsOf setting") for _, day in settings}
    if chosen is None:
        days = {d for _, d in settings if not unusable[d]}
        chosen = days.pop() if len(days) == 1 else (today or dt.date.today())
    problems = []
    for name, day in settings:
        if day != chosen:
            why = f"{unusable[day][:-1]}; so it" if unusable[day] else f"The AsOf setting {day.isoformat()}"
            problems.append(Problem(name, None, "Settings AsOf", day.isoformat(),
                                    f"{why} is not used: this list is as of {chosen.isoformat()} for "
                                    "every tracker (choose with --as-of).", "warning"))
    return chosen, problems


def _to_week_day(value: Any, what: str) -> dt.date | None:
    """_to_day for a date whose Monday-to-Sunday week is worked on: UsageError (one sentence)
    when that week does not fit the spreadsheet range."""
    from .dates import week_out_of_range
    from .errors import UsageError

    day = _to_day(value, what)
    problem = None if day is None else week_out_of_range(day, what)
    if problem:
        raise UsageError(problem)
    return day


def evaluate_group(trackers: list, as_of: dt.date) -> list[tuple]:
    """The rules over the good rows of trackers sharing one Settings (so one calendar) and
    one set of their own statuses, in one vectorised pass; per tracker: (good row indices,
    state, next contact, days overdue)."""
    import numpy as np

    from .calendar import get_calendar
    from .rules import evaluate_arrays

    s = trackers[0].settings
    goods = [np.flatnonzero(~t.bad) for t in trackers]
    cat = lambda get: np.concatenate([get(t)[g] for t, g in zip(trackers, goods)])  # noqa: E731
    cal = get_calendar(s.country, s.subdivision, s.weekend, s.holidays)
    nxt, state, late = evaluate_arrays(
        last_contact=cat(lambda t: t.dates["last_contact"]), interview_date=cat(lambda t: t.dates["interview_date"]),
        applied_date=cat(lambda t: t.dates["applied_date"]), statuses=getattr(trackers[0], "statuses", None),
        status=cat(lambda t: t.status), cadence=cat(lambda t: t.numbers["cadence"]),
        followups_sent=cat(lambda t: t.numbers["followups_sent"]), settings=s, calendar=cal, as_of=as_of)
    beyond = ~cal.known_many(nxt)
    result, start = [], 0
    for t, g in zip(trackers, goods):
        stop = start + len(g)
        keep = ~beyond[start:stop]
        if not keep.all():
            _beyond_calendar(t, g[~keep], nxt[start:stop][~keep], cal)
        result.append((g[keep], state[start:stop][keep], nxt[start:stop][keep], late[start:stop][keep]))
        start = stop
    return result


def _beyond_calendar(data, rows, days, cal) -> None:
    """Rows whose next contact falls beyond the calendar (past the last year of known public
    holidays, or past 9999-12-31) become problems of their rows (SPEC: "The rules")."""
    import numpy as np

    for i, day in zip(rows.tolist(), days):
        key = "last_contact" if not np.isnat(data.dates["last_contact"][i]) else "interview_date"
        base = data.dates[key][i]
        data.bad[i] = True
        data.problems.append(Problem(
            data.name, int(data.rows[i]), data.headers.get(key, key.replace("_", " ").capitalize()),
            str(base), f"The next contact after {base} would be {cal.range_message(day)}; check the date."))
    data.problems.sort(key=lambda p: (p.row is not None, p.row or 0))


def tracker_outcome(data, evaluated: tuple, week_end: dt.date) -> tuple[list[Item], list[Problem], dict[str, int]]:
    """One tracker's items for the week, warnings and counts."""
    return group_outcome([data], [evaluated], week_end)[0]


def group_outcome(trackers: list, evaluated: list[tuple], week_end: dt.date
                  ) -> list[tuple[list[Item], list[Problem], dict[str, int]]]:
    """tracker_outcome of each of trackers that share one Settings and one set of their own
    statuses (as evaluate_group takes them; `evaluated`: what it gave), in one pass over all
    their rows: a coach's 500 small trackers cost one count, one draft run and one Item run
    per group instead of one each."""
    import numpy as np

    from . import schema

    n = len(trackers)
    sizes = [len(e[0]) for e in evaluated]
    good, state, nxt, overdue = (evaluated[0] if n == 1 else
                                 tuple(np.concatenate([e[j] for e in evaluated]) for j in range(4)))
    owner = np.repeat(np.arange(n), sizes)
    scheduled = ~np.isnat(nxt)
    listed = scheduled & (nxt <= np.datetime64(week_end, "D"))

    def per_tracker(mask: np.ndarray) -> list[int]:
        return np.bincount(owner[mask], minlength=n).tolist()

    by_key = {"listed": per_tracker(listed), "not_due": per_tracker(scheduled & ~listed),
              "closed": per_tracker(state == schema.CLOSED),
              "not_applied": per_tracker(state == schema.NOT_APPLIED),
              "needs_date": per_tracker(state == schema.NEEDS_DATE),
              "limit_reached": per_tracker(state == schema.LIMIT_REACHED)}
    counts = []
    for k, data in enumerate(trackers):
        c = {key: by_key[key][k] if key in by_key else 0 for key in COUNT_KEYS}
        c["problem"] = int(data.bad.sum())
        c["skipped"] = len(getattr(data, "skipped", ()))  # rows with something but no Company
        if sum(c.values()) != len(data) + c["skipped"]:  # the spec's promise: nothing is lost
            raise AssertionError(f"{data.name}: counts {c} do not add up to {len(data)} rows")
        counts.append(c)
    warnings = _no_contact_warnings(trackers, good, np.flatnonzero(scheduled), owner)
    items = _items(trackers, good, state, nxt, overdue, np.flatnonzero(listed), owner)
    return [(items[k], warnings[k], counts[k]) for k in range(n)]


def _bounds(positions, owner, n: int) -> list[tuple[int, int, int]]:
    """(tracker, start, stop): the slice of `positions` (ascending, into the group's rows)
    that falls in each tracker having any."""
    import numpy as np

    cuts = np.searchsorted(owner[positions], np.arange(n + 1)).tolist()
    return [(k, cuts[k], cuts[k + 1]) for k in range(n) if cuts[k + 1] > cuts[k]]


def _no_contact_warnings(trackers: list, good, sched, owner) -> list[list[Problem]]:
    """Per tracker, a warning for each scheduled row with no contact person (only scheduled
    rows are warned about)."""
    from .cells import empty_mask, take

    out: list[list[Problem]] = [[] for _ in trackers]
    spans, values = [], []
    for k, a, b in _bounds(sched, owner, len(trackers)):
        rows = good[sched[a:b]]
        contact = trackers[k].text.get("contact_name")
        spans.append((k, rows, contact is None))
        if contact is not None:
            values.extend(take(contact, rows.tolist()))
    empty = empty_mask(values).tolist() if values else []
    at = 0
    for k, rows, none in spans:
        data = trackers[k]
        if none:
            missing = rows
        else:
            missing = rows[empty[at:at + len(rows)]]
            at += len(rows)
        if len(missing):
            label = data.headers.get("contact_name", "Contact name")
            out[k] = [Problem(data.name, r, label, None, NO_CONTACT, "warning")
                      for r in data.rows[missing].tolist()]
    return out


def _items(trackers: list, good, state, nxt, overdue, pos, owner) -> list[list[Item]]:
    """Per tracker, the Item objects of its listed rows (`pos`: their places in the group)."""
    import numpy as np

    from . import schema
    from .cells import cell_text, take
    from .messages import drafts

    keys = ("company", "role", "contact_name", "contact_email", "contact_phone", "decision_expected")
    texts: dict[str, list] = {key: [] for key in keys}
    last, interview, sent, rows, statuses, names, spans = [], [], [], [], [], [], []
    for k, a, b in _bounds(pos, owner, len(trackers)):
        data = trackers[k]
        pick = good[pos[a:b]]
        picked = pick.tolist()
        for key in keys:
            col = data.text.get(key)
            texts[key].extend([None] * len(picked) if col is None else map(cell_text, take(col, picked)))
        last.append(data.dates["last_contact"][pick])
        interview.append(data.dates["interview_date"][pick])
        sent.append(data.numbers["followups_sent"][pick])
        rows.append(data.rows[pick])
        statuses.extend(data.status[pick].tolist())
        names.extend(repeat(data.name, len(picked)))
        spans.append((k, b - a))
    out: list[list[Item]] = [[] for _ in trackers]
    if not spans:
        return out
    join = np.concatenate
    interview = join(interview)  # datetime64: drafts reads it as a column
    due, states, late = nxt[pos].tolist(), state[pos].tolist(), overdue[pos].tolist()
    # What the drafter needs beyond the row's text (SPEC: "Message drafts"): the status's
    # meaning (a workbook's own statuses first), YourName, the country and its calendar.
    s = trackers[0].settings
    table = schema.status_table(getattr(trackers[0], "statuses", None))
    meanings = [schema.meaning_by_key(schema.status_key(v), table) for v in statuses]
    your_name = getattr(s, "your_name", None)
    from .calendar import get_calendar

    cal = get_calendar(s.country, s.subdivision, s.weekend, s.holidays)
    statuses = [v or None for v in statuses]
    sent = join(sent).astype(int).tolist()
    messages = drafts(texts["contact_name"], texts["company"], texts["role"], interview, sent, statuses,
                      meanings, your_name=your_name, country=s.country, calendar=cal)
    weekdays = [WEEKDAYS[d.weekday()] for d in due]
    # Item's fields in order, positionally (the same values as by keyword, with less overhead)
    items = list(map(Item, due, weekdays, states, map(int, late), texts["company"], texts["role"],
                     texts["contact_name"], texts["contact_email"], texts["contact_phone"],
                     join(last).tolist(), sent, statuses, texts["decision_expected"], names,
                     join(rows).tolist(), messages, repeat(your_name, len(due))))
    at = 0
    for k, size in spans:
        out[k] = items[at:at + size]
        at += size
    return out


def sort_key(item: Item) -> tuple:
    """The spec's order: Next contact, Company (case-insensitive), tracker, row."""
    return (item.due_date, (item.company or "").casefold(), item.tracker, item.row)


@paused()
def combine(trackers: list, *, week_of: Any = None, as_of: Any = None,
            file_problems: list[Problem] | None = None) -> WeeklyResult:
    """The weekly list over typed trackers (one as-of date and one week for all)."""
    from .rules import week_bounds

    a, problems = choose_as_of(as_of, trackers)
    w = _to_week_day(week_of, "week_of") or a
    start, end = week_bounds(w)
    result = WeeklyResult(week_start=start, week_end=end, as_of=a)
    result.problems.extend(file_problems or [])
    groups: dict[Any, list[int]] = {}  # trackers with the same settings share one pass
    for k, data in enumerate(trackers):
        own = tuple(sorted(getattr(data, "statuses", {}).items()))
        groups.setdefault((replace(data.settings, as_of=None), own), []).append(k)
    as_of_warnings: dict[str, list[Problem]] = {}
    for p in problems:
        as_of_warnings.setdefault(p.tracker, []).append(p)
    outcomes: dict[int, tuple] = {}
    for members in groups.values():
        group = [trackers[k] for k in members]
        outcomes.update(zip(members, group_outcome(group, evaluate_group(group, a), end)))
    for k, data in enumerate(trackers):
        items, warnings, counts = outcomes.pop(k)
        result.items.extend(items)
        result.problems.extend(_merge_problems(data.problems, warnings))
        result.problems.extend(as_of_warnings.get(data.name, ()))
        for key, n in counts.items():
            result.counts[key] += n
        result.trackers.append(file_name(str(data.path)) if data.path else data.name)
    result.items.sort(key=sort_key)
    return result


def _merge_problems(read: list[Problem], warnings: list[Problem]) -> list[Problem]:
    """File-level problems first, then by row (a row's problems together)."""
    if not warnings:
        return list(read)
    return sorted(read + warnings, key=lambda p: (p.row is not None, p.row or 0))


def weekly_from_table(values: Any, *, tracker: str = "(range)", settings: Any = None,
                      week_of: Any = None, as_of: Any = None) -> WeeklyResult:
    """The weekly list of one table given as a 2-D list (an Excel range: title rows allowed,
    then the header row, then data rows). Raises TrackerError when no header names Company."""
    from .schema import Settings
    from .tracker import parse_table

    data = parse_table(values, tracker=tracker, settings=settings or Settings())
    data.as_of_setting = _to_day(data.settings.as_of, "AsOf") if data.settings.as_of else None
    return combine([data], week_of=week_of, as_of=as_of)


def find_trackers(paths: Any) -> tuple[list[Path], list[Problem]]:
    """Files and folders -> workbook paths (sorted per folder), lock files as warnings.

    Raises TrackerError for a path that does not exist or a folder with no workbook. A file
    reached twice (a link, a hard link, a folder given twice) is taken once: files are told
    apart by device and inode. A folder entry that leads nowhere (a dangling or looping
    link) is a warning, and a folder that cannot be listed an error (file-level problems:
    the run goes on with the rest).
    """
    from .errors import TrackerError

    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    seen_folders: set[tuple[int, int]] = set()
    problems: list[Problem] = []
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise TrackerError(f"{raw} was not found: check the file name and the folder.")
        if p.is_dir():
            if _identity(p.stat()) in seen_folders:
                continue  # the same folder again
            seen_folders.add(_identity(p.stat()))
            # .xls/.xlsb/.ods are taken too, so they are refused with a reason, not skipped silently
            before = len(problems)
            try:
                members = _folder_members(p, problems)
            except OSError as exc:
                problems.append(Problem(file_name(str(raw)), None, None, None,
                                        f"The folder {raw} cannot be listed ({exc.strerror or exc}): "
                                        "its trackers are not in this list.", "error"))
                continue
            if not members and len(problems) == before:
                raise TrackerError(f"{raw} has no trackers (.xlsx, .csv) in it: check the folder.")
        else:
            try:
                members = [(p, _identity(os.stat(p)))]
            except OSError:
                members = [(p, None)]  # the reader says why it cannot be opened
        for q, key in sorted(members):
            skip = _skip_reason(q, from_folder=p.is_dir())
            if skip:
                problems.append(Problem(file_name(q.name), None, None, None, skip, "warning"))
            elif key is None or key not in seen:
                if key is not None:
                    seen.add(key)
                found.append(q)
    return found, problems


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _folder_members(folder: Path, problems: list[Problem]) -> list[tuple[Path, tuple[int, int]]]:
    """The spreadsheet files of a folder with their (device, inode), in one scandir; an entry
    named like a workbook that leads nowhere (a dangling or looping link, a file gone
    meanwhile) adds a warning to `problems`."""
    members = []
    with os.scandir(folder) as entries:
        for e in entries:
            if Path(e.name).suffix.lower() not in SPREADSHEET_SUFFIXES:
                continue
            q = folder / e.name
            try:
                if e.is_file():
                    members.append((q, _identity(e.stat())))
                elif e.is_symlink():
                    e.stat()  # a link is_file found no file behind: dangling or looping raises
                # else a folder or a device named like a workbook: not a tracker
            except OSError as exc:
                problems.append(Problem(file_name(e.name), None, None, None, _dead_entry(q, exc), "warning"))
    return members


def _dead_entry(path: Path, exc: OSError) -> str:
    """Why a folder entry named like a workbook cannot be read (a warning: its rows are missing)."""
    import errno

    if exc.errno == errno.ELOOP:
        why = "it is a symbolic link that leads round in a loop"
    elif path.is_symlink() and exc.errno == errno.ENOENT:
        why = f"it is a symbolic link to {file_name(os.readlink(path))}, which does not exist"
    else:
        why = f"it cannot be opened ({exc.strerror or exc})"
    return f"Skipped: {why}, so this tracker's rows are not in the list."


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv")
OUTPUT_NAME = re.compile(r"^followups-\d{4}-W\d{2}\.(?:xlsx|csv)$", re.I)  # what `weekly` writes by default
BACKUP_NAME = re.compile(r"^(.+)\.bak(\.xls[xm])$", re.I)  # what `log` keeps (inplace.backup_path)


def _skip_reason(path: Path, from_folder: bool) -> str | None:
    """Why a file found next to the trackers is not one (a warning), or None."""
    name = path.name
    if name.startswith(LOCK_PREFIX):
        return "Skipped: this is Excel's lock file for a workbook open in Excel, not a tracker."
    if name.startswith("._"):
        return "Skipped: this is a macOS metadata file (._ name), not a tracker."
    if from_folder and OUTPUT_NAME.match(name):
        return "Skipped: this is a weekly list written by followup-xl, not a tracker."
    backup = BACKUP_NAME.match(name)
    if from_folder and backup and path.with_name(backup[1] + backup[2]).exists():
        return (f"Skipped: this is the previous version that followup-xl log kept of {backup[1] + backup[2]}, "
                "not a tracker.")
    return None


@paused()
def build_weekly(paths: Any, *, week_of: Any = None, as_of: Any = None, progress=None,
                 found: tuple[list[Path], list[Problem]] | None = None, sheet: str | None = None,
                 country: str | None = None, subdivision: str | None = None,
                 on_read=None) -> WeeklyResult:
    """The weekly list over tracker files and folders (SPEC: "The weekly list").

    A file that cannot be used becomes a Problem with row=None so a folder run goes on;
    when no input can be used at all, TrackerError (one sentence naming the file).
    `progress(done, total, name)` is called after each file. `found`: what
    find_trackers(paths) gave, when the caller has looked already. `sheet`, `country`,
    `subdivision`: as read_tracker takes them (the CLI's --sheet, --country, --subdivision).
    `on_read(data)` is called with each tracker read (`followup-xl check` describes them).
    """
    from .errors import TrackerError
    from .reader.many import read_many
    from .tracker import read_tracker

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files, problems = (list(found[0]), list(found[1])) if found is not None else find_trackers(paths)
    trackers = []
    failures: list[TrackerError] = []
    names = _display_names(files)

    def read(path: Path):
        return read_tracker(path, sheet=sheet, country=country, subdivision=subdivision)

    for k, (path, data) in enumerate(read_many(files, read), start=1):  # many: two processes
        if isinstance(data, TrackerError):
            failures.append(data)
            problems.append(Problem(names[path], None, None, None, file_name(str(data)), "error"))
        else:
            data.name = names[path]
            for p in data.problems:
                p.tracker = names[path]
            trackers.append(data)
            if on_read is not None:
                on_read(data)
        if progress:
            progress(k, len(files), path.name)
    if not trackers:
        if len(failures) == 1:
            raise failures[0]
        if failures:
            raise TrackerError(f"None of the {len(failures)} workbooks could be used as a tracker; "
                               f"the first: {failures[0]}")
        unlisted = [p for p in problems if p.severity == "error"]
        if unlisted:
            raise TrackerError(unlisted[0].message)
        raise TrackerError(f"{', '.join(str(p) for p in paths)} holds no tracker workbook: only files "
                           "that are not trackers (Excel lock files ~$..., earlier weekly lists, "
                           "links that lead nowhere).")
    return combine(trackers, week_of=week_of, as_of=as_of, file_problems=problems)


def _display_names(files: list[Path]) -> dict[Path, str]:
    """File names, or a longer path where two trackers share a name (so rows stay traceable)."""
    counts: dict[str, int] = {}
    for f in files:
        counts[f.name] = counts.get(f.name, 0) + 1
    return {f: file_name(f.name if counts[f.name] == 1 else str(f)) for f in files}
