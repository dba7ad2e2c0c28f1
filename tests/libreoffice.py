"""LibreOffice as a spreadsheet engine for tests: recalculate a workbook for real.

`recalc(path, outdir)` opens the workbook in headless LibreOffice with a private profile
whose settings force every formula to be recalculated on load (OOXMLRecalcMode = 0,
"always"), and saves it as xlsx, so the cached values in the copy are LibreOffice's own.
`require_libreoffice()` skips a test when soffice is missing, or fails it when the
environment says LibreOffice is required (FOLLOWUP_XL_REQUIRE_LIBREOFFICE=1, set in CI).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from required import REQUIRE_ENV, missing  # noqa: F401 - REQUIRE_ENV re-exported

TIMEOUT = 300  # seconds for one conversion run (the first start of a profile is slow)

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    """The soffice (or libreoffice) executable, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_libreoffice() -> str:
    """The soffice path; skips the test without it, or fails it when CI requires it."""
    exe = soffice_path()
    if exe:
        return exe
    missing("LibreOffice (soffice) is not installed")


def make_profile(profile_dir: Path) -> Path:
    """A LibreOffice user profile that recalculates every formula when a file is loaded."""
    user = Path(profile_dir) / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
    return Path(profile_dir)


def convert(paths: list[Path] | Path, outdir: Path, fmt: str = "xlsx", *,
            profile_dir: Path | None = None, timeout: int = TIMEOUT) -> list[Path]:
    """Convert workbooks with LibreOffice (forced recalculation); the converted paths.

    Several files go through one soffice start, which is what costs the time.
    """
    exe = require_libreoffice()
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as tmp:
        profile = make_profile(Path(profile_dir) if profile_dir else Path(tmp))
        cmd = [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--calc", "--convert-to", fmt,
               "--outdir", str(outdir), *[str(p) for p in paths]]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)
    stem_ext = fmt.split(":")[0]
    out = [outdir / f"{p.stem}.{stem_ext}" for p in paths]
    missing = [o for o in out if not o.exists()]
    if done.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice could not convert {', '.join(map(str, missing or paths))} "
                           f"(exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return out


def recalc(path: Path | list[Path], outdir: Path) -> Path | list[Path]:
    """Recalculate workbook(s) in LibreOffice; the recalculated xlsx copy (or copies) in outdir.

    The inputs are only read; give an outdir other than the inputs' folder.
    """
    if isinstance(path, (list, tuple)):
        if any(Path(p).resolve().parent == Path(outdir).resolve() for p in path):
            raise ValueError("recalc: outdir must differ from the inputs' folder")
        return convert(list(path), outdir, "xlsx")
    if Path(path).resolve().parent == Path(outdir).resolve():
        raise ValueError("recalc: outdir must differ from the input's folder")
    return convert([Path(path)], outdir, "xlsx")[0]
