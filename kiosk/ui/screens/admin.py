"""Status and admin (behind the admin PIN): settings and diagnostics for the site admin.

Settings are read from and written to :class:`kiosk.config.Config` (each declared once there).
Diagnostics answer "is this kiosk healthy, and why is sync stuck?": the database check, the
outbox with parked records and their reasons, the log tail, "sync now" and an export of unsent
records for a USB stick (the same function as ``starkiosk export-upload``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.core.store import Store, StoreError
from kiosk.operations.outbox import parked_items
from kiosk.operations.roster import venue_timezone
from kiosk.ui import theme
from kiosk.ui.pin import ask_new_pin, pin_is_set
from kiosk.ui.reasons import reason_text
from kiosk.ui.scrolling import scrolled
from kiosk.ui.staff.common import (
    arg,
    big_button,
    message_label,
    screen_style,
    show_message,
    title_label,
)
from kiosk.ui.staff.held_back import held_back_text
from kiosk.ui.staff.usb_panel import UsbPanel
from sync import credentials, passes

log = logging.getLogger(__name__)

LOG_TAIL_LINES = 200
_LOG_TAIL_BYTES = 256 * 1024
# Anything that looks like a pass (the prefix and a pass-length run of base45 characters, which
# include the space) is hidden from the log view, although the kiosk never logs a pass in full
# (passes.mask_pass) — belt and braces.  Shorter runs without spaces are hidden too.
_PASS_LIKE = re.compile(
    rf"{re.escape(passes.PREFIX)}(?:[0-9A-Z $%*+\-./:]{{{passes.TEXT_LEN - 1}}}|[0-9A-Z$%*+\-./:]{{24,}})")


def read_log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> list[str]:
    """The last ``lines`` lines of the log (reads at most the last 256 KB), passes hidden."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - _LOG_TAIL_BYTES))
            data = fh.read()
    except OSError:
        return []
    text = data.decode("utf-8", errors="replace").splitlines()
    if size > _LOG_TAIL_BYTES and text:
        text = text[1:]  # the first line was cut
    return [_PASS_LIKE.sub("S…(hidden)", line) for line in text[-lines:]]


class AdminScreen(QWidget):
    """Settings and diagnostics.  The caller has already checked the admin PIN."""

    closed = Signal()
    settings_changed = Signal()
    leave_kiosk_mode = Signal()

    def __init__(self, store: Store, config: Config, *, sync_now: Callable[[], None],
                 sync_status: Callable[[], dict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.config = config
        self.sync_now = sync_now
        self.sync_status = sync_status
        self.last_export: Path | None = None
        self.setStyleSheet(screen_style())
        self.setObjectName("admin_screen")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(theme.px(20), theme.px(8), theme.px(20), theme.px(8))
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("状态与管理"), self), 1)
        self.close_button = big_button(self.tr("关闭"), self, name="close")
        self.close_button.clicked.connect(self.closed.emit)
        top.addWidget(self.close_button)
        lay.addLayout(top)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_settings(), self.tr("设置"))
        self.tabs.addTab(self._build_diagnostics(), self.tr("诊断"))
        self.usb = UsbPanel(store, config, self)
        self.usb.changed.connect(self.refresh)
        self.tabs.addTab(self.usb, self.tr("U盘"))
        lay.addWidget(self.tabs, 1)
        self.load_settings()
        self.refresh()

    # -- settings ---------------------------------------------------------------------------

    def _build_settings(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout()
        form.setVerticalSpacing(theme.px(8))
        self.api_label = QLabel(page)
        self.api_label.setWordWrap(True)
        self.api_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("平台地址"), self.api_label)
        self.camera_combo = QComboBox(page)
        form.addRow(self.tr("摄像头"), self.camera_combo)
        # Focus and exposure help the camera read phones held close and bright screens; each is
        # applied only where the camera supports it (kiosk/services/camera_controls.py).
        self.focus_combo = QComboBox(page)
        self.focus_combo.addItem(self.tr("近距离（手机贴近镜头）"), "near")
        self.focus_combo.addItem(self.tr("自动"), "auto")
        self.focus_combo.addItem(self.tr("手动"), "manual")
        form.addRow(self.tr("摄像头对焦"), self.focus_combo)
        self.exposure_combo = QComboBox(page)
        self.exposure_combo.addItem(self.tr("正常"), 0)
        self.exposure_combo.addItem(self.tr("调暗（手机屏幕太亮、扫不出时）"), -7)
        self.exposure_combo.addItem(self.tr("调亮（房间太暗时）"), 7)
        form.addRow(self.tr("摄像头曝光"), self.exposure_combo)
        self.language_combo = QComboBox(page)
        self.language_combo.addItem("中文", "zh")
        self.language_combo.addItem("English", "en")
        form.addRow(self.tr("语言"), self.language_combo)
        vol_row = QHBoxLayout()
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, page)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setMinimumHeight(theme.TOUCH_PX)
        self.volume_value = QLabel(page)
        self.volume_slider.valueChanged.connect(lambda v: self.volume_value.setText(f"{v}%"))
        vol_row.addWidget(self.volume_slider, 1)
        vol_row.addWidget(self.volume_value)
        form.addRow(self.tr("音量"), vol_row)
        self.kiosk_check = QCheckBox(self.tr("全屏展台模式（退出需管理员密码）"), page)
        self.kiosk_check.setMinimumHeight(theme.TOUCH_PX)
        form.addRow(self.tr("展台模式"), self.kiosk_check)
        self.retention_spin = QSpinBox(page)
        self.retention_spin.setRange(1, 3650)
        self.retention_spin.setSuffix(self.tr(" 天"))
        form.addRow(self.tr("已上报记录保留"), self.retention_spin)

        self.settings_message = message_label(page)
        buttons = QHBoxLayout()
        self.save_button = big_button(self.tr("保存设置"), page, name="save")
        self.save_button.clicked.connect(self.save_settings)
        self.admin_pin_button = big_button(self.tr("修改管理员密码"), page, name="admin_pin")
        self.admin_pin_button.clicked.connect(lambda: self._change_pin("admin"))
        self.trainer_pin_button = big_button(self.tr("设置培训师密码"), page, name="trainer_pin")
        self.trainer_pin_button.clicked.connect(lambda: self._change_pin("trainer"))
        self.leave_button = big_button(self.tr("退出全屏"), page, name="leave_kiosk")
        self.leave_button.clicked.connect(self.leave_kiosk_mode.emit)
        for b in (self.save_button, self.admin_pin_button, self.trainer_pin_button, self.leave_button):
            buttons.addWidget(b)
        self.trainer_pin_state = QLabel(page)
        self.trainer_pin_state.setWordWrap(True)

        # The form scrolls on a small screen; the buttons stay in view below it.
        fields = QWidget(page)
        fields_lay = QVBoxLayout(fields)
        fields_lay.setContentsMargins(0, 0, 0, 0)
        fields_lay.addLayout(form)
        fields_lay.addWidget(self.trainer_pin_state)
        fields_lay.addWidget(self.settings_message)
        fields_lay.addStretch(1)
        lay = QVBoxLayout(page)
        lay.addWidget(scrolled(fields), 1)
        lay.addLayout(buttons)
        return page

    def _camera_choices(self) -> list[tuple[str, str]]:
        """(label, source spec) pairs: the cameras Qt can see, or a few numbered ones."""
        choices: list[tuple[str, str]] = []
        try:
            from PySide6.QtMultimedia import QMediaDevices

            for i, dev in enumerate(QMediaDevices.videoInputs()):
                choices.append((arg(self.tr("摄像头 %1：%2"), i, dev.description()), f"camera:{i}"))
        except Exception:  # no multimedia backend (e.g. offscreen CI): numbered choices instead
            log.debug("camera list unavailable", exc_info=True)
        if not choices:
            choices = [(arg(self.tr("摄像头 %1"), i), f"camera:{i}") for i in range(3)]
        choices.append((self.tr("不用摄像头（只用扫码枪）"), "none"))
        return choices

    def load_settings(self) -> None:
        try:
            creds = credentials.load(self.config.data_dir)
        except ValueError as exc:
            creds = None
            log.warning("enrolment file unreadable: %s", exc)
        self.api_label.setText(creds.api_url if creds else self.tr("未注册（只用站点数据包）"))
        self.camera_combo.clear()
        current = self.config.get("camera")
        for label, spec in self._camera_choices():
            self.camera_combo.addItem(label, spec)
        if self.camera_combo.findData(current) < 0:
            self.camera_combo.addItem(current, current)  # e.g. the demo's file:… source
        self.camera_combo.setCurrentIndex(self.camera_combo.findData(current))
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(self.config.get("language"))))
        self.volume_slider.setValue(int(self.config.get("volume")))
        self.volume_value.setText(f"{self.volume_slider.value()}%")
        self.kiosk_check.setChecked(bool(self.config.get("kiosk_mode")))
        self.retention_spin.setValue(int(self.config.get("retention_days")))
        self.focus_combo.setCurrentIndex(max(0, self.focus_combo.findData(
            self.config.get("camera_focus"))))
        exposure = int(self.config.get("camera_exposure_compensation"))
        if self.exposure_combo.findData(exposure) < 0:  # set by hand in settings.json
            self.exposure_combo.addItem(str(exposure), exposure)
        self.exposure_combo.setCurrentIndex(self.exposure_combo.findData(exposure))
        self.trainer_pin_state.setText(
            self.tr("培训师密码：已设置（培训师忘带培训师码时可用，结课会先在本机保留，待扫码确认后上报）")
            if pin_is_set(self.config, "trainer") else
            self.tr("培训师密码：未设置（培训师必须扫描培训师码才能结课）"))

    def save_settings(self) -> None:
        self.config.set("camera", str(self.camera_combo.currentData()))
        self.config.set("language", str(self.language_combo.currentData()))
        self.config.set("volume", int(self.volume_slider.value()))
        self.config.set("kiosk_mode", bool(self.kiosk_check.isChecked()))
        self.config.set("retention_days", int(self.retention_spin.value()))
        self.config.set("camera_focus", str(self.focus_combo.currentData()))
        self.config.set("camera_exposure_compensation", int(self.exposure_combo.currentData()))
        try:
            self.config.save()
        except OSError as exc:
            log.error("settings not saved: %s", exc)
            show_message(self.settings_message, "error", arg(self.tr("设置没有保存：%1"), exc.strerror or exc))
            return
        log.info("settings saved from the admin screen")
        show_message(self.settings_message, "ok", self.tr("设置已保存。语言和摄像头的更改在重新启动后生效。"))
        self.settings_changed.emit()

    def _change_pin(self, purpose: str) -> None:
        if ask_new_pin(self, self.config, purpose):
            show_message(self.settings_message, "ok",
                         self.tr("管理员密码已更改。") if purpose == "admin" else self.tr("培训师密码已设置。"))
            self.load_settings()

    # -- diagnostics ------------------------------------------------------------------------

    def _build_diagnostics(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        self.status_label = QLabel(page)
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        self.diag_message = message_label(page)
        lay.addWidget(self.diag_message)
        lay.addWidget(QLabel(self.tr("被拒收或待确认的记录（原因）"), page))
        self.parked_table = QTableWidget(0, 4, page)
        self.parked_table.setHorizontalHeaderLabels(
            [self.tr("类型"), self.tr("课程"), self.tr("时间"), self.tr("原因")])
        self.parked_table.verticalHeader().setVisible(False)
        self.parked_table.verticalHeader().setDefaultSectionSize(theme.TOUCH_PX)
        self.parked_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.parked_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.parked_table, 1)
        lay.addWidget(QLabel(self.tr("日志（最近 200 行）"), page))
        self.log_view = QPlainTextEdit(page)
        self.log_view.setReadOnly(True)
        self.log_view.setStyleSheet("font-size: 18px; font-family: monospace;")
        lay.addWidget(self.log_view, 1)
        row = QHBoxLayout()
        self.check_button = big_button(self.tr("检查数据库"), page, name="db_check")
        self.check_button.clicked.connect(self.check_database)
        self.sync_button = big_button(self.tr("立即同步"), page, name="sync_now")
        self.sync_button.clicked.connect(self.request_sync)
        self.refresh_button = big_button(self.tr("刷新"), page, name="refresh")
        self.refresh_button.clicked.connect(self.refresh)
        for b in (self.check_button, self.sync_button, self.refresh_button):
            row.addWidget(b)
        lay.addLayout(row)
        return page

    def refresh(self) -> None:
        """Re-read the outbox, parked items, sync status and the log tail."""
        counts = self.store.record_counts()
        closeouts = self.store.closeout_counts()
        try:
            st: dict[str, Any] = dict(self.sync_status() or {})
        except Exception:
            log.exception("sync status unavailable")
            st = {}
        if not st.get("enrolled", False):
            sync_line = self.tr("同步：本机未注册（只用站点数据包，可导出到U盘）")
        elif st.get("online") is True:
            sync_line = arg(self.tr("同步：在线，上次成功 %1"), self._when(st.get("last_success")))
        elif st.get("online") is False:
            sync_line = arg(self.tr("同步：离线，上次成功 %1；错误：%2"),
                            self._when(st.get("last_success")),
                            reason_text(st["last_error"]) if st.get("last_error") else "—")
        else:
            sync_line = self.tr("同步：尚未同步")
        lines = [
            arg(self.tr("记录：待上报 %1 · 已上报 %2 · 被拒收 %3"),
                counts["pending"], counts["acknowledged"], counts["parked"]),
            arg(self.tr("结课：待上报 %1 · 已上报 %2 · 被拒收或待确认 %3"),
                closeouts["pending"], closeouts["acknowledged"], closeouts["parked"]),
            sync_line,
        ]
        if st.get("revoked"):
            lines.append(self.tr(
                "✘ 平台已停用本机：同步已停止，所有记录都保留在本机。请站点管理员联系平台，"
                "重新注册本终端后，记录会自动上报。"))
        if st.get("clock_warning"):
            lines.append(self.tr("⚠ 本机时钟与平台相差较大，请校准时间。"))
        self.status_label.setText("\n".join(lines))
        self._fill_parked()
        self.log_view.setPlainText("\n".join(read_log_tail(self.config.log_dir / "kiosk.log")))
        self.log_view.verticalScrollBar().setValue(self.log_view.verticalScrollBar().maximum())

    def _when(self, iso: str | None) -> str:
        if not iso:
            return self.tr("从未")
        try:
            # The venue's wall clock, as on the sign-in sheet — not the PC's zone.
            return datetime.fromisoformat(iso).astimezone(venue_timezone(self.store)).strftime(
                "%m-%d %H:%M")
        except ValueError:
            return iso

    def parked_rows(self) -> list[tuple[str, str, str, str]]:
        """(kind, class, time, reason) for every parked record and close-out, as shown."""
        kinds = {"checkin": self.tr("签到"), "checkout": self.tr("签退"), "closeout": self.tr("结课")}
        held = self.tr("用培训师密码结课，等待扫描培训师码确认")
        rows = [(kinds.get(p.kind, p.kind), str(p.session_id), self._when(p.device_time),
                 held if p.held else reason_text(p.reason) if p.reason else "—")
                for p in parked_items(self.store)]
        # Corrections the platform held back from close-outs it applied: the rest of each class
        # got its credits; these need someone at the platform.
        rows += [(self.tr("结课更正未处理"), str(h["session_id"]), "", held_back_text(h))
                 for h in self.store.held_back_corrections()]
        return rows

    def _fill_parked(self) -> None:
        rows = self.parked_rows()
        self.parked_table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for c, text in enumerate(row):
                self.parked_table.setItem(i, c, QTableWidgetItem(text))

    def check_database(self) -> bool:
        try:
            self.store.quick_check()
        except StoreError as exc:
            log.error("database check failed: %s", exc)
            show_message(self.diag_message, "error", arg(self.tr("数据库检查未通过：%1"), exc))
            return False
        show_message(self.diag_message, "ok", self.tr("数据库检查通过。"))
        return True

    def request_sync(self) -> None:
        try:
            self.sync_now()
        except Exception:
            log.exception("sync now failed to start")
            show_message(self.diag_message, "error", self.tr("无法开始同步，详情见日志。"))
            return
        show_message(self.diag_message, "notice", self.tr("正在同步……完成后请按“刷新”查看结果。"))

    def export_usb(self, directory: Path | None = None) -> Path | None:
        """Write every unsent record and close-out to a signed file (the USB page's export)."""
        path = self.usb.export(directory)
        self.last_export = self.usb.last_export
        return path
