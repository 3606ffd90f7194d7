"""What every benchmark script reports about the machine it ran on.

Scripts in bench/ import this as ``benchlib`` (their own folder is first on ``sys.path``).
"""

from __future__ import annotations

import os
import platform
import sqlite3
from typing import Any


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "loadavg_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
