"""Sizes, colours and the style sheet: readable from 1.5 m, touchable, high contrast.

Result text ≥ 32 px, touch targets ≥ 48 px, colour never alone (each severity also has an icon
and words).  Colours pass WCAG AA for white text on the card backgrounds.

One layout serves every screen a site has, from a 1024×600 netbook to a 1080p monitor: the sizes
below are those of a 600 px high screen, and :func:`set_scale` multiplies them by a factor taken
from the screen's height (:func:`scale_for`: 600 → 1.0 … 1080 → 1.6), so type grows with the
screen instead of the screen showing a small island of 24 px text.  The window calls it once,
before any screen is built; screens read ``theme.X`` (the module attribute) when they build
themselves, never a copy taken at import time.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.core.rules import Severity

MIN_SCALE, MAX_SCALE = 1.0, 1.6
BASE_HEIGHT, FULL_HEIGHT = 600, 1080  # screen heights at MIN_SCALE and MAX_SCALE

# Sizes at scale 1.0 (a 1024×600 screen, 560 px left under a taskbar).
_BASE = {
    "RESULT_PX": 32,  # the masked name and headline on the result card (the brief's minimum)
    "REASON_PX": 26,  # the reason line on the card
    "BODY_PX": 20,
    "SMALL_PX": 15,
    "TITLE_PX": 26,
    "INSTRUCTION_PX": 28,
    "TOUCH_PX": 52,  # buttons; never below 48
    "PAD_PX": 8,
}
MIN_TOUCH_PX = 48

scale = 1.0
RESULT_PX = _BASE["RESULT_PX"]
REASON_PX = _BASE["REASON_PX"]
BODY_PX = _BASE["BODY_PX"]
SMALL_PX = _BASE["SMALL_PX"]
TITLE_PX = _BASE["TITLE_PX"]
INSTRUCTION_PX = _BASE["INSTRUCTION_PX"]
TOUCH_PX = _BASE["TOUCH_PX"]
PAD_PX = _BASE["PAD_PX"]

# Background, foreground (contrast ≥ 4.5:1 white on green/red; black on amber).
SEVERITY_COLOURS = {
    Severity.OK: ("#1b6e20", "#ffffff"),
    Severity.WARN: ("#f2b600", "#000000"),
    Severity.ERROR: ("#b3141b", "#ffffff"),
}
SEVERITY_ICONS = {Severity.OK: "✔", Severity.WARN: "!", Severity.ERROR: "✖"}

_listeners: list[Callable[[], None]] = []


def scale_for(height: int) -> float:
    """The type scale for a screen (or window) ``height`` px high: linear, clamped."""
    f = MIN_SCALE + (height - BASE_HEIGHT) * (MAX_SCALE - MIN_SCALE) / (FULL_HEIGHT - BASE_HEIGHT)
    return round(min(MAX_SCALE, max(MIN_SCALE, f)), 2)


def px(n: float) -> int:
    """``n`` pixels of the 600 px design at the current scale."""
    return round(n * scale)


def _style() -> str:
    # A button's min-height is its content: 2 px padding and a 2 px border each side make the
    # whole button TOUCH_PX high.
    return f"""
QWidget {{ font-size: {BODY_PX}px; color: #111111; }}
QMainWindow, QStackedWidget > QWidget, QScrollArea > QWidget > QWidget {{ background: #ffffff; }}
QScrollArea {{ border: none; }}
QPushButton {{
    min-height: {TOUCH_PX - 8}px; padding: 2px {px(16)}px; border-radius: {px(10)}px;
    background: #e8eaf0; border: 2px solid #4a5060; font-size: {BODY_PX}px;
}}
QPushButton:pressed {{ background: #c8ccd8; }}
QPushButton[primary="true"] {{ background: #0b4f9c; color: #ffffff; border-color: #083a73; }}
QPushButton:disabled {{ color: #777777; border-color: #aaaaaa; }}
QLineEdit {{ min-height: {TOUCH_PX - 8}px; font-size: {BODY_PX + 4}px; padding: 0 {px(10)}px;
             border: 2px solid #4a5060; border-radius: {px(8)}px; }}
QLabel[role="title"] {{ font-size: {TITLE_PX}px; font-weight: bold; }}
QLabel[role="hint"] {{ font-size: {SMALL_PX}px; color: #333333; }}
QLabel[role="instruction"] {{ font-size: {INSTRUCTION_PX}px; font-weight: bold; }}
QListWidget {{ font-size: {BODY_PX}px; }}
QListWidget::item {{ min-height: {TOUCH_PX}px; }}
"""


STYLE = _style()


def set_scale(factor: float) -> None:
    """Scale every size (fonts, touch targets, paddings) by ``factor`` (clamped); screens built
    afterwards use the new sizes.  Modules with their own derived sizes (the staff screens'
    style) follow through :func:`on_scale`."""
    global scale, RESULT_PX, REASON_PX, BODY_PX, SMALL_PX, TITLE_PX, INSTRUCTION_PX, TOUCH_PX
    global PAD_PX, STYLE
    scale = min(MAX_SCALE, max(MIN_SCALE, factor))
    RESULT_PX = px(_BASE["RESULT_PX"])
    REASON_PX = px(_BASE["REASON_PX"])
    BODY_PX = px(_BASE["BODY_PX"])
    SMALL_PX = px(_BASE["SMALL_PX"])
    TITLE_PX = px(_BASE["TITLE_PX"])
    INSTRUCTION_PX = px(_BASE["INSTRUCTION_PX"])
    TOUCH_PX = max(MIN_TOUCH_PX, px(_BASE["TOUCH_PX"]))
    PAD_PX = px(_BASE["PAD_PX"])
    STYLE = _style()
    for fn in list(_listeners):
        fn()


def on_scale(fn: Callable[[], None]) -> None:
    """Call ``fn`` after every :func:`set_scale` (and once now)."""
    _listeners.append(fn)
    fn()
