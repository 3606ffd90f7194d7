"""The trainer's close-out: identify → review and correct the roster → confirm the counts → sign
off → summary and exports.

Identification is the trainer's pass (scanner via the shared :class:`WedgeFilter`, or a camera
code handed in through :meth:`CloseoutScreen.accept_code`).  The fallback is the trainer PIN set
on this kiosk: the platform cannot check a kiosk PIN, so a PIN sign-off locks the class and keeps
the corrections here, but holds the close-out (no credits yet) until a trainer's pass is scanned
for it — on this screen, any time later (see ``kiosk.core.closeout.HELD_REASON``).
The roster and its corrections are :class:`kiosk.ui.staff.roster_review.RosterReview`.

The camera is wanted only while the screen asks for the trainer's pass (``scanning_wanted``
says so as the pages change): while the trainer reviews, camera codes are dropped, so a parent's
phone in view pops up nothing.  The USB scanner (the wedge) keeps taking the trainer's pass.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import reports
from kiosk.config import Config
from kiosk.core.clock import Clock
from kiosk.core.closeout import (
    HELD_REASON,
    Addition,
    CloseoutError,
    QueuedCloseout,
    Removal,
    close_out,
    close_out_with_pin,
    confirm_held_closeout,
    verify_trainer,
)
from kiosk.core.store import Store, from_iso
from kiosk.operations.roster import roster_table, venue_timezone
from kiosk.services.wedge import WedgeFilter
from kiosk.ui.pin import ask_pin
from kiosk.ui.reasons import closeout_error_text, reason_text
from kiosk.ui.staff.arrival_chart import ArrivalChart
from kiosk.ui.staff.common import (
    SCREEN_STYLE,
    arg,
    big_button,
    export_dir,
    message_label,
    show_message,
    title_label,
)
from kiosk.ui.staff.held_back import held_back_summary
from kiosk.ui.staff.roster_review import RosterReview

log = logging.getLogger(__name__)


class CloseoutScreen(QWidget):
    """Close out one class.  Emits ``finished`` after the summary, ``cancelled`` when abandoned."""

    finished = Signal()
    cancelled = Signal()
    scanning_wanted = Signal(bool)  # the camera: on while the pass is asked for, else paused

    PAGE_AUTH, PAGE_REVIEW, PAGE_SUMMARY, PAGE_CONFIRM = range(4)

    def __init__(self, store: Store, session_id: int, *, clock: Clock, config: Config,
                 wedge: WedgeFilter, sync_now: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session_id = session_id
        self.clock = clock
        self.config = config
        self.wedge = wedge
        self.sync_now = sync_now
        self.session = store.session(session_id)
        if self.session is None:
            raise ValueError(f"class {session_id} is not on this kiosk")
        self._trainer_pass: str | None = None
        self.pin_mode = False
        self.result: QueuedCloseout | None = None
        self.last_export: Path | None = None
        self.setStyleSheet(SCREEN_STYLE)
        self.setObjectName("closeout_screen")

        self.stack = QStackedWidget(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        lay.addWidget(self.stack)
        self.stack.addWidget(self._build_auth())
        self.stack.addWidget(self._build_review())
        self.stack.addWidget(self._build_summary())
        self.stack.addWidget(self._build_confirm())
        self.stack.currentChanged.connect(lambda _i: self.scanning_wanted.emit(self.camera_wanted()))
        for b in self.findChildren(QWidget):
            if not isinstance(b, QLineEdit):
                b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        wedge.code_scanned.connect(self._on_wedge)
        self._start()

    # -- building ---------------------------------------------------------------------------

    def _class_line(self) -> str:
        s = self.session
        assert s is not None
        tz = venue_timezone(self.store)
        counts = self.store.session_counts(self.session_id)
        return arg(self.tr("%1–%2 · 培训师 %3 · 已签到 %4 / 报名 %5"),
                   f"{s.starts_at.astimezone(tz):%H:%M}", f"{s.ends_at.astimezone(tz):%H:%M}",
                   s.trainer_name or "—", counts["checked_in"], counts["registered"])

    def _build_auth(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        assert self.session is not None
        lay.addWidget(title_label(arg(self.tr("结课签核：%1"), self.session.title), page))
        self.auth_facts = QLabel(self._class_line(), page)
        self.auth_facts.setWordWrap(True)
        lay.addWidget(self.auth_facts)
        self.auth_prompt = QLabel(page)
        self.auth_prompt.setWordWrap(True)
        self.auth_prompt.setStyleSheet("font-size: 34px; padding: 24px 0;")
        lay.addWidget(self.auth_prompt)
        self.auth_message = message_label(page)
        lay.addWidget(self.auth_message)
        lay.addStretch(1)
        row = QHBoxLayout()
        self.back_button = big_button(self.tr("返回"), page, name="back")
        self.back_button.clicked.connect(self.cancel)
        self.pin_button = big_button(self.tr("忘带培训师码？用培训师密码"), page, name="use_pin")
        self.pin_button.clicked.connect(self.use_pin)
        self.summary_button = big_button(self.tr("查看结课汇总"), page, name="to_summary")
        self.summary_button.clicked.connect(self._show_summary)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.summary_button)
        row.addWidget(self.pin_button)
        lay.addLayout(row)
        return page

    def _build_review(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        assert self.session is not None
        lay.addWidget(title_label(arg(self.tr("核对名单：%1"), self.session.title), page))
        self.pin_notice = message_label(page)
        lay.addWidget(self.pin_notice)
        self.review = RosterReview(self.store, self.session_id, page)
        lay.addWidget(self.review, 1)
        locks = QLabel(self.tr("签核后本课锁定，不能再签到；更正和出勤名单将上报平台发放积分。"), page)
        locks.setWordWrap(True)  # long in English: wraps instead of widening the window
        lay.addWidget(locks)
        row2 = QHBoxLayout()
        back = big_button(self.tr("返回"), page, name="review_back")
        back.clicked.connect(self.cancel)
        self.sign_button = big_button(self.tr("签核结课"), page, name="sign_off")
        self.sign_button.setStyleSheet("font-weight: bold;")
        self.sign_button.clicked.connect(self.ask_confirm)
        row2.addWidget(back)
        row2.addStretch(1)
        row2.addWidget(self.sign_button)
        lay.addLayout(row2)
        return page

    def _build_summary(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        lay.addWidget(title_label(self.tr("本课已结课"), page))
        self.summary_message = message_label(page)
        lay.addWidget(self.summary_message)
        self.summary_counts = QLabel(page)
        self.summary_counts.setWordWrap(True)
        lay.addWidget(self.summary_counts)
        self.summary_held = QLabel(page)
        self.summary_held.setObjectName("held_back")
        self.summary_held.setWordWrap(True)
        self.summary_held.hide()
        lay.addWidget(self.summary_held)
        lay.addWidget(QLabel(self.tr("签到时间分布（每 5 分钟一格，虚线为开课时间）"), page))
        self.chart = ArrivalChart(page)
        lay.addWidget(self.chart, 1)
        grid = QGridLayout()
        self.pdf_button = big_button(self.tr("导出签到表（PDF）"), page, name="export_pdf")
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.csv_button = big_button(self.tr("导出 CSV"), page, name="export_csv")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button = big_button(self.tr("导出 Excel"), page, name="export_xlsx")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        grid.addWidget(self.pdf_button, 0, 0)
        grid.addWidget(self.csv_button, 0, 1)
        grid.addWidget(self.xlsx_button, 0, 2)
        lay.addLayout(grid)
        self.export_message = message_label(page)
        lay.addWidget(self.export_message)
        row = QHBoxLayout()
        row.addStretch(1)
        self.done_button = big_button(self.tr("完成"), page, name="done")
        self.done_button.clicked.connect(self.finished.emit)
        row.addWidget(self.done_button)
        lay.addLayout(row)
        return page

    def _build_confirm(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        lay.addWidget(title_label(self.tr("确认结课"), page))
        self.confirm_text = QLabel(page)
        self.confirm_text.setObjectName("confirm_counts")
        self.confirm_text.setWordWrap(True)
        self.confirm_text.setStyleSheet("font-size: 30px; padding: 12px 0;")
        lay.addWidget(self.confirm_text)
        lay.addStretch(1)
        row = QHBoxLayout()
        self.confirm_back_button = big_button(self.tr("返回修改"), page, name="confirm_back")
        self.confirm_back_button.clicked.connect(
            lambda: self.stack.setCurrentIndex(self.PAGE_REVIEW))
        self.confirm_button = big_button(self.tr("确认结课"), page, name="confirm")
        self.confirm_button.setStyleSheet("font-weight: bold;")
        self.confirm_button.clicked.connect(self.sign_off)
        row.addWidget(self.confirm_back_button)
        row.addStretch(1)
        row.addWidget(self.confirm_button)
        lay.addLayout(row)
        return page

    # -- flow -------------------------------------------------------------------------------

    def _existing(self) -> dict | None:
        return self.store.closeout_for(self.session_id)

    def is_held(self) -> bool:
        row = self._existing()
        return bool(row and row["state"] == "parked" and row["park_reason"] == HELD_REASON)

    def _start(self) -> None:
        existing = self._existing()
        if existing is None:
            self.auth_prompt.setText(self.tr("请培训师扫描自己的培训师码（手机上的码或扫码枪均可）。"))
            self.summary_button.hide()
            self.stack.setCurrentIndex(self.PAGE_AUTH)
        elif self.is_held():
            self.auth_prompt.setText(self.tr(
                "本课已用培训师密码签核并锁定。请培训师扫描培训师码，结课信息才会上报平台、发放积分。"))
            self.pin_button.hide()
            self.summary_button.show()
            self.stack.setCurrentIndex(self.PAGE_AUTH)
        else:
            self._show_summary()

    def page(self) -> int:
        return self.stack.currentIndex()

    def camera_wanted(self) -> bool:
        """The camera is for the trainer's pass on the first page; paused everywhere else."""
        return self.page() == self.PAGE_AUTH

    def _on_wedge(self, text: str, source: str) -> None:
        if self.isVisible():
            self.pass_scanned(text)

    def accept_code(self, text: str) -> None:
        """A code from the camera: taken only while the trainer's pass is asked for."""
        if not self.camera_wanted():
            log.debug("close-out of class %s: camera code ignored while reviewing", self.session_id)
            return
        self.pass_scanned(text)

    def pass_scanned(self, text: str) -> None:
        """A code from the scanner (or the camera on the first page): the trainer's pass on the
        first page, or the confirmation of a close-out signed with the PIN."""
        if self.is_held():
            self._confirm_held(text)
            return
        if self.page() != self.PAGE_AUTH:
            return
        try:
            verify_trainer(self.store, self.session_id, text, self.clock)
        except CloseoutError as exc:
            log.info("close-out of class %s: trainer pass refused (%s)", self.session_id, exc.code)
            show_message(self.auth_message, "error", self._error_text(exc))
            return
        self._trainer_pass = text
        self.pin_mode = False
        self.pin_notice.hide()
        self._open_review()

    def use_pin(self) -> None:
        if ask_pin(self, self.config, "trainer"):
            self.pin_mode = True
            self._trainer_pass = None
            show_message(self.pin_notice, "notice", self.tr(
                "正在用培训师密码结课：本课会锁定、更正会记录在本机，但要等培训师扫描培训师码后才会上报平台、"
                "发放积分。请在纸质签到表上签字。"))
            self._open_review()

    def cancel(self) -> None:
        self._trainer_pass = None
        self.cancelled.emit()

    def _open_review(self) -> None:
        self.auth_message.hide()
        self.review.load_roster()
        self.stack.setCurrentIndex(self.PAGE_REVIEW)

    # -- sign-off ---------------------------------------------------------------------------

    def planned_counts(self) -> tuple[int, int, int]:
        """(attendance, removals, additions) as the close-out will have them."""
        checked_in = self.store.session_counts(self.session_id)["checked_in"]
        rem, add = len(self.review.removals), len(self.review.additions)
        return checked_in - rem + add, rem, add

    def ask_confirm(self) -> None:
        """The counts before signing off; nothing is locked until 确认结课."""
        present, rem, add = self.planned_counts()
        self.confirm_text.setText(arg(
            self.tr("确认结课：出勤 %1 人，移除 %2 条，补录 %3 人。结课后不能再签到。"),
            present, rem, add))
        self.stack.setCurrentIndex(self.PAGE_CONFIRM)

    def sign_off(self) -> None:
        removals = [Removal(cid, why) for cid, why in self.review.removals.items()]
        additions = [Addition(pid, why) for pid, why in self.review.additions.items()]
        try:
            if self.pin_mode:
                self.result = close_out_with_pin(self.store, self.session_id, removals=removals,
                                                 additions=additions, clock=self.clock)
            else:
                if self._trainer_pass is None:
                    self.stack.setCurrentIndex(self.PAGE_AUTH)
                    return
                self.result = close_out(self.store, self.session_id, self._trainer_pass,
                                        removals=removals, additions=additions, clock=self.clock)
        except CloseoutError as exc:
            log.warning("close-out of class %s refused: %s", self.session_id, exc.code)
            self.stack.setCurrentIndex(self.PAGE_REVIEW)
            show_message(self.review.message, "error", self._error_text(exc))
            return
        self._trainer_pass = None
        self._try_sync()
        self._show_summary()

    def _try_sync(self) -> None:
        try:
            self.sync_now()
        except Exception:  # a sync problem must not hide the summary; the engine retries later
            log.exception("sync after close-out failed to start")

    def _confirm_held(self, text: str) -> None:
        try:
            confirm_held_closeout(self.store, self.session_id, text, clock=self.clock)
        except CloseoutError as exc:
            target = self.summary_message if self.page() == self.PAGE_SUMMARY else self.auth_message
            show_message(target, "error", self._error_text(exc))
            return
        self._try_sync()
        self._show_summary()
        show_message(self.export_message, "ok", self.tr("培训师码已确认，结课信息已排队上报平台。"))

    # -- summary ----------------------------------------------------------------------------

    def _show_summary(self) -> None:
        table = roster_table(self.store, self.session_id, "zh")
        start = table.session.starts_at
        removed = set()
        if table.closeout:
            removed = {r["checkin_id"] for r in json.loads(table.closeout["removals"])}
        minutes = [(from_iso(r["checked_in_at"]) - start).total_seconds() / 60 for r in table.raw
                   if r["checked_in_at"] and r["checkin_id"] not in removed]
        self.chart.set_arrivals(minutes)
        c = table.counts
        co = table.closeout or {}
        rem = len(removed)
        add = len(json.loads(co["additions"])) if co else 0
        self.summary_counts.setText(arg(
            self.tr("报名 %1 人 · 出勤 %2 人 · 临时参加 %3 人 · 移除 %4 条 · 补录 %5 人"),
            c["registered"], c["present"], c["walk_ins"], rem, add))
        held = [h for h in self.store.held_back_corrections()
                if h["session_id"] == self.session_id]
        self.summary_held.setText(held_back_summary(held))
        self.summary_held.setVisible(bool(held))
        if self.is_held():
            show_message(self.summary_message, "notice", self.tr(
                "已用培训师密码签核，本课已锁定。积分要等培训师扫描培训师码后才会上报：现在扫描也可以。"
                "请打印签到表，由培训师和站点管理员签字。"))
        elif co.get("state") == "parked":
            show_message(self.summary_message, "error", arg(
                self.tr("平台没有接受这次结课：%1。请联系站点管理员。"),
                reason_text(co.get("park_reason"))))
        elif co.get("state") == "acknowledged" and held:
            show_message(self.summary_message, "notice", self.tr(
                "已签核并锁定，平台已收到，积分已发放；有几项更正平台未处理，见下方。"))
        elif co.get("state") == "acknowledged":
            show_message(self.summary_message, "ok", self.tr("已签核并锁定，平台已收到，积分已发放。"))
        else:
            show_message(self.summary_message, "ok", self.tr(
                "已签核并锁定。结课信息已排队，联网后自动上报平台并发放积分。"))
        self.stack.setCurrentIndex(self.PAGE_SUMMARY)

    def export(self, fmt: str, directory: Path | None = None) -> Path | None:
        """Write the sign-in sheet (pdf), or the roster (csv / xlsx); returns the file or None."""
        folder = directory or export_dir(self.config.data_dir)
        stamp = self.clock.now().astimezone(venue_timezone(self.store)).strftime("%Y%m%d")
        path = folder / f"signin_{self.session_id}_{stamp}.{fmt}"
        try:
            reports.export(self.store, self.session_id, fmt, path,
                           lang=self.config.get("language") or "zh")
        except OSError as exc:
            log.error("export of class %s to %s failed: %s", self.session_id, path, exc)
            show_message(self.export_message, "error",
                         arg(self.tr("无法保存到 %1。请检查U盘后再试。"), str(folder)))
            return None
        self.last_export = path
        show_message(self.export_message, "ok", arg(self.tr("已保存：%1"), str(path)))
        return path

    # -- words ------------------------------------------------------------------------------

    def _error_text(self, exc: CloseoutError) -> str:
        return closeout_error_text(exc.code)

    # -- wedge focus ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.wedge.watch(self)
        self.setFocus()
        self.scanning_wanted.emit(self.camera_wanted())

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt API)
        self.wedge.unwatch(self)
        self.scanning_wanted.emit(True)  # leaving: the scan screen wants its camera back
        super().hideEvent(event)
