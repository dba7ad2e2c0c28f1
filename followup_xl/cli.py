"""The `followup-xl` command: a thin layer over the library (each command has a Python twin).

Exit status: 0 done, 1 an input could not be used, 2 wrong usage. Errors are one sentence.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

# The command does no linear algebra: numpy's OpenBLAS need not start a thread per core at
# import (about 0.05 s of CPU on every run). Set before numpy is imported; a user's own
# setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from . import __version__, schema  # noqa: E402
from .dates import coerce_date, out_of_range  # noqa: E402
from .errors import FollowupError, NotADateError, UsageError  # noqa: E402

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def echo(text: object = "", err: bool = False) -> None:
    """click.echo of text safe for a terminal: a file name's undecodable bytes and the control
    characters of file names and cells (terminal escapes) are shown escaped (printable.py).
    Everything this command prints goes through here."""
    from .printable import for_terminal

    click.echo(for_terminal(str(text)), err=err)


def cell(text: object):
    """A rich table cell: the text escaped for a terminal and never read as rich markup (a
    company called '[/b]' is text, not a closing tag)."""
    from rich.text import Text

    from .printable import for_terminal

    return Text(for_terminal(str(text)))


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="followup-xl")
def app() -> None:
    """Follow up after job interviews every 7-10 days, never on a weekend or a public holiday.

    \b
    Start here:   followup-xl demo
    One date:     followup-xl next 2026-11-19 --subdivision CA
    """

_DEFAULTS = {s.name: s.default for s in schema.SETTINGS}


def parse_date_option(value: str, what: str, country: str | None = None) -> "dt.date":  # noqa: F821
    """A date typed on the command line (ISO, month name, or numeric by the country's order)."""
    try:
        day = coerce_date(value, date_order=schema.default_date_order(country))
    except NotADateError as exc:
        raise UsageError(f"{what}: {exc}") from None
    if day is None:
        raise UsageError(f"{what}: a date is required, e.g. 2026-11-30.")
    problem = out_of_range(day, what)
    if problem:
        raise UsageError(problem)
    return day


def parse_week_option(value: str, what: str) -> "dt.date":  # noqa: F821
    """parse_date_option for a date whose Monday-to-Sunday week must fit the date range."""
    from .dates import week_out_of_range

    day = parse_date_option(value, what)
    problem = week_out_of_range(day, what)
    if problem:
        raise UsageError(problem)
    return day


# ---------------------------------------------------------------------------- next

@app.command("next", short_help="Print the next contact date after DATE, on a working day.", epilog="\b\nExamples:\n  followup-xl next 2026-11-19 --subdivision CA      prints 2026-11-25\n  followup-xl next 2026-11-19 --country IL --cadence 10")
@click.argument("date", metavar="DATE")
@click.option("--cadence", type=int, default=_DEFAULTS["DefaultCadence"], show_default=True, metavar="N",
              help="Days between follow-ups (1-90).")
@click.option("--max-days", type=int, default=_DEFAULTS["MaxDays"], show_default=True, metavar="N",
              help="Never wait longer than this, unless the cadence is longer.")
@click.option("--country", metavar="CC", help="ISO country code [default: $FOLLOWUP_XL_COUNTRY or US].")
@click.option("--subdivision", metavar="SD", help="State or region code, e.g. CA.")
@click.option("--weekend", metavar="MASK",
              help="Days off: 1-7, 11-17 or a mask like 0000011 [default: the country's weekend].")
def next_cmd(date: str, cadence: int, max_days: int, country: Optional[str], subdivision: Optional[str],
             weekend: Optional[str]) -> None:
    """Print the next contact date (YYYY-MM-DD): DATE plus the cadence, on a working day."""
    from .calendar import default_place, get_calendar
    from .rules import next_contact_date, validate_cadence, validate_max_days

    country, subdivision = default_place(country, subdivision)
    base = parse_date_option(date, "DATE", country)
    cal = get_calendar(country, subdivision, weekend)
    nxt = next_contact_date(base, validate_cadence(cadence, "--cadence"), validate_max_days(max_days), cal)
    echo(nxt.isoformat())


# ---------------------------------------------------------------------------- holidays

@app.command("holidays", short_help="Public holidays: print a year's, or refill a tracker's sheet.", epilog="\b\nExamples:\n  followup-xl holidays --country US --subdivision CA --year 2026\n"
                  "  followup-xl holidays --update tracker.xlsx")
@click.option("--country", metavar="CC", help="ISO country code, e.g. US, GB, DE.")
@click.option("--subdivision", metavar="SD", help="State or region code, e.g. CA.")
@click.option("--year", type=int, metavar="YYYY", help="The year, e.g. 2026 (default: this year).")
@click.option("--update", "tracker", metavar="TRACKER",
              help="Refill a template's Holidays sheet for its Settings place (the year before this "
                   "one through ten years after), keeping your own closures.")
def holidays_cmd(country: Optional[str], subdivision: Optional[str], year: Optional[int],
                 tracker: Optional[str]) -> None:
    """Print a year's public holidays, one a line: the date, a tab, its name; or, with
    --update, refill a tracker's Holidays sheet."""
    from .calendar import holidays_in_year, known_range, normalize_country

    # ---- holidays --update (template.update_holidays: a safe in-place edit)
    if tracker is not None:
        if country or subdivision or year is not None:
            raise UsageError("--update takes the place from the tracker's Settings: leave out --country, "
                             "--subdivision and --year.")
        from .template import update_holidays

        done = update_holidays(tracker)
        echo(f"Updated {tracker}: {done.public} public holidays of {done.place} for {done.years[0]}-"
             f"{done.years[1]}, {done.kept} of your own rows kept (the previous file is kept as a .bak.xlsx).")
        return
    if not country:
        raise UsageError("Give --country CC (and --year YYYY), or --update TRACKER.")
    if year is None:
        import datetime as _dt

        year = _dt.date.today().year

    first, last = known_range(country)  # where the calendar ends (most countries: 2100)
    if not first.year <= year <= last.year:
        raise UsageError(f"--year {year} is out of range: the public holidays of "
                         f"{normalize_country(country)} are known from {first.year} to {last.year}.")
    for day, name in holidays_in_year(year, country, subdivision):
        echo(f"{day.isoformat()}\t{name}")


# ---- weekly
# The weekly batch (SPEC: "The weekly list", "Command line"): weekly, check, demo.
# Library twins: followup_xl.weekly.build_weekly, followup_xl.export.write,
# followup_xl.template.write_template. Heavy modules are imported inside the commands.

FORMAT_NAMES = ("xlsx", "csv", "md", "html", "ics", "json")  # = export.FORMATS (kept in sync by a test)
PROGRESS_MIN = 10  # show a progress bar from this many trackers on (on a terminal)
DEMO_DIR = "followup-demo"  # = demo.DEMO_DIR
DEMO_TRACKER = "sample-tracker.xlsx"  # = demo.SEEKER_TRACKER


def find_inputs(paths: tuple[str, ...]):
    """weekly.find_trackers(paths), or None when it fails (the reading step says why): looked
    up once per command, as resolving 500 paths three times costs a tenth of a second."""
    from .weekly import find_trackers

    try:
        return find_trackers(paths)
    except FollowupError:
        return None


def refuse_input_as_output(out: str, paths: tuple[str, ...], found=None) -> None:
    """An output path that is one of the inputs would destroy a tracker: refuse it (usage).
    The rule is output.refuse_input_as_output; here the inputs are the paths given and the
    trackers found in folders (before any reading, so nothing is read in vain)."""
    from .output import refuse_input_as_output as refuse

    if out == "-":
        return
    if found is None:
        found = find_inputs(paths)
    refuse(out, [*paths, *(found[0] if found else ())])


def _progress(total_hint: int):
    """A rich progress bar on a terminal when there are many trackers, else None."""
    if total_hint < PROGRESS_MIN or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    import time

    # redrawn from update (at most ten times a second), not by a thread of rich's own: a
    # process with a single thread may fork a second reader (reader/many.py)
    bar = Progress(TextColumn("Reading trackers"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.description}"), TimeElapsedColumn(), transient=True,
                   console=_console(err=True), auto_refresh=False)
    task = bar.add_task("", total=total_hint)
    shown = [0.0]

    def update(done: int, total: int, name: str) -> None:
        now = time.monotonic()
        redraw = now - shown[0] >= 0.1 or done == total
        if redraw:
            shown[0] = now
        bar.update(task, completed=done, total=total, description=name, refresh=redraw)

    return bar, update


def _console(err: bool = False):
    from rich.console import Console

    return Console(stderr=err, highlight=False, soft_wrap=False)


def run_weekly(paths: tuple[str, ...], *, week: str | None, as_of: str | None, found=None,
               **reading: Any):
    """Read the trackers (with a progress bar when there are many) and build the list;
    `reading`: build_weekly's sheet, country, subdivision and on_read."""
    from .weekly import build_weekly

    week_of = parse_week_option(week, "--week") if week is not None else None  # '' is no date
    as_of_day = parse_week_option(as_of, "--as-of") if as_of is not None else None
    if found is None:
        found = find_inputs(paths)
    total = len(found[0]) if found else 0  # none found: build_weekly says what is wrong
    bar, update = _progress(total)
    if bar is None:
        return build_weekly(list(paths), week_of=week_of, as_of=as_of_day, found=found, **reading)
    with bar:
        return build_weekly(list(paths), week_of=week_of, as_of=as_of_day, progress=update, found=found,
                            **reading)


# ---- reading options (--sheet, --country, --subdivision) of weekly and check: which sheet
# of a workbook holds the applications, and the calendar of trackers whose Settings name none.

def reading_options(fn):
    """The options of the commands that read trackers (SPEC "Command line")."""
    fn = click.option("--subdivision", metavar="SD",
                      help="Region for public holidays, with --country (e.g. CA, BY) [default: "
                           "FOLLOWUP_XL_SUBDIVISION].")(fn)
    fn = click.option("--country", metavar="CC",
                      help="Country of public holidays for trackers whose Settings name none "
                           "(.csv files, trackers of your own) [default: FOLLOWUP_XL_COUNTRY, else US].")(fn)
    fn = click.option("--sheet", metavar="NAME",
                      help="The sheet that holds the applications [default: Tracker, else the sheet "
                           "whose header row fits].")(fn)
    return fn


def reading_of(sheet: str | None, country: str | None, subdivision: str | None) -> dict[str, Any]:
    """build_weekly's reading arguments from the options; a bad country is a usage error."""
    if country is not None or subdivision is not None:
        from .calendar import default_place, get_calendar

        c, s = default_place(country, subdivision)
        get_calendar(c, s)  # CalendarError (a UsageError): exit 2 before any work
    return {"sheet": sheet, "country": country, "subdivision": subdivision}


def summary_rows(result) -> list[tuple[str, str]]:
    """(label, figure) lines of the end-of-run summary."""
    errors, warnings = result.severity_counts
    c = result.counts
    return [
        ("Week", f"{result.week_start:%d %b} - {result.week_end:%d %b %Y} (as of {result.as_of.isoformat()})"),
        ("Trackers read", str(len(result.trackers))),
        ("Files not used", str(len(refused(result)))),
        ("Rows", str(result.total_rows)),
        ("To contact this week (listed)", str(c["listed"])),
        ("Not due yet", str(c["not_due"])),
        ("Closed", str(c["closed"])),
        ("Not applied yet", str(c["not_applied"])),
        ("Needs a date", str(c["needs_date"])),
        ("Follow-up limit reached", str(c["limit_reached"])),
        ("Rows with a problem", str(c["problem"])),
        ("Skipped (no Company)", str(c["skipped"])),
        ("Problems / warnings reported", f"{errors} / {warnings}"),
    ]


def refused(result) -> list:
    """The file-level errors: inputs that could not be used (the run went on without them)."""
    return [p for p in result.problems if p.row is None and p.severity == "error"]


def print_summary(result, written: str | None) -> None:
    """The summary at the end, on stderr: a rich table on a terminal, plain lines otherwise;
    then one line per file that could not be used."""
    rows = summary_rows(result) + ([("Written to", written)] if written else [])
    if not sys.stderr.isatty():
        width = max(len(k) for k, _ in rows)
        for k, v in rows:
            echo(f"{k.ljust(width)}  {v}", err=True)
    else:
        from rich.table import Table

        table = Table(title="followup-xl weekly", show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column()
        for k, v in rows:
            table.add_row(cell(k), cell(v))
        _console(err=True).print(table)
    for p in refused(result):
        echo(f"Not used: {p.message}", err=True)
    if result.counts["problem"]:
        echo(f"{result.counts['problem']} row(s) could not be scheduled: see the problems in the "
                   "output, or run `followup-xl check TRACKER`.", err=True)


@app.command("weekly", short_help="Export this week's follow-ups from trackers or folders of them.",
             epilog="\b\nExamples:\n  followup-xl weekly clients/                 -> followups-YYYY-Www.xlsx"
                              "\n  followup-xl weekly a.xlsx b.xlsx -o week.html"
                              "\n  followup-xl weekly clients/ --as-of 2026-11-30 -o - --format json")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--week", metavar="DATE", help="A day of the week to list (Monday-Sunday) [default: the as-of date].")
@click.option("--as-of", "as_of", metavar="DATE",
              help="The date states are computed for [default: the trackers' AsOf setting when they "
                   "agree on one, else today].")
@click.option("-o", "--output", "out", metavar="OUT",
              help="Output file, or - for stdout [default: followups-YYYY-Www.xlsx here].")
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES, case_sensitive=False),
              help="Output format [default: from OUT's extension].")
@click.option("--group-by", "group_by", type=click.Choice(["tracker"]),
              help="A section per client (html, md, xlsx), named by YourName, else the file name.")
@reading_options
def weekly_cmd(paths: tuple[str, ...], week: Optional[str], as_of: Optional[str], out: Optional[str],
               fmt: Optional[str], group_by: Optional[str] = None, sheet: Optional[str] = None,
               country: Optional[str] = None, subdivision: Optional[str] = None) -> None:
    """This week's follow-ups across trackers (files or folders of them), as one export."""
    from . import exports as export

    reading = reading_of(sheet, country, subdivision)
    found = None
    if out is not None:
        fmt = export.format_for(out, fmt)  # a bad extension is a usage error, before any work
        export.check_group_by(group_by, fmt)
        found = find_inputs(paths)
        refuse_input_as_output(out, paths, found)
    else:
        export.check_group_by(group_by, fmt or "xlsx")
    result = run_weekly(paths, week=week, as_of=as_of, found=found, **reading)
    if out is None:
        fmt = fmt or "xlsx"
        out = export.default_name(result, fmt)
        refuse_input_as_output(out, paths)
    written = export.write(result, out, fmt, group_by)
    print_summary(result, None if out == "-" else str(written))
    print_clients(result)


CLIENTS_SHOWN = 50  # client lines in the terminal summary at most (the xlsx Summary has all)


def print_clients(result) -> None:
    """With several trackers (a coach's clients): a line per client, on stderr, with its
    follow-ups this week, the overdue ones and its problems."""
    from .exports import client_counts

    rows = client_counts(result)
    if len(rows) < 2:
        return
    echo("Clients:", err=True)
    for name, listed, overdue, errors, warnings in rows[:CLIENTS_SHOWN]:
        parts = [f"{listed} to contact" + (f" ({overdue} overdue)" if overdue else "")]
        if errors:
            parts.append(f"{errors} problem{'s' if errors != 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        echo(f"  {name}: {', '.join(parts)}", err=True)
    if len(rows) > CLIENTS_SHOWN:
        echo(f"  ... and {len(rows) - CLIENTS_SHOWN} more (the xlsx list's Summary sheet "
                   "has every tracker).", err=True)


@app.command("check", epilog="\b\nExample:\n  followup-xl check my-tracker.xlsx")
@click.argument("paths", nargs=-1, required=True, metavar="TRACKER...")
@click.option("--as-of", "as_of", metavar="DATE", help="The date states are computed for.")
@reading_options
def check_cmd(paths: tuple[str, ...], as_of: Optional[str], sheet: Optional[str] = None,
              country: Optional[str] = None, subdivision: Optional[str] = None) -> None:
    """Show how each tracker is read, then its problems (no export).

    First the sheet used, which header became which column (and the headers ignored), and
    the statuses found with their meaning; row problems still exit 0."""
    from .reader.describe import describe

    read: list = []
    result = run_weekly(paths, week=None, as_of=as_of, on_read=read.append,
                        **reading_of(sheet, country, subdivision))
    add_template_warnings(result, find_inputs(paths), as_of)
    for data in read:
        for line in describe(data):
            echo(line)
    for line in problem_lines(result):
        echo(line)
    echo(check_summary(result))


# ---- import
# An existing tracker into a fresh template workbook (SPEC "Command line"). Library twin:
# followup_xl.importer.import_trackers.

@app.command("import", epilog="\b\nExamples:\n  followup-xl import \"Job Applications.xlsx\" -o tracker.xlsx"
                              "\n  followup-xl import applications.csv --country GB --subdivision ENG -o tracker.xlsx")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("-o", "--output", "out", required=True, metavar="OUT.xlsx", help="The new tracker workbook.")
@reading_options
def import_cmd(sources: tuple[str, ...], out: str, sheet: Optional[str] = None, country: Optional[str] = None,
               subdivision: Optional[str] = None) -> None:
    """Copy a tracker of any layout into a new template workbook.

    Every row and column is kept, and the template's formulas then work in any spreadsheet
    app. SOURCE is only read; OUT is never overwritten."""
    from .importer import import_trackers

    reading_of(sheet, country, subdivision)
    report = import_trackers(list(sources), out, sheet=sheet, country=country, subdivision=subdivision)
    echo(f"Wrote {report.out}: {report.rows} row{'s' if report.rows != 1 else ''} from "
         f"{', '.join(report.sources)}"
         + (f"; columns kept beside the template's: {', '.join(report.extra_columns)}" if report.extra_columns else "")
         + (f"; statuses added to the Statuses sheet: {', '.join(report.statuses_added)}"
            if report.statuses_added else "") + ".")


def add_template_warnings(result, found, as_of: Optional[str]) -> None:
    """check's warnings for rows where a template workbook's formulas and the command line
    differ (followup_xl.sheet_parity), after the reader's own problems of that tracker."""
    from .sheet_parity import parity_problems

    if not found:
        return
    as_of_day = parse_week_option(as_of, "--as-of") if as_of is not None else result.as_of
    for path in found[0]:
        extra = parity_problems(path, as_of_day)
        if extra:
            last = max((i for i, p in enumerate(result.problems) if p.tracker == extra[0].tracker), default=-1)
            result.problems[last + 1:last + 1] = extra


def problem_lines(result) -> list[str]:
    """One line per problem: where, what, and (error)/(warning)."""
    return [f"{p.severity.upper():7} {p.where}: {p.message}" for p in result.problems]


def check_summary(result) -> str:
    c = result.counts
    errors, warnings = result.severity_counts
    return (f"{result.total_rows} rows: {c['listed']} to contact this week, {c['not_due']} not due, "
            f"{c['closed']} closed, {c['not_applied']} not applied, {c['needs_date']} need a date, "
            f"{c['limit_reached']} at the "
            f"follow-up limit, {c['problem']} with a problem, {c['skipped']} skipped; {errors} problem(s), "
            f"{warnings} warning(s).")


@app.command("demo", short_help="Write sample trackers and run the weekly job on them.", epilog="\b\nExample:\n  followup-xl demo            writes ./followup-demo/")
@click.argument("directory", required=False, metavar="[DIR]")
def demo_cmd(directory: Optional[str]) -> None:
    """Write sample trackers (a job seeker's, and a coach's folder of three clients) and run the
    weekly job on them (the first thing to try). Run again, it keeps trackers you changed."""
    from .demo import write_demo

    done = write_demo(directory or DEMO_DIR)
    show_list(done.seeker_result)
    echo("")
    for path in done.kept:
        echo(f"Kept:           {path}  (changed since the demo wrote it)")
    echo(f"Sample tracker: {done.seeker}  (open it in Excel or LibreOffice and change the dates)")
    echo(f"Coach's folder: {done.seeker.parent / 'clients'}  ({len(done.clients)} clients: "
               f"{len(done.coach_result.items)} follow-ups this week)")
    for path in done.lists:
        echo(f"Weekly list:    {path}")
    echo(f"Next: followup-xl check {done.seeker}   then, after writing to someone:\n"
               f"      followup-xl log {done.seeker} --company COMPANY")


def _item_cells(i) -> list[str]:
    state = f"{i.state} ({i.days_overdue} d)" if i.days_overdue else i.state
    return [f"{i.due_date:%a %d %b}", state, i.company or "", i.role or "",
            i.contact_name or "(ask who to follow up with)", i.contact_email or "",
            f"{i.tracker} row {i.row}"]


def show_list(result) -> None:
    """The week's follow-ups on the terminal in date order (overdue first)."""
    title = (f"Follow-ups for the week {result.week_start:%a %d %b} - {result.week_end:%a %d %b %Y} "
             f"(as of {result.as_of.isoformat()})")
    if not result.items:
        echo(f"{title}: nothing to do this week.")
        return
    if not sys.stdout.isatty():  # plain lines for pipes and logs: nothing wrapped or cut
        echo(f"{title}:")
        for i in result.items:
            echo("  " + "  ".join(_item_cells(i)))
    else:
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        for name in ("Due", "State", "Company", "Role", "Contact", "E-mail"):
            table.add_column(name, overflow="fold", no_wrap=name in ("Due", "State"))
        for i in result.items:
            table.add_row(*map(cell, _item_cells(i)[:6]))
        _console().print(table)
    echo(check_summary(result))


# ---- log
# Record a follow-up just sent (SPEC: "Command line", "Inputs and outputs").
# Library twin: followup_xl.logbook.log_followup (through followup_xl.inplace.edit_workbook).

@app.command("log", short_help="Record a follow-up just sent; print the next contact date.", epilog="\b\nExamples:\n  followup-xl log my-tracker.xlsx --company Fabrikam"
                           "\n  followup-xl log my-tracker.xlsx --row 6 --date 2026-11-30 --note \"Sent a short e-mail\"")
@click.argument("tracker", metavar="TRACKER")
@click.option("--row", type=int, metavar="N", help="The application's Excel row number.")
@click.option("--company", metavar="TEXT", help="The application's Company (case and spaces ignored).")
@click.option("--date", "date_text", metavar="DATE", help="When the follow-up was sent [default: today].")
@click.option("--note", metavar="TEXT", help="A note for the Log sheet.")
def log_cmd(tracker: str, row: Optional[int], company: Optional[str], date_text: Optional[str],
            note: Optional[str]) -> None:
    """Record a follow-up just sent: Last contact, Follow-ups sent + 1, a line in the Log sheet;
    print the next contact date. The previous file is kept as NAME.bak.xlsx."""
    from .logbook import log_followup

    if (row is None) == (company is None):
        raise UsageError("give the application to log with --row N or with --company TEXT (one of the two).")
    done = log_followup(tracker, row=row, company=company, date=date_text, note=note)  # text: the tracker's order
    who = f" ({done.contact})" if done.contact else ""
    echo(f"Logged the follow-up of {done.date.isoformat()} to {done.company}{who}, row {done.row} of "
               f"{done.tracker.name}: Follow-ups sent {done.followups_sent}.")
    for line in done.notes:
        echo(f"Note: {line}", err=True)
    if done.next_contact is not None:
        echo(f"Next contact: {done.next_contact.isoformat()} ({done.next_contact:%A}), "
                   f"{done.state.lower()} as of {done.as_of.isoformat()}.")
    elif done.state:
        echo(f"Next contact: none ({done.state}).")
    echo(f"Previous version kept as {done.backup.name}.")


# ---- template

@app.command("template", short_help="Write a blank tracker workbook, formulas and holidays ready.",
             epilog="\b\nExamples:\n  followup-xl template tracker.xlsx\n"
             "  followup-xl template tracker.xlsx --country US --subdivision CA --sample\n"
             "  followup-xl template tracker.xlsx --country IL --engine xlwings")
@click.argument("out", metavar="OUT.xlsx")
@click.option("--country", metavar="CC", help="ISO country code of the holidays [default: $FOLLOWUP_XL_COUNTRY or US].")
@click.option("--subdivision", metavar="SD", help="State or region code, e.g. CA.")
@click.option("--engine", type=click.Choice(["native", "xlwings"]), default="native", show_default=True,
              help="native: formulas for any spreadsheet; xlwings: the followup_xl Excel functions.")
@click.option("--sample", is_flag=True, help="Fill in a dozen sample applications.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def template_cmd(out: str, country: Optional[str], subdivision: Optional[str], engine: str,
                 sample: bool, force: bool) -> None:
    """Write a tracker workbook to fill in: Tracker, Settings, Holidays and How to use sheets."""
    from .calendar import default_place
    from .template import write_template

    country, subdivision = default_place(country, subdivision)
    path = write_template(out, country=country, subdivision=subdivision, engine=engine,
                          sample=sample, force=force)
    echo(f"Wrote {path}")


# ---------------------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn every error into one sentence and the spec's exit status."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character (latin-1):
        if hasattr(stream, "reconfigure"):  # an escape such as \u014d, never a crash
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a closed or odd stream
                pass
    try:
        result = app.main(args=argv, prog_name="followup-xl", standalone_mode=False)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `followup-xl`: show the help
            echo(exc.format_message(), err=True)
            return 2
        hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx else ""
        echo(f"Error: {exc.format_message()}{hint}", err=True)
        return 2
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click's name for Ctrl-C
            echo("Interrupted.", err=True)
            return 130
        echo("Aborted.", err=True)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except UsageError as exc:
        echo(f"Error: {exc}", err=True)
        return 2
    except FollowupError as exc:
        echo(f"Error: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        echo("Interrupted.", err=True)
        return 130
    except Exception as exc:  # a bug of ours: still one sentence, the traceback on request
        if os.environ.get("FOLLOWUP_XL_DEBUG"):
            raise
        echo(f"Error: followup-xl failed unexpectedly ({type(exc).__name__}: {exc}); "
                   "please report it, and rerun with FOLLOWUP_XL_DEBUG=1 to see the details.", err=True)
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    """The `followup-xl` command: main(), then the process ends at once, without the
    interpreter freeing every object one by one (a 100,000-row tracker leaves about a
    million; that takes ~0.1 s the system does better in no time). Output files are complete
    by then (written whole, output.write_atomic); standard output and error are flushed
    first, and when that fails (a closed pipe) the usual exit reports it."""
    code = main()
    try:
        for stream in (sys.stdout, sys.stderr):  # None when the process started without one
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


if __name__ == "__main__":
    run()
