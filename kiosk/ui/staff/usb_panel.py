"""The admin screen's USB page: unsent records and close-outs out to a stick, the platform's
site bundle and receipts back in — for a site that is never online (docs/install.md).

The stick is found by :mod:`kiosk.operations.drives`; with several plugged in, the admin picks
one.  Results are said in plain words naming the stick and the file, never a raw path alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QVBoxLayout, QWidget

from kiosk.config import Config
from kiosk.core.store import Store
from kiosk.operations.common import OperationError
from kiosk.operations.drives import Drive, removable_drives
from kiosk.operations.stick import StickImport, import_from_stick
from kiosk.operations.usb import device_id, export_upload
from kiosk.ui.staff.common import arg, big_button, message_label, show_message

log = logging.getLogger(__name__)

Chooser = Callable[[list[Drive]], Drive | None]


class UsbPanel(QWidget):
    """Export to / import from a USB stick.  Emits ``changed`` after an import changed data."""

    changed = Signal()

    def __init__(self, store: Store, config: Config, parent: QWidget | None = None, *,
                 choose: Chooser | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.config = config
        self.choose = choose or self._ask_drive
        self.last_export: Path | None = None
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "没有网络的站点：把待上报的记录和结课导出到U盘，交给平台导入；平台的回执和新的场地数据包"
            "拷回U盘后，在这里导入。"), self)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        row = QHBoxLayout()
        self.export_button = big_button(self.tr("导出到U盘"), self, name="usb_export")
        self.export_button.clicked.connect(lambda: self.export())
        self.import_button = big_button(self.tr("从U盘导入"), self, name="usb_import")
        self.import_button.clicked.connect(lambda: self.import_())
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.message = message_label(self)
        lay.addWidget(self.message)
        lay.addStretch(1)

    # -- the stick ------------------------------------------------------------------------------

    def _ask_drive(self, drives: list[Drive]) -> Drive | None:
        labels = [self._label(d) for d in drives]
        text, ok = QInputDialog.getItem(self, self.tr("选择U盘"), self.tr("插着好几个U盘，用哪一个？"),
                                        labels, 0, False)
        return drives[labels.index(text)] if ok and text in labels else None

    def _label(self, drive: Drive) -> str:
        if drive.free_bytes is None:
            return drive.label
        return arg(self.tr("%1（剩余 %2 MB）"), drive.label, drive.free_bytes // 1_000_000)

    def _drive(self, *, writable: bool) -> Path | None:
        drives = removable_drives(writable=writable)
        if not drives:
            show_message(self.message, "error", self.tr(
                "没有找到U盘：请插入U盘，等几秒钟再按一次。"))
            return None
        chosen = drives[0] if len(drives) == 1 else self.choose(drives)
        if chosen is None:
            show_message(self.message, "notice", self.tr("已取消，没有导出或导入。"))
        return chosen.path if chosen else None

    # -- out and in -----------------------------------------------------------------------------

    def export(self, directory: Path | None = None) -> Path | None:
        """Write every unsent record and close-out to a signed file on the stick."""
        folder = directory or self._drive(writable=True)
        if folder is None:
            return None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"starkiosk-upload-{device_id(self.config, self.store) or 0}-{stamp}.json"
        try:
            result = export_upload(self.config, self.store, path)
        except OperationError as exc:
            log.error("USB export failed: %s", exc)
            show_message(self.message, "error", arg(self.tr("导出失败：%1"), self.why(exc)))
            return None
        self.last_export = path
        show_message(self.message, "ok", arg(
            self.tr("已把 %1 条待上报记录和 %2 次结课导出到U盘“%3”的文件 %4（被拒收的 %5 条不导出）。"
                    "请把U盘交给平台导入，再把平台的回执拷回U盘带回来。"),
            result["records"], result["closeouts"], folder.name or str(folder), path.name,
            result["parked_not_exported"]))
        return path

    def import_(self, directory: Path | None = None) -> StickImport | None:
        """Import the platform's site bundles and receipts from the stick."""
        folder = directory or self._drive(writable=False)
        if folder is None:
            return None
        try:
            done = import_from_stick(self.config, self.store, folder)
        except OperationError as exc:
            show_message(self.message, "error", arg(self.tr("导入失败：%1"), self.why(exc)))
            return None
        show_message(self.message, "error" if done.failed else "ok", self._said(done))
        if done.bundles or done.receipts:
            self.changed.emit()
        return done

    def _said(self, done: StickImport) -> str:
        if done.nothing_found:
            return self.tr("U盘上没有平台的文件（场地数据包或回执），没有导入任何东西。")
        lines = []
        for path, s in done.bundles:
            lines.append(arg(self.tr("已导入场地数据包 %1：%2，%3 个课程，%4 条报名。"),
                             path.name, s.venue, s.sessions, s.registrations))
        for path, r in done.receipts:
            if r.get("replayed"):
                lines.append(arg(self.tr("回执 %1 以前已导入过，没有变化。"), path.name))
            else:
                lines.append(arg(self.tr("已导入平台回执 %1：确认 %2 条记录、%3 次结课；平台拒收 %4 条记录、"
                                         "%5 次结课（见下方“被拒收”）。"),
                                 path.name, r["acknowledged"], r.get("closeouts", 0),
                                 r["parked"], r.get("closeouts_parked", 0)))
        for path in done.skipped_old:
            lines.append(arg(self.tr("%1 是较旧的场地数据包，已跳过。"), path.name))
        for path, exc in done.failed:
            lines.append(arg(self.tr("%1 未导入：%2"), path.name, self.why(exc)))
        return "\n".join(lines)

    def why(self, exc: OperationError) -> str:
        """A USB refusal in the screen's language (the log keeps the English)."""
        words = {
            "no_venue": self.tr("本机还没有场地数据：请先导入场地数据包或注册本终端。"),
            "not_registered": self.tr("平台还不认识本机：请在命令行运行 starkiosk device-key，把显示的密钥"
                                      "交给平台管理员登记，再导入新的场地数据包。"),
            "cannot_write": self.tr("无法写入文件：请检查U盘是否插好、是否还有空间。"),
            "cannot_read": self.tr("无法读取U盘：请拔下重插后再试。"),
            "bad_bundle": self.tr("场地数据包文件损坏或格式不对：请向平台重新要一份。"),
            "untrusted_bundle": self.tr("场地数据包的签名不对（被改动过，或不是本平台发的）：没有导入。"),
            "no_trust_anchor": self.tr("本机还不信任任何平台密钥：第一个场地数据包要在命令行用 "
                                       "starkiosk import-bundle 文件 --trust-fingerprint 指纹 导入。"),
            "old_bundle": self.tr("这是较旧的场地数据包：请用平台最新导出的。"),
            "bad_receipt": self.tr("回执文件损坏或格式不对：请向平台重新要一份。"),
            "untrusted_receipt": self.tr("回执的签名不对（被改动过，或不是本平台发的）：没有导入。"),
            "foreign_receipt": self.tr("这张回执不是本机导出的文件的回执：没有导入。"),
        }
        return words.get(exc.reason, str(exc))
