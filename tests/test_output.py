"""The one file writer (followup_xl/output.py) under a real file system's faults.

Most cases run the command in a child process (tests/test_hostile.py's helpers), the way a
user meets them: a FIFO or a link to one as -o, a file size limit (ulimit -f), a signal in
the middle of the write, a closed stdout, a latin-1 terminal. Special files are only ever
made inside tmp_path (mkfifo, a socket): never /dev/null or a real device.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from followup_xl import cli, output
from followup_xl.errors import FollowupError, UsageError
from test_export import make_result
from test_hostile import AS_OF, assert_refused, good_tracker, run_cli

ROOT = Path(__file__).resolve().parent.parent


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def run_child(args: list[str], cwd: Path, *, preexec=None, env=None, python: str | None = None):
    """A child python (the CLI, or a snippet) with a preexec hook; returns (code, stdout, stderr)."""
    argv = [sys.executable, "-c", python, *args] if python else [sys.executable, "-m", "followup_xl", *args]
    proc = subprocess.run(argv, cwd=cwd, capture_output=True,
                          preexec_fn=preexec, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                          timeout=180)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def one_sentence(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err and "unexpectedly" not in err, err
    return lines[0]


# --------------------------------------------------------------------------- special targets

def test_a_fifo_is_not_replaced(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    os.mkfifo(tmp_path / "p.json")
    run = run_cli("weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "p.json", cwd=tmp_path)
    assert_refused(run, "p.json", "named pipe (FIFO)", "-o -")
    assert (tmp_path / "p.json").is_fifo()
    assert leftovers(tmp_path) == []


def test_a_link_to_a_fifo_is_not_followed_nor_replaced(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "week.json").symlink_to(tmp_path / "pipe")
    run = run_cli("weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "week.json", cwd=tmp_path)
    assert_refused(run, "week.json", "link to a named pipe")
    assert (tmp_path / "week.json").is_symlink() and (tmp_path / "pipe").is_fifo()


def test_a_socket_is_not_replaced(tmp_path):
    path = tmp_path / "s.md"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
    except OSError:
        pytest.skip("the temporary folder's path is too long for a socket")
    try:
        with pytest.raises(FollowupError, match="it is a socket, not a file"):
            output.write_atomic(path, b"x")
    finally:
        sock.close()


def test_a_dangling_link_is_refused(tmp_path):
    (tmp_path / "week.md").symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(FollowupError, match="which does not exist"):
        output.write_atomic(tmp_path / "week.md", b"x")
    assert not (tmp_path / "nowhere.md").exists()


def test_a_link_to_a_file_is_replaced_and_its_target_kept(tmp_path):
    target = tmp_path / "old.md"
    target.write_bytes(b"old")
    (tmp_path / "week.md").symlink_to(target)
    output.write_atomic(tmp_path / "week.md", b"new")
    assert target.read_bytes() == b"old"
    assert not (tmp_path / "week.md").is_symlink() and (tmp_path / "week.md").read_bytes() == b"new"


def test_a_libreoffice_lock_file_refuses(tmp_path):
    (tmp_path / ".~lock.week.xlsx#").write_text("x")
    with pytest.raises(FollowupError, match="open in LibreOffice"):
        output.write_atomic(tmp_path / "week.xlsx", b"x")


def test_a_python_caller_cannot_overwrite_an_input_tracker(tmp_path):
    from followup_xl.exports import write
    from followup_xl.weekly import build_weekly

    tracker = good_tracker(tmp_path / "t.xlsx")
    before = tracker.read_bytes()
    result = build_weekly([tracker], as_of=AS_OF)
    with pytest.raises(UsageError, match="one of the input trackers"):
        write(result, tracker)
    (tmp_path / "link.xlsx").symlink_to(tracker)
    with pytest.raises(UsageError, match="one of the input trackers"):
        write(result, tmp_path / "link.xlsx")
    os.link(tracker, tmp_path / "hard.xlsx")
    with pytest.raises(UsageError, match="one of the input trackers"):
        write(result, tmp_path / "hard.xlsx", "json")
    assert tracker.read_bytes() == before


# --------------------------------------------------------------------------- file system faults

def test_a_file_size_limit_is_a_sentence_not_a_killed_process(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    limit = 4096  # bytes: less than the workbook

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    code, _, err = run_child(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "week.xlsx"],
                             tmp_path, preexec=small_files)
    line = one_sentence(err)
    assert code == 1 and "week.xlsx" in line and "ulimit -f" in line, err
    assert "free some space" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_template_under_a_file_size_limit(tmp_path):
    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    code, _, err = run_child(["template", "t.xlsx"], tmp_path, preexec=small_files)
    assert code == 1 and "t.xlsx" in one_sentence(err) and "file size limit" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("code, phrase, not_phrase", [
    (errno.ENOSPC, "the disk is full", "ulimit"),
    (errno.EDQUOT, "the disk is full", "ulimit"),
    (errno.EROFS, "the file system is read-only", "free some space"),
    (errno.EACCES, "permission denied", "free some space"),
    (errno.ENAMETOOLONG, "the file name is too long", "free some space"),
])
def test_each_write_fault_has_its_sentence(tmp_path, monkeypatch, code, phrase, not_phrase):
    target = tmp_path / "week.csv"
    target.write_bytes(b"last week")

    def failing(fd, data):
        raise (PermissionError if code == errno.EACCES else OSError)(code, os.strerror(code))

    monkeypatch.setattr(os, "write", failing)
    with pytest.raises(FollowupError) as err:
        output.write_atomic(target, b"new")
    text = str(err.value)
    assert text.startswith(f"Cannot write {target}: ") and phrase in text and not_phrase not in text
    assert "\n" not in text
    assert target.read_bytes() == b"last week" and leftovers(tmp_path) == []


def test_a_read_only_folder(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(FollowupError, match="read-only; choose another output path"):
        output.write_atomic(tmp_path / "week.md", b"x")


def test_a_name_the_file_system_refuses(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    name = "w" * 300 + ".json"
    code, _, err = run_child(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", name], tmp_path)
    assert code == 1 and "the file name is too long" in one_sentence(err)
    code, _, err = run_child(["template", "t" * 300 + ".xlsx"], tmp_path)
    assert code == 1 and "the file name is too long" in one_sentence(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_a_long_name_the_file_system_allows_is_written(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    name = "w" * 245 + ".json"  # 250 bytes: allowed; the temporary file's name must fit too
    code, _, err = run_child(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", name], tmp_path)
    assert code == 0, err
    assert (tmp_path / name).stat().st_size > 0 and leftovers(tmp_path) == []
    code, _, err = run_child(["template", "é" * 120 + ".xlsx"], tmp_path)  # 245 bytes of UTF-8
    assert code == 0, err


def test_template_onto_a_folder_does_not_suggest_force(tmp_path):
    (tmp_path / "t.xlsx").mkdir()
    for extra in ([], ["--force"]):
        code, _, err = run_child(["template", "t.xlsx", *extra], tmp_path)
        line = one_sentence(err)
        assert code == 2 and "is a folder" in line and "--force" not in line, err


def test_template_onto_a_fifo_even_with_force(tmp_path):
    os.mkfifo(tmp_path / "t.xlsx")
    code, _, err = run_child(["template", "t.xlsx", "--force"], tmp_path)
    assert code == 1 and "named pipe" in one_sentence(err)
    assert (tmp_path / "t.xlsx").is_fifo()


# --------------------------------------------------------------------------- signals

KILLED_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from followup_xl.output import write_atomic

target = Path(sys.argv[1])
def save(tmp):
    Path(tmp).write_bytes(b"half a file")
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    raise SystemExit("the signal did not stop the write")
write_atomic(target, save)
"""


@pytest.mark.parametrize("name, code", [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_during_the_write_leaves_no_temporary_file(tmp_path, name, code):
    target = tmp_path / "week.xlsx"
    target.write_bytes(b"last week")
    got, _, err = run_child([str(target), name], tmp_path, python=KILLED_MID_WRITE)
    assert got == code, err
    assert f"Stopped by {name}: nothing was written." in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["week.xlsx"]
    assert target.read_bytes() == b"last week"


def test_the_signal_handlers_are_restored_after_the_write(tmp_path):
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    output.write_atomic(tmp_path / "a.md", b"x")
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


def test_ctrl_c_during_the_write_exits_130(tmp_path, monkeypatch, capsys):
    good_tracker(tmp_path / "t.xlsx")
    monkeypatch.chdir(tmp_path)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    code = cli.main(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "week.json"])
    assert code == 130 and "Interrupted." in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


# --------------------------------------------------------------------------- stdout

def test_a_closed_stdout_is_a_sentence(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    code, _, err = run_child(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "-", "--format", "json"],
                             tmp_path, preexec=lambda: os.close(1))
    assert code == 1 and "stdout" in one_sentence(err) and "closed" in err


class FullStdout:
    """A stdout whose device is full (as /dev/full): every write fails with ENOSPC."""

    class Buffer:
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            pass

    buffer = Buffer()
    closed = False

    def isatty(self):
        return False

    def fileno(self):
        import io
        raise io.UnsupportedOperation("fileno")

    def flush(self):
        pass

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_stdout_is_a_sentence_and_exit_1(tmp_path, monkeypatch, capsys):
    good_tracker(tmp_path / "t.xlsx")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", FullStdout())
    code = cli.main(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", "-", "--format", "md"])
    err = capsys.readouterr().err
    assert code == 1 and one_sentence(err).startswith("Error: Cannot write to stdout: the disk is full")


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    proc = subprocess.Popen([sys.executable, "-m", "followup_xl", "weekly", "t.xlsx", "--as-of",
                             AS_OF.isoformat(), "-o", "-", "--format", "md"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    proc.stdout.close()  # | head -0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err, err


def test_a_latin1_terminal_gets_escapes_not_a_crash(tmp_path):
    good_tracker(tmp_path / "t.xlsx")
    name = "週-Ōtsuka.json"
    code, out, err = run_child(["weekly", "t.xlsx", "--as-of", AS_OF.isoformat(), "-o", name], tmp_path,
                               env={"PYTHONIOENCODING": "latin-1"})
    assert code == 0 and "Traceback" not in err and "unexpectedly" not in err, err
    assert (tmp_path / name).stat().st_size > 0
    assert "\\u9031-\\u014ctsuka.json" in err  # the summary's "Written to" line, escaped
    code, out, err = run_child(["template", "Ōtsuka.xlsx"], tmp_path, env={"PYTHONIOENCODING": "latin-1"})
    assert code == 0 and "Wrote \\u014ctsuka.xlsx" in out, err


# --------------------------------------------------------------------------- docs

def test_troubleshooting_names_every_output_message():
    """Each sentence the writer and the exports can raise (its longest fixed wording) is in
    docs/troubleshooting.md."""
    import ast

    doc = " ".join((ROOT / "docs" / "troubleshooting.md").read_text("utf-8").split())
    doc = doc.replace("\\|", "|").replace("\\\\", "\\")
    modules = [ROOT / "followup_xl" / "output.py", *sorted((ROOT / "followup_xl" / "exports").rglob("*.py"))]
    pieces = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            texts = []
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                texts = [node.exc.args[0]]
            elif isinstance(node, ast.FunctionDef) and node.name == "why":
                texts = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)]
            for arg in texts:
                parts = [v.value for v in ast.walk(arg) if isinstance(v, ast.Constant) and isinstance(v.value, str)]
                if parts:
                    piece = max((p.strip(" :;,.()") for p in parts), key=len)
                    if len(piece) >= 12:
                        pieces.append((path.name, piece))
    assert len(pieces) >= 15
    missing = [(m, p) for m, p in pieces if " ".join(p.split()) not in doc]
    assert not missing, missing
