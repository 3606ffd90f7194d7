"""Success / warning / failure sounds through QtMultimedia's QSoundEffect.

Sound is a courtesy, never a dependency: when audio (or the multimedia module, or the files) is
unavailable — a CI runner, a PC without speakers — every call is a silent no-op.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl

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
            from PySide6.QtMultimedia import QSoundEffect

            from kiosk.assets import asset_path
        except ImportError as exc:  # pragma: no cover - the Addons wheel is missing
            log.info("no sounds: %s", exc)
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
