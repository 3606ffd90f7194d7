"""What to tell a parent whose code is located but not read (:data:`HINTS`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kiosk.scan.regions import Quad, side

# word → what the scan screen shows (the screen owns the wording; these are the stable words)
HINTS = {"closer": "请靠近一点", "hold_still": "请拿稳", "brighter": "请调亮屏幕"}
PASS_MODULES = 37  # a Star Parent pass is a version-5 QR symbol: 37 modules a side


@dataclass(slots=True)
class Sighting:
    """Where a code was located (or read) at time ``t``."""

    t: float
    corners: Quad
    read: bool = False

    @property
    def centre(self) -> tuple[float, float]:
        return (sum(p[0] for p in self.corners) / 4, sum(p[1] for p in self.corners) / 4)

    @property
    def side(self) -> float:
        c = self.corners
        return sum(math.dist(c[i], c[(i + 1) % 4]) for i in range(4)) / 4


def hint_for(gray: np.ndarray, corners: Quad, sightings: list[Sighting]) -> str:
    """The word (a key of :data:`HINTS`, or "") for a code located at ``corners`` in ``gray``
    and not read, given its recent ``sightings`` (oldest first)."""
    # Movement between sightings of about the same size (a piece of a code located in one
    # frame and the whole code in the next is not movement), per 1/30 s, in code sizes.
    moves = [math.dist(a.centre, b.centre) / max(b.side, 1.0) / max((b.t - a.t) * 30, 1.0)
             for a, b in zip(sightings, sightings[1:], strict=False)
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
    if side(corners) / PASS_MODULES < 2.5:
        return "closer"
    return ""
