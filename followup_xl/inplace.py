"""Safe in-place edits of a tracker workbook (SPEC: "Inputs and outputs").

Only `followup-xl log` and `followup-xl holidays --update` change a tracker, and only
through `edit_workbook`, which:

- refuses a workbook that is open in a spreadsheet app: its lock file is beside it (Excel's
  `~$NAME`, LibreOffice's `.~lock.NAME#`), since the app would later save over the edit;
- refuses a workbook holding what openpyxl (the writer) would drop: charts, images and
  other drawings, pivot tables, slicers and timelines, form controls and ActiveX, embedded
  objects, data connections, threaded comments, sparklines and the Excel 2010 extensions of
  drop-down lists and conditional formats, and macros unless the file is an .xlsm (whose
  macros are kept); the sentence says what was found and why it is refused;
- edits the workbook as openpyxl loads it for writing (formulas, not cached values; external
  links kept), so formulas, formatting, conditional formats, data validation, defined names,
  comments and the other sheets stay as they are;
- saves to a temporary file in the same folder, keeps the previous file as `NAME.bak.xlsx`
  beside it, then replaces the workbook in one step (os.replace).

Whenever it refuses or fails, the workbook is byte for byte what it was.

openpyxl does not store the results of formulas: the workbook is marked for a full
recalculation when it is next opened, and the command line never reads the computed
columns (SPEC: "Rows"), so nothing it reads changes meaning.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .errors import FollowupError, TrackerError

T = TypeVar("T")

EDITABLE_SUFFIXES = (".xlsx", ".xlsm")
EXCEL_LOCK_PREFIX = "~$"
LIBREOFFICE_LOCK = ".~lock.{name}#"
BACKUP_INFIX = ".bak"

# Zip parts openpyxl does not write back (or writes back damaged): (pattern, what, why).
_DROPPED_PARTS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), what, why) for pattern, what, why in (
        (r"^xl/(charts|chartsheets)/", "a chart", "openpyxl rewrites charts without their formatting"),
        (r"^xl/media/(?!.*\.emf$)", "an image", "openpyxl would drop it or lose its placement"),
        (r"^xl/drawings/drawing\d*\.xml$", "a drawing (shape, text box or image)",
         "openpyxl keeps neither shapes nor text boxes"),
        (r"^xl/(pivotTables|pivotCache)/", "a pivot table", "openpyxl keeps pivot tables only in part"),
        (r"^xl/(slicers|slicerCaches|timelines|timelineCaches)/", "a slicer or timeline",
         "openpyxl drops them"),
        (r"^xl/(ctrlProps|activeX)/", "a form control (check box, button, drop-down control)",
         "openpyxl drops form controls"),
        (r"^xl/embeddings/", "an embedded object", "openpyxl drops embedded objects"),
        (r"^xl/(connections\.xml|queryTables/|model/)", "a data connection (Power Query, Power Pivot)",
         "openpyxl drops data connections"),
        (r"^xl/(threadedComments|persons)/", "threaded comments",
         "openpyxl keeps only the first note of a thread"),
    ))
_VBA_PART = re.compile(r"^xl/vbaProject\.bin$", re.IGNORECASE)
# Excel 2010+ extensions inside a sheet part that openpyxl drops: (marker, what).
_DROPPED_EXTENSIONS: tuple[tuple[bytes, str], ...] = (
    (b"x14:dataValidations", "drop-down lists stored as an Excel 2010 extension (lists from another sheet)"),
    (b"x14:conditionalFormattings", ("conditional formats stored as an Excel 2010 extension "
                                    "(data bars, icon sets, rules reading another sheet)")),
    (b"x14:sparklineGroups", "sparklines"),
    (b"x14:slicerList", "a slicer"),
)
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_SCAN_CHUNK = 1 << 20


class WorkbookLocked(TrackerError):
    """The workbook is open in a spreadsheet app (its lock file is beside it)."""


class WorkbookNotEditable(TrackerError):
    """The workbook holds something the writer would drop, or is not a workbook we can rewrite."""


# --------------------------------------------------------------------------- checks

def lock_files(path: str | os.PathLike[str]) -> list[Path]:
    """The lock files beside a workbook that say it is open: Excel's `~$NAME` (Excel drops
    the first two characters of a long name: `~$cument.xlsx` for Document.xlsx, so both
    spellings are looked for) and LibreOffice's `.~lock.NAME#`."""
    p = Path(path)
    names = [EXCEL_LOCK_PREFIX + p.name, EXCEL_LOCK_PREFIX + p.name[2:], LIBREOFFICE_LOCK.format(name=p.name)]
    found = []
    for name in dict.fromkeys(names):
        lock = p.with_name(name)
        if lock != p and os.path.lexists(lock):
            found.append(lock)
    return found


def backup_path(path: str | os.PathLike[str]) -> Path:
    """Where the previous version is kept: NAME.bak.xlsx for NAME.xlsx (NAME.bak.xlsm for .xlsm)."""
    p = Path(path)
    return p.with_name(p.stem + BACKUP_INFIX + p.suffix)


def dropped_content(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """What the writer would drop from this workbook: (what, why) pairs, [] when nothing.

    Looks at the zip part names and, in each sheet part, for the Excel 2010 extensions
    openpyxl does not keep. Macros count unless the file is an .xlsm (their project is kept).
    """
    p = Path(path)
    found: dict[str, str] = {}
    with zipfile.ZipFile(p) as zf:
        for info in zf.infolist():
            name = info.filename
            for pattern, what, why in _DROPPED_PARTS:
                if pattern.search(name):
                    found.setdefault(what, why)
            if _VBA_PART.search(name) and p.suffix.lower() != ".xlsm":
                found.setdefault("macros", "a workbook saved as .xlsx cannot keep them")
            if _SHEET_PART.search(name):
                for what in _extensions_in(zf, info):
                    found.setdefault(what, "openpyxl drops Excel 2010 extensions")
    return list(found.items())


def _extensions_in(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[str]:
    """The dropped extensions a sheet part holds (streamed: a sheet may be large)."""
    found: list[str] = []
    tail = b""
    longest = max(len(m) for m, _ in _DROPPED_EXTENSIONS)
    with zf.open(info) as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            window = tail + chunk
            if b"x14:" in window:
                found += [what for marker, what in _DROPPED_EXTENSIONS if marker in window and what not in found]
            tail = window[-longest:]
    return found


def check_editable(path: str | os.PathLike[str]) -> None:
    """Raise (one sentence naming the file) unless the workbook can be rewritten without loss:
    it exists, is a regular .xlsx/.xlsm file, a safe workbook, not open in a spreadsheet app,
    and holds nothing the writer would drop."""
    p = Path(path)
    if p.suffix.lower() not in EDITABLE_SUFFIXES:
        kind = "a text table" if p.suffix.lower() in (".csv", ".tsv", ".txt") else "not an .xlsx workbook"
        raise WorkbookNotEditable(
            f"{p} is {kind}: only .xlsx and .xlsm workbooks can be updated in place "
            "(type the date in the file yourself, or `followup-xl import` it into a workbook first).")
    if p.is_symlink() or (p.exists() and not p.is_file()):
        raise WorkbookNotEditable(f"{p} is not a regular file (a link, a folder or a device): "
                                  "give the workbook itself.")
    from . import safety

    safety.check_workbook(p)  # missing, unreadable, not a workbook, hostile: one sentence
    locks = lock_files(p)
    if locks:
        raise WorkbookLocked(f"{p} is open in a spreadsheet app (lock file {locks[0].name} beside it): "
                             "close it there and run again (if it is not open, delete the lock file).")
    try:
        dropped = dropped_content(p)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TrackerError(f"{p} could not be read as a workbook ({exc}).") from None
    if dropped:
        whats = ", ".join(what for what, _ in dropped)
        why = dropped[0][1]
        raise WorkbookNotEditable(
            f"{p} holds {whats}, which rewriting it would lose ({why}): it was left unchanged; "
            "make the change in your spreadsheet app instead.")


# --------------------------------------------------------------------------- the edit

def edit_workbook(path: str | os.PathLike[str], edit: Callable[[Any], T], *, backup: bool = True) -> T:
    """Load the workbook, call edit(workbook), save it in place safely; edit's result.

    Refuses (TrackerError, file unchanged) what check_editable refuses. When edit raises,
    nothing is written. The previous file is kept as backup_path(path) (when backup).
    """
    from openpyxl import load_workbook

    import warnings

    from .sharedformulas import print_areas, restore_print_areas, share_formulas

    p = Path(path)
    check_editable(p)
    keep_vba = p.suffix.lower() == ".xlsm"
    areas = print_areas(p)  # a print area given as a formula, which openpyxl drops
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Print area cannot be set")
            wb = load_workbook(p, keep_vba=keep_vba, keep_links=True, data_only=False, rich_text=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl on a workbook the checks let through
        raise TrackerError(f"{p} could not be opened for writing ({type(exc).__name__}: {exc}); "
                           "it was left unchanged.") from None
    result = edit(wb)
    restore_print_areas(wb, areas)
    share_formulas(wb)  # a column of one formula stays stored once (the template's 5,000 rows)
    wb.calculation.fullCalcOnLoad = True  # openpyxl stores no formula results: recompute on open
    save_in_place(p, wb.save, backup=backup)
    return result


def save_in_place(path: Path, save: Callable[[str], None], *, backup: bool = True) -> None:
    """save(temporary path) beside path, keep the previous file (if any) as the backup, then
    replace path in one step (or create it). On any failure the temporary file is removed and
    path is untouched."""
    folder = path.parent
    tmp = _temp_beside(path)
    bak_tmp = None
    try:
        save(tmp)
        _verify(tmp, path)
        os.chmod(tmp, _mode_of(path))
        _refuse_if_opened(path)  # opened in a spreadsheet app while we worked: it would save over us
        if backup and path.exists():
            bak = backup_path(path)
            try:
                bak_tmp = _temp_beside(path)
                shutil.copy2(path, bak_tmp)
                os.replace(bak_tmp, bak)
            except (OSError, FollowupError) as exc:
                why = _why(exc, folder) if isinstance(exc, OSError) else str(exc).split(": ", 1)[-1]
                raise FollowupError(f"Cannot keep the previous version of {path} as {bak.name} ({why}): "
                                    f"{path.name} was left unchanged.") from None
            bak_tmp = None
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise FollowupError(f"Cannot write {path}: {_why(exc, folder)}; it was left unchanged.") from None
    finally:
        for leftover in (tmp, bak_tmp):
            if leftover is not None:
                try:
                    os.unlink(leftover)
                except OSError:
                    pass


def _refuse_if_opened(path: Path) -> None:
    """check_editable's lock-file test again, just before the replace: a spreadsheet app that
    opened the workbook during the edit would later save its copy over ours."""
    locks = lock_files(path)
    if locks:
        raise WorkbookLocked(f"{path} was opened in a spreadsheet app while it was being updated (lock "
                             f"file {locks[0].name} appeared): it was left unchanged; close it there "
                             "and run again.")


def _mode_of(path: Path) -> int:
    """The replaced file's permissions, or what a new file gets (0666 less the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _verify(tmp: str, path: Path) -> None:
    """What was written is a whole workbook archive (every part's CRC right), else TrackerError."""
    try:
        with zipfile.ZipFile(tmp) as zf:
            whole = zf.testzip() is None and {"[Content_Types].xml", "xl/workbook.xml"} <= set(zf.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        whole = False
    if not whole:
        raise TrackerError(f"{path}: the rewritten workbook failed its check, so it was left unchanged.")


def _temp_beside(path: Path) -> str:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix + ".tmp", dir=path.parent)
    except OSError as exc:
        raise FollowupError(f"Cannot write {path}: {_why(exc, path.parent)}; it was left unchanged.") from None
    os.close(fd)
    return tmp


def _why(exc: OSError, where: Path) -> str:
    if isinstance(exc, PermissionError):
        return f"permission denied ({where} is read-only, or the file is open in another program)"
    reason = exc.strerror or type(exc).__name__
    return reason.rstrip(".").lower()
