"""The scan screen: what the queue sees.  Preview, instruction, counts, result card, sync badge.

Codes arrive from the camera (``ScanService``) and the USB scanner (``WedgeFilter`` watching
this whole screen); each goes to the :class:`~kiosk.services.checkin.CheckinService` and the card
shows the result only when it comes back — after the record is on disk.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.core.desk import CheckinResult
from kiosk.core.store import SessionRow
from kiosk.services.checkin import CheckinService
from kiosk.services.wedge import WedgeFilter
from kiosk.ui import theme
from kiosk.ui.reasons import card_severity, reason_text
from kiosk.ui.scan_widgets import PreviewView, ResultCard, SyncBadge, fmt, shown_name

RECENT = 5


def touch_button(text: str, *, primary: bool = False) -> QPushButton:
    """A big button that never takes keyboard focus (so the scanner's keys stay on the screen)."""
    b = QPushButton(text)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setMinimumHeight(theme.TOUCH_PX)
    if primary:
        b.setProperty("primary", True)
    return b


class ScanScreen(QWidget):
    help_requested = Signal()
    closeout_requested = Signal()
    admin_requested = Signal()
    change_class_requested = Signal()
    network_toggled = Signal(bool)

    def __init__(self, checkin: CheckinService, wedge: WedgeFilter, *, lang: str = "zh",
                 tz: ZoneInfo | None = None, card_ms: int = 3000, network_switch: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checkin = checkin
        self.wedge = wedge
        self.lang = lang
        self.tz = tz
        self.session: SessionRow | None = None
        self.recent: deque[CheckinResult] = deque(maxlen=RECENT)
        self.counts: dict[str, Any] = {}

        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setProperty("role", "hint")
        self.subtitle.setWordWrap(True)
        self.badge = SyncBadge(tz)
        self.counts_label = QLabel()
        self.counts_label.setStyleSheet(f"font-size: {theme.BODY_PX + 4}px; font-weight: bold;")
        self.counts_label.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.preview = PreviewView()
        self.instruction = QLabel(self.tr("请出示星级家长码"))
        self.instruction.setProperty("role", "instruction")
        self.instruction.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instruction.setWordWrap(True)
        self.instruction_hint = QLabel(self.tr("把手机上的二维码对准方框，或用扫码枪扫码"))
        self.instruction_hint.setProperty("role", "hint")
        self.instruction_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instruction_hint.setWordWrap(True)
        self.card = ResultCard(lang=lang, tz=tz, clear_ms=card_ms)
        # A label, not a list view: item views take typed keys for themselves (keyboard search),
        # and every key on this screen belongs to the scanner.
        self.recent_list = QLabel()
        self.recent_list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.recent_list.setWordWrap(True)
        self.recent_list.setMinimumWidth(300)
        self.recent_list.setMaximumWidth(420)
        self.recent_list.setStyleSheet("background: #f5f6f8; border: 1px solid #c0c4cc; "
                                       "border-radius: 8px; padding: 8px;")

        self.help_button = touch_button(self.tr("志愿者帮助"), primary=True)
        self.closeout_button = touch_button(self.tr("培训师结课"))
        self.class_button = touch_button(self.tr("换课程"))
        self.admin_button = touch_button(self.tr("管理"))
        self.network_button = touch_button(self.tr("演示：断开网络"))
        self.network_button.setCheckable(True)
        self.network_button.setVisible(network_switch)
        self.help_button.clicked.connect(self.help_requested)
        self.closeout_button.clicked.connect(self.closeout_requested)
        self.class_button.clicked.connect(self.change_class_requested)
        self.admin_button.clicked.connect(self.admin_requested)
        self.network_button.toggled.connect(self._network_clicked)

        header = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        header.addLayout(names, 1)
        side = QVBoxLayout()
        # No alignment flag here: with one, the layout ignores the badge's height-for-width and
        # a wrapped second line is cut off.
        self.badge.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        side.addWidget(self.badge)
        side.addWidget(self.counts_label, 0, Qt.AlignmentFlag.AlignRight)
        header.addLayout(side)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        left.addWidget(self.instruction)
        left.addWidget(self.instruction_hint)
        middle.addLayout(left, 3)
        right = QVBoxLayout()
        recent_title = QLabel(self.tr("最近签到"))
        recent_title.setProperty("role", "hint")
        right.addWidget(recent_title)
        right.addWidget(self.recent_list, 1)
        middle.addLayout(right, 1)

        buttons = QHBoxLayout()
        for b in (self.help_button, self.closeout_button, self.class_button, self.network_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.admin_button)

        root = QVBoxLayout(self)
        root.setContentsMargins(20, 8, 20, 8)
        root.setSpacing(6)
        root.addLayout(header)
        root.addLayout(middle, 1)
        root.addWidget(self.card)
        root.addLayout(buttons)

        wedge.watch(self)
        wedge.code_scanned.connect(self._scanner_code)
        checkin.result.connect(self.show_result)
        checkin.counts_changed.connect(self.update_counts)
        self._render_counts()

    # -- inputs ------------------------------------------------------------------------------

    def set_session(self, session: SessionRow) -> None:
        """Scan for ``session``.  The same class again (back from the class picker) keeps the
        recent list; another class starts with an empty one."""
        same = self.session is not None and self.session.id == session.id
        self.session = session
        self.card.session = session
        if not same:
            self.recent.clear()
            self.recent_list.setText("")
            self.card.clear()
        tz = self.tz
        start = session.starts_at.astimezone(tz).strftime("%H:%M")
        end = session.ends_at.astimezone(tz).strftime("%H:%M")
        self.title.setText(session.title)
        self.subtitle.setText(fmt(self.tr("%1–%2  %3  培训师 %4  %5"), start, end, session.series,
                                  session.trainer_name or "—", session.room or ""))
        self.checkin.set_session(session.id)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str, str)
    def camera_code(self, text: str, method: str) -> None:
        if self.isVisible():
            self.submit(text, method)

    @Slot(str, str)
    def _scanner_code(self, text: str, method: str) -> None:
        if self.isVisible():
            self.submit(text, method)

    def submit(self, text: str, method: str) -> None:
        if self.session is not None:
            self.checkin.submit(text, method)

    @Slot(QImage)
    def show_preview(self, image: QImage) -> None:
        if self.isVisible():
            self.preview.set_image(image)

    @Slot(str)
    def show_notice(self, text: str) -> None:
        self.preview.set_notice(text)

    def hint_text(self, word: str) -> str:
        """What helps a parent whose code the camera sees but cannot read ("" → the usual line)."""
        words = {
            "closer": self.tr("请靠近一点"),
            "hold_still": self.tr("请拿稳"),
            "brighter": self.tr("请调亮屏幕"),
        }
        return words.get(word, "")

    @Slot(str)
    def show_hint(self, word: str) -> None:
        """The scanner's hint (``ScanService.hint``) takes the big instruction line while it
        lasts (请出示星级家长码 → 请靠近一点); an empty word puts the usual words back."""
        text = self.hint_text(word)
        self.instruction.setText(text or self.tr("请出示星级家长码"))
        self.instruction.setProperty("hinting", bool(text))

    @Slot(dict)
    def update_sync(self, status: dict) -> None:
        self.badge.update_status(status)

    # -- outputs -----------------------------------------------------------------------------

    @Slot(object)
    def show_result(self, result: CheckinResult) -> None:
        if self.session is None or result.session_id != self.session.id:
            return
        self.card.show_result(result)
        self.recent.appendleft(result)
        self.recent_list.setText("\n".join(self.recent_lines()))

    def recent_lines(self) -> list[str]:
        """The last few results, newest first: time, icon, masked name, the reason word
        (e.g. "13:52  ✖  王*明  码已作废")."""
        lines = []
        for r in self.recent:
            when = r.at.astimezone(self.tz).strftime("%H:%M") if self.tz else r.at.strftime("%H:%M")
            icon = theme.SEVERITY_ICONS[card_severity(r.outcome)]
            name, reason = shown_name(r), reason_text(r.outcome.value)
            if name and reason.startswith(name):  # 临时参加 + 临时参加，已签到: say it once
                name = ""
            parts = [when, icon, name, reason]
            lines.append("  ".join(p for p in parts if p))
        return lines

    @Slot(dict)
    def update_counts(self, counts: dict) -> None:
        if self.session is not None and counts.get("session_id") == self.session.id:
            self.counts = counts
            self._render_counts()

    def _render_counts(self) -> None:
        c = self.counts
        text = fmt(self.tr("已签到 %1 / 报名 %2 / 容量 %3"), c.get("checked_in", 0),
                   c.get("registered", 0), c.get("capacity", 0))
        if c.get("walk_ins"):
            text += "  " + fmt(self.tr("（临时 %1）"), c["walk_ins"])
        self.counts_label.setText(text)

    def _network_clicked(self, off: bool) -> None:
        self.network_button.setText(self.tr("演示：恢复网络") if off else self.tr("演示：断开网络"))
        self.network_toggled.emit(not off)
