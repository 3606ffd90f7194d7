"""First run: enrol this kiosk with the credit API, or start the demo.

The site admin types the API address and the one-time enrolment code, or scans the platform's
enrolment QR code (``starkiosk:enrol?api=<address>&code=<code>``) with the USB scanner.  The
enrolment itself runs on the sync worker; this screen only shows progress and the outcome.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.services.sync import SyncService
from kiosk.services.wedge import WedgeFilter
from kiosk.ui import theme
from kiosk.ui.reasons import reason_text
from kiosk.ui.scan_widgets import fmt


def parse_enrol_qr(text: str) -> tuple[str, str] | None:
    """(api address, code) from an enrolment QR code's text, or None if it is not one."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        api, code = data.get("api"), data.get("code")
        return (str(api), str(code)) if api and code else None
    if text.lower().startswith("starkiosk:enrol"):
        query = parse_qs(urlparse(text).query)
        api, code = query.get("api", [None])[0], query.get("code", [None])[0]
        return (api, code) if api and code else None
    return None


class FirstRunScreen(QWidget):
    enrolled = Signal()
    demo_requested = Signal()

    def __init__(self, sync: SyncService, wedge: WedgeFilter, *, demo_available: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        title = QLabel(self.tr("欢迎使用星级家长签到终端"))
        title.setProperty("role", "title")
        title.setWordWrap(True)
        intro = QLabel(self.tr("首次使用：请输入平台地址和注册码，或用扫码枪扫描平台上的注册二维码。"))
        intro.setWordWrap(True)
        self.api = QLineEdit()
        self.api.setPlaceholderText(self.tr("平台地址，例如 https://credits.example.gov.cn"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("注册码，例如 ABCD-EFGH-JKLM"))
        self.enrol_button = QPushButton(self.tr("注册本终端"))
        self.enrol_button.setProperty("primary", True)
        self.enrol_button.setMinimumHeight(theme.TOUCH_PX)
        self.enrol_button.clicked.connect(self.enrol)
        self.demo_button = QPushButton(self.tr("先看演示"))
        self.demo_button.setMinimumHeight(theme.TOUCH_PX)
        self.demo_button.setVisible(demo_available)
        self.demo_button.clicked.connect(self.demo_requested)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"font-size: {theme.REASON_PX}px;")
        for field in (self.api, self.code):
            field.returnPressed.connect(self._field_entered)
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        root = QVBoxLayout(self)
        root.setContentsMargins(48, 32, 48, 32)
        root.addWidget(title)
        root.addWidget(intro)
        root.addSpacing(16)
        root.addWidget(QLabel(self.tr("平台地址")))
        root.addWidget(self.api)
        root.addWidget(QLabel(self.tr("注册码")))
        root.addWidget(self.code)
        root.addLayout(buttons)
        root.addWidget(self.status)
        root.addStretch(1)
        wedge.watch(self)
        wedge.code_scanned.connect(self._scanned)
        sync.enrolled.connect(self._enrolled)
        sync.enrol_failed.connect(self._failed)
        self._busy = False

    @Slot(str, str)
    def _scanned(self, text: str, _method: str) -> None:
        if self.isVisible():
            self.take_qr(text)

    def take_qr(self, text: str) -> bool:
        parsed = parse_enrol_qr(text)
        if parsed is None:
            self.status.setText(self.tr("这不是注册二维码。请扫描平台“终端注册”页面上的二维码。"))
            return False
        self.api.setText(parsed[0])
        self.code.setText(parsed[1])
        self.enrol()
        return True

    def _field_entered(self) -> None:
        # A scanner typing into a focused field: the QR text lands here whole.
        for field in (self.api, self.code):
            if parse_enrol_qr(field.text()):
                text = field.text()
                field.clear()
                self.take_qr(text)
                return
        if self.api.text().strip() and self.code.text().strip():
            self.enrol()

    def enrol(self) -> None:
        if self._busy:
            return
        api, code = self.api.text().strip(), self.code.text().strip()
        if not api or not code:
            self.status.setText(self.tr("请填写平台地址和注册码。"))
            return
        self._busy = True
        self.enrol_button.setEnabled(False)
        self.status.setText(self.tr("正在注册并下载课程…"))
        self.sync.enrol(api, code)

    @Slot(dict)
    def _enrolled(self, info: dict) -> None:
        self._busy = False
        self.enrol_button.setEnabled(True)
        self.status.setText(fmt(self.tr("注册成功：%1"), info.get("venue", "")))
        self.enrolled.emit()

    @Slot(str)
    def _failed(self, error: str) -> None:
        self._busy = False
        self.enrol_button.setEnabled(True)
        self.status.setText(self.reason(error))

    def reason(self, error: str) -> str:
        """Server error words (``ApiFailure.error``) → what the site admin should do."""
        words = {
            "bad_code": self.tr("注册码无效，请向平台管理员索取新的注册码。"),
            "code_used": self.tr("这个注册码已经用过了，每个注册码只能注册一台终端。"),
            "code_expired": self.tr("注册码已过期，请向平台管理员索取新的注册码。"),
            "bad_url": self.tr("平台地址应以 https:// 开头。"),
            "insecure_url": self.tr("平台地址必须以 https:// 开头：用 http:// 时，注册码和终端凭据会"
                                    "以明文在网络上传送。请向平台管理员确认 https:// 地址。"),
            "rate_limited": self.tr("尝试次数太多，请稍后再试。"),
        }
        return words.get(error, fmt(self.tr("无法连接平台，请检查网络和平台地址。（%1）"),
                                    reason_text(error)))

    def setFocusToFields(self) -> None:  # noqa: N802 (Qt naming)
        self.api.setFocus(Qt.FocusReason.OtherFocusReason)
