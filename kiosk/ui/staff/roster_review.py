"""The close-out's roster review: the class roster as a table, and the trainer's corrections.

Each row shows a parent's status (symbol and words; the row colour is only a second cue).  The
trainer marks a mistaken check-in for removal, or a registered parent who was there for addition,
each with a reason (:class:`ReasonDialog`).  Corrections are only marked here (``removals``,
``additions``); the close-out screen applies them when the trainer signs off.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.store import Store
from kiosk.operations.roster import roster_table
from kiosk.ui import theme
from kiosk.ui.staff.common import (
    arg,
    big_button,
    message_label,
    screen_style,
    title_label,
)

# Row backgrounds: a second cue only — every status also has a symbol and words.
_ROW_COLOURS = {"present": "#e8f5e9", "late": "#fff4e0", "walk_in": "#e3f2fd", "absent": "#f5f5f5",
                "remove": "#fdecee", "add": "#ede7f6"}

COL_NO, COL_NAME, COL_PHONE, COL_IN, COL_METHOD, COL_STATUS, COL_CORRECTION = range(7)


class ReasonDialog(QDialog):
    """A reason for a correction: one touch on a common reason, or typed."""

    def __init__(self, kind: str, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setStyleSheet(screen_style())
        self.setWindowTitle(self.tr("更正原因"))
        lay = QVBoxLayout(self)
        lay.addWidget(title_label(
            arg(self.tr("移除 %1 的签到记录，原因是："), who) if kind == "remove"
            else arg(self.tr("为 %1 补录出勤，原因是："), who), self))
        presets = ([self.tr("扫错了人"), self.tr("家长未参加课程"), self.tr("重复登记")]
                   if kind == "remove" else
                   [self.tr("忘带手机，培训师确认在场"), self.tr("扫码失败，培训师确认在场"),
                    self.tr("代为签到的家属，培训师确认")])
        self.preset_buttons = []
        for text in presets:
            b = big_button(text, self)
            b.clicked.connect(lambda _=False, t=text: self.edit.setText(t))
            lay.addWidget(b)
            self.preset_buttons.append(b)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("或在这里输入原因"))
        self.edit.setMaxLength(100)
        lay.addWidget(self.edit)
        row = QHBoxLayout()
        cancel = big_button(self.tr("取消"), self)
        cancel.clicked.connect(self.reject)
        self.ok_button = big_button(self.tr("确定"), self)
        self.ok_button.setEnabled(False)
        self.ok_button.clicked.connect(self.accept)
        self.edit.textChanged.connect(lambda t: self.ok_button.setEnabled(bool(t.strip())))
        row.addWidget(cancel)
        row.addWidget(self.ok_button)
        lay.addLayout(row)

    def reason(self) -> str:
        return self.edit.text().strip()


class RosterReview(QWidget):
    """The roster of one class with the trainer's corrections: ``removals`` (check-in id →
    reason) and ``additions`` (parent id → reason).  ``message`` shows why a sign-off was refused."""

    def __init__(self, store: Store, session_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session_id = session_id
        self.removals: dict[str, str] = {}
        self.additions: dict[int, str] = {}
        self._rows: list[dict] = []
        self._late: list[bool] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.counts_label = QLabel(self)
        self.counts_label.setWordWrap(True)
        lay.addWidget(self.counts_label)
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels([
            self.tr("序号"), self.tr("姓名"), self.tr("手机尾号"), self.tr("签到时间"),
            self.tr("方式"), self.tr("状态"), self.tr("更正"),
        ])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(theme.TOUCH_PX)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CORRECTION, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.table, 1)
        self.message = message_label(self)
        lay.addWidget(self.message)
        row = QHBoxLayout()
        self.remove_button = big_button(self.tr("移除所选记录"), self, name="remove")
        self.remove_button.clicked.connect(self._remove_selected)
        self.add_button = big_button(self.tr("为所选家长补录"), self, name="add")
        self.add_button.clicked.connect(self._add_selected)
        self.undo_button = big_button(self.tr("撤销更正"), self, name="undo")
        self.undo_button.clicked.connect(self._undo_selected)
        row.addWidget(self.remove_button)
        row.addWidget(self.add_button)
        row.addWidget(self.undo_button)
        lay.addLayout(row)

    def load_roster(self) -> None:
        table = roster_table(self.store, self.session_id, "zh")
        self._rows, self._late, self._tz = table.raw, table.late, table.tz
        self._render_roster()

    def _status(self, i: int) -> str:
        r = self._rows[i]
        if r["checkin_id"] and r["checkin_id"] in self.removals:
            return "remove"
        if not r["checkin_id"] and r["parent_id"] in self.additions:
            return "add"
        if not r["checkin_id"]:
            return "absent"
        if r["walk_in"]:
            return "walk_in"
        return "late" if self._late[i] else "present"

    def _render_roster(self) -> None:
        words = {"present": self.tr("✔ 已签到"), "late": self.tr("△ 迟到"),
                 "walk_in": self.tr("★ 临时参加"), "absent": self.tr("— 未到")}
        methods = {"camera": self.tr("摄像头"), "scanner": self.tr("扫码枪"), "manual": self.tr("人工")}
        self.table.setRowCount(len(self._rows))
        counts = dict.fromkeys(("present", "late", "walk_in", "absent", "remove", "add"), 0)
        for i, r in enumerate(self._rows):
            status = self._status(i)
            counts[status] += 1
            base = ("late" if self._late[i] else ("walk_in" if r["walk_in"] else "present")) \
                if r["checkin_id"] else "absent"
            if status == "remove":
                correction = arg(self.tr("✘ 将移除：%1"), self.removals[r["checkin_id"]])
            elif status == "add":
                correction = arg(self.tr("＋ 将补录：%1"), self.additions[r["parent_id"]])
            else:
                correction = ""
            cells = [
                str(i + 1), r["masked_name"] or "—", r["phone_last4"] or "",
                datetime.fromisoformat(r["checked_in_at"]).astimezone(self._tz).strftime("%H:%M")
                if r["checked_in_at"] else "",
                methods.get(r["method"] or "", ""), words[base], correction,
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setBackground(QColor(_ROW_COLOURS[status]))
                self.table.setItem(i, c, item)
        present = counts["present"] + counts["late"] + counts["walk_in"] + counts["add"]
        self.counts_label.setText(arg(
            self.tr("出勤 %1 人（其中迟到 %2、临时参加 %3）· 未到 %4 · 将移除 %5 · 将补录 %6"),
            present, counts["late"], counts["walk_in"], counts["absent"], counts["remove"],
            counts["add"]))
        self._update_buttons()

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else None

    def select_parent(self, parent_id: int) -> None:
        """Select the row of one parent (tests, and a future search box)."""
        for i, r in enumerate(self._rows):
            if r["parent_id"] == parent_id:
                self.table.selectRow(i)
                return
        raise KeyError(parent_id)

    def _update_buttons(self) -> None:
        i = self.selected_row()
        status = self._status(i) if i is not None else None
        self.remove_button.setEnabled(status in ("present", "late", "walk_in"))
        self.add_button.setEnabled(status == "absent" and bool(self._rows[i]["registered"]))
        self.undo_button.setEnabled(status in ("remove", "add"))

    def ask_reason(self, kind: str, who: str) -> str | None:
        """Ask why (modal); None when the trainer cancels."""
        dialog = ReasonDialog(kind, who, self)
        return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _remove_selected(self) -> None:
        i = self.selected_row()
        if i is None:
            return
        r = self._rows[i]
        reason = self.ask_reason("remove", r["masked_name"] or "—")
        if reason:
            self.remove_record(r["checkin_id"], reason)

    def _add_selected(self) -> None:
        i = self.selected_row()
        if i is None:
            return
        r = self._rows[i]
        reason = self.ask_reason("add", r["masked_name"] or "—")
        if reason:
            self.add_manual(r["parent_id"], reason)

    def _undo_selected(self) -> None:
        i = self.selected_row()
        if i is None:
            return
        r = self._rows[i]
        self.removals.pop(r["checkin_id"], None)
        self.additions.pop(r["parent_id"], None)
        self._render_roster()

    def remove_record(self, checkin_id: str, reason: str) -> None:
        """Mark a mistaken check-in for removal (applied at sign-off)."""
        if not reason.strip():
            raise ValueError("a removal needs a reason")
        self.removals[checkin_id] = reason.strip()
        self._render_roster()

    def add_manual(self, parent_id: int, reason: str) -> None:
        """Mark a registered parent as present by the trainer's word (applied at sign-off)."""
        if not reason.strip():
            raise ValueError("an addition needs a reason")
        self.additions[parent_id] = reason.strip()
        self._render_roster()
