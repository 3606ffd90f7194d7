"""Small pieces shared by the close-out, admin and PIN screens: placeholders, sizes, big buttons.

Readable from 1.5 m: body text scaled with the screen (kiosk.ui.theme), touch targets at least
48 px high.  Colour is never
the only signal: every coloured status also carries a symbol and words.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.operations.drives import removable_drives
from kiosk.ui import theme

# Sizes of the staff screens at the current scale (kiosk.ui.theme); read them as ``common.X``
# when building a widget: :func:`_rescale` replaces them whenever the scale changes.
TEXT_PX = 22
TITLE_PX = 30
TOUCH_PX = 52
SCREEN_STYLE = ""


def _rescale() -> None:
    global TEXT_PX, TITLE_PX, TOUCH_PX, SCREEN_STYLE
    TEXT_PX = theme.px(21)
    TITLE_PX = theme.px(28)
    TOUCH_PX = theme.TOUCH_PX
    pad = theme.px(8)
    SCREEN_STYLE = f"""
QWidget {{ font-size: {TEXT_PX}px; }}
QPushButton {{ min-height: {TOUCH_PX - 8}px; padding: 2px {theme.px(14)}px; }}
QLineEdit, QComboBox, QSpinBox {{ min-height: {TOUCH_PX - 8}px; }}
QCheckBox::indicator {{ width: {theme.px(36)}px; height: {theme.px(36)}px; }}
QHeaderView::section {{ font-size: {TEXT_PX}px; padding: {theme.px(4)}px; }}
QTableWidget {{ font-size: {TEXT_PX}px; }}
QTabBar::tab {{ min-height: {TOUCH_PX}px; padding: 0 {theme.px(24)}px; }}
QLabel#title {{ font-size: {TITLE_PX}px; font-weight: bold; }}
QLabel#notice {{ border: 3px solid #b26a00; background: #fff4e0; color: #3d2400; padding: {pad}px; }}
QLabel#error {{ border: 3px solid #b00020; background: #fdecee; color: #5c0011; padding: {pad}px; }}
QLabel#ok {{ border: 3px solid #1b5e20; background: #e8f5e9; color: #0b2e0f; padding: {pad}px; }}
"""


theme.on_scale(_rescale)


def screen_style() -> str:
    """The staff screens' style sheet at the current scale."""
    return SCREEN_STYLE


_PLACEHOLDER = re.compile(r"%(\d)")


def arg(text: str, *values: object) -> str:
    """Qt-style ``%1 %2`` placeholders for translated sentences (translators see whole sentences;
    a translation may reorder the placeholders)."""
    return _PLACEHOLDER.sub(
        lambda m: str(values[int(m.group(1)) - 1]) if 0 < int(m.group(1)) <= len(values) else m.group(0),
        text,
    )


def big_button(text: str, parent: QWidget | None = None, *, name: str = "") -> QPushButton:
    b = QPushButton(text, parent)
    b.setMinimumHeight(theme.TOUCH_PX)
    if name:
        b.setObjectName(name)
    return b


def title_label(text: str, parent: QWidget | None = None) -> QLabel:
    lab = QLabel(text, parent)
    lab.setObjectName("title")
    lab.setWordWrap(True)
    return lab


def message_label(parent: QWidget | None = None) -> QLabel:
    """A label for notices; set its objectName to notice / error / ok and its text with a symbol."""
    lab = QLabel(parent)
    lab.setWordWrap(True)
    lab.hide()
    return lab


def show_message(label: QLabel, kind: str, text: str) -> None:
    symbols = {"ok": "✔", "notice": "⚠", "error": "✘"}
    label.setObjectName(kind)
    label.setText(f"{symbols.get(kind, '')} {text}".strip())
    label.style().unpolish(label)
    label.style().polish(label)
    label.show()


def removable_media_dirs() -> list[Path]:
    """Mounted USB sticks we can write to, newest first (:mod:`kiosk.operations.drives`)."""
    return [d.path for d in removable_drives(writable=True)]


def export_dir(data_dir: Path) -> Path:
    """Where exports go: the first writable USB stick, else ``DATA_DIR/exports``."""
    sticks = removable_media_dirs()
    return sticks[0] if sticks else data_dir / "exports"
