"""Exports of the weekly list: xlsx, csv, md, html, ics, json (SPEC: "The weekly list").

One module per format (csv.py, md.py, html.py, ics.py, json.py; the workbook in xlsx/),
each `render_<format>(result) -> bytes`. render() turns a WeeklyResult into the bytes of
one format; write() puts them on disk whole or not at all (output.write_atomic), or on
stdout for "-". Text from a tracker is data, never code: typed string cells in xlsx,
OWASP-neutralised cells in csv, escaped markup in md and html.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..collector import paused
from ..errors import UsageError
from ..model import WeeklyResult
from ..output import STDOUT, refuse_input_as_output, write_atomic, write_stdout
from .csv import csv_safe, render_csv
from .fields import COUNT_LABELS, FIELDS, Field, count_label
from .html import render_html
from .ics import event_uid, render_ics
from .json import render_json
from .mailto import EMAIL_RE, mailto, percent_encode
from .md import md_escape, render_md
from .sections import (GROUP_BY, GROUPABLE, Client, Group, client_counts, clients, groups,
                       iso_week, long_date, short_date, state_text, summary_line, tracker_names)
from .xlsx import render_xlsx

FORMATS = ("xlsx", "csv", "md", "html", "ics", "json")
STDOUT_DEFAULT_FORMAT = "md"  # `-o -` without --format: readable on a terminal

_EXTENSIONS = {"xlsx": "xlsx", "csv": "csv", "md": "md", "markdown": "md", "html": "html",
               "htm": "html", "ics": "ics", "ical": "ics", "json": "json"}

RENDERERS: dict[str, Callable[[WeeklyResult], bytes]] = {
    "xlsx": render_xlsx, "csv": render_csv, "md": render_md, "html": render_html,
    "ics": render_ics, "json": render_json,
}


def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The export format: fmt when given, else from the file's extension ("-" -> md)."""
    if fmt:
        key = str(fmt).strip().lower().lstrip(".")
        if key in _EXTENSIONS:
            return _EXTENSIONS[key]
        raise UsageError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    text = os.fspath(path)
    if text == STDOUT:
        return STDOUT_DEFAULT_FORMAT
    ext = Path(text).suffix.lower().lstrip(".")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    raise UsageError(f"Cannot tell the format of {text!r} from its extension: name it "
                     f".xlsx, .csv, .md, .html, .ics or .json, or give --format.")


def default_name(result: WeeklyResult, fmt: str = "xlsx") -> str:
    """followups-YYYY-Www.<ext> for the ISO week of the result (SPEC: default OUT)."""
    return f"followups-{iso_week(result.week_start)}.{format_for('x', fmt)}"


def check_group_by(group_by: str | None, fmt: str) -> None:
    """--group-by: "tracker" (a section per client) in html, md and xlsx. csv, json and ics
    carry the tracker (and your_name) on every item: grouping them is a usage error."""
    if group_by is None:
        return
    if group_by not in GROUP_BY:
        raise UsageError(f"Unknown grouping {group_by!r}: use --group-by tracker.")
    if fmt not in GROUPABLE:
        raise UsageError(f"--group-by tracker makes a section per client in html, md and xlsx; "
                         f"a {fmt} list has the tracker on every item already (sort or filter "
                         "by it): drop --group-by, or choose one of those formats.")


@paused()
def render(result: WeeklyResult, fmt: str, group_by: str | None = None) -> bytes:
    """The bytes of one export format (group_by="tracker": a section per client)."""
    fmt = format_for("", fmt)
    check_group_by(group_by, fmt)
    if group_by:
        return RENDERERS[fmt](result, group_by=group_by)
    return RENDERERS[fmt](result)


def write(result: WeeklyResult, out_path: str | os.PathLike[str], fmt: str | None = None,
          group_by: str | None = None) -> Path:
    """Write the export whole or not at all; "-" writes to stdout. Returns the path written.

    Never onto one of the trackers read (result.trackers), nor onto anything but a regular
    file or a new path (output.write_atomic)."""
    fmt = format_for(out_path, fmt)
    check_group_by(group_by, fmt)
    refuse_input_as_output(out_path, result.trackers)
    data = render(result, fmt, group_by)
    if os.fspath(out_path) == STDOUT:
        write_stdout(data, binary=fmt == "xlsx")
        return Path(STDOUT)
    return write_atomic(Path(out_path), data)


__all__ = ["COUNT_LABELS", "GROUPABLE", "GROUP_BY", "Client", "check_group_by", "client_counts",
           "clients", "EMAIL_RE", "FIELDS", "FORMATS", "Field", "Group", "RENDERERS", "STDOUT",
           "STDOUT_DEFAULT_FORMAT", "count_label", "csv_safe", "default_name", "event_uid", "format_for", "groups",
           "iso_week", "long_date", "mailto", "md_escape", "percent_encode", "render",
           "render_csv", "render_html", "render_ics", "render_json", "render_md", "render_xlsx",
           "short_date", "state_text", "summary_line", "tracker_names", "write"]
