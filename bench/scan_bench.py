"""Scanning figures (DESIGN §7, issues "Scanning" and #16): success, decode time, latency, CPU.

    python bench/scan_bench.py [--per-variant 20] [--frames 10] [--seconds 20]

Everything is measured for the kiosk's decoder (``MultiFrameDecoder``, kiosk/scan/strategy.py) and
plain zxing-cpp in the same run, on the same frames:

1. Success per corpus variant (kiosk/devtools/frames.py: the classic variants and the camera ones —
   motion blur, defocus 2/3/4 px, moiré, low light, JPEG, cracked protector, overexposed): each
   showing is ``--frames`` consecutive 720p frames of one real pass, as a camera gives them.
   *kiosk*: the strategy, one instance for the whole run as in the kiosk (a second passes between
   showings, so after a few showings with nothing located it idles, and a new showing — a change
   in the picture — wakes it, as at a site); read = the pass's text in ≥ 1 frame, and *emitted* = in ≥ 2 frames (the pipeline's
   debounce).  *zxing*: ``zxingcpp.read_barcodes`` with its defaults (both polarities) on every
   frame; read = in ≥ 1 frame.  *OpenCV*: ``cv2.QRCodeDetector`` on the first ``--opencv-frames``
   frames (it is ~40× slower).  Any other text is a wrong read; any text on an empty showing a
   false read.
2. Per-frame decode time at 720p, p50/p95, frames with a code and empty frames: the kiosk's
   decoder, the decoder it had before (zxing-cpp, one polarity a frame) and zxing-cpp's defaults;
   BGR → gray included, as the kiosk's OpenCV camera delivers.
3. The pipeline at 30 fps on a 1280×720 MJPEG video through the file source: code appears →
   record committed (p50/p95, real CheckinDesk on SQLite) and CPU (process CPU / wall time) with
   codes, then CPU on a video of an empty room after the idle mode has begun; each for the kiosk's
   decoder and the previous one, alternating.
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
import zxingcpp  # noqa: E402

from kiosk.core.clock import FixedClock  # noqa: E402
from kiosk.core.desk import CheckinDesk  # noqa: E402
from kiosk.core.store import Store  # noqa: E402
from kiosk.devtools.frames import ALL_VARIANTS, showings, write_video  # noqa: E402
from kiosk.devtools.keys import keygen  # noqa: E402
from kiosk.scan.debounce import Debouncer  # noqa: E402
from kiosk.scan.decoder import QrDecoder, to_gray  # noqa: E402
from kiosk.scan.pipeline import ScanPipeline  # noqa: E402
from kiosk.scan.sources import FileSource  # noqa: E402
from kiosk.scan.strategy import MultiFrameDecoder  # noqa: E402
from sync.demo import make_bundle  # noqa: E402

QR = zxingcpp.BarcodeFormat.QRCode


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 3)


def _zxing(gray) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(gray, formats=QR) if b.valid and b.text]


def corpus_figures(texts: list[str], per_variant: int, frames: int, opencv_frames: int) -> dict:
    kiosk = MultiFrameDecoder()
    previous = QrDecoder(invert="alternate")
    cvd = cv2.QRCodeDetector()
    ok: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    reads_by: dict[str, int] = defaultdict(int)
    wrong: dict[str, int] = defaultdict(int)
    skipped: dict[str, int] = defaultdict(int)
    t = 0.0
    for show in showings(texts, per_variant=per_variant, frames=frames, empty=per_variant):
        kind = "hit" if show.text else "empty"
        counts = defaultdict(int)
        t += 1.0  # the previous parent has gone
        for i, frame in enumerate(show.frames):
            t += 1 / 30
            t0 = time.perf_counter()
            r = kiosk.decode(frame, t)
            if r.skipped:  # idle mode let the frame pass: nothing decoded, nothing timed
                skipped[kind] += 1
            else:
                times["kiosk"][kind].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            got_prev = previous.decode(frame).texts
            times["previous"][kind].append((time.perf_counter() - t0) * 1000)
            gray = to_gray(frame)
            t0 = time.perf_counter()
            got_zx = _zxing(gray)
            times["zxing"][kind].append((time.perf_counter() - t0) * 1000)
            got = {"kiosk": r.texts, "zxing": got_zx, "previous": got_prev}
            if i < opencv_frames and counts["opencv"] == 0:
                text, _, _ = cvd.detectAndDecode(gray)
                got["opencv"] = [text] if text else []
            if r.read_by and r.texts == [show.text]:
                reads_by[r.read_by] += 1
            for dec, texts_here in got.items():
                for x in texts_here:
                    if x == show.text:
                        counts[dec] += 1
                    else:
                        wrong[dec] += 1
        for dec in ("kiosk", "zxing", "opencv"):
            ok[dec][show.variant].append(counts[dec] >= 1 if show.text else counts[dec] == 0)
        ok["kiosk_emitted"][show.variant].append(counts["kiosk"] >= 2 if show.text else counts["kiosk"] == 0)

    def summary(dec: str) -> dict:
        per = {v: round(sum(x) / len(x), 3) for v, x in ok[dec].items()}
        codes = [b for v, x in ok[dec].items() if v != "empty" for b in x]
        camera = [b for v, x in ok[dec].items() if v not in ("empty",) + ALL_VARIANTS[:7] for b in x]
        return {"per_variant": per, "all_codes": round(sum(codes) / len(codes), 3),
                "camera_variants": round(sum(camera) / len(camera), 3)}

    return {
        "showings_per_variant": per_variant, "frames_per_showing": frames,
        "opencv_frames": opencv_frames,
        "success": {dec: summary(dec) for dec in ("kiosk", "kiosk_emitted", "zxing", "opencv")},
        "wrong_texts": dict(wrong), "kiosk_reads_by_attempt": dict(reads_by),
        "kiosk_idle_skipped_frames": dict(skipped),
        "decode_ms_720p": {
            dec: {kind: {"p50": pct(v, 0.5), "p95": pct(v, 0.95), "n": len(v)} for kind, v in d.items()}
            for dec, d in times.items()
        },
    }


def _run_pipeline(video: Path, decoder, seconds: float, on_code=None, warmup_s: float = 0.0,
                  src_out: list | None = None) -> dict:
    src = FileSource(video, fps=30, loop=True)
    src.open()
    if src_out is not None:
        src_out.append(src)
    pipe = ScanPipeline(src, on_code or (lambda *_: None), decoder=decoder,
                        debouncer=Debouncer(2, hold_s=0.3))
    pipe.start()
    time.sleep(warmup_s)
    cpu0, wall0, dec0, skip0 = time.process_time(), time.perf_counter(), pipe.stats.decoded, pipe.stats.skipped
    time.sleep(seconds)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    decoded, skipped = pipe.stats.decoded - dec0, pipe.stats.skipped - skip0
    pipe.stop()
    return {"cpu_percent_of_one_core": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
            "decoded": decoded, "skipped": skipped}


def pipeline_figures(texts: list[str], key, workdir: Path, seconds: float) -> dict:
    now = datetime.now(UTC)
    bundle, _ = make_bundle([key.trust_key()], now=now, parents=50)
    open_id = next(s.id for s in bundle.sessions if s.starts_at <= now <= s.ends_at)
    db = workdir / "kiosk.db"
    Store(db).import_bundle(bundle)
    video = workdir / "v.avi"
    layout = write_video(texts, str(video), width=1280, height=720, show_frames=20, gap_frames=10)
    first_frame = {text: first for text, first, _ in layout.appearances}
    room = workdir / "room.avi"
    write_video([], str(room), width=1280, height=720, gap_frames=90)

    def measure(decoder) -> dict:
        latencies: list[float] = []
        local = threading.local()
        sources: list[FileSource] = []

        def on_code(text: str, _first_seen: float) -> None:
            if not hasattr(local, "desk"):
                local.desk = CheckinDesk(Store(db), FixedClock(now))
            local.desk.scan(text, open_id, "camera")
            committed = time.perf_counter()
            src = sources[0]
            idx = first_frame[text]
            loops = [i for i in src.captured_at if (i - 1) % layout.frames + 1 == idx]
            latencies.append((committed - src.captured_at[max(loops)]) * 1000)

        with_codes = _run_pipeline(video, decoder, seconds, on_code, src_out=sources)
        return {"latency_ms": {"n": len(latencies), "p50": pct(latencies, 0.5),
                               "p95": pct(latencies, 0.95)},
                "with_codes": with_codes}

    out: dict = {"kiosk": [], "previous": []}
    for _ in range(2):  # alternate, so a busy moment of the machine hits both
        out["kiosk"].append(measure(MultiFrameDecoder()))
        out["previous"].append(measure(QrDecoder(invert="alternate")))
    # An empty room: the kiosk's decoder idles after 3 s; measured from 4 s on.
    for _ in range(2):
        out["kiosk"].append({"idle_room": _run_pipeline(room, MultiFrameDecoder(), seconds, warmup_s=4)})
        out["previous"].append({"idle_room": _run_pipeline(room, QrDecoder(invert="alternate"),
                                                           seconds, warmup_s=4)})
    out["video"] = "1280x720 MJPEG at 30 fps; codes shown 0.67 s, 0.33 s gaps; the room: no code"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-variant", type=int, default=20)
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--opencv-frames", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--skip-pipeline", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        key = keygen(work / "keys")
        start = datetime.now(UTC) - timedelta(days=1)
        texts = [key.issue(5_000_000 + i, valid_from=start)[0] for i in range(8)]
        result = {
            "bench": "scan",
            "machine": {"nproc": os.cpu_count(), "cpu": _cpu_model(),
                        "python": platform.python_version(), "opencv": cv2.__version__,
                        "platform": platform.platform()},
            "corpus": corpus_figures(texts, args.per_variant, args.frames, args.opencv_frames),
        }
        if not args.skip_pipeline:
            result["pipeline"] = pipeline_figures(texts[:5], key, work, args.seconds)
        result["machine"]["loadavg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
