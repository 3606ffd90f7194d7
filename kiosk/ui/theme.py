"""Sizes, colours and the style sheet: readable from 1.5 m, touchable, high contrast.

Result text ≥ 32 px, touch targets ≥ 48 px, colour never alone (each severity also has an icon
and words).  Colours pass WCAG AA for white text on the card backgrounds.
"""

from __future__ import annotations

from kiosk.core.rules import Severity

RESULT_PX = 40  # the masked name and headline on the result card
REASON_PX = 32  # the reason line on the card (the brief's minimum)
BODY_PX = 24
SMALL_PX = 20
TOUCH_PX = 64  # buttons; never below 48

# Background, foreground (contrast ≥ 4.5:1 white on green/red; black on amber).
SEVERITY_COLOURS = {
    Severity.OK: ("#1b6e20", "#ffffff"),
    Severity.WARN: ("#f2b600", "#000000"),
    Severity.ERROR: ("#b3141b", "#ffffff"),
}
SEVERITY_ICONS = {Severity.OK: "✔", Severity.WARN: "!", Severity.ERROR: "✖"}

STYLE = f"""
QWidget {{ font-size: {BODY_PX}px; color: #111111; }}
QMainWindow, QStackedWidget > QWidget {{ background: #ffffff; }}
QPushButton {{
    min-height: {TOUCH_PX}px; padding: 4px 24px; border-radius: 10px;
    background: #e8eaf0; border: 2px solid #4a5060; font-size: {BODY_PX}px;
}}
QPushButton:pressed {{ background: #c8ccd8; }}
QPushButton[primary="true"] {{ background: #0b4f9c; color: #ffffff; border-color: #083a73; }}
QPushButton:disabled {{ color: #777777; border-color: #aaaaaa; }}
QLineEdit {{ min-height: {TOUCH_PX}px; font-size: {BODY_PX + 4}px; padding: 0 12px;
             border: 2px solid #4a5060; border-radius: 8px; }}
QLabel[role="title"] {{ font-size: 36px; font-weight: bold; }}
QLabel[role="hint"] {{ font-size: {SMALL_PX}px; color: #333333; }}
QLabel[role="instruction"] {{ font-size: 40px; font-weight: bold; }}
QListWidget {{ font-size: {BODY_PX}px; }}
QListWidget::item {{ min-height: {TOUCH_PX}px; }}
"""
