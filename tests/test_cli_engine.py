"""`followup-xl next` and `followup-xl holidays`: outputs, and wrong usage as exactly one
line on stderr with exit status 2 (never a traceback). Most run in-process through
followup_xl.cli.main; two run the installed console script."""

from __future__ import annotations

import doctest
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import holidays as holidays_lib
import pytest

from followup_xl.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _no_env_defaults(monkeypatch):
    monkeypatch.delenv("FOLLOWUP_XL_COUNTRY", raising=False)
    monkeypatch.delenv("FOLLOWUP_XL_SUBDIVISION", raising=False)


# ------------------------------------------------------------------ next

@pytest.mark.parametrize("argv,expected", [
    (["2026-11-19"], "2026-11-27"),                                   # US: Thanksgiving -> Fri
    (["2026-11-19", "--subdivision", "CA"], "2026-11-25"),            # CA: back to Wed
    (["2026-11-19", "--country", "US", "--subdivision", "ca"], "2026-11-25"),
    (["2026-11-19", "--subdivision", "CA", "--max-days", "11"], "2026-11-30"),
    (["2026-12-18", "--country", "GB"], "2026-12-24"),
    (["2026-12-18", "--country", "DE"], "2026-12-28"),
    (["2026-12-18"], "2026-12-28"),
    (["2026-06-26"], "2026-07-06"),                                   # 4 July observed Fri 3
    (["2026-06-26", "--max-days", "9"], "2026-07-02"),
    (["2026-11-15", "--country", "IL", "--cadence", "5"], "2026-11-22"),  # Fri-Sat weekend
    (["2026-11-15", "--cadence", "5", "--weekend", "0000110"], "2026-11-22"),
    (["2026-11-15", "--cadence", "5", "--weekend", "7"], "2026-11-22"),
    (["2026-11-15", "--cadence", "5", "--weekend", "1"], "2026-11-20"),
    (["2026-11-12", "--cadence", "14"], "2026-11-25"),                # cadence > MaxDays
    (["2026-09-01", "--cadence", "90"], "2026-11-30"),
    (["Nov 19, 2026", "--subdivision", "CA"], "2026-11-25"),
    (["11/19/2026"], "2026-11-27"),                                   # US: month first
    (["19/11/2026", "--country", "GB"], "2026-11-26"),                # GB: day first
    (["Thursday, 19 November 2026"], "2026-11-27"),
])
def test_next_prints_the_date(capsys, argv, expected):
    code, out, err = run(capsys, "next", *argv)
    assert (code, out, err) == (0, expected + "\n", "")


def test_next_uses_environment_country(capsys, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_XL_COUNTRY", "US")
    monkeypatch.setenv("FOLLOWUP_XL_SUBDIVISION", "CA")
    assert run(capsys, "next", "2026-11-19") == (0, "2026-11-25\n", "")
    # an explicit --country ignores the environment's subdivision
    assert run(capsys, "next", "2026-11-19", "--country", "US") == (0, "2026-11-27\n", "")


# ------------------------------------------------------------------ holidays

@pytest.mark.parametrize("country,sub,year", [("US", None, 2026), ("US", "CA", 2026), ("GB", None, 2026),
                                              ("DE", "BY", 2027), ("IL", None, 2026)])
def test_holidays_lists_the_packages_holidays(capsys, country, sub, year):
    argv = ["holidays", "--country", country, "--year", str(year)] + (["--subdivision", sub] if sub else [])
    code, out, err = run(capsys, *argv)
    expected = "".join(f"{day.isoformat()}\t{name}\n" for day, name in
                       sorted(holidays_lib.country_holidays(country, subdiv=sub, years=year).items()))
    assert (code, err) == (0, "") and out == expected and out


def test_holidays_us_2026_contents(capsys):
    code, out, _ = run(capsys, "holidays", "--country", "us", "--year", "2026")
    lines = out.splitlines()
    assert "2026-07-03\tIndependence Day (observed)" in lines
    assert "2026-11-26\tThanksgiving Day" in lines
    assert all(len(line.split("\t")) == 2 for line in lines)


# ------------------------------------------------------------------ wrong usage

@pytest.mark.parametrize("argv,fragment", [
    (["next", "soon"], "'soon' is not a date"),
    (["next", "31/02/2026", "--country", "GB"], "'31/02/2026' is not a date"),
    (["next", "2026-11-19", "--country", "XX"], "Unknown country code 'XX'"),
    (["next", "2026-11-19", "--country", "weekend"], "Unknown country code 'WEEKEND'"),
    (["next", "2026-11-19", "--subdivision", "ZZ"], "Unknown subdivision 'ZZ'"),
    (["next", "2026-11-19", "--country", "IL", "--subdivision", "ZZ"], "IL has no subdivisions"),
    (["next", "2026-11-19", "--weekend", "00011"], "exactly 7 characters"),
    (["next", "2026-11-19", "--weekend", "00000110"], "exactly 7 characters"),
    (["next", "2026-11-19", "--weekend", "1111111"], "no working day"),
    (["next", "2026-11-19", "--weekend", "8"], "Weekend '8' is not valid"),
    (["next", "2026-11-19", "--cadence", "0"], "--cadence 0 is not valid"),
    (["next", "2026-11-19", "--cadence", "91"], "--cadence 91 is not valid"),
    (["next", "2026-11-19", "--cadence", "soon"], "'soon' is not a valid integer"),
    (["next", "2026-11-19", "--max-days", "-1"], "Max days -1 is not valid"),
    (["next"], "Missing argument 'DATE'"),
    (["next", ""], "a date is required"),
    (["next", "10:30"], "'10:30' is not a date"),
    (["next", "2026-11-19", "2026-11-20"], "unexpected extra argument"),
    (["next", "2026-11-19", "--colour", "red"], "No such option"),
    (["holidays", "--year", "2026"], "Give --country CC"),  # --year defaults to this year (spec)
    (["holidays", "--update", "t.xlsx", "--country", "US"], "--update takes the place from the tracker"),
    (["holidays", "--country", "XX", "--year", "2026"], "Unknown country code 'XX'"),
    (["holidays", "--country", "US", "--subdivision", "ZZ", "--year", "2026"], "Unknown subdivision"),
    (["holidays", "--country", "US", "--year", "1066"], "--year 1066 is out of range"),
    (["holidays", "--country", "US", "--year", "next"], "is not a valid integer"),
    (["nextt", "2026-11-19"], "No such command"),
])
def test_wrong_usage_is_one_line_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("Error: ") and fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["next", "holidays"])
def test_help_shows_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    example = out.split("Example", 1)[1]
    assert f"followup-xl {command} " in example


def test_top_level_help(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "next" in out and "holidays" in out and "followup-xl next 2026-11-19" in out


# ------------------------------------------------------------------ the installed script

def _script() -> list[str]:
    exe = shutil.which("followup-xl")
    return [exe] if exe else [sys.executable, "-m", "followup_xl"]


def test_console_script_next():
    proc = subprocess.run(_script() + ["next", "2026-11-19", "--subdivision", "CA"],
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "2026-11-25\n", "")


def test_console_script_bad_date():
    proc = subprocess.run(_script() + ["next", "soon"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "'soon' is not a date" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_python_m_entry_point():
    proc = subprocess.run([sys.executable, "-m", "followup_xl", "next", "2026-11-19", "--weekend", "1111111"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


# ------------------------------------------------------------------ docs/rules.md is runnable

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def _console_examples(text: str) -> list[tuple[str, str]]:
    """(command, expected output) for every `$ followup-xl ...` line of console blocks."""
    examples, in_block, current = [], False, None
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = line.strip() == "```console"
            current = None
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            current = [line[2:], ""]
            examples.append(current)
        elif current is not None:
            current[1] += line + "\n"
    return [tuple(e) for e in examples]


def test_docs_console_examples(capsys):
    examples = _console_examples(DOCS.read_text(encoding="utf-8"))
    assert len(examples) >= 15
    for command, expected in examples:
        argv = shlex.split(command)
        assert argv[0] == "followup-xl"
        assert run(capsys, *argv[1:]) == (0, expected, ""), command


def test_docs_python_examples():
    result = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 20 and result.failed == 0


def test_an_internal_bug_is_one_sentence_not_a_traceback(monkeypatch, capsys):
    """A bug anywhere still ends in one line and exit 1; FOLLOWUP_XL_DEBUG=1 shows the traceback."""
    import followup_xl.cli as cli

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("followup_xl.rules.next_contact_date", broken)
    monkeypatch.delenv("FOLLOWUP_XL_DEBUG", raising=False)
    assert cli.main(["next", "2026-11-19"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: boom" in err and "Traceback" not in err
    monkeypatch.setenv("FOLLOWUP_XL_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli.main(["next", "2026-11-19"])
