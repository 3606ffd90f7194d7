"""Pick today's class: big rows with time, title, series, trainer and the registered count.

The class open now (or the next one today) is pre-selected, so a volunteer usually only has to
press "开始签到".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMetaMethod, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.rules import SessionStatus
from kiosk.core.store import SessionRow
from kiosk.ui import theme
from kiosk.ui.scan_widgets import fmt


def todays(sessions: list[SessionRow], now: datetime, tz: ZoneInfo) -> list[SessionRow]:
    day = now.astimezone(tz).date()
    return [s for s in sessions if s.starts_at.astimezone(tz).date() == day
            or s.ends_at.astimezone(tz).date() == day]


def current(sessions: list[SessionRow], now: datetime, *, doors_open_min: int = 30) -> SessionRow | None:
    """The class open now, else the next one to start, else the last one (all scheduled)."""
    live = [s for s in sessions if s.status is SessionStatus.SCHEDULED]
    for s in live:
        if s.starts_at - timedelta(minutes=doors_open_min) <= now <= s.ends_at:
            return s
    upcoming = [s for s in live if s.starts_at > now]
    if upcoming:
        return min(upcoming, key=lambda s: s.starts_at)
    return live[-1] if live else None


def phase(session: SessionRow, now: datetime) -> str:
    """``live`` (between start and end), ``upcoming``, ``ended``, ``closed`` or ``cancelled``."""
    if session.status is SessionStatus.CANCELLED:
        return "cancelled"
    if session.status is SessionStatus.CLOSED:
        return "closed"
    if now < session.starts_at:
        return "upcoming"
    return "live" if now <= session.ends_at else "ended"


class ClassPickerScreen(QWidget):
    """Today's classes, each labelled 进行中 / 未开始 / 已结束 (已结课, 已取消).

    开始签到 takes a class that has not ended; 培训师结课 takes any class not cancelled (an ended
    class is reached here to be closed out); 返回 goes back to the class the scan screen was on.
    """

    chosen = Signal(object)  # SessionRow: scan for this class
    closeout_chosen = Signal(object)  # SessionRow: the trainer closes this class out

    def __init__(self, *, tz: ZoneInfo, now: Callable[[], datetime], doors_open_min: int = 30,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.now = now
        self.doors_open_min = doors_open_min
        self.sessions: list[SessionRow] = []
        self.phases: dict[int, str] = {}
        self.active: SessionRow | None = None  # the class last chosen for scanning
        title = QLabel(self.tr("请选择今天的课程"))
        title.setProperty("role", "title")
        self.venue = QLabel()
        self.venue.setProperty("role", "hint")
        self.list = QListWidget()
        self.list.setStyleSheet(f"QListWidget {{ font-size: {theme.BODY_PX + 4}px; }}"
                                f"QListWidget::item {{ min-height: {theme.TOUCH_PX + 32}px; "
                                "padding: 8px; border-bottom: 1px solid #cccccc; }"
                                "QListWidget::item:selected { background: #0b4f9c; color: white; }")
        self.list.itemDoubleClicked.connect(lambda _item: self.start())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.empty = QLabel(self.tr("今天本场地没有课程。请联系场地管理员同步课程，或稍后再试。"))
        self.empty.setWordWrap(True)
        self.note = QLabel()
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        self.back_button = QPushButton(self.tr("返回"))
        self.back_button.setMinimumHeight(theme.TOUCH_PX)
        self.back_button.clicked.connect(self.back)
        self.back_button.hide()
        self.closeout_button = QPushButton(self.tr("培训师结课"))
        self.closeout_button.setMinimumHeight(theme.TOUCH_PX)
        self.closeout_button.clicked.connect(self.close_out)
        self.start_button = QPushButton(self.tr("开始签到"))
        self.start_button.setProperty("primary", True)
        self.start_button.setMinimumHeight(theme.TOUCH_PX)
        self.start_button.clicked.connect(self.start)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.closeout_button)
        buttons.addWidget(self.start_button)
        root = QVBoxLayout(self)
        root.setContentsMargins(32, 16, 32, 16)
        root.addWidget(title)
        root.addWidget(self.venue)
        root.addWidget(self.list, 1)
        root.addWidget(self.empty)
        root.addWidget(self.note)
        root.addLayout(buttons)

    def _label(self, s: SessionRow, ph: str) -> str:
        if ph == "live":
            return self.tr("● 进行中")
        if ph == "upcoming":
            return fmt(self.tr("○ 未开始 · %1 开始"), s.starts_at.astimezone(self.tz).strftime("%H:%M"))
        if ph == "ended":
            return self.tr("■ 已结束")
        if ph == "closed":
            return self.tr("■ 已结课")
        return self.tr("✖ 已取消")

    def set_sessions(self, rows: list[tuple[SessionRow, dict[str, Any]]], venue: str = "") -> None:
        now = self.now()
        self.venue.setText(venue)
        today_ids = {s.id for s in todays([r[0] for r in rows], now, self.tz)}
        rows = [r for r in rows if r[0].id in today_ids]
        self.sessions = [r[0] for r in rows]
        self.phases = {s.id: phase(s, now) for s in self.sessions}
        self.list.clear()
        pick = current(self.sessions, now, doors_open_min=self.doors_open_min)
        for s, counts in rows:
            ph = self.phases[s.id]
            start = s.starts_at.astimezone(self.tz).strftime("%H:%M")
            end = s.ends_at.astimezone(self.tz).strftime("%H:%M")
            text = fmt(self.tr("%1   %2–%3  %4\n%5 · 培训师 %6 · 已报名 %7 人"), self._label(s, ph),
                       start, end, s.title, s.series, s.trainer_name or "—",
                       counts.get("registered", 0))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            if ph == "cancelled":
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            elif ph in ("ended", "closed"):
                item.setForeground(QColor("#555555"))
            self.list.addItem(item)
            if pick is not None and s.id == pick.id:
                self.list.setCurrentItem(item)
        self.empty.setVisible(not self.sessions)
        if self.active is not None:  # back to that class, unless it is gone, closed or cancelled
            fresh = next((s for s in self.sessions if s.id == self.active.id), None)
            self.active = fresh if fresh is not None and self.phases[fresh.id] in (
                "live", "upcoming", "ended") else None
        self.back_button.setVisible(self.active is not None)
        self._update_buttons()

    def selected(self) -> SessionRow | None:
        item = self.list.currentItem()
        if item is None:
            return None
        sid = item.data(Qt.ItemDataRole.UserRole)
        return next((s for s in self.sessions if s.id == sid), None)

    def can_check_in(self, s: SessionRow | None) -> bool:
        return s is not None and self.phases.get(s.id) in ("live", "upcoming")

    def can_close_out(self, s: SessionRow | None) -> bool:
        return s is not None and self.phases.get(s.id) in ("live", "ended", "closed")

    def _update_buttons(self) -> None:
        s = self.selected()
        self.start_button.setEnabled(self.can_check_in(s))
        self.closeout_button.setEnabled(self.can_close_out(s))
        ph = self.phases.get(s.id) if s is not None else None
        if ph == "ended":
            self.note.setText(self.tr("这门课已结束，不能再签到；培训师可以结课。"))
        elif ph == "closed":
            self.note.setText(self.tr("这门课已结课：可查看结课汇总。"))
        else:
            self.note.setText("")

    def start(self) -> None:
        """Scan for the selected class (not one that has ended, closed or been cancelled)."""
        s = self.selected()
        if self.can_check_in(s):
            self.active = s
            self.chosen.emit(s)

    def close_out(self) -> None:
        """The trainer closes the selected class out (or sees its summary once closed)."""
        s = self.selected()
        if not self.can_close_out(s):
            return
        signal = QMetaMethod.fromSignal(self.closeout_chosen)
        if self.isSignalConnected(signal):
            self.closeout_chosen.emit(s)
        else:  # a window without the direct way: through the scan screen's 培训师结课 button
            self.active = s
            self.chosen.emit(s)

    def back(self) -> None:
        """Back to the class the scan screen was on (its recent list is kept)."""
        if self.active is not None:
            self.chosen.emit(self.active)
