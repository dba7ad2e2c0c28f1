"""The `followup-xl` command: a thin layer over the library (each command has a Python twin).

Exit status: 0 done, 1 an input could not be used, 2 wrong usage. Errors are one sentence.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import click

from . import schema
from .calendar import get_calendar, holidays_in_year
from .dates import coerce_date
from .errors import FollowupError, NotADateError, UsageError
from .rules import next_contact_date, validate_cadence, validate_max_days

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="followup-xl", prog_name="followup-xl")
def app() -> None:
    """Follow up after job interviews every 7-10 days, never on a weekend or a public holiday.

    \b
    Start here:   followup-xl demo
    One date:     followup-xl next 2026-11-19 --subdivision CA
    """

_DEFAULTS = {s.name: s.default for s in schema.SETTINGS}


def env_country() -> str:
    """The default country: FOLLOWUP_XL_COUNTRY, else the Settings default (US)."""
    return os.environ.get("FOLLOWUP_XL_COUNTRY") or _DEFAULTS["Country"]


def env_subdivision() -> Optional[str]:
    return os.environ.get("FOLLOWUP_XL_SUBDIVISION") or None


def parse_date_option(value: str, what: str, country: str | None = None) -> "dt.date":  # noqa: F821
    """A date typed on the command line (ISO, month name, or numeric by the country's order)."""
    try:
        day = coerce_date(value, date_order=schema.default_date_order(country))
    except NotADateError as exc:
        raise UsageError(f"{what}: {exc}") from None
    if day is None:
        raise UsageError(f"{what}: a date is required, e.g. 2026-11-30.")
    return day


# ---------------------------------------------------------------------------- next

@app.command("next", epilog="\b\nExamples:\n  followup-xl next 2026-11-19 --subdivision CA      prints 2026-11-25\n  followup-xl next 2026-11-19 --country IL --cadence 10")
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
    if country is None:
        country, subdivision = env_country(), subdivision or env_subdivision()
    base = parse_date_option(date, "DATE", country)
    cal = get_calendar(country, subdivision, weekend)
    nxt = next_contact_date(base, validate_cadence(cadence, "--cadence"), validate_max_days(max_days), cal)
    click.echo(nxt.isoformat())


# ---------------------------------------------------------------------------- holidays

@app.command("holidays", epilog="\b\nExample:\n  followup-xl holidays --country US --subdivision CA --year 2026")
@click.option("--country", required=True, metavar="CC", help="ISO country code, e.g. US, GB, DE.")
@click.option("--subdivision", metavar="SD", help="State or region code, e.g. CA.")
@click.option("--year", required=True, type=int, metavar="YYYY", help="The year, e.g. 2026.")
def holidays_cmd(country: str, subdivision: Optional[str], year: int) -> None:
    """Print a year's public holidays, one a line: the date, a tab, its name."""
    if not 1900 <= year <= 2200:
        raise UsageError(f"--year {year} is out of range: use a year from 1900 to 2200.")
    for day, name in holidays_in_year(year, country, subdivision):
        click.echo(f"{day.isoformat()}\t{name}")


# ---------------------------------------------------------------------------- demo

@app.command("demo")
@click.argument("directory", required=False, metavar="[DIR]")
def demo_cmd(directory: Optional[str]) -> None:
    """Write a sample tracker and run the weekly job on it (the first thing to try)."""
    click.echo("followup-xl demo is coming soon: it will write a sample tracker and show this "
               "week's follow-ups. Meanwhile try: followup-xl next 2026-11-19 --subdivision CA")


# ---------------------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn every error into one sentence and the spec's exit status."""
    try:
        result = app.main(args=argv, prog_name="followup-xl", standalone_mode=False)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `followup-xl`: show the help
            click.echo(exc.format_message(), err=True)
            return 2
        hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx else ""
        click.echo(f"Error: {exc.format_message()}{hint}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except UsageError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 2
    except FollowupError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
