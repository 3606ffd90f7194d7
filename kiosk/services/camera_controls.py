"""Focus and exposure for a Qt Multimedia camera, from the ``camera_*`` settings of kiosk.config.

A webcam at a check-in desk sees codes held 15–30 cm away, often on a bright phone screen: near
focus and a little less exposure help there, on cameras that offer them.  Each setting is applied
only if the camera says it supports it; anything else is logged and left as it is, so a setting
chosen for one webcam never stops another from working.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtMultimedia import QCamera

if TYPE_CHECKING:
    from kiosk.config import Config

log = logging.getLogger(__name__)

CAMERA_SETTING_KEYS = ("camera_focus", "camera_focus_distance", "camera_exposure_compensation")
_FOCUS_MODES = {"auto": QCamera.FocusMode.FocusModeAuto, "near": QCamera.FocusMode.FocusModeAutoNear,
                "manual": QCamera.FocusMode.FocusModeManual}


def camera_settings(config: Config) -> dict[str, Any]:
    """The camera's focus and exposure settings, as :meth:`QtCameraSource.apply_settings` takes
    them (pass to ``ScanService(camera_settings=…)``)."""
    return {key: config.get(key) for key in CAMERA_SETTING_KEYS}


def apply_camera_settings(camera: QCamera, settings: dict[str, Any]) -> list[str]:
    """Set focus and exposure on ``camera`` where it supports them; returns what was set.

    Whatever the camera does not support is logged (info) and left as it is, so a setting chosen
    for one webcam never stops another from working.
    """
    done: list[str] = []
    name = camera.cameraDevice().description() or "camera"
    features = camera.supportedFeatures()
    focus = str(settings.get("camera_focus", "auto")).strip().lower()
    mode = _FOCUS_MODES.get(focus)
    if mode is None:
        log.warning("camera focus %r: use auto, near or manual", focus)
    elif focus != "auto":
        if not camera.isFocusModeSupported(mode):
            log.info("%s: focus %s not supported; focus left as it is", name, focus)
        else:
            camera.setFocusMode(mode)
            done.append(f"focus={focus}")
            if focus == "manual":
                if features & QCamera.Feature.FocusDistance:
                    distance = min(100, max(0, int(settings.get("camera_focus_distance", 10))))
                    camera.setFocusDistance(distance / 100)
                    done.append(f"focus_distance={distance}")
                else:
                    log.info("%s: manual focus distance not supported", name)
    ev10 = int(settings.get("camera_exposure_compensation", 0))
    if ev10:
        if not features & QCamera.Feature.ExposureCompensation:
            log.info("%s: exposure compensation not supported; exposure left automatic", name)
        else:
            if camera.isExposureModeSupported(QCamera.ExposureMode.ExposureAuto):
                camera.setExposureMode(QCamera.ExposureMode.ExposureAuto)
            camera.setExposureCompensation(min(20, max(-20, ev10)) / 10)
            done.append(f"exposure_compensation={ev10 / 10:+.1f} EV")
    if done:
        log.info("%s: %s", name, ", ".join(done))
    return done
