"""Pictures for the decode strategy (:mod:`kiosk.scan.strategy`), numpy only.

* Cheap copies: ½ by averaging, 2×, an unsharp mask, a contrast stretch.
* :func:`find_texture`: where a code may be when zxing-cpp locates nothing.  A blurred code
  loses its finder patterns' thin rings first, so zxing-cpp's detector no longer sees it; it is
  still a square of dense light/dark blotches.  The ½ picture is cut into 8×8-pixel cells (at
  full size) and a cell is *active* when it differs from a neighbour by more than a threshold;
  the densest window of active cells, grown while its edges stay active, is the candidate.
  Rooms have edges (lines of active cells), not filled squares of them.  ~0.3 ms at 720p.
* :class:`Deblur`: a Wiener deconvolution for a Gaussian blur of a given width (an out-of-focus
  webcam; a disc blur is close enough), through numpy's FFT on a crop.  The filters are cached
  per crop size.
* :class:`CropStack`: the same region of the last few frames, averaged (a dim room's sensor
  noise is fresh in every frame, the code is not).
"""

from __future__ import annotations

import math

import numpy as np

from kiosk.scan.regions import Box, close


def half_mean(gray: np.ndarray) -> np.ndarray:
    """½ size, each pixel the mean of 2×2 (it averages sensor noise and sharpens blur)."""
    h, w = gray.shape[0] // 2 * 2, gray.shape[1] // 2 * 2
    rows = gray[0:h:2, :w].astype(np.uint16)  # (pairs of rows, then pairs of columns: 2.5× faster
    rows += gray[1:h:2, :w]  # than adding four strided views)
    pairs = rows.reshape(h // 2, w // 2, 2)
    out = pairs[..., 0] + pairs[..., 1]
    out += 2
    out >>= 2
    return out.astype(np.uint8)


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


# -- where a code may be -----------------------------------------------------------------------

def find_texture(half: np.ndarray, *, threshold: int = 12, window: int = 10, min_fill: float = 0.8,
                 grow: float = 0.4, min_side: int = 12, max_aspect: float = 1.5) -> Box | None:
    """The box (in ``half``'s pixels) of the densest square of light/dark blotches, or None.

    ``half`` is the ½ picture; cells are 4×4 of its pixels.  ``window`` cells a side must be
    ``min_fill`` active (a code is at least 17 cells a side at 720p); the box then grows a row
    or column at a time while that edge is ``grow`` active.  A box less than ``min_side`` cells
    a side, or longer than ``max_aspect`` times its width, is not a code (a room's textures are
    mostly lines and strips)."""
    cells = half_mean(half_mean(half)).astype(np.int16)
    if min(cells.shape) <= window:
        return None
    dx = np.abs(np.diff(cells, axis=1))
    dy = np.abs(np.diff(cells, axis=0))
    m = np.zeros(cells.shape, np.int16)
    np.maximum(m[:, :-1], dx, out=m[:, :-1])
    np.maximum(m[:, 1:], dx, out=m[:, 1:])
    np.maximum(m[:-1, :], dy, out=m[:-1, :])
    np.maximum(m[1:, :], dy, out=m[1:, :])
    active = m > threshold
    ii = np.zeros((active.shape[0] + 1, active.shape[1] + 1), np.int32)
    ii[1:, 1:] = active.cumsum(0).cumsum(1)
    w = window
    sums = ii[w:, w:] - ii[:-w, w:] - ii[w:, :-w] + ii[:-w, :-w]
    i, j = divmod(int(np.argmax(sums)), sums.shape[1])
    if sums[i, j] < min_fill * w * w:
        return None
    i0, i1, j0, j1 = i, i + w, j, j + w
    rows, cols = active.shape
    grown = True
    while grown:
        grown = False
        if i0 > 0 and active[i0 - 1, j0:j1].mean() >= grow:
            i0, grown = i0 - 1, True
        if i1 < rows and active[i1, j0:j1].mean() >= grow:
            i1, grown = i1 + 1, True
        if j0 > 0 and active[i0:i1, j0 - 1].mean() >= grow:
            j0, grown = j0 - 1, True
        if j1 < cols and active[i0:i1, j1].mean() >= grow:
            j1, grown = j1 + 1, True
    h, w = i1 - i0, j1 - j0
    if min(h, w) < min_side or max(h, w) > max_aspect * min(h, w):
        return None
    return (j0 * 4, i0 * 4, j1 * 4, i1 * 4)


# -- deblurring --------------------------------------------------------------------------------

Blur = tuple  # ("gauss", sigma) | ("disc", radius) | ("line", length, degrees)


def kernel(blur: Blur) -> np.ndarray:
    """The point-spread function of ``blur`` (sums to 1): a disc for an out-of-focus lens, a
    line for a moving hand (numpy only)."""
    kind = blur[0]
    if kind == "disc":
        r = float(blur[1])
        n = math.ceil(r)
        yy, xx = np.mgrid[-n : n + 1, -n : n + 1]
        k = np.clip(r + 0.5 - np.hypot(xx, yy), 0.0, 1.0)  # anti-aliased edge
    elif kind == "line":
        length, angle = float(blur[1]), math.radians(float(blur[2]))
        n = math.ceil(length / 2) + 1
        k = np.zeros((2 * n + 1, 2 * n + 1))
        for s in np.linspace(-length / 2, length / 2, max(2, round(length * 4))):
            x, y = n + s * math.cos(angle), n + s * math.sin(angle)
            x0, y0 = int(x), int(y)
            fx, fy = x - x0, y - y0  # bilinear splat of each sample
            k[y0, x0] += (1 - fx) * (1 - fy)
            k[y0, x0 + 1] += fx * (1 - fy)
            k[y0 + 1, x0] += (1 - fx) * fy
            k[y0 + 1, x0 + 1] += fx * fy
    else:
        raise ValueError(f"unknown blur {blur!r}")
    return (k / k.sum()).astype(np.float32)


class Deblur:
    """Wiener deconvolution: ``("gauss", sigma)`` (an out-of-focus webcam, roughly),
    ``("disc", radius)`` (a lens out of focus, exactly), ``("line", length, degrees)`` (a hand
    moving while the shutter is open); a bare number is a Gaussian's sigma.

    The crop is mirrored at its borders (so the FFT's wrap-around does not ring into the code)
    to a size the FFT likes; the filter ``conj(H) / (|H|² + k)`` is cached per size and blur."""

    def __init__(self, k: float = 0.01, pad: int = 16, cache_size: int = 24) -> None:
        self.k = k
        self.pad = pad
        self.cache_size = cache_size
        self._filters: dict[tuple, np.ndarray] = {}

    def _filter(self, shape: tuple[int, int], blur: Blur) -> np.ndarray:
        key = (shape, blur)
        g = self._filters.get(key)
        if g is None:
            if len(self._filters) >= self.cache_size:
                self._filters.pop(next(iter(self._filters)))
            if blur[0] == "gauss":
                fy = np.fft.fftfreq(shape[0]).astype(np.float32)[:, None]
                fx = np.fft.rfftfreq(shape[1]).astype(np.float32)[None, :]
                h = np.exp(-2 * math.pi**2 * float(blur[1]) ** 2 * (fx * fx + fy * fy))
            else:
                k = kernel(blur)
                c = k.shape[0] // 2
                psf = np.zeros(shape, np.float32)
                psf[:k.shape[0], :k.shape[1]] = k
                h = np.fft.rfft2(np.roll(psf, (-c, -c), axis=(0, 1)))  # centred on (0, 0)
            g = np.conj(h) / (np.abs(h) ** 2 + self.k) * (1 + self.k)  # (a flat picture keeps its level)
            g = self._filters[key] = g.astype(np.complex64 if np.iscomplexobj(g) else np.float32)
        return g

    def __call__(self, picture: np.ndarray, blur: Blur | float) -> np.ndarray:
        if not isinstance(blur, tuple):
            blur = ("gauss", round(float(blur), 2))
        h, w = picture.shape
        ph, pw = _fast(h + 2 * self.pad) - h, _fast(w + 2 * self.pad) - w
        top, left = ph // 2, pw // 2
        padded = np.pad(picture.astype(np.float32), ((top, ph - top), (left, pw - left)), mode="reflect")
        spectrum = np.fft.rfft2(padded)
        spectrum *= self._filter(padded.shape, blur)
        out = np.fft.irfft2(spectrum, s=padded.shape)[top : top + h, left : left + w]
        return np.clip(out, 0, 255).astype(np.uint8)


def _fast(n: int) -> int:
    """The next size ≥ n whose only prime factors are 2, 3 and 5 (quick for the FFT)."""
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def motion_direction(picture: np.ndarray, min_ratio: float = 1.25) -> float | None:
    """The direction (degrees, 0–180, y down) a hand moved the code in, or None for a blur the
    same in every direction (out of focus).  A moving code keeps its edges across the motion and
    loses those along it: the mean gradient along 0°, 45°, 90° and 135° is fitted with
    a + b·cos 2(θ − θ₀); the motion is where it is least.  A code that is not moving has nearly
    equal gradients every way (max/min < 1.2 on the test frames; moving: ≥ 1.29)."""
    c = picture.astype(np.int16)
    e0 = float(np.abs(np.diff(c, axis=1)).mean())
    e90 = float(np.abs(np.diff(c, axis=0)).mean())
    e45 = float(np.abs(c[1:, 1:] - c[:-1, :-1]).mean()) / math.sqrt(2)
    e135 = float(np.abs(c[1:, :-1] - c[:-1, 1:]).mean()) / math.sqrt(2)
    energies = (e0, e45, e90, e135)
    if min(energies) <= 0 or max(energies) / min(energies) < min_ratio:
        return None
    steepest = math.degrees(math.atan2(e45 - e135, e0 - e90)) / 2
    return (steepest + 90) % 180


class CropStack:
    """The same box of the last ``depth`` frames, none older than ``max_age_s``; :meth:`mean`
    averages them.  A box that moves (or changes size) by more than ``tolerance`` of its side
    starts a new stack, and so does :meth:`clear` (the strategy clears it when a code is read,
    so a new code held where the last one was is never averaged with it)."""

    def __init__(self, depth: int = 4, tolerance: float = 0.25, max_age_s: float = 0.3) -> None:
        self.depth = depth
        self.tolerance = tolerance
        self.max_age_s = max_age_s
        self.box: Box | None = None
        self._crops: list[tuple[float, np.ndarray]] = []
        self._shape: tuple[int, ...] = ()
        self.moved = False  # whether the last add started a new stack for a box elsewhere

    def add(self, image: np.ndarray, box: Box, t: float) -> np.ndarray:
        """Keep the crop of ``image`` at ``box`` — or at the stack's own box when ``box`` is
        close to it, so the crops line up — taken at time ``t``, and return it."""
        self.moved = self.box is not None and (not close(self.box, box, self.tolerance)
                                               or image.shape != self._shape)
        if self.box is None or self.moved:
            self.box, self._crops, self._shape = box, [], image.shape
        x0, y0, x1, y1 = self.box
        self._crops = [(ct, c) for ct, c in self._crops[1 - self.depth :] if t - ct <= self.max_age_s]
        self._crops.append((t, image[y0:y1, x0:x1].copy()))
        return self._crops[-1][1]

    def clear(self) -> None:
        self.box, self._crops = None, []

    def __len__(self) -> int:
        return len(self._crops)

    def mean(self) -> np.ndarray:
        acc = np.zeros(self._crops[-1][1].shape, np.uint16)
        for _, c in self._crops:
            acc += c
        return (acc // len(self._crops)).astype(np.uint8)
