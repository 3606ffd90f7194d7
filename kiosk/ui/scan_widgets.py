"""Widgets shared by screens: the result card, the sync badge, the camera preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.core.desk import CheckinResult
from kiosk.core.rules import Outcome
from kiosk.core.store import SessionRow
from kiosk.ui import theme
from kiosk.ui.reasons import card_severity, needs_volunteer, reason_text


def fmt(text: str, *args: object) -> str:
    """Qt-style positional placeholders (%1, %2 …) that survive translation."""
    for i in range(len(args), 0, -1):
        text = text.replace(f"%{i}", str(args[i - 1]))
    return text


def stars(stage: int, total: int = 5) -> str:
    """The stars a parent has earned: one per stage completed, so a parent at stage N has N−1
    (never a row of empty ones that reads as earned)."""
    return "★" * max(0, min(total, stage - 1))


def stage_text(stage: int) -> str:
    """第3阶段 · 已获★★ (stage 1: just 第1阶段)."""
    earned = stars(stage)
    if earned:
        return fmt(QCoreApplication.translate("ResultCard", "第%1阶段 · 已获%2"), stage, earned)
    return fmt(QCoreApplication.translate("ResultCard", "第%1阶段"), stage)


def shown_name(result: CheckinResult) -> str:
    """The masked name, 临时参加 for a walk-in without one, else nothing."""
    if result.masked_name:
        return result.masked_name
    if result.walk_in or result.outcome is Outcome.ACCEPTED_WALK_IN:
        return QCoreApplication.translate("ResultCard", "临时参加")
    return ""


class ResultCard(QFrame):
    """Green / amber / red with an icon and words; the masked name; stage and credits.

    The headline is the outcome itself (签到成功, 码已作废, 本课尚未开始 · 14:00 开始 …), the
    line under it what to do.  A card that needs a volunteer (:func:`needs_volunteer`) stays
    until it is touched or the next result replaces it; the others clear ``clear_ms`` after
    they were shown (privacy: DESIGN §6).  Either way ``cleared`` says so.
    """

    cleared = Signal()

    def __init__(self, *, lang: str = "zh", tz: ZoneInfo | None = None, clear_ms: int = 3000,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.tz = tz
        self.session: SessionRow | None = None  # for the start time of "not open yet"
        self.result: CheckinResult | None = None
        self.sticky = False
        self.setObjectName("resultCard")
        # Room for a headline and two lines, so the card does not jump when a result comes;
        # from the theme's sizes, which scale with the screen.
        self.setMinimumHeight(theme.RESULT_PX * 4)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setFixedWidth(120)
        self.icon.setStyleSheet(f"font-size: {theme.RESULT_PX * 2}px; font-weight: bold;")
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet(f"font-size: {theme.RESULT_PX}px; font-weight: bold;")
        self.name = QLabel()
        self.name.setStyleSheet(f"font-size: {theme.RESULT_PX + 8}px; font-weight: bold;")
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(f"font-size: {theme.REASON_PX}px;")
        self.credits = QLabel()
        self.credits.setWordWrap(True)
        self.credits.setStyleSheet(f"font-size: {theme.REASON_PX}px;")
        words = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
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

    def _hm(self, when: datetime | None) -> str:
        if when is None:
            return "—"
        return (when.astimezone(self.tz) if self.tz else when).strftime("%H:%M")

    def headline_for(self, result: CheckinResult) -> str:
        """The outcome as the headline, with its time where it has one."""
        o = result.outcome
        if o is Outcome.ACCEPTED:
            return self.tr("签到成功")
        if o is Outcome.ACCEPTED_WALK_IN:
            return self.tr("临时参加，已签到")
        if o is Outcome.CHECKED_OUT:
            return self.tr("签退成功")
        if o is Outcome.ALREADY_CHECKED_IN and result.earlier is not None:
            return fmt(self.tr("已于 %1 签到"), self._hm(result.earlier))
        if o is Outcome.ALREADY_CHECKED_OUT and result.earlier is not None:
            return fmt(self.tr("已于 %1 签退"), self._hm(result.earlier))
        if o is Outcome.NOT_OPEN_YET:
            s = self.session
            if s is not None and s.id == result.session_id:
                return fmt(self.tr("本课尚未开始 · %1 开始"), self._hm(s.starts_at))
            if result.earlier is not None:
                return fmt(self.tr("尚未开放签到 · %1 开放"), self._hm(result.earlier))
        return reason_text(o.value)

    def advice_for(self, result: CheckinResult) -> str:
        """The line under the headline: what the parent (or the volunteer) does now."""
        o = result.outcome
        if o is Outcome.NOT_OPEN_YET:
            return fmt(self.tr("%1 开放签到，请到时再扫码。"), self._hm(result.earlier))
        words = {
            Outcome.ACCEPTED: self.tr("欢迎参加本次课程。"),
            Outcome.ACCEPTED_WALK_IN: self.tr("未报名本课，已记为临时参加，由培训师确认。"),
            Outcome.CHECKED_OUT: self.tr("感谢参加。"),
            Outcome.ALREADY_CHECKED_IN: self.tr("无需重复扫码，请直接入场。"),
            Outcome.ALREADY_CHECKED_OUT: self.tr("无需重复扫码。"),
            Outcome.NOT_REGISTERED: self.tr("本课不接受临时参加。请找志愿者。"),
            Outcome.CLASS_FULL: self.tr("课程已满员，不能临时加入。请找志愿者。"),
            Outcome.CLASS_CLOSED: self.tr("本课已不能签到。请找志愿者或培训师。"),
            Outcome.CLASS_CANCELLED: self.tr("请找志愿者了解改期安排。"),
            Outcome.EXPIRED: self.tr("请在手机上刷新后重新出示，或找志愿者。"),
            Outcome.NOT_YET_VALID: self.tr("请检查手机的时间，或找志愿者。"),
            Outcome.REVOKED: self.tr("可能已补办新码：请出示最新的码，或找志愿者。"),
            Outcome.UNKNOWN_KEY: self.tr("请出示星级家长平台发的码，或找志愿者。"),
            Outcome.BAD_SIGNATURE: self.tr("此码可能被修改过。请找志愿者。"),
            Outcome.WRONG_ROLE: self.tr("培训师码请在结课时使用。家长请出示星级家长码。"),
            Outcome.UNREADABLE: self.tr("请出示星级家长码；仍不行请找志愿者。"),
            Outcome.CLOCK_WRONG: self.tr("暂时无法签到。请找工作人员校准本机时间。"),
        }
        return words[o]

    def show_result(self, result: CheckinResult) -> None:
        self.result = result
        sev = card_severity(result.outcome)
        bg, fg = theme.SEVERITY_COLOURS[sev]
        self.setStyleSheet(f"#resultCard {{ background: {bg}; border-radius: 16px; }}"
                           f"#resultCard QLabel {{ color: {fg}; }}")
        self.icon.setText(theme.SEVERITY_ICONS[sev])
        self.headline.setText(self.headline_for(result))
        self.name.setText(shown_name(result))
        self.reason.setText(self.advice_for(result))
        parts = []
        if result.stage is not None:
            line = fmt(self.tr("%1 · 已有 %2 分"), stage_text(result.stage), result.stage_credits)
            if result.credits_added:
                line += "  " + fmt(self.tr("本课 +%1 分"), result.credits_added)
            parts.append(line)
        self.sticky = needs_volunteer(result.outcome)
        if self.sticky:
            parts.append(self.tr("志愿者处理后，点一下卡片关闭"))
        self.credits.setText("\n".join(parts))
        for w in (self.icon, self.headline, self.name, self.reason, self.credits):
            w.setVisible(True)
        if self.sticky:
            self.timer.stop()
        else:
            self.timer.start()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """A touch clears the card (the volunteer has dealt with it)."""
        if self.showing:
            self.clear()
            event.accept()
            return
        super().mousePressEvent(event)

    def clear(self) -> None:
        was = self.result is not None
        self.result = None
        self.sticky = False
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
        self.error_text = ""  # why the kiosk is offline or stopped, in words (also the tooltip)
        # One line: a wrapped badge gets cut by the header's layout.  What does not fit (the
        # offline reason) stays in the tooltip and on the admin screen.
        self.setWordWrap(False)
        self.setMaximumWidth(theme.px(620))  # the design's 620 px, at the screen's scale
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
        parts = [head]
        error = status.get("last_error")
        self.error_text = ""
        if self.state == "offline" and error:
            # Why, in words (never the engine's English); plain "cannot reach" is what 离线 says.
            self.error_text = reason_text(str(error))
            if not str(error).startswith("cannot reach the credit API"):
                parts.append(self.error_text)
        elif self.state == "revoked":
            self.error_text = reason_text("device_revoked")
        self.setToolTip(self.error_text)
        parts.append(fmt(self.tr("待上传 %1"), status.get("pending", 0)))
        if status.get("parked"):
            parts.append(fmt(self.tr("被拒收 %1"), status["parked"]))
        parts.append(fmt(self.tr("上次同步 %1"), self._hm(status.get("last_success"))))
        if status.get("clock_warning"):
            parts.append(self.tr("⚠ 时钟偏差大"))
        text = "  ·  ".join(parts)
        font = QFont(self.font())
        font.setPixelSize(theme.SMALL_PX)
        if (QFontMetrics(font).horizontalAdvance(text) > self.maximumWidth() - theme.px(30)
                and self.error_text in parts):
            parts.remove(self.error_text)
            text = "  ·  ".join(parts)
        self.setText(text)
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
