"""Check-ins per second through ``starkiosk checkin`` reading pass codes from standard input.

DESIGN §7: "wedge scanner burst ≥ 20 check-ins/s without a lost keystroke".  A USB keyboard-wedge
scanner types the pass text and Enter; standard input of the command line is the closest stand-in
this repository has (the Qt scan screen is not measured here).  Three figures, one process each
(``starkiosk --data-dir D checkin --session SID``), all on one data folder:

* **bulk** — ``--codes`` (10,000) passes written as fast as the pipe takes them (a writer thread);
  time from the first byte written to the last result line read; codes/s.
* **wedge burst** — ``--burst`` passes typed like a wedge scanner: each pass in small chunks
  (``--chunk`` characters, a "keystroke" group) with ``--key-gap-ms`` between chunks and no pause
  between passes; rate of results and the latency from Enter to the result line.
* **paced 20/s** — ``--paced`` passes at exactly 20 per second (the DESIGN bar), typed the same
  way; latency from Enter to the result line must stay flat (no backlog).

"Without a lost keystroke" is checked, not assumed: every code must come back, in order, as
``accepted`` for the right parent with a ``checkin_id``.  Start-up of the process is excluded
(the clock starts at the first write, after the process printed nothing and is ready).

Usage::

    python bench/stdin_throughput.py
    python bench/stdin_throughput.py --codes 2000 --burst 100 --paced 60
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchlib import machine

from kiosk.core.store import Store
from kiosk.devtools.keys import keygen
from sync.demo import make_bundle

TARGET_RATE = 20.0
MAX_DEMO_PARENTS = 9990  # make_bundle: capacity = parents + 10 ≤ 10,000


def command(data_dir: Path, session: int) -> list[str]:
    exe = shutil.which("starkiosk")
    head = [exe] if exe else [sys.executable, "-m", "kiosk"]
    return [*head, "--data-dir", str(data_dir), "checkin", "--session", str(session)]


def start(cmd: list[str]) -> subprocess.Popen[bytes]:
    # Buffered pipes (a raw pipe's readline() reads one byte per system call); every write is
    # flushed at once, so the child sees each keystroke chunk when it is written.
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


def wait_ready(proc: subprocess.Popen[bytes], warm_code: str) -> None:
    """Send one code and read its line: the process is imported, open and warm."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write((warm_code + "\n").encode())
    proc.stdin.flush()
    if not proc.stdout.readline():
        raise SystemExit(f"starkiosk checkin exited with status {proc.wait()}")


def check_lines(lines: list[bytes], parents: list[int]) -> int:
    """Lost or mangled codes: lines that are not 'accepted' for the expected parent, in order."""
    bad = abs(len(lines) - len(parents))
    for raw, pid in zip(lines, parents, strict=False):
        out = json.loads(raw)
        if out.get("outcome") != "accepted" or out.get("parent_id") != pid or not out.get("checkin_id"):
            bad += 1
    return bad


def finish(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def bulk(cmd: list[str], warm: str, codes: list[str], parents: list[int]) -> dict[str, Any]:
    proc = start(cmd)
    wait_ready(proc, warm)
    assert proc.stdin is not None and proc.stdout is not None
    payload = "".join(c + "\n" for c in codes).encode()
    t0 = time.perf_counter()

    def writer() -> None:
        assert proc.stdin is not None
        proc.stdin.write(payload)
        proc.stdin.flush()

    th = threading.Thread(target=writer, daemon=True)
    th.start()
    lines = []
    for _ in codes:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
    elapsed = time.perf_counter() - t0
    th.join()
    finish(proc)
    return {
        "codes": len(codes),
        "lines": len(lines),
        "lost_or_wrong": check_lines(lines, parents),
        "elapsed_s": round(elapsed, 3),
        "codes_per_s": round(len(lines) / elapsed, 1),
    }


def typed(cmd: list[str], warm: str, codes: list[str], parents: list[int], *, chunk: int,
          key_gap_s: float, interval_s: float) -> dict[str, Any]:
    """Type codes like a wedge scanner; interval_s = 0 means back-to-back (a burst)."""
    proc = start(cmd)
    wait_ready(proc, warm)
    assert proc.stdin is not None and proc.stdout is not None
    enter_at: list[float] = [0.0] * len(codes)
    lines: list[bytes] = []
    read_at: list[float] = []

    def reader() -> None:
        assert proc.stdout is not None
        for _ in codes:
            line = proc.stdout.readline()
            if not line:
                return
            read_at.append(time.perf_counter())
            lines.append(line)

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    t0 = time.perf_counter()
    for i, code in enumerate(codes):
        if interval_s:
            target = t0 + i * interval_s
            while (left := target - time.perf_counter()) > 0:
                time.sleep(min(left, 0.002))
        text = code + "\n"
        for j in range(0, len(text), chunk):
            proc.stdin.write(text[j : j + chunk].encode())
            proc.stdin.flush()
            if key_gap_s:
                time.sleep(key_gap_s)
        enter_at[i] = time.perf_counter()
    th.join(timeout=120)
    elapsed = (read_at[-1] - t0) if read_at else float("nan")
    finish(proc)
    lat = [(r - e) * 1000 for r, e in zip(read_at, enter_at, strict=False)]
    q = max(1, len(lat) // 4)
    return {
        "codes": len(codes),
        "lines": len(lines),
        "lost_or_wrong": check_lines(lines, parents),
        "elapsed_s": round(elapsed, 3),
        "codes_per_s": round(len(lines) / elapsed, 1) if read_at else 0.0,
        "latency_p50_ms": round(statistics.median(lat), 2) if lat else None,
        "latency_p95_ms": round(sorted(lat)[min(len(lat) - 1, round(0.95 * len(lat)) - 1)], 2)
        if lat else None,
        "latency_first_quarter_p50_ms": round(statistics.median(lat[:q]), 2) if lat else None,
        "latency_last_quarter_p50_ms": round(statistics.median(lat[-q:]), 2) if lat else None,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--codes", type=int, default=10_000, help="codes in the bulk run")
    p.add_argument("--burst", type=int, default=300, help="codes in the wedge burst")
    p.add_argument("--paced", type=int, default=200, help="codes at 20/s (10 s)")
    p.add_argument("--chunk", type=int, default=8, help="characters per simulated keystroke write")
    p.add_argument("--key-gap-ms", type=float, default=0.0,
                   help="pause between keystroke writes (0: as fast as the pipe takes them)")
    p.add_argument("--dir", type=Path, default=None, help="parent folder for the data folder")
    args = p.parse_args(argv)

    t_all = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="stdin-bench-", dir=args.dir) as tmp:
        work = Path(tmp)
        key = keygen(work / "keys")
        total = args.codes + args.burst + args.paced + 3
        bundle, summary = make_bundle([key.trust_key()], parents=min(total, MAX_DEMO_PARENTS))
        session = int(summary["open_session"])
        parents = list(summary["parents"])
        if total > len(parents):
            # A class's capacity is at most 10,000 (protocol) and make_bundle sets it to
            # parents + 10; registered parents always have a seat, so register more directly.
            base = next(r for r in bundle.registrations if r.session_id == session)
            extra = [90_000_000 + i for i in range(total - len(parents))]
            bundle = bundle.model_copy(update={"registrations": [
                *bundle.registrations, *(base.model_copy(update={"parent_id": pid}) for pid in extra)
            ]})
            parents += extra
        codes = [key.issue(pid)[0] for pid in parents]
        with Store(work / "data" / "kiosk.db") as store:
            store.import_bundle(bundle)
        cmd = command(work / "data", session)

        def take(n: int) -> tuple[str, list[str], list[int]]:
            nonlocal codes, parents
            warm, cs, ps = codes[0], codes[1 : n + 1], parents[1 : n + 1]
            codes, parents = codes[n + 1 :], parents[n + 1 :]
            return warm, cs, ps

        res_bulk = bulk(cmd, *take(args.codes))
        res_burst = typed(cmd, *take(args.burst), chunk=args.chunk,
                          key_gap_s=args.key_gap_ms / 1000, interval_s=0.0)
        res_paced = typed(cmd, *take(args.paced), chunk=args.chunk,
                          key_gap_s=args.key_gap_ms / 1000, interval_s=1 / TARGET_RATE)
        conn = sqlite3.connect(work / "data" / "kiosk.db")
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        conn.close()

    ok = (res_burst["codes_per_s"] >= TARGET_RATE and res_burst["lost_or_wrong"] == 0
          and res_paced["lost_or_wrong"] == 0 and res_bulk["lost_or_wrong"] == 0)
    result = {
        "bench": "stdin_throughput",
        "command": ("starkiosk" if shutil.which("starkiosk") else "python -m kiosk")
        + " --data-dir D checkin --session SID",
        "bulk": res_bulk,
        "wedge_burst": res_burst,
        "paced_20_per_s": res_paced,
        "records_in_db": records,
        "target_rate": TARGET_RATE,
        "pass": ok,
        "elapsed_s": round(time.monotonic() - t_all, 1),
        "machine": machine(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
