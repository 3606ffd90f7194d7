"""On-screen keypads for a kiosk without a keyboard: digits in a grid of equal cells.

Every field a volunteer, trainer or admin must type on is reachable by touch alone (issue #15):
the help screen's phone digits and walk-in number, the PIN pad.  The cells are equal, expand
together and never shrink below a touch target, so no key can overlap another whatever the
dialog's or screen's size.  The keys never take keyboard focus: a USB scanner's keys and the
Enter key stay with the screen or dialog (Enter confirms; it never "presses" the last key).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from kiosk.ui import theme

BACK, CLEAR = "⌫", "C"


def touch_key(text: str, parent: QWidget | None = None, *, name: str = "") -> QPushButton:
    """A key that expands with its grid cell, at least one touch target high, never focused."""
    b = QPushButton(text, parent)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setAutoDefault(False)
    b.setMinimumSize(round(theme.TOUCH_PX * 1.3), theme.TOUCH_PX)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    b.setStyleSheet(f"padding: 2px {theme.px(4)}px;")
    if name:
        b.setObjectName(name)
    return b


class DigitPad(QWidget):
    """1–9 in three rows, then ``bottom`` (three keys, e.g. ⌫ 0 C); emits the key's value.

    ``bottom`` items are (value, label) pairs so a key can say 清除 and send ``C``.
    """

    key = Signal(str)

    def __init__(self, bottom: Sequence[tuple[str, str]] = ((BACK, BACK), ("0", "0"), (CLEAR, CLEAR)),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(theme.px(6))
        cells = [(d, d) for d in "123456789"] + list(bottom)
        for i, (value, label) in enumerate(cells):
            b = touch_key(label, self, name=f"key_{value}")
            if len(label) == 1:  # digits and symbols: big; words (清除, 退格) at body size
                b.setStyleSheet(f"padding: 2px {theme.px(4)}px; font-size: {theme.px(30)}px;")
            b.clicked.connect(lambda _=False, v=value: self.key.emit(v))
            grid.addWidget(b, i // 3, i % 3)
            self.buttons[value] = b
        for r in range(4):
            grid.setRowStretch(r, 1)
        for c in range(3):
            grid.setColumnStretch(c, 1)
