"""Start to the scan screen: the kiosk process started, the class opened, the scan screen shown.

DESIGN §7: "cold start to the scan screen ≤ 2 s (bundle), camera excluded".

A data folder is prepared once (a demo site bundle imported, one class open now, camera set to
``none``).  Each run starts the app — the built bundle when a path is given, else
``python -m kiosk`` — with ``QT_QPA_PLATFORM=offscreen`` and ``STARKIOSK_EXIT_AFTER_SCAN_SCREEN=1``:
the app opens the class that is on now as the demo does, prints ``scan-screen-ready <ms>`` when
the scan screen first shows, and quits.  The figure is wall time from spawning the process to
reading that line (the app's own figure, ms since its process started, is reported beside it).

``--cold`` drops the page cache before every run (``sync; echo 3 > /proc/sys/vm/drop_caches``,
root on Linux only); without it the runs after the first are warm.  Prints one JSON line.

Usage::

    python bench/cold_start.py dist/starkiosk/starkiosk --runs 20
    python bench/cold_start.py dist/starkiosk/starkiosk --runs 10 --cold
    python bench/cold_start.py --runs 10          # from source: python -m kiosk
    DISPLAY=:97 python bench/cold_start.py dist/starkiosk/starkiosk --platform xcb   # Xvfb :97
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MARKER = "scan-screen-ready"


def prepare(folder: Path, camera: str = "none") -> int:
    """A kiosk data folder with a demo bundle imported; returns the class open now."""
    from kiosk.config import Config
    from kiosk.core.store import Store
    from kiosk.devtools.keys import keygen
    from sync.demo import make_bundle

    key = keygen(folder / "keys")
    bundle, summary = make_bundle([key.trust_key()], now=datetime.now(UTC), parents=200)
    cfg = Config(folder / "kiosk")
    cfg.set("camera", camera)  # "none": camera excluded from the figure (DESIGN §7)
    cfg.save()
    with Store(cfg.db_path) as store:
        store.import_bundle(bundle)
    return int(summary["open_session"])


def drop_caches() -> str | None:
    """None when the page cache was dropped, else why not."""
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except (OSError, subprocess.CalledProcessError) as exc:
        return str(exc)
    return None


def one_run(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[float, float | None]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    wall = reported = None
    deadline = t0 + timeout
    try:
        for line in proc.stdout:
            if line.startswith(MARKER):
                wall = (time.perf_counter() - t0) * 1000
                parts = line.split()
                reported = float(parts[1]) if len(parts) > 1 else None
                break
            if time.perf_counter() > deadline:
                break
        proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
    except subprocess.TimeoutExpired:
        pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if wall is None:
        raise RuntimeError(f"no {MARKER!r} line from {' '.join(cmd)} (exit {proc.returncode})")
    return wall, reported


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("bundle", nargs="?", type=Path, help="dist/starkiosk/starkiosk (default: source)")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--cold", action="store_true", help="drop the page cache before every run")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--camera", default="none",
                   help="the kiosk's camera setting (default none, as DESIGN §7 measures); "
                        "camera:0 adds looking for a camera (none attached here)")
    p.add_argument("--platform", default="offscreen",
                   help="Qt platform plugin (default offscreen; xcb needs DISPLAY, e.g. Xvfb)")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="starkiosk-coldstart-") as tmp:
        folder = Path(tmp)
        session = prepare(folder, args.camera)
        data_dir = folder / "kiosk"
        if args.bundle:
            cmd = [str(args.bundle.resolve()), "--data-dir", str(data_dir)]
        else:
            cmd = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir)]
        env = {**os.environ, "QT_QPA_PLATFORM": args.platform,
               "STARKIOSK_EXIT_AFTER_SCAN_SCREEN": "1"}
        walls: list[float] = []
        reported: list[float] = []
        cold_error = None
        for _ in range(args.runs):
            if args.cold:
                cold_error = drop_caches()
                if cold_error:
                    break
            wall, own = one_run(cmd, env, args.timeout)
            walls.append(wall)
            if own is not None:
                reported.append(own)
    if cold_error:
        print(json.dumps({"error": f"cannot drop the page cache: {cold_error}"}))
        return 1
    result: dict[str, Any] = {
        "what": "start to scan screen" + (" (camera off)" if args.camera == "none" else f" (camera {args.camera})"),
        "target": "bundle" if args.bundle else "source (python -m kiosk)",
        "qt_platform": args.platform,
        "cache": "cold (page cache dropped before each run)" if args.cold
                 else "warm (first run may be cold)",
        "runs": len(walls), "class": session,
        "wall_ms": {"first": round(walls[0]), "median": round(statistics.median(walls)),
                    "p95": round(pct(walls, 0.95)), "max": round(max(walls))},
        "app_reported_ms": ({"median": round(statistics.median(reported)),
                             "p95": round(pct(reported, 0.95))} if reported else None),
        "load_avg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
