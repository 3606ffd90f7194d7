"""Scroll areas for screens and forms that can be taller than a small screen (1024×600 less a
taskbar): they scroll inside the window instead of growing it past the screen's edge."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class _Holder(QWidget):
    """A screen in a scroll area, at the viewport's size and never below the screen's minimum
    size.  (Given the screen itself, the scroll area would size it to its *preferred* height
    for the width — word-wrapped labels and lists make that taller than a small screen.)"""

    def __init__(self, screen: QWidget) -> None:
        super().__init__()
        self.screen = screen
        screen.setParent(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.screen.minimumSizeHint()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.screen.minimumSizeHint()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        self.screen.setGeometry(self.rect())


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a vertical scroll area: a form taller than a small screen scrolls inside
    the window instead of growing it past the screen's edge."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(_Holder(widget))
    return area
