"""Sounds: the committed WAVs are the generator's output; playing never fails, even without audio."""

from __future__ import annotations

import wave

from kiosk.assets import asset_path
from kiosk.core.rules import Severity
from kiosk.devtools.sounds import make_sounds
from kiosk.services.sounds import SoundService


def test_committed_sounds_match_the_generator(tmp_path):
    for made in make_sounds(tmp_path):
        committed = asset_path("sounds", made.name)
        assert committed.read_bytes() == made.read_bytes(), made.name
        with wave.open(str(committed)) as w:
            assert w.getnchannels() == 1 and w.getsampwidth() == 2
            assert 0.2 < w.getnframes() / w.getframerate() < 1.0


def test_playing_is_a_no_op_without_audio(qtbot):
    sounds = SoundService(volume=50)  # offscreen CI: there may be no audio device at all
    for sev in (Severity.OK, Severity.WARN, Severity.ERROR):
        sounds.play(sev)
    sounds.set_volume(0)
    sounds.play(Severity.OK)
    assert sounds.played == ["success", "warning", "failure", "success"]
