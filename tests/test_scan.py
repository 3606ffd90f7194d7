"""Scanning without Qt: real frames, the real decoder, real video files, real threads."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.desk import CheckinDesk
from kiosk.core.rules import Outcome
from kiosk.devtools.frames import VARIANTS, code_image, render, write_video
from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoder import QrDecoder
from kiosk.scan.pipeline import ScanPipeline
from kiosk.scan.sources import FileSource, NullSource, SourceError, make_source
from kiosk.scan.wedge import WedgeAssembler
from sync import passes
from sync.demo import session_id
from tests.conftest import NOW

OPEN = session_id(101, 1)


@pytest.fixture(scope="module")
def texts(key_dir):
    from kiosk.devtools.keys import load_key

    key = load_key(key_dir)
    return [key.issue(2_000_000 + i, valid_from=NOW - timedelta(days=1))[0] for i in range(5)]


@pytest.fixture(scope="module")
def video(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("video") / "parents.avi"
    layout = write_video(texts, str(path))
    return path, layout


# -- decoder -------------------------------------------------------------------------------


# The corpus is deliberately hard in places (heavy blur, steep tilt); these floors are what the
# decoder reaches on it, so a regression in the decoder set-up (e.g. losing try_invert) shows.
FLOOR = {"blur": 0.5, "perspective": 0.6}


@pytest.mark.parametrize("variant", VARIANTS)
def test_decoder_reads_each_variant(texts, variant):
    rng = random.Random(3)
    n = 8
    hits = sum(QrDecoder().decode(render(texts[i % 5], variant, rng)).texts == [texts[i % 5]]
               for i in range(n))
    assert hits / n >= FLOOR.get(variant, 0.85), f"{variant}: {hits}/{n}"


def test_decoder_inverted_needs_try_invert(texts):
    frame = render(texts[1], "inverted", random.Random(5))
    assert QrDecoder().decode(frame).texts == [texts[1]]
    assert QrDecoder(try_invert=False).decode(frame).texts == []


def test_decoder_empty_frame_and_corners(texts):
    assert QrDecoder().decode(np.full((720, 1280, 3), 127, np.uint8)).found == ()
    img = code_image(texts[2], 6)
    found = QrDecoder().decode(img).found[0]
    (x0, y0), _, (x2, y2), _ = found.corners
    assert 0 <= x0 < x2 <= img.shape[1] and 0 <= y0 < y2 <= img.shape[0]
    assert passes.verify(found.text, {}, NOW).data is not None  # parses as a pass


# -- debounce ------------------------------------------------------------------------------


def test_debounce_needs_two_frames_and_emits_once_while_in_view():
    d = Debouncer(min_frames=2, hold_s=3.0)
    assert d.feed(["A"], 0.00) == []
    assert d.feed(["A"], 0.03) == [("A", 0.00)]
    assert all(d.feed(["A"], 0.03 * i) == [] for i in range(2, 200))  # held up for 6 s
    assert d.feed([], 6.1) == []
    assert d.feed(["A"], 7.0) == []  # back within the hold time: still the same showing
    assert d.feed([], 10.5) == []  # gone for > 3 s: forgotten
    assert d.feed(["A"], 10.6) == [] and d.feed(["A"], 10.63) == [("A", 10.6)]


def test_debounce_single_glimpses_do_not_count():
    d = Debouncer(min_frames=2, streak_gap_s=1.0)
    assert d.feed(["B"], 0.0) == []
    assert d.feed(["B"], 2.0) == []  # a second glimpse long after is a new streak
    assert d.feed(["B"], 2.05) == [("B", 2.0)]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.floats(0.001, 0.5)), max_size=200))
def test_debounce_never_emits_a_code_twice_within_the_hold(sightings):
    d, t, last = Debouncer(min_frames=2, hold_s=3.0), 0.0, {}
    for code, dt in sightings:
        t += dt
        for text, _ in d.feed([code], t):
            assert text not in last or t - last[text] > 3.0
            last[text] = t


# -- wedge scanner -------------------------------------------------------------------------


def type_keys(w: WedgeAssembler, text: str, start: float, gap: float) -> float:
    t = start
    for ch in text:
        w.key(ch, t)
        t += gap
    return t


def test_wedge_fast_burst_is_a_code(texts):
    w = WedgeAssembler()
    t = type_keys(w, texts[0], 1000, 4)
    assert w.enter(t) == texts[0]


def test_wedge_slow_typing_is_ignored():
    w = WedgeAssembler()
    t = type_keys(w, "HELLO THIS IS A PERSON TYPING", 0, 180)
    assert w.enter(t + 150) is None


def test_wedge_person_then_scanner(texts):
    w = WedgeAssembler()
    t = type_keys(w, "abc", 0, 200)
    t = type_keys(w, texts[1], t + 500, 3)
    assert w.enter(t) == texts[1]


def test_wedge_caps_lock_and_full_width_still_verify(texts, signing_key):
    keys = {1: passes.public_key_from_raw(passes.public_key_raw(signing_key.private))}
    caps = texts[2].lower()
    full = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in texts[2])
    for typed in (caps, full):
        w = WedgeAssembler()
        code = w.enter(type_keys(w, typed, 0, 5))
        assert code is not None
        assert passes.verify(code, keys, NOW).ok


@settings(max_examples=200)
@given(st.lists(st.floats(60, 400), min_size=12, max_size=60))
def test_wedge_human_rhythm_never_completes(gaps):
    w = WedgeAssembler(max_gap_ms=100, mean_gap_ms=40)
    t = 0.0
    for gap in gaps:
        w.key("A", t)
        t += gap
    assert w.enter(t) is None or sum(gaps[:-1]) / max(len(gaps) - 1, 1) <= 40


# -- sources -------------------------------------------------------------------------------


def test_no_camera_gives_the_null_source_with_a_notice():
    src = make_source("camera:7")  # no such device on a CI machine
    assert isinstance(src, NullSource)
    assert src.notice and "摄像头" in src.notice and "camera" in src.notice
    assert src.read() is None
    src.close()
    assert src.ended


def test_bad_source_specs():
    with pytest.raises(ValueError):
        make_source("microscope:1")
    with pytest.raises(SourceError):
        make_source("file:/nonexistent/video.avi")


def test_file_source_plays_images_in_a_loop(tmp_path, texts):
    for i, t in enumerate(texts[:2]):
        cv2.imwrite(str(tmp_path / f"{i}.png"), render(t, "plain", random.Random(i), 320, 240))
    src = FileSource(tmp_path, realtime=False)
    src.open()
    frames = [src.read() for _ in range(5)]
    assert [f.index for f in frames] == [1, 2, 3, 4, 5]
    assert QrDecoder().decode(frames[2].image).texts == [texts[0]]  # looped back
    once = FileSource(tmp_path, realtime=False, loop=False)
    once.open()
    assert [once.read() is not None for _ in range(3)] == [True, True, False]
    assert once.ended


# -- the pipeline --------------------------------------------------------------------------


def test_video_pipeline_emits_each_pass_exactly_once_off_the_main_thread(video, texts):
    path, layout = video
    src = FileSource(path, fps=120, loop=False)
    src.open()
    got: list[tuple[str, str]] = []
    pipe = ScanPipeline(src, lambda text, _t: got.append((text, threading.current_thread().name)))
    pipe.start()
    assert pipe.wait_until_source_ends(60)
    pipe.stop()
    assert [t for t, _ in got] == texts
    assert all(name == "scan-decode" for _, name in got)
    assert threading.main_thread().ident not in pipe.stats.decode_threads
    assert pipe.stats.captured == layout.frames


def test_newest_frame_wins_when_decoding_is_slow(video):
    path, _ = video
    src = FileSource(path, fps=1000, loop=False)
    src.open()

    class SlowDecoder(QrDecoder):
        def decode(self, frame):
            threading.Event().wait(0.02)
            return super().decode(frame)

    pipe = ScanPipeline(src, lambda *_: None, decoder=SlowDecoder())
    pipe.start()
    assert pipe.wait_until_source_ends(60)
    pipe.stop()
    assert pipe.stats.dropped > 0
    assert pipe.stats.decoded + pipe.stats.dropped <= pipe.stats.captured + 1


def test_camera_to_committed_record(video, texts, tmp_path, demo, clock):
    """File source → decoder → debouncer → the real desk: one record per pass, none twice."""
    from kiosk.core.store import Store

    path, _ = video
    results = []
    src = FileSource(path, fps=120, loop=False)
    src.open()
    done = threading.Event()

    # One store connection per thread: the decode thread opens its own.
    def on_code(text: str, _first: float) -> None:
        if not hasattr(local, "desk"):
            local.desk = CheckinDesk(Store(tmp_path / "k.db"), clock)
        results.append(local.desk.scan(text, OPEN, "camera"))

    local = threading.local()
    store = Store(tmp_path / "k.db")
    store.import_bundle(demo[0])
    pipe = ScanPipeline(src, on_code, on_end=done.set)
    pipe.start()
    assert done.wait(60)
    pipe.stop()
    assert [r.outcome for r in results] == [Outcome.ACCEPTED_WALK_IN] * len(texts)
    assert store.conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(texts)
    store.close()


def test_alternating_polarity_finds_both_kinds_within_two_frames(texts):
    dec = QrDecoder(invert="alternate")
    for variant in ("inverted", "plain", "inverted", "phone"):
        frame = render(texts[3], variant, random.Random(8))
        first = dec.decode(frame).texts
        assert first == [texts[3]] or dec.decode(frame).texts == [texts[3]], variant
        # Once found, the polarity sticks while the code stays in view.
        assert dec.decode(frame).texts == [texts[3]]
    with pytest.raises(ValueError):
        QrDecoder(invert="sometimes")
