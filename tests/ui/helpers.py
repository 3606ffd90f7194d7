"""Small helpers for the screen tests (no fixtures here; see conftest.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def wedge_type(widget: QWidget, text: str) -> None:
    """Type ``text`` + Enter as a USB keyboard-wedge scanner would (a fast burst)."""
    for ch in text:
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return,
                                             Qt.KeyboardModifier.NoModifier, "\r"))


def visible_texts(root: QWidget) -> str:
    """Every piece of text a person could read on ``root`` (labels, buttons, list items)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget

    parts: list[str] = []
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            parts.append(w.text())
        elif isinstance(w, QListWidget):
            parts += [w.item(i).text() for i in range(w.count())]
    return "\n".join(parts)


class FakeTime:
    """A clock the test moves by hand (``t``), for the PIN pad's wall and monotonic clocks."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def enter(dialog, pin: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``pin`` on a PIN pad's keys and press its confirm key."""
    for d in pin:
        dialog.press(d)
    dialog.submit()
