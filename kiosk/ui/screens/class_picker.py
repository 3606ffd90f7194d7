"""Pick today's class: big rows with time, title, series, trainer and the registered count.

The class open now (or the next one today) is pre-selected, so a volunteer usually only has to
press "开始签到".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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


class ClassPickerScreen(QWidget):
    chosen = Signal(object)  # SessionRow

    def __init__(self, *, tz: ZoneInfo, now: Callable[[], datetime], doors_open_min: int = 30,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.now = now
        self.doors_open_min = doors_open_min
        self.sessions: list[SessionRow] = []
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
        self.empty = QLabel(self.tr("今天本场地没有课程。请联系场地管理员同步课程，或稍后再试。"))
        self.empty.setWordWrap(True)
        self.start_button = QPushButton(self.tr("开始签到"))
        self.start_button.setProperty("primary", True)
        self.start_button.setMinimumHeight(theme.TOUCH_PX + 16)
        self.start_button.clicked.connect(self.start)
        root = QVBoxLayout(self)
        root.setContentsMargins(32, 24, 32, 24)
        root.addWidget(title)
        root.addWidget(self.venue)
        root.addWidget(self.list, 1)
        root.addWidget(self.empty)
        root.addWidget(self.start_button)

    def set_sessions(self, rows: list[tuple[SessionRow, dict[str, Any]]], venue: str = "") -> None:
        now = self.now()
        self.venue.setText(venue)
        today_ids = {s.id for s in todays([r[0] for r in rows], now, self.tz)}
        rows = [r for r in rows if r[0].id in today_ids]
        self.sessions = [r[0] for r in rows]
        self.list.clear()
        pick = current(self.sessions, now, doors_open_min=self.doors_open_min)
        for s, counts in rows:
            start = s.starts_at.astimezone(self.tz).strftime("%H:%M")
            end = s.ends_at.astimezone(self.tz).strftime("%H:%M")
            text = fmt(self.tr("%1–%2  %3\n%4 · 培训师 %5 · 已报名 %6 人"), start, end, s.title,
                       s.series, s.trainer_name or "—", counts.get("registered", 0))
            if s.status is SessionStatus.CANCELLED:
                text += "  " + self.tr("（已取消）")
            elif s.status is SessionStatus.CLOSED:
                text += "  " + self.tr("（已结课）")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            if s.status is SessionStatus.CANCELLED:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
            if pick is not None and s.id == pick.id:
                self.list.setCurrentItem(item)
        self.empty.setVisible(not self.sessions)
        self.start_button.setEnabled(bool(self.sessions))

    def selected(self) -> SessionRow | None:
        item = self.list.currentItem()
        if item is None:
            return None
        sid = item.data(Qt.ItemDataRole.UserRole)
        return next((s for s in self.sessions if s.id == sid), None)

    def start(self) -> None:
        s = self.selected()
        if s is not None and s.status is not SessionStatus.CANCELLED:
            self.chosen.emit(s)
