"""Success / warning / failure sounds through QtMultimedia's QSoundEffect.

Sound is a courtesy, never a dependency: when audio (or the multimedia module, or the files) is
unavailable — a CI runner, a PC without speakers — every call is a silent no-op.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QCoreApplication, QObject, QUrl

from kiosk.core.rules import Severity

log = logging.getLogger(__name__)

NAMES = {Severity.OK: "success", Severity.WARN: "warning", Severity.ERROR: "failure"}


class SoundService(QObject):
    def __init__(self, volume: int = 80, *, enabled: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.volume = max(0, min(100, volume))
        self.enabled = enabled
        self.played: list[str] = []  # what was asked for, in order (tests and diagnostics)
        self._effects: dict[str, object] = {}
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

            from kiosk.assets import asset_path
        except ImportError as exc:  # pragma: no cover - the Addons wheel is missing
            log.info("no sounds: %s", exc)
            return
        if QMediaDevices.defaultAudioOutput().isNull():
            # Qt would load each sound, end in Error and log "format not supported"; say why.
            log.warning("no audio output (no speakers, or the sound service is not running): "
                        "the kiosk is silent")
            return
        for name in NAMES.values():
            try:
                path = asset_path("sounds", f"{name}.wav")
            except FileNotFoundError as exc:
                log.warning("no sound: %s", exc)
                continue
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(self.volume / 100)
            self._effects[name] = effect

    def statuses(self, timeout: float = 3.0) -> dict[str, str]:
        """Each sound's state once Qt has tried to load it: ``ready``, ``error`` (the audio device
        refuses it, or there is no device), ``loading`` (still not settled after ``timeout``
        seconds) or ``missing`` (no file / no Qt Multimedia).  Runs the event loop meanwhile."""
        from PySide6.QtMultimedia import QSoundEffect

        unsettled = (QSoundEffect.Status.Null, QSoundEffect.Status.Loading)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(
                e.status() in unsettled for e in self._effects.values()):  # type: ignore[attr-defined]
            QCoreApplication.processEvents()
            time.sleep(0.01)
        words = {QSoundEffect.Status.Ready: "ready", QSoundEffect.Status.Error: "error"}
        return {name: words.get(self._effects[name].status(), "loading")  # type: ignore[attr-defined]
                if name in self._effects else "missing" for name in NAMES.values()}

    def is_playing(self) -> bool:
        return any(e.isPlaying() for e in self._effects.values())  # type: ignore[attr-defined]

    def set_volume(self, volume: int) -> None:
        self.volume = max(0, min(100, volume))
        for effect in self._effects.values():
            effect.setVolume(self.volume / 100)  # type: ignore[attr-defined]

    def play(self, severity: Severity) -> None:
        name = NAMES[severity]
        self.played.append(name)
        effect = self._effects.get(name)
        if effect is None or self.volume == 0:
            return
        try:
            effect.play()  # type: ignore[attr-defined]
        except Exception:  # pragma: no cover - a broken audio backend must not stop check-in
            log.debug("sound %s failed", name, exc_info=True)
