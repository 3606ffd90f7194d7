"""Widgets shared by screens: the result card, the sync badge, the camera preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.core.desk import CheckinResult
from kiosk.core.rules import Outcome
from kiosk.ui import theme


def fmt(text: str, *args: object) -> str:
    """Qt-style positional placeholders (%1, %2 …) that survive translation."""
    for i in range(len(args), 0, -1):
        text = text.replace(f"%{i}", str(args[i - 1]))
    return text


def stars(stage: int, total: int = 5) -> str:
    stage = max(0, min(total, stage))
    return "★" * stage + "☆" * (total - stage)


class ResultCard(QFrame):
    """Green / amber / red with an icon and words; the masked name; stage and credits.

    Clears itself ``clear_ms`` after it was shown (privacy: DESIGN §6) and says so with
    ``cleared``.
    """

    cleared = Signal()

    def __init__(self, *, lang: str = "zh", tz: ZoneInfo | None = None, clear_ms: int = 3000,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.tz = tz
        self.result: CheckinResult | None = None
        self.setObjectName("resultCard")
        self.setMinimumHeight(180)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setFixedWidth(120)
        self.icon.setStyleSheet("font-size: 96px; font-weight: bold;")
        self.headline = QLabel()
        self.headline.setStyleSheet(f"font-size: {theme.RESULT_PX}px; font-weight: bold;")
        self.name = QLabel()
        self.name.setStyleSheet(f"font-size: {theme.RESULT_PX + 8}px; font-weight: bold;")
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(f"font-size: {theme.REASON_PX}px;")
        self.credits = QLabel()
        self.credits.setStyleSheet(f"font-size: {theme.REASON_PX}px;")
        words = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.headline)
        top.addStretch(1)
        top.addWidget(self.name)
        words.addLayout(top)
        words.addWidget(self.reason)
        words.addWidget(self.credits)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 8, 20, 8)
        row.addWidget(self.icon)
        row.addLayout(words, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(clear_ms)
        self.timer.timeout.connect(self.clear)
        self.clear()

    @property
    def showing(self) -> bool:
        return self.result is not None

    def headline_for(self, outcome: Outcome) -> str:
        if outcome is Outcome.ACCEPTED:
            return self.tr("签到成功")
        if outcome is Outcome.ACCEPTED_WALK_IN:
            return self.tr("临时参加，已签到")
        if outcome is Outcome.CHECKED_OUT:
            return self.tr("签退成功")
        if outcome in (Outcome.ALREADY_CHECKED_IN, Outcome.ALREADY_CHECKED_OUT):
            return self.tr("已签过到")
        return self.tr("未能签到")

    def show_result(self, result: CheckinResult) -> None:
        self.result = result
        sev = result.outcome.severity
        bg, fg = theme.SEVERITY_COLOURS[sev]
        self.setStyleSheet(f"#resultCard {{ background: {bg}; border-radius: 16px; }}"
                           f"#resultCard QLabel {{ color: {fg}; }}")
        self.icon.setText(theme.SEVERITY_ICONS[sev])
        self.headline.setText(self.headline_for(result.outcome))
        self.name.setText(result.masked_name or "")
        self.reason.setText(result.reason(self.lang, self.tz))
        if result.stage is not None:
            line = fmt(self.tr("第%1阶段 %2  已有 %3 分"), result.stage, stars(result.stage),
                       result.stage_credits)
            if result.credits_added:
                line += "  " + fmt(self.tr("本课 +%1 分"), result.credits_added)
            self.credits.setText(line)
        else:
            self.credits.setText("")
        for w in (self.icon, self.headline, self.name, self.reason, self.credits):
            w.setVisible(True)
        self.timer.start()

    def clear(self) -> None:
        was = self.result is not None
        self.result = None
        self.timer.stop()
        self.setStyleSheet("#resultCard { background: #f2f4f8; border-radius: 16px; "
                           "border: 2px dashed #9aa0ac; }")
        self.icon.setText("")
        self.headline.setText(self.tr("请出示星级家长码"))
        for w in (self.name, self.reason, self.credits):
            w.setText("")
        if was:
            self.cleared.emit()


class SyncBadge(QLabel):
    """Online / offline, pending count, last sync — words and a symbol, not colour alone."""

    def __init__(self, tz: ZoneInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.state = "unknown"
        self.setStyleSheet(f"font-size: {theme.SMALL_PX}px; padding: 6px 12px; border-radius: 8px;")
        self.update_status({})

    def _hm(self, iso: str | None) -> str:
        if not iso:
            return self.tr("从未")
        when = datetime.fromisoformat(iso)
        return when.astimezone(self.tz).strftime("%H:%M") if self.tz else when.strftime("%H:%M")

    def update_status(self, status: dict[str, Any]) -> None:
        if not status.get("enrolled", False):
            self.state = "not_enrolled"
            head = self.tr("◌ 未连接平台")
            colour = "#e8eaf0"
        elif status.get("revoked"):
            self.state = "revoked"
            head = self.tr("✖ 终端已停用")
            colour = "#f8d0d0"
        elif status.get("online") is False:
            self.state = "offline"
            head = self.tr("✖ 离线")
            colour = "#ffe6a8"
        elif status.get("online"):
            self.state = "online"
            head = self.tr("● 在线")
            colour = "#cdeccd"
        else:
            self.state = "unknown"
            head = self.tr("◌ 尚未同步")
            colour = "#e8eaf0"
        parts = [head, fmt(self.tr("待上传 %1"), status.get("pending", 0))]
        if status.get("parked"):
            parts.append(fmt(self.tr("被拒收 %1"), status["parked"]))
        parts.append(fmt(self.tr("上次同步 %1"), self._hm(status.get("last_success"))))
        if status.get("clock_warning"):
            parts.append(self.tr("⚠ 时钟偏差大"))
        self.setText("  ·  ".join(parts))
        self.setStyleSheet(f"font-size: {theme.SMALL_PX}px; padding: 6px 12px; "
                           f"border-radius: 8px; background: {colour}; color: #111111;")


class PreviewView(QWidget):
    """The live camera picture with a guide box where the code should go."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.notice = ""
        self.frames = 0
        self.setMinimumSize(320, 180)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.frames += 1
        self.update()

    def set_notice(self, text: str) -> None:
        self.notice = text
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#20242c"))
        area = QRectF(self.rect())
        if self.image is not None and not self.image.isNull():
            img = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (self.width() - img.width()) / 2
            y = (self.height() - img.height()) / 2
            area = QRectF(x, y, img.width(), img.height())
            p.drawImage(area, self.image)
        side = min(area.width(), area.height()) * 0.62
        guide = QRectF(area.center().x() - side / 2, area.center().y() - side / 2, side, side)
        pen = QPen(QColor("#ffd400"), 6)
        p.setPen(pen)
        corner = side / 5
        for cx, cy, dx, dy in ((guide.left(), guide.top(), 1, 1), (guide.right(), guide.top(), -1, 1),
                               (guide.left(), guide.bottom(), 1, -1),
                               (guide.right(), guide.bottom(), -1, -1)):
            p.drawLine(int(cx), int(cy), int(cx + dx * corner), int(cy))
            p.drawLine(int(cx), int(cy), int(cx), int(cy + dy * corner))
        if self.notice:
            p.setPen(QColor("#ffffff"))
            font = QFont(p.font())
            font.setPixelSize(theme.SMALL_PX)
            p.setFont(font)
            p.drawText(self.rect().adjusted(12, 12, -12, -12),
                       int(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter
                           | Qt.TextFlag.TextWordWrap), self.notice)
        p.end()
