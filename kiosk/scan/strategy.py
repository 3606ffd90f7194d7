"""A decode strategy for a camera: 30 frames a second of the same code, each tried a little
differently.

Every decoded frame gets the *first look*: zxing-cpp on a ½-size copy (every other pixel, which
keeps edges sharp), one polarity per frame as :class:`~kiosk.scan.decoder.QrDecoder` alternates
them, asking zxing-cpp for the codes it located but could not read as well.  A ½ copy is a
quarter of the pixels, so an empty frame is rejected in well under a millisecond, and it still
reads codes down to about 1.5 px per module at 720p.

When the first look reads nothing, the strategy spends what is left of the frame's budget on
*extra attempts*, a different one first in each frame, in rotation:

* with a code located (this frame, or recently): on a crop around it, at full resolution —
  zxing-cpp as it is, sharpened (an unsharp mask, numpy only), the other binarizers
  (GlobalHistogram, FixedThreshold), a contrast stretch (overexposed phone screens), ½ size
  (sharpens blur), 2× (small codes);
* with nothing located: one cheap whole-frame attempt (½ by averaging, GlobalHistogram, …), which
  may locate a code for the next frames.

An attempt that read the code goes first in the next frame, so the debouncer's second sighting
comes quickly.  Texts from a transformed picture count only if they are Star Parent passes (the
desk still checks the signature), and the pipeline's debouncer still wants them in N frames.

When a code is located but not read for a while, :attr:`ScanResult.hint` says what would help
(:data:`HINTS`: too small → ``closer``, moving → ``hold_still``, clipped or dim → ``brighter``).
After ``idle_after_s`` with nothing located the strategy idles: one frame in ``idle_every``, first
look only; the first located code brings the full rate back.  State is per instance: one per
camera pipeline, used on one thread.  No Qt and no OpenCV here (the bundle has neither on this
path: gray frames come from Qt).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import zxingcpp

from kiosk.scan.decoder import Found, Point, to_gray
from sync import passes

# word → what the scan screen shows (the screen owns the wording; these are the stable words)
HINTS = {"closer": "请靠近一点", "hold_still": "请拿稳", "brighter": "请调亮屏幕"}
_QR = zxingcpp.BarcodeFormat.QRCode
_B = zxingcpp.Binarizer
PASS_MODULES = 37  # a Star Parent pass is a version-5 QR symbol: 37 modules a side


def is_pass(text: str) -> bool:
    """Whether ``text`` is shaped like a Star Parent pass (the signature is the desk's business)."""
    try:
        passes.parse(text)
    except passes.PassFormatError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What one frame gave: codes read (``found``), codes located but unread (``located``)."""

    found: tuple[Found, ...]
    ms: float
    located: tuple[tuple[Point, Point, Point, Point], ...] = ()
    attempts: tuple[str, ...] = ()  # what was tried, in order ("" when the frame was skipped)
    read_by: str = ""  # the attempt that read the code
    hint: str = ""  # "", or a key of HINTS
    skipped: bool = False  # idle mode: this frame was not decoded
    idle: bool = False

    @property
    def texts(self) -> list[str]:
        return [f.text for f in self.found]


# -- pictures (numpy only) -------------------------------------------------------------------------

def half_sample(gray: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(gray[::2, ::2])


def half_mean(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape[0] // 2 * 2, gray.shape[1] // 2 * 2
    g = gray[:h, :w].astype(np.uint16)
    return ((g[0::2, 0::2] + g[1::2, 0::2] + g[0::2, 1::2] + g[1::2, 1::2] + 2) >> 2).astype(np.uint8)


def double(gray: np.ndarray) -> np.ndarray:
    return np.repeat(np.repeat(gray, 2, axis=0), 2, axis=1)


def unsharp(gray: np.ndarray, r: int, amount: float) -> np.ndarray:
    """gray + amount·(gray − blur): the blur is the mean of the 8 pixels ``r`` away (weighted
    like a coarse Gaussian) — a few array operations, 8× faster than a box filter in numpy."""
    h, w = gray.shape
    p = np.pad(gray, r, mode="edge").astype(np.int16)
    c = p[r : r + h, r : r + w]
    edges = p[0:h, r : r + w] + p[2 * r :, r : r + w] + p[r : r + h, 0:w] + p[r : r + h, 2 * r :]
    corners = p[0:h, 0:w] + p[2 * r :, 2 * r :] + p[0:h, 2 * r :] + p[2 * r :, 0:w]
    blur = (2 * edges + corners) // 12
    return np.clip(c + ((c - blur) * round(amount * 4)) // 4, 0, 255).astype(np.uint8)


def stretch(gray: np.ndarray, low: float = 0.02, high: float = 0.98) -> np.ndarray:
    """Contrast stretch: the ``low``…``high`` share of the histogram spread over 0…255."""
    cdf = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    n = cdf[-1]
    lo = int(np.searchsorted(cdf, low * n))
    hi = int(np.searchsorted(cdf, high * n))
    if hi - lo < 8:
        return gray
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * 255.0 / (hi - lo), 0, 255).astype(np.uint8)
    return lut[gray]


# name → (picture transform, binarizer, scale of the picture against its input)
Transform = Callable[[np.ndarray], np.ndarray]
_CROP_ATTEMPTS: dict[str, tuple[Transform, object, float]] = {
    "crop": (lambda g: g, _B.LocalAverage, 1.0),
    "crop_inverted": (np.invert, _B.LocalAverage, 1.0),  # located in the other polarity
    "sharpen": (lambda g: unsharp(g, 2, 1.5), _B.LocalAverage, 1.0),
    "fixed": (lambda g: g, _B.FixedThreshold, 1.0),
    "sharpen_more": (lambda g: unsharp(g, 3, 2.0), _B.LocalAverage, 1.0),
    "half": (half_mean, _B.LocalAverage, 0.5),
    "stretch": (stretch, _B.LocalAverage, 1.0),
    "global": (lambda g: g, _B.GlobalHistogram, 1.0),
    "sharpen_fixed": (lambda g: unsharp(g, 2, 1.5), _B.FixedThreshold, 1.0),
    "double": (double, _B.LocalAverage, 2.0),
    "stretch_sharpen": (lambda g: unsharp(stretch(g), 2, 1.0), _B.LocalAverage, 1.0),
}
_FRAME_ATTEMPTS: dict[str, tuple[Transform, object, float]] = {
    "frame_half": (half_mean, _B.LocalAverage, 0.5),
    "frame_full": (lambda g: g, _B.LocalAverage, 1.0),
    "frame_global": (lambda g: g, _B.GlobalHistogram, 1.0),
    "frame_fixed": (lambda g: g, _B.FixedThreshold, 1.0),
}
_PLAIN = {"first", "crop", "crop_inverted", "frame_full"}  # zxing-cpp on the picture as it is: any text counts


def _area(q) -> float:
    """Area of a quadrilateral (shoelace)."""
    return abs(sum(q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1] for i in range(4))) / 2


def _squarish(q) -> bool:
    xs, ys = [p[0] for p in q], [p[1] for p in q]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    return max(w, h) <= 1.6 * max(min(w, h), 1)


def _best(quads) -> tuple[Point, Point, Point, Point]:
    """The located code: the largest square-ish quadrilateral (zxing-cpp also reports long thin
    pieces of a damaged code)."""
    return max(quads, key=lambda q: (_squarish(q), _area(q)))


def _union(quads) -> tuple[Point, Point, Point, Point]:
    """The box around the square-ish ``quads``: zxing-cpp often locates a damaged code as
    several pieces."""
    quads = [q for q in quads if _squarish(q)] or quads
    xs = [p[0] for q in quads for p in q]
    ys = [p[1] for q in quads for p in q]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


@dataclass(slots=True)
class _Sighting:
    t: float
    corners: tuple[Point, Point, Point, Point]
    read: bool = False

    @property
    def centre(self) -> tuple[float, float]:
        return (sum(p[0] for p in self.corners) / 4, sum(p[1] for p in self.corners) / 4)

    @property
    def side(self) -> float:
        c = self.corners
        return sum(math.dist(c[i], c[(i + 1) % 4]) for i in range(4)) / 4


@dataclass
class StrategyStats:
    frames: int = 0
    skipped: int = 0
    attempts: int = 0
    reads_by: dict[str, int] = field(default_factory=dict)


class MultiFrameDecoder:
    """The camera pipeline's decoder (see the module's docstring).  One instance per camera."""

    def __init__(self, *, budget_ms: float = 6.0, empty_budget_ms: float = 2.2, idle_after_s: float = 3.0, idle_every: int = 3,
                 keep_roi_s: float = 0.4, hint_after: int = 8, clear_after_s: float = 1.0,
                 accept: Callable[[str], bool] = is_pass, first_look_min_width: int = 960,
                 full_every: int = 30) -> None:
        self.budget_ms = budget_ms
        self.empty_budget_ms = empty_budget_ms
        self.full_every = max(1, full_every)  # with nothing located, a full-resolution look
        self.idle_after_s = idle_after_s
        self.idle_every = max(1, idle_every)
        self.keep_roi_s = keep_roi_s
        self.hint_after = hint_after
        self.clear_after_s = clear_after_s
        self.accept = accept
        self.first_look_min_width = first_look_min_width
        self.stats = StrategyStats()
        self._inverted = False
        self._last_active = -math.inf  # when a code was last located or read
        self._sightings: list[_Sighting] = []  # recent located-or-read positions (newest last)
        self._unread = 0  # consecutive decoded frames with a code located but not read
        self._hint = ""
        self._crop_order = list(_CROP_ATTEMPTS)[2:]
        self._crop_next = 0
        self._frame_next = 0
        self._search = 0
        self._good: str | None = None  # the attempt that read the code last
        self._idle_count = 0

    # -- state ---------------------------------------------------------------------------------

    def idle_at(self, t: float) -> bool:
        return t - self._last_active > self.idle_after_s

    def reset(self) -> None:
        self._last_active = -math.inf
        self._sightings.clear()
        self._unread, self._hint, self._good = 0, "", None

    # -- one frame -----------------------------------------------------------------------------

    def decode(self, frame: np.ndarray, t: float | None = None) -> ScanResult:
        t0 = time.perf_counter()
        t = t0 if t is None else t
        if self._last_active == -math.inf:
            self._last_active = t  # a camera starts awake: idle after idle_after_s of nothing
        idle = self.idle_at(t)
        self.stats.frames += 1
        if idle:
            self._idle_count += 1
            if self._idle_count % self.idle_every:
                self.stats.skipped += 1
                return ScanResult((), 0.0, skipped=True, idle=True, hint=self._hint)
        else:
            self._idle_count = 0
        gray = to_gray(frame)
        inverted = self._inverted
        image = np.invert(gray) if inverted else gray
        attempts: list[str] = []
        located: list[tuple[Point, Point, Point, Point]] = []

        found, seen = self._first_look(image, attempts, t)
        located += seen
        read_by = "first" if found else ""
        if not found and not (idle and located):  # idle: the whole-frame attempt only
            found, read_by, more = self._extras(image, located, t, t0, attempts)
            located += more
        self.stats.attempts += len(attempts)
        if read_by:
            self.stats.reads_by[read_by] = self.stats.reads_by.get(read_by, 0) + 1
        if found or located:
            self._last_active = t
            corners = found[0].corners if found else _best(located)
            self._sightings = [s for s in self._sightings if t - s.t <= 0.5][-5:]
            self._sightings.append(_Sighting(t, corners, bool(found)))
        if not found and not located:
            self._inverted = not inverted  # nothing here: look the other way next frame
        self._update_hint(gray, found, located, t)
        return ScanResult(tuple(found), (time.perf_counter() - t0) * 1000, tuple(located),
                          tuple(attempts), read_by, self._hint, idle=idle)

    def _recent(self, t: float) -> bool:
        """A code located, not read, a moment ago (it may flicker in and out of reach); a code
        that was read and is not there any more has gone."""
        return (bool(self._sightings) and not self._sightings[-1].read
                and t - self._sightings[-1].t <= self.keep_roi_s)

    def _read(self, image: np.ndarray, binarizer: object, attempts: list[str], name: str,
              scale: float, offset: tuple[int, int] = (0, 0)) -> tuple[list[Found], list]:
        attempts.append(name)
        ox, oy = offset
        found, located = [], []
        for b in zxingcpp.read_barcodes(image, formats=_QR, try_rotate=False, try_downscale=False,
                                        try_invert=False, binarizer=binarizer, return_errors=True):
            p = b.position
            corners = tuple((round(q.x / scale) + ox, round(q.y / scale) + oy) for q in
                            (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
            if b.valid and b.text and (name in _PLAIN or self.accept(b.text)):
                found.append(Found(b.text, corners))  # type: ignore[arg-type]
            elif not b.valid and _area(corners) >= 64:  # (a failed read may have no position)
                located.append(corners)
        return found, located

    def _first_look(self, image: np.ndarray, attempts: list[str],
                    t: float) -> tuple[list[Found], list]:
        """While a code is in view (seen a moment ago), the frame as zxing-cpp alone reads it;
        otherwise a ½ copy by averaging: cheap on an empty room, and the averaging sees
        through the sensor noise of a dim one."""
        in_view = bool(self._sightings) and t - self._sightings[-1].t <= self.keep_roi_s
        if image.shape[1] >= self.first_look_min_width and not in_view:
            return self._read(half_mean(image), _B.LocalAverage, attempts, "first", 0.5)
        return self._read(np.ascontiguousarray(image), _B.LocalAverage, attempts, "first", 1.0)

    def _extras(self, image: np.ndarray, located: list, t: float, t0: float,
                attempts: list[str]) -> tuple[list[Found], str, list]:
        def left() -> float:
            return self.budget_ms - (time.perf_counter() - t0) * 1000

        more: list = []
        region = _union(located) if located else (
            self._sightings[-1].corners if self._recent(t) else None)
        if region is None:
            # Nothing located: the whole frame with the global binarizer (cheap; it reads tilted
            # codes a ½ copy misses), then, if the frame is still cheap, ½ by averaging (it sees
            # through sensor noise and blur) or a fixed threshold, in turn.
            others = ["frame_fixed", "frame_half"]
            order = ["frame_global", others[self._frame_next % len(others)]]
            self._search += 1
            if self._search % self.full_every == 0 and not self.idle_at(t):
                order = ["frame_full"]  # once a second: what zxing-cpp alone would have done
            for i, name in enumerate(order):
                if i and (time.perf_counter() - t0) * 1000 > self.empty_budget_ms - 0.6:
                    break
                if i:
                    self._frame_next += 1
                fn, binarizer, scale = _FRAME_ATTEMPTS[name]
                found, more = self._read(fn(image), binarizer, attempts, name, scale)
                if found or more:
                    return found, (name if found else ""), more
            return [], "", []
        if self._unread % 4 == 0 or self._good == "frame_full":
            # Located, not read, again: now and then the whole frame as zxing-cpp alone reads
            # it (the piece located may be a corner of a larger, tilted code).
            found, _ = self._read(image, _B.LocalAverage, attempts, "frame_full", 1.0)
            if found:
                self._good = "frame_full"
                return found, "frame_full", more
            if self._good == "frame_full":
                self._good = None
        crop, offset = self._crop(image, region)
        order = ["crop", "crop_inverted"]
        if self._good in _CROP_ATTEMPTS and self._good not in order:
            order.append(self._good)
        n = len(self._crop_order)
        rotation = [self._crop_order[(self._crop_next + i) % n] for i in range(n)]
        order += [a for a in rotation if a not in order]
        for i, name in enumerate(order):
            if i and left() <= 1.0:
                break
            if name in rotation:
                self._crop_next = (self._crop_order.index(name) + 1) % n
            if name not in ("crop", "crop_inverted") and not (located or more):
                break  # nothing there in either polarity: the code has gone
            fn, binarizer, scale = _CROP_ATTEMPTS[name]
            found, seen = self._read(fn(crop), binarizer, attempts, name, scale, offset)
            if not located and not more:
                more = seen
            if found:
                if name == "crop_inverted":  # the code is the other way round: look that way
                    self._inverted = not self._inverted
                else:
                    self._good = name
                return found, name, more
        return [], "", more

    @staticmethod
    def _crop(image: np.ndarray, corners) -> tuple[np.ndarray, tuple[int, int]]:
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        side = max(max(xs) - min(xs), max(ys) - min(ys), 16)
        # what was located may be a piece of the code (a finder pattern is 7 of its 37 modules);
        # the quiet zone; a moving hand
        m = max(round(side * 1.2), round(image.shape[0] / 6))
        h, w = image.shape
        x0, y0 = max(0, min(xs) - m), max(0, min(ys) - m)
        x1, y1 = min(w, max(xs) + m), min(h, max(ys) + m)
        return np.ascontiguousarray(image[y0:y1, x0:x1]), (x0, y0)

    # -- hints ---------------------------------------------------------------------------------

    def _update_hint(self, gray: np.ndarray, found: list, located: list, t: float) -> None:
        if found:
            self._unread, self._hint = 0, ""
            return
        if not located:
            if not self._sightings or t - self._sightings[-1].t > self.clear_after_s:
                self._unread, self._hint = 0, ""
            return
        self._unread += 1
        if self._unread >= self.hint_after:
            self._hint = self.hint_for(gray, _best(located))

    def hint_for(self, gray: np.ndarray, corners) -> str:
        """The word for a code located at ``corners`` and not read (see :data:`HINTS`)."""
        # Movement between sightings of about the same size (a piece of a code located in one
        # frame and the whole code in the next is not movement), per 1/30 s, in code sizes.
        moves = [math.dist(a.centre, b.centre) / max(b.side, 1.0) / max((b.t - a.t) * 30, 1.0)
                 for a, b in zip(self._sightings, self._sightings[1:], strict=False)
                 if 0 < b.t - a.t <= 0.2 and 0.8 <= a.side / max(b.side, 1.0) <= 1.25]
        if len(moves) >= 2 and sorted(moves)[len(moves) // 2] > 0.06:
            return "hold_still"
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        crop = gray[max(0, min(ys)) : max(ys), max(0, min(xs)) : max(xs)]  # the code itself
        if crop.size:
            hist = np.bincount(crop.ravel(), minlength=256)
            n = hist.sum()
            clipped = (hist[250:].sum() + hist[:6].sum()) / n
            cdf = np.cumsum(hist)
            p10, p95 = (int(np.searchsorted(cdf, q * n)) for q in (0.10, 0.95))
            washed_out = clipped > 0.3 and p10 > 120  # even the dark modules are light
            if washed_out or p95 < 60 or p95 - p10 < 50:  # or too dark, or no contrast
                return "brighter"
        if max(max(xs) - min(xs), max(ys) - min(ys)) / PASS_MODULES < 2.5:
            return "closer"
        return ""
