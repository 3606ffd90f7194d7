"""Code shown → result on screen, through the whole app (DESIGN §7: p95 ≤ 150 ms).

    python bench/screen_latency.py [--seconds 30] [--backend opencv|qt]

The real app (``kiosk.app.build``: scan service, check-in worker, main window, offscreen Qt) with
a file source playing a 1280×720 MJPEG video of registered parents' passes at 30 fps as the
camera.  For every result card the app shows, the time from the capture of the first video frame
that showed that code to the end of the repaint of the result card (``QWidget.repaint()`` is
forced right after the window sets the card, in the main thread).  The card needs the record
committed first, so this is the full path: capture, decode, debounce (2 frames), queued signal,
check-in worker (SQLite, synchronous=FULL), queued result, card repaint.  Prints one JSON line.

``--backend qt`` plays the video through Qt Multimedia instead of OpenCV: the frame path of the
bundle's camera (QVideoSink in the GUI thread, luma plane taken on the capture thread).  Capture
time is then when the sink received the frame.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.core.store import Store  # noqa: E402
from kiosk.devtools.frames import write_video  # noqa: E402
from kiosk.devtools.keys import keygen  # noqa: E402
from sync.demo import make_bundle  # noqa: E402


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 1) if s else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=40.0)
    ap.add_argument("--backend", choices=["opencv", "qt"], default="opencv",
                    help="what plays the video: OpenCV (a source install) or Qt (the bundle)")
    args = ap.parse_args()
    os.environ["STARKIOSK_CAMERA_BACKEND"] = args.backend
    app = QApplication.instance() or QApplication([])
    from kiosk.app import build

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        key = keygen(root / "keys")
        now = datetime.now(UTC)
        bundle, summary = make_bundle([key.trust_key()], now=now, parents=400)
        cfg = Config(root / "kiosk")
        with Store(cfg.db_path) as store:
            store.import_bundle(bundle)
        # Many distinct registered parents, so every showing is a fresh check-in.
        texts = [key.issue(p)[0] for p in summary["parents"][:40]]
        video = root / "v.avi"
        layout = write_video(texts, str(video), width=1280, height=720, show_frames=20,
                             gap_frames=10)
        first_frame = {t: first for t, first, _ in layout.appearances}
        k = build(cfg, source_spec=f"file:{video}", sounds=False, sync_interval_s=3600,
                  card_ms=400)
        w = k.window
        w.resize(1280, 800)
        w.show()
        w.start()
        deadline = time.monotonic() + 10
        while w.picker.selected() is None and time.monotonic() < deadline:
            app.processEvents()
        latencies: list[float] = []
        outcomes: dict[str, int] = {}

        def on_result(result) -> None:  # type: ignore[no-untyped-def]
            w.scan.repaint()  # the card is set by the window's own slot, connected earlier
            painted = time.perf_counter()
            outcomes[result.outcome.value] = outcomes.get(result.outcome.value, 0) + 1
            src = k.scanner.source if k.scanner else None
            text = next((t for t in texts if result.pass_id is not None
                         and t in first_frame and _pass_id(t) == result.pass_id), None)
            if src is None or text is None:
                return
            idx = first_frame[text]
            seen = [i for i in src.captured_at if (i - 1) % layout.frames + 1 == idx]
            if seen:
                ms = (painted - src.captured_at[max(seen)]) * 1000
                # Qt keys frames by their number in the video, the latest showing: a frame the sink
                # skipped this loop still holds the previous loop's time.  Half a loop tells them apart.
                if ms < layout.frames / layout.fps * 500:
                    latencies.append(ms)

        k.checkin.result.connect(on_result)
        w.picker.start()
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)
        k.shutdown()
    print(json.dumps({
        "bench": "screen_latency",
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "loadavg_1m": os.getloadavg()[0]},
        "results": outcomes,
        "latency_ms": {"n": len(latencies), "p50": pct(latencies, 0.5), "p95": pct(latencies, 0.95),
                       "max": round(max(latencies), 1) if latencies else None},
        "backend": args.backend,
        "target_p95_ms": 150,
    }), flush=True)
    # Skip interpreter finalisation: tearing down Qt objects at exit is not what is measured.
    os._exit(0)


def _pass_id(text: str) -> int:
    from sync.passes import parse

    return parse(text)[0].pass_id


if __name__ == "__main__":
    main()
