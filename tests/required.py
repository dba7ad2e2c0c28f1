"""What a test needs that may be missing (LibreOffice, an optional package): skipped where it
is missing, but a failure in CI, where FOLLOWUP_XL_REQUIRE_LIBREOFFICE=1 says the machine has
everything (.ci/run sets it), so a test never passes there by not running."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

REQUIRE_ENV = "FOLLOWUP_XL_REQUIRE_LIBREOFFICE"


def missing(message: str) -> None:
    """Skip the test for `message` (what is missing), or fail it when CI requires everything."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}, and {REQUIRE_ENV}=1 requires it.")
    pytest.skip(f"{message}.")


def require_module(name: str) -> ModuleType:
    """The module; a skip where it is not installed, a failure in CI (pytest.importorskip
    would skip silently there too)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"the Python package {name} is not installed")
