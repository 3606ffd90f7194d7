"""Scanning figures (DESIGN §7, issue "Scanning"): decode time, success rate, latency, CPU.

    python bench/scan_bench.py [--per-variant 30] [--seconds 10]

1. Per-frame decode time, p50/p95, for frames with a code and empty frames, at 480p and 720p,
   for zxing-cpp (the kiosk's decoder) and cv2.QRCodeDetector, in the same run on the same frames.
2. Success rate on the generated corpus (perspective, blur, glare, phone bezel, dark mode, small).
3. "Code appears → record committed" latency through the real pipeline: a video played by the
   file source at 30 fps, decoder, debouncer (2 frames) and the real CheckinDesk on SQLite
   (synchronous=FULL).  Measured from the capture of the first frame showing the code.
4. CPU use of the pipeline at 30 fps (process CPU time / wall time while it runs).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402

from kiosk.core.clock import FixedClock  # noqa: E402
from kiosk.core.desk import CheckinDesk  # noqa: E402
from kiosk.core.store import Store  # noqa: E402
from kiosk.devtools.frames import corpus, write_video  # noqa: E402
from kiosk.devtools.keys import keygen  # noqa: E402
from kiosk.scan.decoder import QrDecoder, to_gray  # noqa: E402
from kiosk.scan.pipeline import ScanPipeline  # noqa: E402
from kiosk.scan.sources import FileSource  # noqa: E402
from sync.demo import make_bundle  # noqa: E402


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 3)


def decode_figures(texts: list[str], per_variant: int) -> dict:
    zx = QrDecoder()  # both polarities on every frame: the full cost of dark-mode support
    zx_alt = QrDecoder(invert="alternate")  # what the camera pipeline runs
    cvd = cv2.QRCodeDetector()
    out = {}
    for label, (w, h) in {"480p": (640, 480), "720p": (1280, 720)}.items():
        decs = ("zxing", "zxing_alternate", "opencv")
        times: dict[str, dict[str, list[float]]] = {d: defaultdict(list) for d in decs}
        ok: dict[str, dict[str, list[bool]]] = {d: defaultdict(list) for d in decs}
        for item in corpus(texts, per_variant=per_variant, width=w, height=h, empty=per_variant * 2):
            kind = "empty" if item.text is None else "hit"
            gray = to_gray(item.image)
            # zxing-cpp (through the kiosk's decoder, gray conversion included)
            t0 = time.perf_counter()
            got = zx.decode(item.image).texts
            times["zxing"][kind].append((time.perf_counter() - t0) * 1000)
            ok["zxing"][item.variant].append(got == [item.text] if item.text else not got)
            # alternate polarity: two consecutive frames, as the camera would deliver them
            t0 = time.perf_counter()
            got = zx_alt.decode(item.image).texts
            times["zxing_alternate"][kind].append((time.perf_counter() - t0) * 1000)
            if item.text and not got:
                got = zx_alt.decode(item.image).texts  # the next frame (not timed twice)
            ok["zxing_alternate"][item.variant].append(got == [item.text] if item.text else not got)
            # OpenCV's own detector on the same gray frame
            t0 = time.perf_counter()
            text, _, _ = cvd.detectAndDecode(gray)
            times["opencv"][kind].append((time.perf_counter() - t0) * 1000)
            ok["opencv"][item.variant].append(text == item.text if item.text else not text)
        out[label] = {
            dec: {
                "hit_ms": {"p50": pct(times[dec]["hit"], 0.5), "p95": pct(times[dec]["hit"], 0.95)},
                "empty_ms": {"p50": pct(times[dec]["empty"], 0.5), "p95": pct(times[dec]["empty"], 0.95)},
                "success": {v: round(sum(x) / len(x), 3) for v, x in ok[dec].items()},
                "success_all_codes": round(
                    sum(sum(x) for v, x in ok[dec].items() if v != "empty")
                    / sum(len(x) for v, x in ok[dec].items() if v != "empty"), 3),
            }
            for dec in decs
        }
    return out


def latency_and_cpu(texts: list[str], key, workdir: Path, seconds: float) -> dict:
    now = datetime.now(UTC)
    bundle, _ = make_bundle([key.trust_key()], now=now, parents=50)
    open_id = next(s.id for s in bundle.sessions if s.starts_at <= now <= s.ends_at)
    db = workdir / "kiosk.db"
    Store(db).import_bundle(bundle)
    video = workdir / "v.avi"
    layout = write_video(texts, str(video), width=1280, height=720, show_frames=20, gap_frames=10)
    first_frame = {text: first for text, first, _ in layout.appearances}

    latencies: list[float] = []
    local = threading.local()

    src = FileSource(video, fps=30, loop=True)
    src.open()

    def on_code(text: str, _first_seen: float) -> None:
        if not hasattr(local, "desk"):
            local.desk = CheckinDesk(Store(db), FixedClock(now))
        local.desk.scan(text, open_id, "camera")
        committed = time.perf_counter()
        # The latest capture of this code's first frame (the video loops).
        idx = first_frame[text]
        loops = [i for i in src.captured_at if (i - 1) % layout.frames + 1 == idx]
        appeared = src.captured_at[max(loops)]
        latencies.append((committed - appeared) * 1000)

    from kiosk.scan.debounce import Debouncer

    # hold_s shorter than a loop of the video, so every showing counts as a new scan.
    pipe = ScanPipeline(src, on_code, debouncer=Debouncer(2, hold_s=0.3))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    pipe.start()
    time.sleep(seconds)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    pipe.stop()
    return {
        "latency_ms": {"n": len(latencies), "p50": pct(latencies, 0.5), "p95": pct(latencies, 0.95),
                       "max": round(max(latencies), 3) if latencies else None},
        "pipeline_cpu_percent_of_one_core": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
        "frames": {"captured": pipe.stats.captured, "decoded": pipe.stats.decoded,
                   "dropped": pipe.stats.dropped},
        "video": "1280x720 MJPEG at 30 fps, codes shown 0.67 s, 0.33 s gaps",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-variant", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        key = keygen(work / "keys")
        start = datetime.now(UTC) - timedelta(days=1)
        texts = [key.issue(5_000_000 + i, valid_from=start)[0] for i in range(8)]
        result = {
            "bench": "scan",
            "machine": {"nproc": os.cpu_count(), "python": platform.python_version(),
                        "opencv": cv2.__version__, "platform": platform.platform()},
            "decode": decode_figures(texts, args.per_variant),
            "pipeline": latency_and_cpu(texts[:5], key, work, args.seconds),
        }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
