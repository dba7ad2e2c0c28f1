"""`followup-xl --help` lists every command with its whole one-line purpose at 80 columns.

Click shortens a command's purpose to fit the terminal and ends it with "..." ("Write a
sample tracker and run the weekly job on it (the..."). Each command's purpose is its
`short_help`, else its docstring's first sentence; here it must be shown whole, on the
command's own line, within 80 columns, for every command the group holds (commands added
later are covered without touching this file).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from followup_xl.cli import app

WIDTH = 80


def purpose(cmd) -> str:
    """What the listing should show: short_help, else the help text's first sentence."""
    if cmd.short_help:
        return " ".join(cmd.short_help.split())
    text = " ".join((cmd.help or "").split("\f")[0].split())
    first = re.match(r"(.+?\.)(\s|$)", text)
    return first.group(1) if first else text


def command_lines(help_text: str) -> list[str]:
    lines = help_text.splitlines()
    start = lines.index("Commands:") + 1
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line)
    return block


def listed(help_text: str) -> dict[str, str]:
    """name -> the purpose text on its line; a wrapped continuation line is kept apart."""
    shown: dict[str, str] = {}
    for line in command_lines(help_text):
        name, _, text = line.strip().partition(" ")
        assert line.startswith("  ") and not line.startswith("   "), f"a purpose wrapped: {line!r}"
        shown[name] = text.strip()
    return shown


def help_via_clirunner() -> str:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": str(WIDTH)}, terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output


def help_via_process() -> str:
    # A real process at COLUMNS=80: Click sizes the help to the terminal minus two columns.
    env = {**os.environ, "COLUMNS": str(WIDTH)}
    proc = subprocess.run([sys.executable, "-m", "followup_xl", "--help"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


@pytest.mark.parametrize("render", [help_via_clirunner, help_via_process])
def test_every_command_purpose_is_whole_on_one_line(render):
    out = render()
    shown = listed(out)
    commands = {name: cmd for name, cmd in app.commands.items() if not cmd.hidden}
    assert set(shown) == set(commands)
    for name, cmd in commands.items():
        want = purpose(cmd)
        assert want.endswith("."), f"{name}: the purpose is not a sentence: {want!r}"
        assert shown[name] == want, f"{name}: shown {shown[name]!r}, purpose {want!r}"
        assert "..." not in shown[name]
    for line in out.splitlines():
        assert len(line) <= WIDTH, line

