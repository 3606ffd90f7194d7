"""Layering rules that keep the core testable without a display (docs/architecture.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_DIRS = [ROOT / "kiosk" / "core", ROOT / "sync"]
FORBIDDEN_IN_CORE = ("PySide6", "shiboken6", "kiosk.ui", "kiosk.services", "kiosk.cli", "kiosk.devtools")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_qt_and_nothing_above_it():
    offenders = []
    for d in CORE_DIRS:
        for py in d.rglob("*.py"):
            for name in _imports(py):
                if name.startswith(FORBIDDEN_IN_CORE):
                    offenders.append(f"{py.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def test_core_loads_without_qt_at_runtime():
    code = (
        "import sys, importlib, pkgutil, kiosk.core, sync\n"
        "for pkg in (kiosk.core, sync):\n"
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
