"""Realistic camera frames of passes, made with ``qrcode`` and OpenCV (test material, benchmarks).

Variants: a flat card, perspective (a tilted phone), blur (out of focus / motion), glare (a
ceiling light on the screen), a phone bezel, inverted (a phone in dark mode), and small codes
(held far away).  Nothing large is committed: tests and benchmarks make what they need.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.core.qr import make_qr

VARIANTS = ("plain", "perspective", "blur", "glare", "phone", "inverted", "small")


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


def render(text: str, variant: str, rng: random.Random, width: int = 1280, height: int = 720) -> np.ndarray:
    """One BGR frame showing ``text`` as the given variant would look to a webcam."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant}")
    scale = height / 720
    frame = background(rng, width, height)
    module = max(1, round((rng.uniform(1.5, 2.6) if variant == "small" else rng.uniform(3.0, 6.0)) * scale))
    code = code_image(text, module)
    if variant == "inverted":
        code = 255 - code
    if variant in ("phone", "inverted"):
        pad = round(40 * scale)
        screen = np.full((code.shape[0] + 2 * pad, code.shape[1] + 2 * pad),
                         20 if variant == "inverted" else 250, np.uint8)
        screen[pad : pad + code.shape[0], pad : pad + code.shape[1]] = code
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
    if variant == "blur":
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(1.0, 3.2) * scale)
    if variant == "glare":
        overlay = np.zeros(frame.shape[:2], np.float32)
        cx, cy = x + rng.randrange(w), y + rng.randrange(h)
        cv2.ellipse(overlay, (cx, cy), (w // 3, h // 5), rng.randrange(180), 0, 360, 1.0, -1)
        overlay = cv2.GaussianBlur(overlay, (0, 0), max(w, h) / 14)
        frame = np.clip(frame + overlay[..., None] * rng.uniform(120, 230), 0, 255).astype(np.uint8)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 3, frame.shape)
    return np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class CorpusItem:
    text: str | None  # None for an empty frame
    variant: str
    image: np.ndarray


def corpus(texts: list[str], *, per_variant: int = 10, seed: int = 7, width: int = 1280,
           height: int = 720, empty: int = 20) -> Iterator[CorpusItem]:
    rng = random.Random(seed)
    for variant in VARIANTS:
        for i in range(per_variant):
            text = texts[i % len(texts)]
            yield CorpusItem(text, variant, render(text, variant, rng, width, height))
    for _ in range(empty):
        yield CorpusItem(None, "empty", background(rng, width, height))


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
