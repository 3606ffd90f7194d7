"""Settings, each declared once (key, type, default, label), and where the kiosk keeps its files.

Nothing is created at import time: paths are computed, folders are made by whoever writes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from kiosk.core.files import private_dir, write_private_text
from kiosk.core.rules import Window

APP_NAME = "starkiosk"
ENV_DATA_DIR = "STARKIOSK_DATA_DIR"


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str


SETTINGS: tuple[Setting, ...] = (
    Setting("doors_open_before_min", int, 30, "Check-in opens this many minutes before a class"),
    Setting("checkin_closes_after_end_min", int, 0, "Check-in closes this many minutes after a class ends"),
    Setting("checkout_grace_after_end_min", int, 30, "Check-out allowed this long after a class ends"),
    Setting("checkout_min_after_checkin_min", int, 10, "A repeat scan this soon after check-in is not a check-out"),
    Setting("language", str, "zh", "Language of messages (zh or en)"),
    Setting("retention_days", int, 30, "Acknowledged records are purged after this many days"),
    # The kiosk app (kiosk/ui): admin screen settings.  PINs are stored as salted scrypt hashes
    # (kiosk/operations/pins.py); an empty admin hash means the documented first-run default is
    # in force and must be changed at first use — unless the database says a PIN was set (then
    # `starkiosk reset-admin-pin`); an empty trainer hash means no trainer PIN fallback.
    Setting("admin_pin_hash", str, "", "Admin PIN (salted hash; empty = first-run default)"),
    Setting("trainer_pin_hash", str, "", "Trainer PIN for close-out without a pass (salted hash)"),
    Setting("camera", str, "camera:0", "Frame source: camera:N, file:PATH (demo) or none (scanner only)"),
    # Camera focus and exposure (kiosk/services/camera_controls.py), applied when the camera opens, each
    # only where the camera supports it (anything else is logged and left as it is).
    Setting("camera_focus", str, "near", "Camera focus: auto, near (codes held close) or manual"),
    Setting("camera_focus_distance", int, 10,
            "Manual focus distance, 0 (nearest) to 100 (infinity); used when focus is manual"),
    Setting("camera_exposure_compensation", int, 0,
            "Exposure compensation in tenths of a stop, -20 to 20 (-7: bright phone screens)"),
    Setting("volume", int, 80, "Sound volume, 0-100"),
    Setting("kiosk_mode", bool, False, "Full screen without window controls; leaving needs the admin PIN"),
    Setting("sync_interval_s", int, 30, "Seconds between background sync passes"),
    Setting("card_seconds", int, 3, "Seconds a check-in result stays on screen"),
)
_BY_KEY = {s.key: s for s in SETTINGS}


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass
class Config:
    data_dir: Path
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kiosk.db"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def settings_path(self) -> Path:
        return self.data_dir / "settings.json"

    def get(self, key: str) -> Any:
        return self.values.get(key, _BY_KEY[key].default)

    def set(self, key: str, value: Any) -> None:
        setting = _BY_KEY[key]
        if not isinstance(value, setting.type):
            raise TypeError(f"{key} must be {setting.type.__name__}")
        self.values[key] = value

    def window(self) -> Window:
        return Window(
            doors_open_before=self.get("doors_open_before_min"),
            checkin_closes_after_end=self.get("checkin_closes_after_end_min"),
            checkout_grace_after_end=self.get("checkout_grace_after_end_min"),
            checkout_min_after_checkin=self.get("checkout_min_after_checkin_min"),
        )

    def save(self) -> None:
        """settings.json replaced atomically, owner-only (0600 in a 0700 folder on POSIX)."""
        private_dir(self.data_dir)
        write_private_text(self.settings_path,
                           json.dumps(self.values, ensure_ascii=False, indent=2))

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Config:
        """Read settings.json if present; unknown keys and wrong types fall back to defaults."""
        cfg = cls(data_dir or default_data_dir())
        try:
            raw = json.loads(cfg.settings_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cfg
        except (OSError, ValueError) as exc:
            raise ValueError(f"{cfg.settings_path} is not valid JSON: {exc}") from exc
        for key, value in raw.items() if isinstance(raw, dict) else ():
            setting = _BY_KEY.get(key)
            if setting and isinstance(value, setting.type):
                cfg.values[key] = value
        return cfg
