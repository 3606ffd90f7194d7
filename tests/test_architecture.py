"""Layering rules that keep the core testable without a display (docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 450

# Which layer may import which, the platform's independence from the kiosk and "no Qt below the
# services" are import-linter contracts (pyproject.toml [tool.importlinter]), run by
# scripts/test as `lint-imports`.  What a static import graph cannot see is checked here.


def test_core_loads_without_qt_at_runtime():
    code = (
        "import sys, importlib, pkgutil, kiosk.core, kiosk.operations, sync\n"
        "for pkg in (kiosk.core, kiosk.operations, sync):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(pkg.__name__ + '.' + m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


def test_only_the_store_speaks_sql():
    sql_words = ("SELECT ", "INSERT INTO", "CREATE TABLE", "DELETE FROM", "UPDATE ")
    store_package = ROOT / "kiosk" / "core" / "store"  # the one SQL owner, all its modules
    offenders = []
    for py in (ROOT / "kiosk").rglob("*.py"):
        if py.is_relative_to(store_package):
            continue
        text = py.read_text(encoding="utf-8")
        if "import sqlite3" in text or any(w in text for w in sql_words):
            offenders.append(str(py.relative_to(ROOT)))
    assert not offenders, offenders


def test_no_module_is_a_warehouse():
    """Rooms a newcomer can find things in: no module over 450 lines (migrations aside)."""
    big = []
    for package in ("kiosk", "sync", "credit_api"):
        for py in (ROOT / package).rglob("*.py"):
            if "migrations" in py.parts:
                continue
            n = len(py.read_text(encoding="utf-8").splitlines())
            if n > MAX_MODULE_LINES:
                big.append(f"{py.relative_to(ROOT)}: {n} lines")
    assert not big, big
