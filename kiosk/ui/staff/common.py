"""Small pieces shared by the close-out, admin and PIN screens: placeholders, sizes, big buttons.

Readable from 1.5 m: body text at least 24 px, touch targets at least 48 px high.  Colour is never
the only signal: every coloured status also carries a symbol and words.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.operations.drives import removable_drives

TEXT_PX = 26
TITLE_PX = 34
TOUCH_PX = 56

SCREEN_STYLE = f"""
QWidget {{ font-size: {TEXT_PX}px; }}
QPushButton {{ min-height: {TOUCH_PX}px; padding: 4px 18px; }}
QLineEdit, QComboBox, QSpinBox {{ min-height: {TOUCH_PX}px; }}
QCheckBox::indicator {{ width: 40px; height: 40px; }}
QHeaderView::section {{ font-size: {TEXT_PX}px; padding: 6px; }}
QTableWidget {{ font-size: {TEXT_PX}px; }}
QLabel#title {{ font-size: {TITLE_PX}px; font-weight: bold; }}
QLabel#notice {{ border: 3px solid #b26a00; background: #fff4e0; color: #3d2400; padding: 10px; }}
QLabel#error {{ border: 3px solid #b00020; background: #fdecee; color: #5c0011; padding: 10px; }}
QLabel#ok {{ border: 3px solid #1b5e20; background: #e8f5e9; color: #0b2e0f; padding: 10px; }}
"""

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
    b.setMinimumHeight(TOUCH_PX)
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
