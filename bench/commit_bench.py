"""Check-in commit latency through ``CheckinDesk.scan`` vs a bare WAL + FULL insert, same run.

DESIGN §7: "check-in commit (WAL, FULL), p95 ≤ 2 ms here — a bare WAL + FULL insert on these
machines is 0.2 ms p50 / 0.5 ms p95; report the ratio to it, measured in the same run".

Two files in one temporary folder (same file system):

* ``kiosk.db`` — a real kiosk store (``Store``: WAL, ``synchronous=FULL``) with a demo bundle
  imported; each sample is one ``desk.scan(pass, session, "scanner")`` of a parent not yet checked
  in: verify the pass, BEGIN IMMEDIATE, the rule look-ups, INSERT the record, COMMIT (fsync).
* ``bare.db`` — WAL, ``synchronous=FULL``, one table; each sample is BEGIN IMMEDIATE, one INSERT
  of a row of similar size, COMMIT.

The two alternate in blocks of ``--block`` samples so machine noise (other jobs, the disk's
flushes) hits both.  Prints one JSON line: p50 / p95 / p99 per side, the ratios, and the machine.

Usage::

    python bench/commit_bench.py                      # 4,000 scans + 4,000 bare inserts
    python bench/commit_bench.py --samples 1000 --block 50 --dir /path/on/the/target/disk
"""

from __future__ import annotations

import argparse
import gc
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from benchlib import machine

from kiosk.core.desk import CheckinDesk
from kiosk.core.store import Store
from kiosk.devtools.keys import keygen
from sync.demo import make_bundle

TARGET_P95_MS = 2.0


def stats_ms(ns: list[int]) -> dict[str, float]:
    s = sorted(ns)

    def rank(q: float) -> float:
        return s[min(len(s) - 1, max(0, round(q * len(s)) - 1))] / 1e6

    return {
        "n": len(s),
        "p50_ms": round(rank(0.50), 3),
        "p95_ms": round(rank(0.95), 3),
        "p99_ms": round(rank(0.99), 3),
        "mean_ms": round(statistics.fmean(s) / 1e6, 3),
        "max_ms": round(s[-1] / 1e6, 3),
    }


def open_bare(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() == "wal"
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS t (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, "
        "parent_id INTEGER NOT NULL, device_time TEXT NOT NULL)"
    )
    return conn


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--samples", type=int, default=4000, help="scans (and as many bare inserts)")
    p.add_argument("--block", type=int, default=100, help="samples per alternating block")
    p.add_argument("--warmup", type=int, default=100, help="untimed samples per side first")
    p.add_argument("--dir", type=Path, default=None,
                   help="folder for the two database files (default: a temporary folder)")
    p.add_argument("--time-limit", type=float, default=100.0,
                   help="stop starting blocks after this many seconds")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="commit-bench-", dir=args.dir) as tmp:
        work = Path(tmp)
        key = keygen(work / "keys")
        n_parents = args.samples + args.warmup + 10
        bundle, summary = make_bundle([key.trust_key()], parents=n_parents)
        session = int(summary["open_session"])
        codes = [key.issue(pid)[0] for pid in summary["parents"]]
        store = Store(work / "kiosk.db")
        store.import_bundle(bundle)
        desk = CheckinDesk(store)
        bare = open_bare(work / "bare.db")
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = store.conn.execute("PRAGMA synchronous").fetchone()[0]
        if mode != "wal" or sync != 2:
            raise SystemExit(f"kiosk store is journal_mode={mode}, synchronous={sync}: not WAL/FULL")

        clock = time.perf_counter_ns
        it = iter(codes)
        bare_n = 0

        def scan_one() -> int:
            code = next(it)
            a = clock()
            r = desk.scan(code, session, "scanner")
            b = clock()
            if r.checkin_id is None:
                raise SystemExit(f"scan not accepted: {r.outcome}")
            return b - a

        def bare_one() -> int:
            nonlocal bare_n
            bare_n += 1
            row = (str(uuid.uuid4()), bare_n, datetime.now(UTC).isoformat())
            a = clock()
            bare.execute("BEGIN IMMEDIATE")
            bare.execute("INSERT INTO t (id, parent_id, device_time) VALUES (?, ?, ?)", row)
            bare.execute("COMMIT")
            return clock() - a

        for _ in range(args.warmup):
            scan_one()
            bare_one()

        desk_ns: list[int] = []
        bare_ns: list[int] = []
        block_p50: list[tuple[float, float]] = []
        t0 = time.monotonic()
        gc.disable()
        try:
            first = "desk"
            while len(desk_ns) < args.samples and time.monotonic() - t0 < args.time_limit:
                n = min(args.block, args.samples - len(desk_ns))
                order = ("desk", "bare") if first == "desk" else ("bare", "desk")
                got: dict[str, list[int]] = {}
                for side in order:
                    fn = scan_one if side == "desk" else bare_one
                    got[side] = [fn() for _ in range(n)]
                desk_ns += got["desk"]
                bare_ns += got["bare"]
                block_p50.append((statistics.median(got["desk"]) / 1e6,
                                  statistics.median(got["bare"]) / 1e6))
                first = "bare" if first == "desk" else "desk"
        finally:
            gc.enable()
        elapsed = time.monotonic() - t0
        records = store.record_counts()["pending"]
        store.close()
        bare.close()

    d, b = stats_ms(desk_ns), stats_ms(bare_ns)
    q = len(block_p50) // 4 or 1
    result = {
        "bench": "commit",
        "desk_scan": d,
        "bare_insert": b,
        "ratio_p50": round(d["p50_ms"] / b["p50_ms"], 2),
        "ratio_p95": round(d["p95_ms"] / b["p95_ms"], 2),
        "target_p95_ms": TARGET_P95_MS,
        "pass": d["p95_ms"] <= TARGET_P95_MS,
        # Does a scan slow down as the class fills?  (median of the first / last quarter of blocks)
        "desk_p50_first_quarter_ms": round(statistics.median(x for x, _ in block_p50[:q]), 3),
        "desk_p50_last_quarter_ms": round(statistics.median(x for x, _ in block_p50[-q:]), 3),
        "records_at_end": records,
        "block": args.block,
        "elapsed_s": round(elapsed, 1),
        "machine": machine(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
