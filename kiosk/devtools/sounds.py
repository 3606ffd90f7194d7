"""Make the kiosk's three sounds (``python -m kiosk.devtools sounds``): numpy synthesis → WAV.

Distinct by shape, not just pitch, so they can be told apart by people who hear poorly:
success rises (two bright notes), warning is two even mid beeps, failure falls and buzzes.
Made by the project, CC0.

The format is the one audio outputs prefer, so nothing is resampled or remixed on the way:
16-bit signed PCM, little endian, 48 kHz, stereo (the same samples in both channels) — PulseAudio's
and most sound cards' own format.  QSoundEffect plays PCM WAV only.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 48_000
CHANNELS = 2
SAMPLE_WIDTH = 2  # bytes: 16-bit signed PCM


def _tone(freq: float, seconds: float, *, harmonics: tuple[float, ...] = (1.0,),
          volume: float = 0.5) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    wave_ = sum(a * np.sin(2 * np.pi * freq * (i + 1) * t) for i, a in enumerate(harmonics))
    wave_ = wave_ / max(1e-9, float(np.max(np.abs(wave_))))
    attack = min(len(t), int(0.008 * RATE))
    release = min(len(t), int(0.06 * RATE))
    env = np.ones_like(t)
    env[:attack] = np.linspace(0, 1, attack)
    env[-release:] = np.linspace(1, 0, release)
    return (wave_ * env * volume).astype(np.float32)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds), np.float32)


def success() -> np.ndarray:
    return np.concatenate([_tone(880, 0.11, harmonics=(1, 0.3)), _silence(0.02),
                           _tone(1320, 0.22, harmonics=(1, 0.3))])


def warning() -> np.ndarray:
    beep = _tone(660, 0.14, harmonics=(1, 0.5, 0.2))
    return np.concatenate([beep, _silence(0.09), beep])


def failure() -> np.ndarray:
    return np.concatenate([_tone(392, 0.18, harmonics=(1, 0.6, 0.4, 0.3)), _silence(0.03),
                           _tone(262, 0.38, harmonics=(1, 0.6, 0.4, 0.3))])


SOUNDS = {"success": success, "warning": warning, "failure": failure}


def write_wav(samples: np.ndarray, path: Path) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    frames = np.repeat(pcm[:, None], CHANNELS, axis=1)  # interleaved L R L R …
    with wave.open(str(path), "wb") as w:
        w.setnchannels(CHANNELS)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(RATE)
        w.writeframes(frames.tobytes())


def make_sounds(out_dir: Path) -> list[Path]:
    """Write success.wav, warning.wav and failure.wav into ``out_dir``; the same bytes each run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fn in SOUNDS.items():
        path = out_dir / f"{name}.wav"
        write_wav(fn(), path)
        paths.append(path)
    return paths
