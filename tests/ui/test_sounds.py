"""Sounds: the committed WAVs are the generator's output, in a format Qt plays as it is; each
outcome's sound is really heard (played by the kiosk into a PulseAudio null sink and recorded back);
playing never fails, even without audio."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.assets import asset_path
from kiosk.core.rules import Severity
from kiosk.devtools.sounds import make_sounds
from kiosk.services.sounds import NAMES, SoundService

ROOT = Path(__file__).resolve().parents[2]
RATE = 48_000  # what the recording asks the null sink's monitor for
IN_CI = os.environ.get("CI", "").lower() == "true"


def test_committed_sounds_match_the_generator(tmp_path):
    for made in make_sounds(tmp_path):
        committed = asset_path("sounds", made.name)
        # Digests, not bytes: pytest's diff of two 100 KB byte strings takes minutes.
        assert hashlib.sha256(committed.read_bytes()).hexdigest() == \
            hashlib.sha256(made.read_bytes()).hexdigest(), (
                f"{made.name} differs from the generator: python -m kiosk.devtools sounds")
        with wave.open(str(committed)) as w:
            # 16-bit PCM stereo at 48 kHz: what QSoundEffect hands any device unconverted.
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 48_000)
            assert w.getcomptype() == "NONE"
            assert 0.2 < w.getnframes() / w.getframerate() < 1.0


def test_playing_is_a_no_op_without_audio(qtbot):
    sounds = SoundService(volume=50)  # offscreen CI: there may be no audio device at all
    for sev in (Severity.OK, Severity.WARN, Severity.ERROR):
        sounds.play(sev)
    sounds.set_volume(0)
    sounds.play(Severity.OK)
    assert sounds.played == ["success", "warning", "failure", "success"]


# -- heard through PulseAudio ---------------------------------------------------------------


def _unavailable(reason: str) -> None:
    """No PulseAudio here: skip, except under CI, where scripts/test installs it (a failure)."""
    if IN_CI:
        pytest.fail(f"CI must run the sound test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def pulse() -> Iterator[dict[str, str]]:
    """A private PulseAudio daemon with one null sink ``kiosk``; yields the environment that
    points a client at it.  The daemon is always killed."""
    for tool in ("pulseaudio", "parec", "pactl"):
        if not shutil.which(tool):
            _unavailable(f"{tool} is not installed (apt-get install pulseaudio pulseaudio-utils)")
    home = Path(tempfile.mkdtemp(prefix="kpa-"))  # short: a unix socket path has ~100 bytes
    (home / "run").mkdir(mode=0o700)
    socket = home / "native"
    config = home / "kiosk.pa"
    config.write_text("load-module module-null-sink sink_name=kiosk rate=48000 channels=2\n"
                      "set-default-sink kiosk\n"
                      f"load-module module-native-protocol-unix socket={socket} auth-anonymous=1\n")
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run"),
           "PULSE_RUNTIME_PATH": str(home / "run"), "PULSE_SERVER": f"unix:{socket}",
           "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    log = open(home / "daemon.log", "wb")  # noqa: SIM115 - closed below
    daemon = subprocess.Popen(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1",
                               "--system=false", "-n", "-F", str(config), "--log-target=stderr"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 8
        ready = False
        while time.monotonic() < deadline and daemon.poll() is None and not ready:
            time.sleep(0.1)
            ready = socket.exists() and subprocess.run(
                ["pactl", "info"], env=env, capture_output=True, timeout=5).returncode == 0
        if not ready:
            _unavailable("PulseAudio did not start: "
                         + (home / "daemon.log").read_text(errors="replace")[-400:])
        yield env
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=3)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=3)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


# The kiosk's own SoundService, in a process whose Qt Multimedia talks to the private daemon.
PLAYER = """
import json, sys, time
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from kiosk.core.rules import Severity
from kiosk.services.sounds import SoundService
app = QApplication([])
sounds = SoundService(volume=100)
print(json.dumps(sounds.statuses(timeout=5)), flush=True)
for sev in (Severity.OK, Severity.WARN, Severity.ERROR):
    sounds.play(sev)
    end = time.monotonic() + 1.2  # the sound, then a silence that separates it from the next
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)
"""


def _loud_runs(samples: np.ndarray, rate: int, *, gap_s: float = 0.25) -> list[np.ndarray]:
    """The stretches that are not silent (10 ms windows above a fixed level), split where the
    silence lasts ``gap_s`` or more."""
    win = rate // 100
    n = len(samples) // win
    rms = np.sqrt((samples[: n * win].reshape(n, win) ** 2).mean(axis=1))
    loud = np.flatnonzero(rms > 500)  # of 32767: well above silence, well below the sounds
    runs: list[np.ndarray] = []
    if len(loud) == 0:
        return runs
    start = prev = loud[0]
    for i in list(loud[1:]) + [None]:
        if i is None or i - prev > gap_s * 100:
            runs.append(samples[start * win:(prev + 1) * win])
            if i is not None:
                start = i
        if i is not None:
            prev = i
    return runs


def _dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def _file_samples(name: str) -> tuple[np.ndarray, int]:
    with wave.open(str(asset_path("sounds", f"{name}.wav"))) as w:
        raw = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64)
        return raw.reshape(-1, w.getnchannels()).mean(axis=1), w.getframerate()


def test_each_outcome_is_heard_and_they_differ(pulse, tmp_path):
    recording = tmp_path / "monitor.raw"
    with open(recording, "wb") as out:
        rec = subprocess.Popen(["parec", "--device=kiosk.monitor", "--format=s16le",
                                f"--rate={RATE}", "--channels=1", "--raw", "--latency-msec=20"],
                               env=pulse, stdout=out, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 5
            while recording.stat().st_size < RATE // 5 and time.monotonic() < deadline:
                time.sleep(0.05)  # the monitor is flowing before the kiosk plays
            player = subprocess.run([sys.executable, "-c", PLAYER], env=pulse, cwd=ROOT,
                                    capture_output=True, text=True, timeout=25)
            time.sleep(0.3)
        finally:
            rec.terminate()
            rec.wait(timeout=3)
    assert player.returncode == 0, player.stderr[-2000:]
    statuses = json.loads(player.stdout.strip().splitlines()[-1])
    assert statuses == {name: "ready" for name in NAMES.values()}, player.stderr[-2000:]
    assert "not supported" not in player.stderr
    heard = np.frombuffer(recording.read_bytes(), "<i2").astype(np.float64)
    runs = _loud_runs(heard, RATE)
    assert len(runs) == 3, f"heard {len(runs)} sound(s), not success, warning and failure"
    found = {}
    for name, run in zip(NAMES.values(), runs, strict=True):
        rms = float(np.sqrt((run ** 2).mean()))
        assert rms > 2000, f"{name} is nearly silent (RMS {rms:.0f})"
        samples, rate = _file_samples(name)
        expected_s = sum(len(r) for r in _loud_runs(samples, rate, gap_s=0.25)) / rate
        assert abs(len(run) / RATE - expected_s) < 0.08, (name, len(run) / RATE, expected_s)
        hz, expected_hz = _dominant_hz(run, RATE), _dominant_hz(samples, rate)
        assert abs(hz - expected_hz) < 0.03 * expected_hz, (name, hz, expected_hz)
        found[name] = hz
    # Told apart by ear: the three dominant pitches are far from each other.
    pitches = sorted(found.values())
    assert all(b > 1.3 * a for a, b in zip(pitches, pitches[1:], strict=False)), found


def test_self_test_checks_each_sound_loads_for_the_device(pulse):
    script = ("from pathlib import Path\nfrom kiosk import selftest\n"
              "from kiosk.selftest.base import _Context\n"
              "print(selftest.check_sounds(_Context(Path('.'), 'none')))\n")
    done = subprocess.run([sys.executable, "-c", script], env=pulse, cwd=ROOT,
                          capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ready to play on 'Null Output'" in done.stdout
