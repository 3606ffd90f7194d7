"""A decode strategy for a camera: 30 frames a second of the same code, each tried a little
differently.

Every decoded frame gets the *first look*: zxing-cpp on a ½ copy (2×2 averaged: an empty room is
rejected in about a millisecond, and a dim room's sensor noise is averaged away), or on the full
frame while a code is in view; one polarity per frame, alternating while nothing is seen, asking
zxing-cpp for the codes it located but could not read as well.

When the first look reads nothing, the strategy spends what is left of the frame's budget on
*extra attempts*, in rotation, a different one first in each frame:

* a code located by zxing-cpp (this frame, or a moment ago): on a crop around it at full size —
  zxing-cpp as it is and inverted, sharpened (an unsharp mask), the other binarizers, a contrast
  stretch (overexposed phone screens), ½ and 2× copies, zxing-cpp's own defaults, a Wiener
  deconvolution (:class:`~kiosk.scan.pictures.Deblur`) and the same region averaged over the
  last frames (:class:`~kiosk.scan.pictures.CropStack`: the noise of a dim room is new in every
  frame, the code is not);
* nothing located, but a square of dense blotches (:func:`~kiosk.scan.pictures.find_texture`: a
  code too blurred for zxing-cpp's finder-pattern detector — a fixed-focus webcam at 20 cm, a
  moving hand): deconvolutions on a tight crop, of a moving hand's line in the direction its
  gradients give (:func:`~kiosk.scan.pictures.motion_direction`), else of Gaussians and a disc
  (out of focus).  A texture that does not read within ``texture_tries`` frames (a poster, a
  shelf) is left alone while it stays;
* nothing at all: one or two cheap whole-frame attempts (the global binarizer, a fixed
  threshold, the ½ copy in the other polarity; once a second zxing-cpp's plain full-frame read).

An attempt that read the code goes first in the next frame, so the debouncer's second sighting
comes quickly.  Texts from a transformed picture count only if they are Star Parent passes (the
desk still checks the signature); another kind of code counts when read in two frames running
(zxing-cpp now and then misreads a blurred pass as a short text); the pipeline's debouncer still
wants every text in N frames.

When a code is located (or a texture smeared by a moving hand) but not read for a while, :attr:`ScanResult.hint`
says what would help (:data:`HINTS`: small → ``closer``, moving → ``hold_still``, clipped or dim → ``brighter``).
After ``idle_after_s`` with nothing located the strategy idles: one frame in ``idle_every`` is
decoded; a located code, or a change in the picture (someone stepping up: ~0.1 ms to notice on
a sampled copy), brings the full rate back.  State is per instance: one per camera pipeline, used
on one thread.  No Qt and no OpenCV here (the bundle has neither on this path: gray frames come
from Qt).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import zxingcpp

from kiosk.scan.decoder import Found, Point, to_gray
from kiosk.scan.hints import PASS_MODULES, Sighting, hint_for
from kiosk.scan.pictures import (
    Box,
    CropStack,
    Deblur,
    double,
    find_texture,
    half_mean,
    motion_direction,
    stretch,
    unsharp,
)
from kiosk.scan.regions import area, best, close, corners, side, tight_box, union, wide_crop
from sync import passes

_QR = zxingcpp.BarcodeFormat.QRCode
_B = zxingcpp.Binarizer


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
    "zxing": (lambda g: g, None, 1.0),  # zxing-cpp's own defaults: its downscaled copies, rotations
}
_FRAME_ATTEMPTS: dict[str, tuple[Transform, object, float]] = {
    "frame_half": (half_mean, _B.LocalAverage, 0.5),
    "frame_full": (lambda g: g, _B.LocalAverage, 1.0),
    "frame_global": (lambda g: g, _B.GlobalHistogram, 1.0),
    "frame_fixed": (lambda g: g, _B.FixedThreshold, 1.0),
}
# name → (blur width to undo at full size, or 0; averaged over the last frames?) — on a tight crop
_DEBLUR_ATTEMPTS: dict[str, tuple[tuple, bool]] = {  # name → (blur undone at full size, averaged?)
    "deblur": (("gauss", 2.2), False), "deblur_light": (("gauss", 1.5), False),
    "deblur_strong": (("gauss", 3.0), False), "defocus": (("disc", 4.0), False),
    "motion": (("line",), False),  # the hand's direction, from the picture; lengths in turn
    "motion_0": (("line", 8.0, 0), False), "motion_90": (("line", 8.0, 90), False),
    "motion_45": (("line", 6.0, 45), False), "motion_135": (("line", 6.0, 135), False),
    "stack": ((), True), "stack_deblur": (("gauss", 2.2), True),
}
MOTION_LENGTHS = (6.0, 9.0, 4.5)
# what a code located by zxing-cpp gets, in rotation; what a texture (a code too blurred for
# zxing-cpp to locate) gets: deblurring for the blur it has (out of focus, or moving), sharpening
_LOCATED_ORDER = ("sharpen", "deblur", "fixed", "zxing", "stack", "sharpen_more", "half",
                  "stack_deblur", "stretch", "global", "sharpen_fixed", "double", "stretch_sharpen")
_FOCUS_ORDER = ("deblur", "sharpen_more", "defocus", "deblur_strong", "fixed", "deblur_light",
                "sharpen", "stack_deblur", "sharpen_fixed", "half")
_MOTION_ORDER = ("motion", "sharpen_more", "motion", "motion_0", "motion", "motion_90", "deblur",
                 "motion", "motion_45", "fixed", "motion", "motion_135", "sharpen_fixed")
_PLAIN = {"first", "crop", "crop_inverted", "frame_full"}  # zxing-cpp on the picture as it is: any text counts


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
                 full_every: int = 30, texture_tries: int = 20, wake_level: int = 20,
                 wake_cells: int = 6) -> None:
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
        self._sightings: list[Sighting] = []  # recent located-or-read positions (newest last)
        self._unread = 0  # consecutive decoded frames with a code located but not read
        self._hint = ""
        self._next: dict[tuple[str, ...], int] = {}  # each rotation's next attempt
        self.texture_tries = texture_tries  # frames a texture that does not read is tried for
        self._texture: tuple[Box, int, float] | None = None  # box, frames tried, when last seen
        self._half: np.ndarray | None = None  # this frame's ½ copy, when the first look made one
        self._deblur = Deblur()
        self._signature: np.ndarray | None = None  # the last frame, in cells (see _moved)
        self.wake_level, self.wake_cells = wake_level, wake_cells
        self._stack = CropStack()
        self._motion: float | None = None  # the direction a texture's code moves in, if it does
        self._motion_len = 0
        self._moving = False
        self._foreign_now: set[str] = set()  # texts of other kinds of code: this frame, the last
        self._foreign_before: set[str] = set()
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
        if t - self._last_active <= self.idle_after_s - 0.5:
            self._signature = None  # (awake for a while yet: no need to watch for changes)
        elif self._moved(frame) and self.idle_at(t):
            self._last_active = t  # something came into view: wake up
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

        self._moving = False  # (set when a texture's blur has a direction)
        found, seen = self._first_look(image, attempts, t)
        located += seen
        read_by = "first" if found else ""
        if found:
            self._good = "first_half" if self._half is not None else None
        if not found and not (idle and located):  # idle: the whole-frame attempt only
            found, read_by, more = self._extras(image, located, t, t0, attempts)
            located += more
        self.stats.attempts += len(attempts)
        if read_by:
            self.stats.reads_by[read_by] = self.stats.reads_by.get(read_by, 0) + 1
        if found:
            self._stack.clear()  # (the next code may be held where this one was)
        if found or located:
            self._last_active = t
            corners = found[0].corners if found else best(located)
            self._sightings = [s for s in self._sightings if t - s.t <= 0.5][-5:]
            self._sightings.append(Sighting(t, corners, bool(found)))
        if not found and not located and not self._foreign_now:
            self._inverted = not inverted  # nothing here: look the other way next frame
        self._update_hint(gray, found, located, t)
        self._foreign_before, self._foreign_now = self._foreign_now, set()
        return ScanResult(tuple(found), (time.perf_counter() - t0) * 1000, tuple(located),
                          tuple(attempts), read_by, self._hint, idle=idle)

    def _moved(self, frame: np.ndarray) -> bool:
        """Whether the picture changed since the last frame: cells of 16×16 pixels (sampled
        every 4th pixel, so ~0.1 ms), ``wake_cells`` of them by more than ``wake_level``."""
        sample = frame[::4, ::4] if frame.ndim == 2 else frame[::4, ::4, 1]  # (green ≈ luma)
        cells = half_mean(half_mean(np.ascontiguousarray(sample))).astype(np.int16)
        before, self._signature = self._signature, cells
        if before is None or before.shape != cells.shape:
            return False
        return int(np.count_nonzero(np.abs(cells - before) > self.wake_level)) >= self.wake_cells

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
        options = {} if binarizer is None else {"try_rotate": False, "try_downscale": False,
                                                "try_invert": False, "binarizer": binarizer}
        for b in zxingcpp.read_barcodes(image, formats=_QR, return_errors=True, **options):
            p = b.position
            corners = tuple((round(q.x / scale) + ox, round(q.y / scale) + oy) for q in
                            (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
            if b.valid and b.text and self.accept(b.text):
                found.append(Found(b.text, corners))  # type: ignore[arg-type]
            elif b.valid and b.text and name in _PLAIN:
                # Another kind of code (the desk will say it is no pass) — or, now and then,
                # zxing-cpp's misreading of a blurred one: counts when read in two frames running.
                self._foreign_now.add(b.text)
                if b.text in self._foreign_before:
                    found.append(Found(b.text, corners))  # type: ignore[arg-type]
            elif not b.valid and area(corners) >= 64:  # (a failed read may have no position)
                located.append(corners)
        return found, located

    def _first_look(self, image: np.ndarray, attempts: list[str],
                    t: float) -> tuple[list[Found], list]:
        """While a code is in view (seen a moment ago), the frame as zxing-cpp alone reads it;
        otherwise a ½ copy by averaging: cheap on an empty room, and the averaging sees
        through the sensor noise of a dim one."""
        in_view = (bool(self._sightings) and t - self._sightings[-1].t <= self.keep_roi_s
                   and self._good != "first_half")  # (a code only the ½ copy reads: a dim room)
        self._half = None
        if image.shape[1] >= self.first_look_min_width and not in_view:
            self._half = half_mean(image)
            return self._read(self._half, _B.LocalAverage, attempts, "first", 0.5)
        return self._read(np.ascontiguousarray(image), _B.LocalAverage, attempts, "first", 1.0)

    def _extras(self, image: np.ndarray, located: list, t: float, t0: float,
                attempts: list[str]) -> tuple[list[Found], str, list]:
        def left() -> float:
            return self.budget_ms - (time.perf_counter() - t0) * 1000

        more: list = []
        region, texture = (union(located) if located else None), False
        if region is None:  # a texture here, or a code located a moment ago
            box = self._texture_at(image, t)
            if box is not None:
                region, texture = corners(box), True
            elif self._recent(t):
                region = self._sightings[-1].corners
        if region is None:
            return self._search_frame(image, t, t0, attempts)
        if not texture and (self._unread % 4 == 0 or self._good == "frame_full"):
            # Located, not read, again: now and then the whole frame as zxing-cpp alone reads
            # it (the piece located may be a corner of a larger, tilted code).
            found, _ = self._read(image, _B.LocalAverage, attempts, "frame_full", 1.0)
            if found:
                self._good = "frame_full"
                return found, "frame_full", more
            if self._good == "frame_full":
                self._good = None
        crop, offset = wide_crop(image, region)
        tight = self._stack.add(image, tight_box(image, region), t)
        if self._stack.moved and (self._good in _CROP_ATTEMPTS or self._good in _DEBLUR_ATTEMPTS):
            self._good = None  # a code elsewhere: what read the last one goes first no more
        plain = ["crop"] if texture else ["crop", "crop_inverted"]
        order = _LOCATED_ORDER
        if texture:
            self._motion = motion_direction(half_mean(tight))
            self._moving = self._motion is not None
            order = _FOCUS_ORDER if self._motion is None else _MOTION_ORDER
        start = self._next.get(order, 0)
        rotation = [order[(start + i) % len(order)] for i in range(len(order))]
        good = [self._good] if self._good in rotation and self._good not in plain else []
        for i, name in enumerate(plain + good + [a for j, a in enumerate(rotation)
                                                 if a not in good and a not in rotation[:j]]):
            if i and left() <= 1.0:
                break
            if name in rotation:  # the next frame starts after the last attempt of this one
                self._next[order] = (start + rotation.index(name) + 1) % len(order)
            if not texture and name not in plain and not (located or more) and name not in _DEBLUR_ATTEMPTS:
                continue  # not located in either polarity: a code too blurred, or gone
            if name in _DEBLUR_ATTEMPTS:
                found, seen = self._read_deblurred(name, tight, region, attempts)
            else:
                fn, binarizer, scale = _CROP_ATTEMPTS[name]
                found, seen = self._read(fn(crop), binarizer, attempts, name, scale, offset)
            if not located and not more:
                more = seen
            if found:
                if name == "crop_inverted":  # the code is the other way round: look that way
                    self._inverted = not self._inverted
                else:
                    self._good = name
                if texture:
                    self._texture = None
                return found, name, more
        return [], "", more

    def _read_deblurred(self, name: str, tight: np.ndarray, region,
                        attempts: list[str]) -> tuple[list[Found], list]:
        """A deblurring attempt on the tight crop (the stack's box): averaged over the last
        frames and/or deconvolved; codes with big modules at ½ size (4× less work)."""
        blur, stacked = _DEBLUR_ATTEMPTS[name]
        picture = self._stack.mean() if stacked and len(self._stack) > 1 else tight
        x0, y0 = self._stack.box[:2] if self._stack.box else (0, 0)
        scale = 1.0
        if side(region) / PASS_MODULES >= 5.5:
            picture, scale = half_mean(picture), 0.5
        if name == "motion":
            self._motion_len = (self._motion_len + 1) % len(MOTION_LENGTHS)
            blur = ("line", MOTION_LENGTHS[self._motion_len], round((self._motion or 0) / 5) * 5)
        if blur:
            picture = self._deblur(picture, (blur[0], blur[1] * scale, *blur[2:]))
        return self._read(picture, _B.LocalAverage, attempts, name, scale, (x0, y0))

    def _texture_at(self, image: np.ndarray, t: float) -> Box | None:
        """A texture that may be a code zxing-cpp did not locate (see
        :func:`~kiosk.scan.pictures.find_texture`), in ``image``'s pixels — unless the same
        texture has been tried for ``texture_tries`` frames without a read (a poster, a shelf)."""
        half = self._half if self._half is not None else half_mean(image)
        found = find_texture(half)
        if found is None:
            if self._texture and t - self._texture[2] > 1.0:
                self._texture = None
            return None
        box = tuple(min(2 * v, limit) for v, limit in zip(found, (image.shape[1], image.shape[0]) * 2,
                                                          strict=True))
        tries = 1
        if self._texture and close(self._texture[0], box) and t - self._texture[2] <= 1.0:
            tries = self._texture[1] + 1
        self._texture = (box, tries, t)  # type: ignore[assignment]
        return box if tries <= self.texture_tries else None  # type: ignore[return-value]

    def _search_frame(self, image: np.ndarray, t: float, t0: float,
                      attempts: list[str]) -> tuple[list[Found], str, list]:
        """Nothing located: the whole frame with the global binarizer (cheap; it reads tilted
        codes a ½ copy misses), then, if the frame is still cheap, ½ by averaging (it sees
        through sensor noise and blur) or a fixed threshold, in turn."""
        others = ["frame_fixed", "frame_half"]  # (with a ½ first look: ½ in the other polarity)
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
            if name == "frame_half" and self._half is not None:
                fn = lambda _: np.invert(self._half)  # noqa: E731
            found, more = self._read(fn(image), binarizer, attempts, name, scale)
            if found and name == "frame_half" and self._half is not None:
                self._inverted = not self._inverted
            if found or more:
                return found, (name if found else ""), more
        return [], "", []

    # -- hints ---------------------------------------------------------------------------------

    def _update_hint(self, gray: np.ndarray, found: list, located: list, t: float) -> None:
        if found:
            self._unread, self._hint = 0, ""
            return
        if not located and self._moving:  # a texture blurred by a moving hand, not read
            self._unread += 1
            if self._unread >= self.hint_after:
                self._hint = "hold_still"
            return
        if not located:
            if not self._sightings or t - self._sightings[-1].t > self.clear_after_s:
                self._unread, self._hint = 0, ""
            return
        self._unread += 1
        if self._unread >= self.hint_after:
            self._hint = self.hint_for(gray, best(located))

    def hint_for(self, gray: np.ndarray, corners) -> str:
        """The word for a code located at ``corners`` and not read (see :data:`HINTS`)."""
        return hint_for(gray, corners, self._sightings)
