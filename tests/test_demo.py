"""`followup-xl demo`: a seeker's tracker and a coach's folder of three clients; run again, it
keeps the trackers the user changed and refreshes the lists. And the README's tour, run as shown."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from followup_xl import cli, demo
from followup_xl.tracker import read_tracker
from followup_xl.weekly import build_weekly

from trackers import file_hash

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TODAY = dt.date(2026, 11, 26)  # Thanksgiving: the demo moves to a day that shows every state


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "followup-demo"
    return demo.write_demo(folder, today=TODAY)


def test_demo_writes_a_seeker_and_three_clients_in_different_countries(first_run):
    d = first_run
    assert d.seeker.name == "sample-tracker.xlsx" and d.seeker.exists()
    assert [p.name for p in d.clients] == ["alice-martin.xlsx", "ben-clarke.xlsx", "clara-weber.xlsx"]
    places = []
    for path in d.clients:
        wb = openpyxl.load_workbook(path)
        names = wb.defined_names
        value = lambda n: (lambda s, ref: wb[s][ref.replace("$", "")].value)(*next(names[n].destinations))  # noqa: E731
        places.append((value("Country"), value("Subdivision")))
        if "YourName" in names:  # the template has the setting once the reader reads it
            assert value("YourName") == next(c.your_name for c in demo.CLIENTS if c.file == path.name)
    assert places == [("US", "CA"), ("GB", "ENG"), ("DE", "BY")]
    assert d.written == [d.seeker, *d.clients] and d.kept == []


def test_demo_runs_the_weekly_job_on_both(first_run):
    d = first_run
    day = demo.demo_day(TODAY)
    assert day == dt.date(2026, 11, 30)  # Thanksgiving week ends too soon; the next Monday is fine
    assert d.seeker_result.as_of == day == d.coach_result.as_of
    assert d.seeker_result.counts["listed"] >= 3
    listed_by = {i.tracker for i in d.coach_result.items}
    assert listed_by == {c.file for c in demo.CLIENTS}  # every client has a follow-up this week
    assert d.coach_result.total_rows == sum(len(c.samples) for c in demo.CLIENTS)
    assert not [p for p in d.coach_result.problems if p.severity == "error"]
    names = sorted(p.name for p in d.lists)
    assert names == ["coach-followups-2026-W49.html", "coach-followups-2026-W49.xlsx",
                     "followups-2026-W49.html", "followups-2026-W49.ics", "followups-2026-W49.xlsx"]
    assert all(p.stat().st_size > 0 for p in d.lists)
    coach = (d.folder / "coach-followups-2026-W49.html").read_text("utf-8")
    assert all(c.your_name in coach for c in demo.CLIENTS)  # a section per client, by YourName


def test_run_again_keeps_what_the_user_changed_and_refreshes_the_lists(tmp_path, capsys):
    folder = tmp_path / "followup-demo"
    assert run(capsys, "demo", folder)[0] == 0
    seeker, client = folder / "sample-tracker.xlsx", folder / "clients" / "ben-clarke.xlsx"
    code, out, err = run(capsys, "log", seeker, "--company", "Fabrikam", "--note", "demo")
    assert code == 0, err
    wb = openpyxl.load_workbook(client)
    wb["Tracker"]["A4"].value = "My own company"
    wb.save(client)
    edited = {p: file_hash(p) for p in (seeker, client)}
    lists = sorted(folder.glob("*followups-*"))
    for p in lists:
        p.write_text("old")
    code, out, err = run(capsys, "demo", folder)
    assert code == 0, err
    assert {p: file_hash(p) for p in (seeker, client)} == edited
    assert f"Kept:           {seeker}" in out and f"Kept:           {client}" in out
    assert all(p.read_bytes() != b"old" for p in lists)  # the lists were written again
    assert read_tracker(client).text_value("company", 0) == "My own company"
    # a tracker the demo did not write (no record of it) is never overwritten either
    (folder / ".followup-demo.json").unlink()
    untouched = {p: file_hash(p) for p in folder.rglob("*.xlsx") if "followups" not in p.name}
    assert run(capsys, "demo", folder)[0] == 0
    assert {p: file_hash(p) for p in untouched} == untouched


def test_the_how_to_sheet_says_what_to_do_after_a_follow_up(first_run):
    ws = openpyxl.load_workbook(first_run.seeker)["How to use"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "After you send a follow-up: type the date in Last contact and add one to Follow-ups sent" in text
    assert "followup-xl log" in text


def test_unchanged_trackers_are_written_afresh(tmp_path):
    first = demo.write_demo(tmp_path, today=TODAY)
    again = demo.write_demo(tmp_path, today=dt.date(2026, 12, 7))
    assert again.kept == [] and again.written == [first.seeker, *first.clients]
    assert again.seeker_result.as_of == dt.date(2026, 12, 7)


def test_the_backup_log_keeps_is_not_read_as_a_second_tracker(tmp_path, capsys):
    d = demo.write_demo(tmp_path, today=TODAY)
    client = d.clients[1]
    before = build_weekly([client.parent]).total_rows
    assert run(capsys, "log", client, "--row", 4)[0] == 0
    assert (client.parent / "ben-clarke.bak.xlsx").exists()
    result = build_weekly([client.parent])
    assert result.total_rows == before
    assert any("previous version that followup-xl log kept" in p.message for p in result.problems)


def test_demo_into_a_file_is_usage(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "demo", tmp_path / "file")
    assert code == 2 and "is a file" in err


# --------------------------------------------------------------------------- the README's tour

def tour_commands() -> list[tuple[str, str]]:
    """(command line, expected output or "") for every `$ followup-xl ...` line of the console
    blocks in the README's tour (install commands are tested with the release)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## A short tour")
    section = text[start:text.index("\n## ", start + 5)]
    examples, in_block, current = [], False, None
    for line in section.splitlines():
        if line.startswith("```"):
            in_block, current = line.strip() == "```console", None
            continue
        if in_block and line.startswith("$ "):
            current = [line[2:], ""]
            examples.append(current)
        elif in_block and current is not None:
            current[1] += line + "\n"
    return [tuple(e) for e in examples]


def test_the_readme_tour_runs_as_shown(tmp_path):
    commands = tour_commands()
    verbs = [shlex.split(c)[1] for c, _ in commands]
    for verb in ("demo", "weekly", "check", "log", "next", "holidays"):
        assert verb in verbs, verb
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("FOLLOWUP_XL_COUNTRY", None)
    env.pop("FOLLOWUP_XL_SUBDIVISION", None)
    shim = f'followup-xl() {{ {shlex.quote(sys.executable)} -m followup_xl "$@"; }}\n'
    for command, expected in commands:
        assert command.startswith("followup-xl "), command
        proc = subprocess.run(["bash", "-c", shim + "set -o pipefail\n" + command], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, (command, proc.stderr)
        assert "Traceback" not in proc.stderr
        if expected:
            assert proc.stdout == expected, command
    assert (tmp_path / "followup-demo" / "sample-tracker.bak.xlsx").exists()  # the tour's log ran
