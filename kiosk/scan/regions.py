"""Where a code is in a frame: quadrilaterals reported by zxing-cpp and boxes around them."""

from __future__ import annotations

import numpy as np

Point = tuple[int, int]
Quad = tuple[Point, Point, Point, Point]  # top-left, top-right, bottom-right, bottom-left
Box = tuple[int, int, int, int]  # x0, y0, x1, y1


def area(q) -> float:
    """Area of a quadrilateral (shoelace)."""
    return abs(sum(q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1] for i in range(4))) / 2


def squarish(q) -> bool:
    xs, ys = [p[0] for p in q], [p[1] for p in q]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    return max(w, h) <= 1.6 * max(min(w, h), 1)


def best(quads) -> Quad:
    """The located code: the largest square-ish quadrilateral (zxing-cpp also reports long thin
    pieces of a damaged code)."""
    return max(quads, key=lambda q: (squarish(q), area(q)))


def union(quads) -> Quad:
    """The box around the square-ish ``quads``: zxing-cpp often locates a damaged code as
    several pieces."""
    quads = [q for q in quads if squarish(q)] or quads
    xs = [p[0] for q in quads for p in q]
    ys = [p[1] for q in quads for p in q]
    return corners((min(xs), min(ys), max(xs), max(ys)))


def corners(box: Box) -> Quad:
    x0, y0, x1, y1 = box
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def side(q) -> int:
    xs, ys = [p[0] for p in q], [p[1] for p in q]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def tight_box(image: np.ndarray, q) -> Box:
    """The box around ``q`` with a quarter of its side around it (the quiet zone, a hand's
    tremor), within ``image``: what deblurring works on (its cost grows with the area)."""
    xs, ys = [p[0] for p in q], [p[1] for p in q]
    m = max(16, round(0.25 * side(q)))
    h, w = image.shape
    return (max(0, min(xs) - m), max(0, min(ys) - m), min(w, max(xs) + m), min(h, max(ys) + m))


def wide_crop(image: np.ndarray, q) -> tuple[np.ndarray, tuple[int, int]]:
    """A generous crop around ``q`` and its offset: what was located may be a piece of the code
    (a finder pattern is 7 of its 37 modules); the quiet zone; a moving hand."""
    xs, ys = [p[0] for p in q], [p[1] for p in q]
    m = max(round(max(side(q), 16) * 1.2), round(image.shape[0] / 6))
    h, w = image.shape
    x0, y0 = max(0, min(xs) - m), max(0, min(ys) - m)
    x1, y1 = min(w, max(xs) + m), min(h, max(ys) + m)
    return np.ascontiguousarray(image[y0:y1, x0:x1]), (x0, y0)


def close(a: Box, b: Box, tolerance: float = 0.25) -> bool:
    """Whether every edge of ``b`` is within ``tolerance`` of ``a``'s side of ``a``'s edge."""
    s = max(a[2] - a[0], a[3] - a[1], 1)
    return all(abs(p - q) <= tolerance * s for p, q in zip(a, b, strict=True))
