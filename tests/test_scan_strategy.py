"""The multi-frame decode strategy: reads what plain zxing-cpp misses, never invents a text, tells
the parent what to do, idles when nobody is there.  No timing assertions (bench/scan_bench.py)."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.devtools.frames import code_image, empty_frame, sequence
from kiosk.scan.decoder import QrDecoder
from kiosk.scan.hints import HINTS
from kiosk.scan.pictures import half_mean, stretch, unsharp
from kiosk.scan.pipeline import ScanPipeline
from kiosk.scan.sources import FileSource
from kiosk.scan.strategy import MultiFrameDecoder, is_pass
from sync import passes
from tests.conftest import NOW


def fixed_pass(parent: int = 7_000_001) -> str:
    """A real pass with a fixed key: Ed25519 signatures are deterministic, so the same QR symbol
    (and the same corpus frames) every run."""
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    data = passes.PassData(1, 4242, parent, passes.Role.PARENT, NOW - timedelta(days=1),
                           NOW + timedelta(days=365))
    return passes.sign(data, key)


TEXT = fixed_pass()


def run(decoder: MultiFrameDecoder, frames, t0: float = 0.0):
    return [decoder.decode(f, t0 + i / 30) for i, f in enumerate(frames)]


# -- reads what plain zxing-cpp cannot -------------------------------------------------------------

# (variant, seed): 8 frames of a showing that zxing-cpp, both polarities, reads in none of.
HARD = [("blur", 2), ("motion", 0)]


@pytest.mark.parametrize("variant,seed", HARD)
def test_reads_frames_plain_zxing_cannot(variant, seed):
    frames = sequence(TEXT, variant, random.Random(seed), 8)
    plain = QrDecoder()  # both polarities, zxing-cpp's defaults: what the kiosk did before
    assert not any(plain.decode(f).texts for f in frames)
    results = run(MultiFrameDecoder(), frames)
    reads = [r for r in results if r.texts == [TEXT]]
    assert len(reads) >= 2, [r.attempts for r in results]  # enough for the 2-frame debounce
    assert all(r.read_by != "first" for r in reads)  # an extra attempt did it
    assert all(t == TEXT for r in results for t in r.texts)


def test_easy_codes_are_read_in_the_first_frame():
    for variant in ("plain", "phone", "small"):
        r = MultiFrameDecoder().decode(sequence(TEXT, variant, random.Random(1), 1)[0], 0.0)
        assert r.texts == [TEXT], variant
        # the averaged ½ first look reads ordinary codes; a small one (averaging blurs it) is
        # read in the same frame by an attempt at full size: on the texture it makes
        assert r.read_by == ("crop" if variant == "small" else "first"), variant


def test_dark_mode_is_read_within_two_frames():
    frames = sequence(TEXT, "inverted", random.Random(4), 3)
    results = run(MultiFrameDecoder(), frames)
    assert any(r.texts == [TEXT] for r in results[:2])
    assert results[2].texts == [TEXT]  # the polarity that found it sticks


# -- never a wrong text ----------------------------------------------------------------------------

def test_no_text_on_empty_or_noise_frames():
    rng = random.Random(3)
    noise = np.random.default_rng(3)
    frames = [empty_frame(rng) for _ in range(12)]
    frames += [noise.integers(0, 256, (720, 1280), dtype=np.uint8) for _ in range(6)]
    frames += [np.full((720, 1280), v, np.uint8) for v in (0, 128, 255)]
    # a few squares that look like finder patterns but belong to no code
    fake = np.full((720, 1280), 200, np.uint8)
    for x in (100, 400, 700):
        fake[100:170, x:x + 70] = 0
        fake[110:160, x + 10:x + 60] = 255
        fake[120:150, x + 20:x + 50] = 0
    frames += [fake] * 6
    decoder = MultiFrameDecoder()
    results = run(decoder, frames)
    assert all(r.texts == [] for r in results)
    assert decoder.stats.attempts > len(frames)  # the extra attempts did run


def test_transformed_pictures_only_count_passes():
    assert is_pass(TEXT) and not is_pass("https://example.com/a-menu") and not is_pass("")
    decoder = MultiFrameDecoder(accept=lambda _t: False)
    frames = sequence(TEXT, "blur", random.Random(2), 8)
    assert all(r.texts == [] or r.read_by in ("first", "crop", "frame_full") for r in run(decoder, frames))


def test_pictures_need_no_opencv():
    g = (np.arange(64 * 48) % 251).astype(np.uint8).reshape(48, 64)
    assert unsharp(g, 2, 1.5).shape == g.shape and unsharp(g, 2, 1.5).dtype == np.uint8
    assert half_mean(g).shape == (24, 32)
    low = (g // 4 + 100).astype(np.uint8)
    assert stretch(low).max() > 240 and stretch(low).min() < 15


# -- hints -----------------------------------------------------------------------------------------

def damaged_code(module: int, dark: int = 0, light: int = 255) -> np.ndarray:
    """A pass whose middle is scribbled over: zxing-cpp locates it but cannot read it."""
    code = code_image(TEXT, module)
    n = code.shape[0]
    blocks = np.random.default_rng(1).random((n // module + 1,) * 2) < 0.5
    noise = np.repeat(np.repeat(blocks, module, 0), module, 1)[:n, :n]
    a, b = int(n * 0.3), int(n * 0.7)
    code[a:b, a:b] = np.where(noise[a:b, a:b], 0, 255)
    return np.where(code < 128, dark, light).astype(np.uint8)


def scene(code: np.ndarray, x: int, y: int, background: int = 120) -> np.ndarray:
    frame = np.full((720, 1280), background, np.uint8)
    frame[y:y + code.shape[0], x:x + code.shape[1]] = code
    return frame


@pytest.mark.parametrize("case,frames,word", [
    ("small", [scene(damaged_code(2), 600, 300)] * 12, "closer"),
    ("moving", [scene(damaged_code(5), 200 + 20 * i, 200) for i in range(12)], "hold_still"),
    ("overexposed", [scene(damaged_code(5, dark=225), 500, 200, 200)] * 12, "brighter"),
    ("well shown", [scene(damaged_code(5), 500, 200)] * 12, ""),
])
def test_hint_for_a_code_seen_but_not_read(case, frames, word):
    results = run(MultiFrameDecoder(), frames)
    assert all(r.located and not r.texts for r in results), case
    assert results[0].hint == ""  # not at once: most codes read within a few frames
    assert results[-1].hint == word, case
    assert word == "" or word in HINTS


def test_hint_clears_when_the_code_reads_or_goes():
    decoder = MultiFrameDecoder()
    results = run(decoder, [scene(damaged_code(2), 600, 300)] * 10)
    assert results[-1].hint == "closer"
    good = scene(code_image(TEXT, 4), 500, 200)
    assert decoder.decode(good, 0.5).texts == [TEXT] and decoder.decode(good, 0.5).hint == ""
    results = run(decoder, [scene(damaged_code(2), 600, 300)] * 10, 1.0)
    assert results[-1].hint == "closer"
    empty = np.full((720, 1280), 120, np.uint8)
    assert decoder.decode(empty, 2.0).hint == "closer"  # a moment out of view: kept
    assert decoder.decode(empty, 3.0).hint == ""  # gone


# -- idle mode -------------------------------------------------------------------------------------

def test_idle_mode_decodes_fewer_frames_and_wakes_on_a_code():
    decoder = MultiFrameDecoder(idle_after_s=3.0, idle_every=3)
    room = empty_frame(random.Random(5))
    awake = run(decoder, [room] * 90)  # 3 s of an empty room
    assert not any(r.skipped or r.idle for r in awake)
    attempts_awake = sum(len(r.attempts) for r in awake)
    idle = run(decoder, [room] * 90, 3.1)
    assert all(r.idle for r in idle)
    assert sum(r.skipped for r in idle) == 60  # two frames in three let pass
    assert sum(len(r.attempts) for r in idle) < attempts_awake / 2
    # a parent arrives: the first decoded frame finds the code, full rate from then on
    code = sequence(TEXT, "plain", random.Random(1), 6)
    back = run(decoder, code, 6.2)
    first = next(i for i, r in enumerate(back) if not r.skipped)
    assert first <= 2 and back[first].texts == [TEXT]
    assert not any(r.skipped for r in back[first + 1:])
    assert all(r.texts == [TEXT] for r in back[first:])


def test_pipeline_uses_the_strategy_and_relays_hints(tmp_path):
    import cv2

    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i}.png"), scene(damaged_code(2), 600, 300 + i))
    src = FileSource(tmp_path, fps=200, loop=True)
    src.open()
    hints: list[str] = []
    got_hint = threading.Event()

    def on_hint(word: str) -> None:
        hints.append(word)
        got_hint.set()

    pipe = ScanPipeline(src, lambda *_: None, on_hint=on_hint)
    assert isinstance(pipe.decoder, MultiFrameDecoder)
    pipe.start()
    assert got_hint.wait(20)
    pipe.stop()
    assert hints[0] == "closer"
    assert hints[-1] == ""  # cleared when the pipeline ends
