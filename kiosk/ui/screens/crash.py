"""Shown when something went wrong: plain words, never a traceback; back to scanning soon."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui import theme


class CrashScreen(QWidget):
    back = Signal()

    def __init__(self, *, return_ms: int = 8000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = QLabel("!")
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setStyleSheet("font-size: 120px; font-weight: bold; color: #000000; "
                                "background: #f2b600; border-radius: 80px;")
        self.icon.setFixedSize(160, 160)
        self.message = QLabel(self.tr("出了点问题，请联系工作人员"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet(f"font-size: {theme.RESULT_PX}px; font-weight: bold;")
        self.english = QLabel("Something went wrong — please call staff")
        self.english.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.english.setStyleSheet(f"font-size: {theme.REASON_PX}px;")
        self.detail = QLabel(self.tr("已签到的记录都已保存。终端马上回到签到界面。"))
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.back_button = QPushButton(self.tr("返回签到"))
        self.back_button.setProperty("primary", True)
        self.back_button.setMinimumHeight(theme.TOUCH_PX)
        self.back_button.clicked.connect(self._back)
        root = QVBoxLayout(self)
        root.addStretch(1)
        root.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.message)
        root.addWidget(self.english)
        root.addWidget(self.detail)
        root.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignCenter)
        root.addStretch(1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(return_ms)
        self.timer.timeout.connect(self._back)

    def arm(self) -> None:
        self.timer.start()

    def _back(self) -> None:
        self.timer.stop()
        self.back.emit()
