"""kill -9 during a scan storm: no confirmed check-in is ever lost or duplicated (DESIGN §5, §7).

A real crash test: each cycle runs ``python -m kiosk checkin`` as a child process on one shared
data folder, feeds it pass codes on standard input and SIGKILLs it at a random moment (seeded).
A JSON line is printed only after its record is committed, so every complete line read before
(or drained after) the kill is a promise that is then checked against the ``records`` table.
The engine lives in ``bench/crash_storm.py`` (the same storm, 1,000 cycles, as a benchmark).

Knobs (environment): STARKIOSK_CRASH_CYCLES (default 200), STARKIOSK_CRASH_SEED (default 1).
"""

from __future__ import annotations

import importlib.util
import os
import random
import sqlite3
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

CYCLES = int(os.environ.get("STARKIOSK_CRASH_CYCLES", "200"))
SEED = int(os.environ.get("STARKIOSK_CRASH_SEED", "1"))
PARENTS = 3000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and select() on pipes are POSIX"),
]


def _load_storm() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "crash_storm.py"
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))  # for its `import benchlib`, as when run as a script
    spec = importlib.util.spec_from_file_location("crash_storm", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crash_storm"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


storm_mod = _load_storm()


@pytest.fixture(scope="module")
def storm_data(tmp_path_factory: pytest.TempPathFactory):
    """Keys, a 3,000-parent bundle imported into a fresh data folder, one pass per parent."""
    return storm_mod.prepare(tmp_path_factory.mktemp("crash"), PARENTS)


def test_kill9_scan_storm_loses_and_duplicates_nothing(storm_data) -> None:
    storm = storm_mod.Storm(storm_data, random.Random(SEED), storm_data.data_dir.parent)
    t0 = time.monotonic()
    try:
        for _ in range(CYCLES):
            report = storm.cycle()
            context = (f"cycle {report.index} (seed {SEED}, mode {report.mode}, "
                       f"warm {report.warm}, {report.printed}/{report.fed} lines)")
            assert not storm.lost, f"{context}: confirmed records lost: {list(storm.lost.values())[:5]}"
            assert not storm.duplicates, f"{context}: duplicates: {list(storm.duplicates.values())[:5]}"
            assert not report.problems, f"{context}: {report.problems[:5]}"
    finally:
        storm.close()
    elapsed = time.monotonic() - t0

    assert storm.final_check() == ["ok"]
    assert not storm.integrity, storm.integrity

    summary = storm.summary(elapsed)
    print(f"\ncrash storm: {summary}")
    # The storm must really have exercised the store, and killed children in every way.
    assert summary["cycles"] == CYCLES
    assert summary["confirmed_records"] >= CYCLES, summary
    assert set(summary["kill_modes"]) >= {"after_line", "after_line+spin", "eof", "startup"}

    conn = sqlite3.connect(storm_data.db_path)
    try:
        ids = {r[0] for r in conn.execute("SELECT id FROM records")}
        dups = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM records NOT INDEXED "
            "GROUP BY session_id, parent_id, kind HAVING count(*) > 1)"
        ).fetchone()[0]
    finally:
        conn.close()
    printed = {cid for cid in storm.confirmed.values() if cid is not None}
    assert printed <= ids
    assert dups == 0
