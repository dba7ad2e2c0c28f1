"""The weekly, check and demo commands: outputs, exit codes, one-sentence errors, inputs untouched."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys

import openpyxl
import pytest

from followup_xl import cli, export
from followup_xl.weekly import build_weekly

from trackers import ErrorValue, file_hash, write_tracker

D = dt.date
HEADERS = ("Company", "Contact name", "Last contact", "Cadence (days)", "Status")
AS_OF = "2026-11-25"


@pytest.fixture
def folder(tmp_path):
    clients = tmp_path / "clients"
    clients.mkdir()
    write_tracker(clients / "ann.xlsx", [
        ["Acme", "Jane Doe", D(2026, 11, 18), None, "Waiting"],
        ["Beta", None, D(2026, 11, 24), None, None],        # not due this week
        ["Gamma", "Sam", "soon", None, None],                # a problem row
        ["Delta", "Kim", D(2026, 11, 2), None, "Rejected"],  # closed
    ], headers=HEADERS)
    write_tracker(clients / "bob.xlsx", [["Omega", "Lee", D(2026, 11, 16), 7, "Interviewing"]], headers=HEADERS)
    return clients


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def hashes(path):
    return {p.name: file_hash(p) for p in sorted(path.iterdir()) if p.is_file()}


def test_formats_in_sync():
    assert cli.FORMAT_NAMES == export.FORMATS


def test_weekly_default_output_in_cwd(folder, tmp_path, capsys, monkeypatch):
    before = hashes(folder)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "weekly", str(folder), "--as-of", AS_OF)
    assert code == 0
    written = tmp_path / "followups-2026-W48.xlsx"
    assert written.exists() and f"{written.name}" in err
    assert "Rows" in err and "5" in err  # the summary, on stderr
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames  # opens cleanly
    assert hashes(folder) == before  # inputs byte-for-byte unchanged
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_weekly_json_to_stdout(folder, capsys):
    code, out, err = run(capsys, "weekly", str(folder), "--as-of", AS_OF, "-o", "-", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == AS_OF and data["week_start"] == "2026-11-23"
    assert data["counts"] == {"rows": 5, "listed": 2, "not_due": 1, "closed": 1, "not_applied": 0,
                              "needs_date": 0, "limit_reached": 0, "problem": 1, "skipped": 0}
    assert [i["company"] for i in data["items"]] == ["Omega", "Acme"]
    assert json.loads(json.dumps(build_weekly([folder], as_of=D(2026, 11, 25)).to_json())) == data


def test_weekly_format_from_extension_and_override(folder, tmp_path, capsys):
    code, _, _ = run(capsys, "weekly", str(folder), "--as-of", AS_OF, "-o", str(tmp_path / "w.csv"))
    assert code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "w.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) >= 3
    code, _, _ = run(capsys, "weekly", str(folder), "--as-of", AS_OF, "-o", str(tmp_path / "w.txt"),
                     "--format", "md")
    assert code == 0 and "Acme" in (tmp_path / "w.txt").read_text()
    code, _, err = run(capsys, "weekly", str(folder), "-o", str(tmp_path / "w.doc"))
    assert code == 2 and "w.doc" in err and not (tmp_path / "w.doc").exists()


def test_weekly_week_option(folder, capsys):
    code, out, _ = run(capsys, "weekly", str(folder), "--as-of", AS_OF, "--week", "2026-12-01", "-o", "-",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["week_start"] == "2026-11-30" and data["counts"]["listed"] == 3


def test_output_that_is_an_input_is_refused(folder, capsys):
    target = folder / "ann.xlsx"
    before = hashes(folder)
    for out in (str(target), os.path.join(str(folder), ".", "ann.xlsx")):
        code, _, err = run(capsys, "weekly", str(folder), "-o", out)
        assert code == 2 and "input" in err and "Traceback" not in err
    assert hashes(folder) == before


@pytest.mark.parametrize("args, code, words", [
    (["weekly", "nope.xlsx"], 1, "nope.xlsx"),
    (["weekly", "{empty}"], 1, "empty"),
    (["weekly", "{text}"], 1, "notes.xlsx"),
    (["weekly", "{folder}", "--as-of", "someday"], 2, "--as-of"),
    (["weekly", "{folder}", "--week", "31/31/2026"], 2, "--week"),
    (["weekly"], 2, "PATH"),
    (["weekly", "{folder}", "--format", "pdf"], 2, "pdf"),
    (["check", "{text}"], 1, "notes.xlsx"),
    (["check", "{nosheet}"], 1, "Tracker"),
])
def test_errors_are_one_sentence_with_exit_status(folder, tmp_path, capsys, monkeypatch, args, code, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    write_tracker(tmp_path / "jobs.xlsx", [["A"]], headers=("Company",), sheet="Jobs")
    paths = {"empty": str(tmp_path / "empty"), "text": str(tmp_path / "notes.xlsx"), "folder": str(folder),
             "nosheet": str(tmp_path / "jobs.xlsx")}
    got, out, err = run(capsys, *[a.format(**paths) for a in args])
    assert got == code
    assert words in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1


def test_weekly_folder_with_a_broken_file_goes_on(folder, tmp_path, capsys):
    (folder / "broken.xlsx").write_text("not a workbook")
    code, out, err = run(capsys, "weekly", str(folder), "--as-of", AS_OF, "-o", str(tmp_path / "w.json"))
    assert code == 0
    assert json.loads((tmp_path / "w.json").read_text())["counts"]["rows"] == 5
    [line] = [line for line in err.splitlines() if line.startswith("Not used:")]
    assert "broken.xlsx" in line


def test_check_lists_problems_and_warnings_exit_0(folder, capsys):
    code, out, err = run(capsys, "check", str(folder / "ann.xlsx"), "--as-of", AS_OF)
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("ERROR") and "row 4" in line and "Last contact" in line for line in lines)
    assert any(line.startswith("WARNING") and "row 3" in line and "Contact name" in line for line in lines)
    assert "4 rows" in lines[-1] and "1 with a problem" in lines[-1]
    assert not list(folder.glob("followups-*"))  # no export


def test_check_accepts_a_broken_cell_file(tmp_path, capsys):
    path = write_tracker(tmp_path / "t.xlsx", [["A", None, ErrorValue("#N/A"), None, None]], headers=HEADERS)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and "#N/A" in out


def test_demo(tmp_path, capsys):
    target = tmp_path / "demo"
    code, out, err = run(capsys, "demo", str(target))
    assert code == 0, err
    tracker = target / cli.DEMO_TRACKER
    assert tracker.exists()
    for f in target.glob("*followups-*"):  # the lists (more in tests/test_demo.py)
        assert str(f) in out
    result = build_weekly([tracker])
    assert result.counts["listed"] >= 1
    for item in result.items:
        assert item.company in out
    # Running it again refreshes the sample and still works.
    assert run(capsys, "demo", str(target))[0] == 0


def test_demo_default_dir_and_bad_dir(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "demo")
    assert code == 0 and (tmp_path / cli.DEMO_DIR / cli.DEMO_TRACKER).exists()
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "demo", str(tmp_path / "file"))
    assert code == 2 and "file" in err


def test_progress_callback(folder):
    seen = []
    build_weekly([folder], progress=lambda done, total, name: seen.append((done, total, name)))
    assert seen == [(1, 2, "ann.xlsx"), (2, 2, "bob.xlsx")]


def test_real_process_exit_codes(folder, tmp_path):
    """The installed entry point, as a user runs it: output written, no traceback."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    ok = subprocess.run([sys.executable, "-m", "followup_xl", "weekly", str(folder), "--as-of", AS_OF,
                         "-o", str(tmp_path / "w.ics")], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "w.ics").read_text().startswith("BEGIN:VCALENDAR")
    bad = subprocess.run([sys.executable, "-m", "followup_xl", "weekly", str(tmp_path / "missing")],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "missing" in bad.stderr
