"""The reader's docs follow the code: docs/template.md lists every column's aliases as
schema.COLUMNS holds them (scripts/column_aliases.py writes the list)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from followup_xl import schema

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("column_aliases", ROOT / "scripts" / "column_aliases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_template_docs_list_every_columns_aliases():
    script = _script()
    text = (ROOT / "docs" / "template.md").read_text(encoding="utf-8")
    assert script.updated(text) == text, "run: python scripts/column_aliases.py"
    for col in schema.INPUT_COLUMNS:
        for alias in col.aliases:
            assert alias in text, alias


def test_your_own_tracker_page_runs_as_shown(tmp_path, monkeypatch, capsys):
    """docs/your-own-tracker.md: its Python builds the tracker, its console block is what
    `followup-xl check` prints for it."""
    import doctest
    import shlex

    from followup_xl.cli import main

    doc = ROOT / "docs" / "your-own-tracker.md"
    monkeypatch.chdir(tmp_path)
    result = doctest.testfile(str(doc), module_relative=False)
    assert result.attempted >= 10 and result.failed == 0
    text = doc.read_text(encoding="utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0]
    command, *shown = block.splitlines()
    argv = shlex.split(command[2:])
    assert argv[0] == "followup-xl"
    assert main(argv[1:]) == 0
    assert capsys.readouterr().out.splitlines() == shown
