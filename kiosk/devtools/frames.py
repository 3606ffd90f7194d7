"""Realistic camera frames of passes, made with ``qrcode`` and OpenCV (test material, benchmarks).

Classic variants (:data:`VARIANTS`): a flat card, perspective (a tilted phone), blur (out of
focus), glare (a ceiling light on the screen), a phone bezel, inverted (a phone in dark mode), and
small codes (held far away).

Camera variants (:data:`CAMERA_VARIANTS`), what a cheap webcam at a venue sees: motion blur (a
hand moving), defocus of three strengths (a fixed-focus webcam, a disc of 2, 3 and 4 px at 720p),
moiré (a phone screen's pixel grid beating against the sensor's), low light with sensor noise,
heavy JPEG artefacts (MJPEG at a low quality), a cracked screen protector over the code, and an
overexposed phone screen (dark modules washed out to light gray).

:func:`sequence` gives the frames a camera delivers while a parent holds a code up: the same scene
with a little hand tremor and fresh noise in each frame.  Everything is seeded and deterministic.
Nothing large is committed: tests and benchmarks make what they need.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.core.qr import make_qr

VARIANTS = ("plain", "perspective", "blur", "glare", "phone", "inverted", "small")
CAMERA_VARIANTS = ("motion", "defocus2", "defocus3", "defocus4", "moire", "lowlight", "jpeg",
                   "cracked", "overexposed")
ALL_VARIANTS = VARIANTS + CAMERA_VARIANTS
_ON_A_PHONE = ("phone", "inverted", "moire", "cracked", "overexposed")


def code_image(text: str, module_px: int = 6) -> np.ndarray:
    """The QR symbol as a gray image, quiet zone included, ``module_px`` pixels per module."""
    qr = make_qr(text)
    matrix = np.array(qr.get_matrix(), dtype=bool)  # includes the 4-module border
    img = np.where(matrix, 0, 255).astype(np.uint8)
    return cv2.resize(img, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def background(rng: random.Random, width: int, height: int) -> np.ndarray:
    """A plausible room: a soft gradient, some shapes, sensor noise."""
    base = np.zeros((height, width, 3), np.uint8)
    top = np.array([rng.randrange(60, 200) for _ in range(3)], np.float32)
    bottom = np.array([rng.randrange(40, 180) for _ in range(3)], np.float32)
    ramp = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    base[:] = (top * (1 - ramp) + bottom * ramp).astype(np.uint8)
    for _ in range(rng.randrange(2, 6)):
        colour = tuple(rng.randrange(0, 255) for _ in range(3))
        x, y = rng.randrange(width), rng.randrange(height)
        cv2.rectangle(base, (x, y), (x + rng.randrange(40, 300), y + rng.randrange(40, 200)), colour, -1)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 6, base.shape)
    return np.clip(base.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def _paste(frame: np.ndarray, patch: np.ndarray, x: int, y: int) -> None:
    h, w = patch.shape[:2]
    frame[y : y + h, x : x + w] = patch if patch.ndim == 3 else cv2.cvtColor(patch, cv2.COLOR_GRAY2BGR)


def _cracks(screen: np.ndarray, rng: random.Random, scale: float) -> None:
    """A cracked screen protector: jagged bright lines from an impact point, shards a little
    lighter or darker than their neighbours (drawn in place)."""
    h, w = screen.shape
    cx, cy = rng.uniform(0.25, 0.75) * w, rng.uniform(0.25, 0.75) * h
    for _ in range(rng.randrange(3, 6)):
        angle, x, y = rng.uniform(0, 2 * math.pi), cx, cy
        points = [(x, y)]
        for _ in range(rng.randrange(6, 14)):
            angle += rng.uniform(-0.5, 0.5)
            step = rng.uniform(15, 45) * scale
            x, y = x + step * math.cos(angle), y + step * math.sin(angle)
            points.append((x, y))
        pts = np.int32([[round(px), round(py)] for px, py in points])
        cv2.polylines(screen, [pts], False, rng.choice((200, 225, 90)), max(1, round(1.5 * scale)),
                      cv2.LINE_AA)
    for _ in range(rng.randrange(2, 5)):  # shards catching the light differently
        pts = np.int32([[rng.uniform(0, w), rng.uniform(0, h)] for _ in range(3)])
        mask = np.zeros_like(screen)
        cv2.fillConvexPoly(mask, pts, 255)
        shift = rng.choice((-1, 1)) * rng.uniform(10, 25)
        screen[:] = np.where(mask > 0, np.clip(screen.astype(np.float32) + shift, 0, 255), screen)


@dataclass(frozen=True)
class _Scene:
    frame: np.ndarray  # BGR, before the camera's own degradation
    box: tuple[int, int, int, int]  # x, y, w, h of the code (phone included)
    params: dict[str, float]  # per-showing settings of the degradation (blur strength …)


def _scene(text: str, variant: str, rng: random.Random, width: int, height: int) -> _Scene:
    scale = height / 720
    frame = background(rng, width, height)
    module = max(1, round((rng.uniform(1.5, 2.6) if variant == "small" else rng.uniform(3.0, 6.0)) * scale))
    code = code_image(text, module)
    if variant == "inverted":
        code = 255 - code
    if variant == "overexposed":  # the screen at full brightness: dark modules wash out to gray
        code = np.where(code < 128, round(rng.uniform(205, 235)), 255).astype(np.uint8)
    if variant in _ON_A_PHONE:
        pad = round(40 * scale)
        screen = np.full((code.shape[0] + 2 * pad, code.shape[1] + 2 * pad),
                         20 if variant == "inverted" else 250, np.uint8)
        screen[pad : pad + code.shape[0], pad : pad + code.shape[1]] = code
        if variant == "cracked":
            _cracks(screen, rng, scale)
        bezel = round(18 * scale)
        body = np.full((screen.shape[0] + 2 * bezel, screen.shape[1] + 2 * bezel), 15, np.uint8)
        body[bezel : bezel + screen.shape[0], bezel : bezel + screen.shape[1]] = screen
        code = body
    h, w = code.shape
    if h >= height or w >= width:
        code = cv2.resize(code, None, fx=0.9 * height / h, fy=0.9 * height / h, interpolation=cv2.INTER_AREA)
        h, w = code.shape
    x, y = rng.randrange(0, width - w), rng.randrange(0, height - h)
    if variant == "perspective":
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        j = 0.3
        dst = np.float32([[x + rng.uniform(0, j) * w, y + rng.uniform(0, j) * h],
                          [x + w - rng.uniform(0, j) * w, y + rng.uniform(0, j) * h],
                          [x + w - rng.uniform(0, j) * w, y + h - rng.uniform(0, j) * h],
                          [x + rng.uniform(0, j) * w, y + h - rng.uniform(0, j) * h]])
        m = cv2.getPerspectiveTransform(src, dst)
        warped = cv2.warpPerspective(cv2.cvtColor(code, cv2.COLOR_GRAY2BGR), m, (width, height),
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (width, height)) > 0
        frame[mask] = warped[mask]
    else:
        _paste(frame, code, x, y)
    params: dict[str, float] = {}
    if variant == "blur":
        params["sigma"] = rng.uniform(1.0, 3.2) * scale
    elif variant == "motion":
        params["length"] = rng.uniform(4, 10) * scale
        params["angle"] = rng.uniform(0, 180)
    elif variant.startswith("defocus"):
        params["radius"] = float(variant[len("defocus"):]) * scale
    elif variant == "glare":
        overlay = np.zeros(frame.shape[:2], np.float32)
        cx, cy = x + rng.randrange(w), y + rng.randrange(h)
        cv2.ellipse(overlay, (cx, cy), (w // 3, h // 5), rng.randrange(180), 0, 360, 1.0, -1)
        overlay = cv2.GaussianBlur(overlay, (0, 0), max(w, h) / 14)
        frame = np.clip(frame + overlay[..., None] * rng.uniform(120, 230), 0, 255).astype(np.uint8)
    elif variant == "moire":
        params.update(period=rng.uniform(2.2, 3.6) * scale, tilt=rng.uniform(-0.2, 0.2),
                      depth=rng.uniform(0.45, 0.7))
    elif variant == "lowlight":
        params.update(gain=rng.uniform(0.08, 0.15), noise=rng.uniform(8, 14))
    elif variant == "jpeg":
        params["quality"] = rng.uniform(4, 10)
    elif variant == "overexposed":
        params["bloom"] = rng.uniform(1.2, 2.2) * scale
    return _Scene(frame, (x, y, w, h), params)


def _disc(radius: float) -> np.ndarray:
    r = max(1, math.ceil(radius))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    k = (xx * xx + yy * yy <= radius * radius).astype(np.float32)
    return k / k.sum()


def _line(length: float, angle_deg: float) -> np.ndarray:
    n = max(3, math.ceil(length) | 1)
    k = np.zeros((n, n), np.float32)
    c, a = n // 2, math.radians(angle_deg)
    dx, dy = math.cos(a) * length / 2, math.sin(a) * length / 2
    cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
    return k / k.sum()


def _camera(scene: _Scene, variant: str, rng: random.Random, shift: tuple[float, float]) -> np.ndarray:
    """One frame of ``scene`` as the camera delivers it: moved by the hand, degraded, noisy."""
    frame = scene.frame
    h, w = frame.shape[:2]
    if shift != (0.0, 0.0):
        m = np.float32([[1, 0, shift[0]], [0, 1, shift[1]]])
        frame = cv2.warpAffine(frame, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    p, jitter = scene.params, rng.uniform(0.9, 1.1)
    noise_sigma = 3.0
    if variant == "blur":
        frame = cv2.GaussianBlur(frame, (0, 0), p["sigma"] * jitter)
    elif variant == "motion":
        frame = cv2.filter2D(frame, -1, _line(p["length"] * jitter, p["angle"] + rng.uniform(-8, 8)))
    elif variant.startswith("defocus"):
        frame = cv2.filter2D(frame, -1, _disc(p["radius"] * jitter))
    elif variant == "moire":
        x0, y0, bw, bh = scene.box
        x0, y0 = x0 + round(shift[0]), y0 + round(shift[1])
        yy, xx = np.mgrid[0:bh, 0:bw].astype(np.float32)
        phase = rng.uniform(0, 2 * math.pi)
        t = p["tilt"]
        wave = np.sin(2 * math.pi * (xx * math.cos(t) + yy * math.sin(t)) / p["period"] + phase)
        wave2 = np.sin(2 * math.pi * (yy * math.cos(t) - xx * math.sin(t)) / (p["period"] * 1.07))
        beat = np.sin(2 * math.pi * (xx * math.sin(t) + yy * math.cos(t)) / (p["period"] * 9) + phase)
        gain = 1 - p["depth"] * (0.5 + 0.15 * wave + 0.15 * wave2 + 0.2 * beat)
        region = frame[max(0, y0) : y0 + bh, max(0, x0) : x0 + bw]
        gh, gw = region.shape[:2]
        frame = frame.copy()
        frame[max(0, y0) : max(0, y0) + gh, max(0, x0) : max(0, x0) + gw] = np.clip(
            region * gain[:gh, :gw, None], 0, 255).astype(np.uint8)
        frame = cv2.GaussianBlur(frame, (0, 0), 0.7 * h / 720)
    elif variant == "lowlight":
        frame = cv2.GaussianBlur(frame, (0, 0), 0.8 * h / 720) * (p["gain"] * jitter)
        noise_sigma = p["noise"]
    elif variant == "overexposed":
        frame = cv2.GaussianBlur(frame, (0, 0), p["bloom"] * jitter)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, noise_sigma, frame.shape)
    out = np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if variant == "jpeg":
        q = max(5, round(p["quality"] * jitter))
        # A cheap webcam: a smaller sensor picture, squeezed hard, scaled up to 720p.
        small = cv2.resize(out, (w * 2 // 3, h * 2 // 3), interpolation=cv2.INTER_AREA)
        ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, q])
        out = cv2.resize(cv2.imdecode(data, cv2.IMREAD_COLOR), (w, h), interpolation=cv2.INTER_LINEAR)
    return out


def render(text: str, variant: str, rng: random.Random, width: int = 1280, height: int = 720) -> np.ndarray:
    """One BGR frame showing ``text`` as the given variant would look to a webcam."""
    return sequence(text, variant, rng, 1, width, height)[0]


def sequence(text: str, variant: str, rng: random.Random, frames: int = 10, width: int = 1280,
             height: int = 720, tremor_px: float = 2.0) -> list[np.ndarray]:
    """``frames`` consecutive BGR frames of one showing: the first as :func:`render` would make
    it, then each moved by a little hand tremor (``tremor_px`` at 720p), with fresh noise."""
    if variant not in ALL_VARIANTS:
        raise ValueError(f"unknown variant {variant}")
    scene = _scene(text, variant, rng, width, height)
    out, t = [], tremor_px * height / 720
    for i in range(frames):
        shift = (0.0, 0.0) if i == 0 else (rng.uniform(-t, t), rng.uniform(-t, t))
        out.append(_camera(scene, variant, rng, shift))
    return out


def empty_frame(rng: random.Random, width: int = 1280, height: int = 720) -> np.ndarray:
    """A room without a code, sometimes as a cheap webcam sees it in the dark or through MJPEG."""
    room = background(rng, width, height)
    kind = rng.choice(("room", "room", "lowlight", "jpeg"))
    if kind == "lowlight":
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 8, room.shape)
        room = np.clip(room * 0.2 + noise, 0, 255).astype(np.uint8)
    elif kind == "jpeg":
        room = cv2.imdecode(cv2.imencode(".jpg", room, [cv2.IMWRITE_JPEG_QUALITY, 12])[1],
                            cv2.IMREAD_COLOR)
    return room


@dataclass(frozen=True)
class CorpusItem:
    text: str | None  # None for an empty frame
    variant: str
    image: np.ndarray


def corpus(texts: list[str], *, per_variant: int = 10, seed: int = 7, width: int = 1280,
           height: int = 720, empty: int = 20,
           variants: tuple[str, ...] = VARIANTS) -> Iterator[CorpusItem]:
    """Single frames: ``per_variant`` of each variant, then ``empty`` rooms without a code."""
    rng = random.Random(seed)
    for variant in variants:
        for i in range(per_variant):
            text = texts[i % len(texts)]
            yield CorpusItem(text, variant, render(text, variant, rng, width, height))
    for _ in range(empty):
        yield CorpusItem(None, "empty", background(rng, width, height))


@dataclass(frozen=True)
class Showing:
    text: str | None  # None: a room without a code
    variant: str
    frames: list[np.ndarray]


def showings(texts: list[str], *, per_variant: int = 10, frames: int = 10, seed: int = 7,
             width: int = 1280, height: int = 720, empty: int = 10,
             variants: tuple[str, ...] = ALL_VARIANTS) -> Iterator[Showing]:
    """Frame sequences as a camera delivers them: ``per_variant`` showings of each variant, then
    ``empty`` sequences of rooms without a code (each frame with fresh noise)."""
    rng = random.Random(seed)
    for variant in variants:
        for i in range(per_variant):
            text = texts[i % len(texts)]
            yield Showing(text, variant, sequence(text, variant, rng, frames, width, height))
    for _ in range(empty):
        yield Showing(None, "empty", [empty_frame(rng, width, height) for _ in range(frames)])


@dataclass(frozen=True)
class VideoLayout:
    fps: float
    frames: int
    appearances: list[tuple[str, int, int]]  # (text, first frame index, last frame index), 1-based


def write_video(texts: list[str], path: str, *, width: int = 640, height: int = 480,
                fps: float = 30.0, show_frames: int = 24, gap_frames: int = 12,
                seed: int = 11,
                variants: tuple[str, ...] = ("plain", "phone", "inverted", "perspective"),
                ) -> VideoLayout:
    """A short MJPEG video: each pass is held up (moving a little), then taken away."""
    rng = random.Random(seed)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise OSError(f"cannot write a video to {path}")
    room = background(rng, width, height)
    index, appearances = 0, []
    try:
        for text in texts:
            for _ in range(gap_frames):
                writer.write(room)
                index += 1
            first = index + 1
            variant = rng.choice(variants)
            held = render(text, variant, rng, width, height)
            for _ in range(show_frames):
                # The same picture each frame, with a small hand tremor.
                m = np.float32([[1, 0, rng.uniform(-3, 3)], [0, 1, rng.uniform(-3, 3)]])
                frame = cv2.warpAffine(held, m, (width, height), borderMode=cv2.BORDER_REPLICATE)
                writer.write(frame)
                index += 1
            appearances.append((text, first, index))
        for _ in range(gap_frames):
            writer.write(room)
            index += 1
    finally:
        writer.release()
    return VideoLayout(fps, index, appearances)
