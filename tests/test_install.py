"""The install paths the docs show are the ones that are tested, and they work.

Every install line in a code block of README.md or docs/ (a `pip install` or a `venv`)
must be one of the few command forms below, each tied to what runs it:

- the README's first command, run here literally in a copy of the repository
  (`test_readme_first_command_runs_as_written`);
- the README's test command and its wheel commands, run by `.ci/run` as written
  (`test_ci_runs_the_readme_commands`);
- the Windows lines, which must be those same commands with Windows' spelling
  (`py` for `python3`, `Scripts\\` for `bin/`): Windows itself is not run here.

The wheel's contents (py.typed, the license, the version) are checked on a wheel built
with `python -m build`, the command the README shows.
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import followup_xl

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the checks of pyproject.toml need 3.11's tomllib
    tomllib = None

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"
VERSION = followup_xl.__version__
WHEEL = f"followup_xl-{VERSION}-py3-none-any.whl"

# The tested command forms, POSIX spelling.
CLONE = "python3 -m venv .venv && .venv/bin/python -m pip install -e . && .venv/bin/followup-xl demo"
TESTS = 'python3 -m venv .venv && .venv/bin/python -m pip install -e ".[test]" && .venv/bin/python -m pytest'
BUILD = "python3 -m venv .venv && .venv/bin/python -m pip install build && .venv/bin/python -m build"
FROM_WHEEL = f"python3 -m venv followup-venv && followup-venv/bin/python -m pip install {WHEEL}"
POSIX_FORMS = {CLONE: "this file, literally", TESTS: ".ci/run", BUILD: ".ci/run", FROM_WHEEL: ".ci/run"}


def windows(posix: str) -> str:
    """The same command for a Windows Command Prompt."""
    assert posix.startswith("python3 -m venv ")
    return "py" + posix[len("python3"):].replace("/bin/", "\\Scripts\\")


WINDOWS_FORMS = {windows(CLONE): CLONE, windows(FROM_WHEEL): FROM_WHEEL}
ALLOWED = set(POSIX_FORMS) | set(WINDOWS_FORMS)

INSTALL_LINE = re.compile(r"\bpip3?\s+install\b|-m\s+venv\b|\bvirtualenv\b|\bconda\s+(install|create)\b|\buv\s+(pip|venv|add|tool)\b")


def doc_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def code_block_lines(text: str) -> list[str]:
    """The lines inside fenced code blocks, prompts ($, >, C:\\...>) taken off."""
    lines, fence = [], None
    for line in text.splitlines():
        stripped = line.strip()
        if fence is None:
            if stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
            continue
        if stripped.startswith(fence):
            fence = None
            continue
        lines.append(re.sub(r"^(\$|>|[A-Za-z]:\\[^>]*>)\s*", "", stripped))
    return lines


def install_lines(path: Path) -> list[str]:
    return [line for line in code_block_lines(path.read_text(encoding="utf-8")) if INSTALL_LINE.search(line)]


def first_command(path: Path = README) -> str:
    lines = code_block_lines(path.read_text(encoding="utf-8"))
    assert lines, f"{path.name} has no code block"
    return lines[0]


# ------------------------------------------------------------------ what the docs show

def test_the_scanner_sees_install_lines():
    text = "x\n```bat\nC:\\Users\\me> py -m pip install foo\n```\n  ```bash\n  $ python3 -m venv v\n  ```\n`pip install inline`\n"
    assert [line for line in code_block_lines(text) if INSTALL_LINE.search(line)] == [
        "py -m pip install foo", "python3 -m venv v"]


def test_every_install_command_in_the_docs_is_a_tested_form():
    found = {}
    for path in doc_files():
        for line in install_lines(path):
            found.setdefault(line, []).append(path.relative_to(ROOT).as_posix())
    untested = {line: where for line, where in found.items() if line not in ALLOWED}
    assert not untested, f"install commands that no test runs: {untested}"
    # The README shows the clone line, the test line and the wheel lines.
    readme = set(install_lines(README))
    assert {CLONE, TESTS, BUILD, FROM_WHEEL, windows(CLONE), windows(FROM_WHEEL)} <= readme


def test_the_readme_starts_with_the_clone_command():
    assert first_command() == CLONE


def test_no_doc_installs_an_unpublished_package():
    # followup-xl is not on any package index: `pip install followup-xl` fails for a user.
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in doc_files()}
    texts.update({p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
                  for p in sorted((ROOT / "followup_xl").rglob("*.py"))})
    bad = re.compile(r"pip3?\s+install\s+(-U\s+|--upgrade\s+)?followup[-_]xl\b(?![-_.\w]*\.whl)")
    assert [name for name, text in texts.items() if bad.search(text)] == []


def test_ci_runs_the_readme_commands():
    ci = CI.read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines()]
    for command in (TESTS, BUILD):
        assert command in lines, f".ci/run does not run: {command}"
    # The wheel line, with the checkout's version filled in by .ci/run.
    ci_wheel = FROM_WHEEL.replace(WHEEL, '"$wheel"')
    assert ci_wheel in lines
    assert 'wheel="followup_xl-${version}-py3-none-any.whl"' in lines
    assert "followup-venv/bin/followup-xl demo" in ci and "followup_xl --version" in ci
    # The test command comes last: pytest's own summary closes the run.
    assert [line for line in lines if line and not line.startswith("#")][-1] == TESTS
    assert "set -euo pipefail" in lines
    assert "/dev/null" not in ci  # the project's rule: no output sent to a special file


def test_pytest_does_not_collect_the_virtual_environment():
    if tomllib is None:
        pytest.skip("tomllib is Python 3.11+")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert config["testpaths"] == ["tests"]
    assert ".*" in config["norecursedirs"] and "venv" in config["norecursedirs"]
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv/" in ignored and "dist/" in ignored


# ------------------------------------------------------------------ one version, one place

def test_version_in_one_place():
    if tomllib is None:
        pytest.skip("tomllib is Python 3.11+")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "followup_xl.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    # The wheel file the README and the docs name is this version's.
    named = {v for p in doc_files() for v in re.findall(r"followup_xl-(\d+\.\d+\.\d+)", p.read_text(encoding="utf-8"))}
    assert named == {VERSION}


def test_changelog_heads_with_this_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, flags=re.M)
    assert versions and versions[0] == VERSION and "0.1.0" in versions


def test_version_option(capsys):
    from followup_xl.cli import main
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"followup-xl, version {VERSION}\n"


# ------------------------------------------------------------------ the wheel

@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout with `python -m build --wheel`."""
    pytest.importorskip("build", reason="the test extra installs build")
    src = copy_checkout(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(src)],
                          capture_output=True, text=True, timeout=600, env=clean_env())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out / WHEEL


@pytest.mark.install
def test_wheel_ships_the_package_py_typed_and_license(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = email.parser.Parser().parsestr(zf.read(f"followup_xl-{VERSION}.dist-info/METADATA").decode())
        entry_points = zf.read(f"followup_xl-{VERSION}.dist-info/entry_points.txt").decode()
    source = {p.relative_to(ROOT).as_posix() for p in (ROOT / "followup_xl").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    assert "followup_xl/py.typed" in source
    assert source <= names, f"missing from the wheel: {sorted(source - names)}"
    assert f"followup_xl-{VERSION}.dist-info/licenses/LICENSE" in names
    assert meta["Version"] == VERSION and meta["Name"] == "followup-xl"
    assert meta["License-Expression"] == "MIT" and meta["Requires-Python"] == ">=3.10"
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert {c for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)} == {
        f"Programming Language :: Python :: 3.{minor}" for minor in (10, 11, 12, 13)}
    assert not meta.get_all("Project-URL")
    assert "followup-xl = followup_xl.cli:run" in entry_points
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n\nCopyright (c) 2026 followup-xl developers\n")


# ------------------------------------------------------------------ the README's first command, as written

IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "followup-venv", "build", "dist", "*.egg-info",
                                "__pycache__", ".pytest_cache", ".hypothesis", ".benchmarks",
                                "followup-demo", "followups-*")


def copy_checkout(dest: Path) -> Path:
    target = dest / "followup-xl"
    shutil.copytree(ROOT, target, ignore=IGNORE, symlinks=True)
    return target


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without PYTHONPATH and the like, so nothing reaches the checkout under test."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("PIP_")}
    env.setdefault("LANG", "C.UTF-8")
    env["PATH"] = os.environ.get("PATH", "")
    env.update(extra)
    return env


def stock_python3() -> str:
    """The interpreter `python3` stands for: the system's own (Debian's, which refuses
    `pip install`), else the one under this test's virtual environment."""
    system = Path("/usr/bin/python3")
    if system.exists() and subprocess.run([str(system), "-c", "import ensurepip, venv"],
                                          capture_output=True, timeout=60).returncode == 0:
        return str(system)
    return getattr(sys, "_base_executable", sys.executable)


@pytest.mark.install
def test_readme_first_command_runs_as_written(tmp_path):
    command = first_command()
    repo = copy_checkout(tmp_path)
    # A PATH holding `python3` and nothing else: no `python` alias, no followup-xl installed.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(stock_python3())
    bash = shutil.which("bash") or "/bin/bash"
    proc = subprocess.run([bash, "-c", command], cwd=repo, capture_output=True, text=True, timeout=900,
                          env=clean_env(PATH=str(bin_dir)))
    assert proc.returncode == 0, f"{command}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    assert "Traceback" not in proc.stderr
    trackers = sorted((repo / "followup-demo").rglob("*.xlsx"))
    assert trackers, proc.stdout[-2000:]
    # The command installed into the clone's own virtual environment, from this copy.
    venv_python = repo / ".venv" / "bin" / "python"
    where = subprocess.run([str(venv_python), "-c", "import followup_xl; print(followup_xl.__file__)"],
                           capture_output=True, text=True, timeout=120, env=clean_env(), cwd=tmp_path)
    assert Path(where.stdout.strip()).resolve().is_relative_to(repo.resolve()), where
