"""The commands that write from a tracker — `log` and `holidays --update` (which edit it in
place) and `import` (which copies it into a new workbook) — refuse each kind of hostile file of
the hostile suite as `check` and `weekly` do: exit 1, one sentence naming the file, no
traceback, quickly and in little memory; the file is left as it was, and nothing is
written beside it (no backup, no temporary file, no output)."""

from __future__ import annotations

import shutil

import pytest
from test_hostile import HOSTILE, assert_refused, files, run_cli  # noqa: F401 - files: the fixture

COMMANDS = {
    "log": lambda name: ["log", name, "--row", "2", "--date", "2026-11-30"],
    "holidays --update": lambda name: ["holidays", "--update", name],
    "import": lambda name: ["import", name, "-o", "imported.xlsx"],
}


# One file of each kind of refusal (the suite's others are refused by the same checks, which
# these commands run first): entities, a zip bomb, a lying size, a far cell, a number
# python-calamine panics on, encryption, an old .xls, a truncated and a renamed file.
KINDS = ["laughs_sheet", "laughs_strings", "sheet_bomb", "many_parts", "lying_size", "far_cell",
         "shared_strings_count", "negative_date", "truncated", "renamed_csv", "empty", "encrypted", "old_xls"]
assert set(KINDS) <= set(HOSTILE)
CASES = [(key, command) for key in KINDS + ["no_tracker"] for command in COMMANDS
         if not (key == "no_tracker" and command == "holidays --update")]  # any workbook may get a Holidays sheet


@pytest.mark.parametrize("key,command", CASES)
def test_a_writing_command_refuses_each_kind_of_hostile_file(files, key, command, tmp_path):  # noqa: F811
    source, phrases = files[key]
    path = tmp_path / source.name
    shutil.copyfile(source, path)
    before = path.read_bytes()
    run = run_cli(*COMMANDS[command](path.name), cwd=tmp_path)
    assert_refused(run, path.name, *phrases)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
