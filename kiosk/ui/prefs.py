"""UI settings read through :class:`kiosk.config.Config`, with a fallback default.

The app's settings (kiosk mode, camera, volume, sync interval) belong in ``kiosk/config.py``'s
``SETTINGS``; until they are declared there, :func:`pref` answers with the default below instead
of failing, so the screens run either way.
"""

from __future__ import annotations

from typing import Any

from kiosk.config import Config

DEFAULTS: dict[str, Any] = {
    "kiosk_mode": False,
    "camera": "",
    "volume": 80,
    "sync_interval_s": 30,
    "language": "zh",
    "card_seconds": 3,
}


def pref(config: Config, key: str) -> Any:
    try:
        return config.get(key)
    except KeyError:
        return config.values.get(key, DEFAULTS[key])


def camera_spec(value: str) -> str:
    """The ``camera`` setting as a frame-source spec: "" → the default camera, "1" → camera 1,
    "none" → scanner only; ``camera:N`` / ``file:PATH`` pass through."""
    value = (value or "").strip()
    if not value:
        return "camera:0"
    if value.isdigit():
        return f"camera:{value}"
    return value
