"""What every self-test check shares: the statuses, a check's result, the report, the context."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"


@dataclass
class Check:
    name: str
    status: str
    detail: str
    ms: float = 0.0


@dataclass
class Report:
    version: str
    frozen: bool
    system: str
    data_dir: str
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(c.status == FAIL for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": not self.failed}


class CheckFailed(Exception):
    """The check failed; the message says why and, where possible, what to do."""


class CheckWarning(Exception):
    """The kiosk works without this, with less; the message says what is missing."""


@dataclass
class _Context:
    data_dir: Path
    camera_spec: str
    db_path: Path | None = None  # the database the store check opened
    temp_dirs: list[tempfile.TemporaryDirectory[str]] = field(default_factory=list)
