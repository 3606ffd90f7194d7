"""The camera pipeline: capture → (newest frame only) → gray → decode → debounce → one code.

The decoder is :class:`~kiosk.scan.strategy.MultiFrameDecoder` (a different attempt in each frame,
hints for the parent, an idle mode); a plain :class:`~kiosk.scan.decoder.QrDecoder` still fits.
Two plain threads: one captures as fast as the source delivers and keeps only the newest frame;
the other decodes whatever is newest and drops the rest, so a slow decode never builds a queue
and a parent never waits for old frames.  Results leave through callbacks, called on the decode
thread; the Qt service turns them into signals.  No Qt here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoder import DecodeResult, QrDecoder
from kiosk.scan.sources import Frame, FrameSource, NullSource, SourceError
from kiosk.scan.strategy import MultiFrameDecoder, ScanResult

log = logging.getLogger(__name__)

CodeCallback = Callable[[str, float], None]  # (text, first seen: perf_counter time)
PreviewCallback = Callable[[Frame, DecodeResult | ScanResult], None]
HintCallback = Callable[[str], None]  # a key of kiosk.scan.hints.HINTS, or "" (none)


@dataclass
class PipelineStats:
    captured: int = 0
    decoded: int = 0
    dropped: int = 0
    emitted: int = 0
    skipped: int = 0  # idle mode: frames the decoder let pass
    hints: list[str] = field(default_factory=list)
    decode_ms: list[float] = field(default_factory=list)
    decode_threads: set[int] = field(default_factory=set)


class _Latest:
    """A one-slot mailbox: put replaces, take waits for something newer."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False

    def put(self, frame: Frame) -> bool:
        with self._cond:
            replaced = self._frame is not None
            self._frame = frame
            self._cond.notify()
            return replaced

    def take(self, timeout: float) -> Frame | None:
        with self._cond:
            if self._frame is None and not self._closed:
                self._cond.wait(timeout)
            frame, self._frame = self._frame, None
            return frame

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class ScanPipeline:
    def __init__(
        self,
        source: FrameSource,
        on_code: CodeCallback,
        *,
        decoder: MultiFrameDecoder | QrDecoder | None = None,
        debouncer: Debouncer | None = None,
        on_preview: PreviewCallback | None = None,
        preview_fps: float = 15.0,
        on_error: Callable[[str], None] | None = None,
        on_end: Callable[[], None] | None = None,
        on_hint: HintCallback | None = None,
        keep_timings: bool = False,
    ) -> None:
        self.source = source
        self.on_code = on_code
        self.decoder = decoder or MultiFrameDecoder()
        self.debouncer = debouncer or Debouncer()
        self.on_preview = on_preview
        self.preview_interval = 1.0 / preview_fps if preview_fps > 0 else float("inf")
        self.on_error = on_error
        self.on_end = on_end
        self.on_hint = on_hint
        self._hint = ""
        self.keep_timings = keep_timings
        self.stats = PipelineStats()
        self._mailbox = _Latest()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._capture_done = threading.Event()

    def start(self) -> None:
        self._threads = [
            threading.Thread(target=self._capture_loop, name="scan-capture", daemon=True),
            threading.Thread(target=self._decode_loop, name="scan-decode", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop both threads, then release the source (never while a read is in progress)."""
        self._stop.set()
        self._mailbox.close()
        if isinstance(self.source, NullSource):
            self.source.close()  # wakes a NullSource that is waiting
        for t in self._threads:
            t.join(timeout)
        self.source.close()

    def wait_until_source_ends(self, timeout: float) -> bool:
        return self._capture_done.wait(timeout)

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def _capture_loop(self) -> None:
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    if self.source.ended:
                        break
                    continue
                self.stats.captured += 1
                if self._mailbox.put(frame):
                    self.stats.dropped += 1
        except SourceError as exc:
            log.warning("frame source failed: %s", exc)
            if self.on_error:
                self.on_error(str(exc))
        except Exception:  # a camera driver can throw anything; the kiosk keeps running
            log.exception("frame capture crashed")
            if self.on_error:
                self.on_error("camera error")
        finally:
            self._capture_done.set()
            self._mailbox.close()

    def _decode_loop(self) -> None:
        last_preview = 0.0
        while not self._stop.is_set():
            frame = self._mailbox.take(timeout=0.2)
            if frame is None:
                if self._capture_done.is_set():
                    break
                continue
            try:
                if isinstance(self.decoder, MultiFrameDecoder):
                    result: DecodeResult | ScanResult = self.decoder.decode(frame.image, frame.captured)
                else:
                    result = self.decoder.decode(frame.image)
            except Exception:
                log.exception("decoder failed on a frame")
                continue
            self.stats.decode_threads.add(threading.get_ident())
            if isinstance(result, ScanResult):
                self._relay_hint(result.hint)
                if result.skipped:
                    self.stats.skipped += 1
                    continue
            self.stats.decoded += 1
            if self.keep_timings:
                self.stats.decode_ms.append(result.ms)
            for text, first_seen in self.debouncer.feed(result.texts, frame.captured):
                self.stats.emitted += 1
                try:
                    self.on_code(text, first_seen)
                except Exception:
                    log.exception("code handler failed")
            now = time.perf_counter()
            if self.on_preview and now - last_preview >= self.preview_interval:
                last_preview = now
                try:
                    self.on_preview(frame, result)
                except Exception:
                    log.exception("preview handler failed")
        self._relay_hint("")
        if self.on_end:
            self.on_end()

    def _relay_hint(self, hint: str) -> None:
        if hint == self._hint:
            return
        self._hint = hint
        self.stats.hints.append(hint)
        if self.on_hint:
            try:
                self.on_hint(hint)
            except Exception:
                log.exception("hint handler failed")
