"""Deprecated: the exports moved to the package followup_xl.exports (one module per format).

This shim keeps `from followup_xl import export` working for one release.
"""

from __future__ import annotations

from .exports import *  # noqa: F401,F403
from .exports import __all__  # noqa: F401
from .exports.xlsx import message_height as _xl_message_height  # noqa: F401
from .output import write_atomic as write_bytes_atomic  # noqa: F401
