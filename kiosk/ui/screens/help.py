"""Volunteer help: a parent without their phone, or someone who did not register.

Find a registered parent of this class by the last four digits of their phone (and, when
several match, the surname character), confirm, and record a manual check-in — flagged
``manual`` for the trainer's review.  Walk-ins follow the class's policy: accepted and flagged,
or refused with a reason.  A walk-in's parent number (the number on their card, check digit
included) is checked before anything is recorded (:mod:`kiosk.operations.parent_lookup`): a
mistyped number is refused at once, a parent this kiosk knows is shown (masked name, stage) to
confirm, and a number it does not know needs a conspicuous confirmation.  Only masked names,
the digits typed and parent numbers are ever on screen.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QIntValidator, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.desk import CheckinResult
from kiosk.core.rules import WalkInPolicy
from kiosk.core.store import RegistrationRow, SessionRow, Store
from kiosk.operations.common import OperationError
from kiosk.operations.parent_lookup import ParentNumber, look_up
from kiosk.services.checkin import CheckinService
from kiosk.ui import theme
from kiosk.ui.keypads import BACK, CLEAR, DigitPad
from kiosk.ui.scan_widgets import ResultCard, fmt, stars
from kiosk.ui.surnames import SurnamePicker


def _confirm_style() -> str:
    return f"font-size: {theme.REASON_PX}px; font-weight: bold;"

# An unknown number's confirmation stands out: amber, framed (words say it too).
_ALERT_STYLE = " background: #fff4e0; border: 3px solid #e69500; padding: 8px;"


def _button(text: str, *, primary: bool = False) -> QPushButton:
    b = QPushButton(text)
    b.setMinimumHeight(theme.TOUCH_PX)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if primary:
        b.setProperty("primary", True)
    return b


class HelpScreen(QWidget):
    done = Signal()

    def __init__(self, checkin: CheckinService, *, lang: str = "zh", tz: ZoneInfo | None = None,
                 card_ms: int = 3000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checkin = checkin
        self.session: SessionRow | None = None
        self.matches: list[RegistrationRow] = []
        self.chosen: RegistrationRow | None = None
        self.chosen_number: ParentNumber | None = None  # a walk-in's number, checked
        self._awaiting = 0

        title = QLabel(self.tr("志愿者帮助"))
        title.setProperty("role", "title")
        self.back_button = _button(self.tr("返回扫码"))
        self.back_button.clicked.connect(self._back)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.back_button)

        # -- look-up by phone digits -----------------------------------------------------------
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("手机尾号 4 位"))
        self.phone.setMaxLength(4)
        self.phone.setValidator(QIntValidator(0, 9999, self))
        self.surname = QLineEdit()
        self.surname.setPlaceholderText(self.tr("姓（可选）"))
        self.surname.setMaxLength(1)
        self.surname.setMinimumWidth(theme.px(80))
        # No keyboard at most sites: the surname is picked from the common ones (kiosk.ui.surnames).
        self.surname_button = _button(self.tr("选姓"))
        self.surname_button.clicked.connect(self.pick_surname)
        self.surname_picker: SurnamePicker | None = None
        self.find_button = _button(self.tr("查找"), primary=True)
        self.find_button.clicked.connect(self.find)
        self.phone.returnPressed.connect(self.find)
        self.keypad = DigitPad()
        self.keypad.key.connect(self._key)
        self.keypad.setMaximumWidth(theme.px(300))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"font-size: {theme.REASON_PX}px;")
        self.matches_list = QListWidget()
        self.matches_list.setMinimumHeight(theme.TOUCH_PX)
        self.matches_list.itemClicked.connect(self._picked)
        self.confirm_label = QLabel()
        self.confirm_label.setStyleSheet(_confirm_style())
        self.confirm_label.setWordWrap(True)
        self.confirm_button = _button(self.tr("确认签到"), primary=True)
        self.cancel_button = _button(self.tr("取消"))
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self._cancel_choice)

        lookup_title = QLabel(self.tr("忘带手机：按手机尾号查找已报名家长"))
        lookup_title.setStyleSheet("font-weight: bold;")
        lookup_title.setWordWrap(True)
        fields = QHBoxLayout()
        fields.addWidget(self.phone, 2)
        fields.addWidget(self.surname, 1)
        fields.addWidget(self.surname_button)
        fields.addWidget(self.find_button)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_label, 1)
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.cancel_button)

        # -- walk-ins ------------------------------------------------------------------------
        self.walkin_policy = QLabel()
        self.walkin_policy.setWordWrap(True)
        self.walkin_policy.setProperty("role", "hint")
        self.walkin_id = QLineEdit()
        self.walkin_id.setPlaceholderText(self.tr("家长编号（见执照卡，含最后一位校验码）"))
        self.walkin_id.setMaxLength(16)
        self.walkin_id.setValidator(
            QRegularExpressionValidator(r"[0-9 \-]{1,16}", self))  # type: ignore[arg-type]
        self.walkin_id.returnPressed.connect(self.walk_in)
        # The on-screen keypad types into the field touched last (phone digits or number).
        self._keypad_field = self.phone
        for field in (self.phone, self.walkin_id):
            field.installEventFilter(self)
        self.surname.installEventFilter(self)
        self.walkin_button = _button(self.tr("临时参加签到"))
        self.walkin_button.clicked.connect(self.walk_in)
        walkin_title = QLabel(self.tr("未报名的家长（临时参加）"))
        walkin_title.setStyleSheet("font-weight: bold;")
        walkin_title.setWordWrap(True)
        walkin_row = QHBoxLayout()
        walkin_row.addWidget(self.walkin_id, 1)
        walkin_row.addWidget(self.walkin_button)

        form = QVBoxLayout()
        form.setSpacing(theme.px(6))
        form.addWidget(lookup_title)
        form.addLayout(fields)
        form.addWidget(self.message)
        form.addWidget(self.matches_list, 1)
        form.addLayout(confirm_row)
        form.addSpacing(theme.px(6))
        form.addWidget(walkin_title)
        form.addWidget(self.walkin_policy)
        form.addLayout(walkin_row)

        # A manual check-in's result takes the place of the form until it clears (or is
        # touched): big enough to read, and it never makes the screen taller.
        self.card = ResultCard(lang=lang, tz=tz, clear_ms=card_ms)
        self.card.setVisible(False)
        self.card.cleared.connect(self._card_cleared)
        self.card_done_button = _button(self.tr("继续"), primary=True)
        self.card_done_button.clicked.connect(self.card.clear)
        card_page = QWidget()
        card_lay = QVBoxLayout(card_page)
        card_lay.setContentsMargins(0, 0, 0, 0)
        card_lay.addStretch(1)
        card_lay.addWidget(self.card)
        card_lay.addWidget(self.card_done_button, 0, Qt.AlignmentFlag.AlignRight)
        card_lay.addStretch(1)
        form_page = QWidget()
        form_lay = QHBoxLayout(form_page)
        form_lay.setContentsMargins(0, 0, 0, 0)
        form_lay.addWidget(self.keypad, 2)
        form_lay.addLayout(form, 5)
        self.body = QStackedWidget()
        self.body.addWidget(form_page)
        self.body.addWidget(card_page)

        root = QVBoxLayout(self)
        root.setContentsMargins(theme.px(20), theme.px(8), theme.px(20), theme.px(8))
        root.setSpacing(theme.px(6))
        root.addLayout(top)
        root.addWidget(self.body, 1)

        checkin.found.connect(self._found)
        checkin.result.connect(self._result)
        self.reset()

    # -- state -------------------------------------------------------------------------------

    def set_session(self, session: SessionRow) -> None:
        self.session = session
        if session.walk_in_policy is WalkInPolicy.ACCEPT_AND_FLAG:
            self.walkin_policy.setText(self.tr(
                "本课程接受临时参加：请家长在签到屏扫码；忘带手机的，输入家长编号后签到（会标记为临时参加，由培训师确认）。"))
            self.walkin_id.setEnabled(True)
            self.walkin_button.setEnabled(True)
        else:
            self.walkin_policy.setText(self.tr(
                "本课程只接受已报名家长，不接受临时参加。请引导家长在平台报名下一期课程。"))
            self.walkin_id.setEnabled(False)
            self.walkin_button.setEnabled(False)
        self.reset()

    def reset(self) -> None:
        self._keypad_field = self.phone
        self.phone.clear()
        self.surname.clear()
        self.walkin_id.clear()
        self.matches = []
        self.matches_list.clear()
        self.message.setText(self.tr("输入手机尾号后点“查找”。"))
        self._cancel_choice()
        self.card.clear()
        self._card_cleared()

    def _card_cleared(self) -> None:
        self.card.setVisible(False)
        self.body.setCurrentIndex(0)

    def pick_surname(self) -> None:
        """The surname picker (big buttons, paged) on top of this screen; its choice fills the
        surname field and looks up again when the phone digits are there."""
        if self.surname_picker is None:
            self.surname_picker = SurnamePicker(self)
            self.surname_picker.chosen.connect(self._surname_chosen)
        self.surname_picker.show_page(0)
        self.surname_picker.open()

    def _surname_chosen(self, surname: str) -> None:
        self.surname.setText(surname)
        if len(self.phone.text().strip()) == 4:
            self.find()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.phone, self.walkin_id) and event.type() in (
                QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress):
            self._keypad_field = watched  # type: ignore[assignment]
        elif watched is self.surname and event.type() == QEvent.Type.MouseButtonPress:
            self.pick_surname()  # touching the surname field opens the picker
        return super().eventFilter(watched, event)

    def _key(self, k: str) -> None:
        field = self._keypad_field
        if not field.isEnabled():
            return
        if k == BACK:
            field.backspace()
        elif k == CLEAR:
            field.clear()
        elif len(field.text()) < field.maxLength():
            field.insert(k)

    def _back(self) -> None:
        self.reset()
        self.done.emit()

    # -- look-up -----------------------------------------------------------------------------

    def find(self) -> None:
        digits = self.phone.text().strip()
        if len(digits) != 4 or not digits.isdigit():
            self.message.setText(self.tr("请输入手机号码的后 4 位数字。"))
            return
        self.message.setText(self.tr("正在查找…"))
        self.checkin.find(digits, self.surname.text().strip() or None)

    @Slot(list)
    def _found(self, rows: list) -> None:
        if not self.isVisible():
            return
        self.matches = rows
        self.matches_list.clear()
        self._cancel_choice()
        if not rows:
            self.message.setText(self.tr("没有找到报名本课程、手机尾号相符的家长。请核对号码，或按临时参加处理。"))
            return
        if len(rows) > 1 and not self.surname.text().strip():
            self.message.setText(fmt(self.tr("找到 %1 位家长，请核对姓名后点选（也可输入姓缩小范围）。"),
                                     len(rows)))
        else:
            self.message.setText(self.tr("请点选要签到的家长："))
        for r in rows:
            item = QListWidgetItem(fmt(self.tr("%1   第%2阶段 %3"), r.masked_name, r.stage,
                                       stars(r.stage)))
            item.setData(Qt.ItemDataRole.UserRole, r.parent_id)
            self.matches_list.addItem(item)
        if len(rows) == 1:
            self._choose(rows[0])

    def _picked(self, item: QListWidgetItem) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        for r in self.matches:
            if r.parent_id == pid:
                self._choose(r)

    def _choose(self, row: RegistrationRow) -> None:
        self.chosen = row
        self.confirm_label.setText(fmt(self.tr("为 %1 人工签到？"), row.masked_name))
        self.confirm_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def _cancel_choice(self) -> None:
        self.chosen = None
        self.chosen_number = None
        self.confirm_label.setText("")
        self.confirm_label.setProperty("alert", False)
        self.confirm_label.setStyleSheet(_confirm_style())
        self.confirm_button.setEnabled(False)
        self.cancel_button.setEnabled(False)

    def confirm(self) -> None:
        if self.chosen is not None:
            parent_id = self.chosen.parent_id
        elif self.chosen_number is not None:
            parent_id = self.chosen_number.parent_id
            self.walkin_id.clear()
        else:
            return
        self._awaiting += 1
        self.checkin.manual(parent_id)
        self._cancel_choice()

    # -- walk-in -----------------------------------------------------------------------------

    def walk_in(self) -> None:
        if self.session is None or self.session.walk_in_policy is not WalkInPolicy.ACCEPT_AND_FLAG:
            return
        text = self.walkin_id.text().strip()
        if not text:
            self.message.setText(self.tr("请输入家长编号（执照卡上的数字）。"))
            return
        self._cancel_choice()
        self.message.setText(self.tr("正在核对编号…"))
        session_id = self.session.id

        def check(store: Store) -> ParentNumber | OperationError:
            try:
                return look_up(store, session_id, text)
            except OperationError as exc:
                return exc

        self.checkin.call(check, self._number_checked)

    def _number_checked(self, found: ParentNumber | OperationError) -> None:
        """Show what the number stands for; nothing is recorded before the volunteer confirms."""
        if isinstance(found, OperationError):
            self.message.setText(self.tr("编号有误，请核对"))
            return
        self.matches = []
        self.matches_list.clear()
        self.chosen_number = found
        if found.known:
            assert found.masked_name is not None and found.stage is not None
            self.message.setText(self.tr("请核对姓名后确认："))
            self.confirm_label.setText(fmt(self.tr("编号 %1：%2   第%3阶段 %4 — 确认签到？"),
                                           found.typed, found.masked_name, found.stage,
                                           stars(found.stage)))
        else:
            self.message.setText(self.tr("请与家长核对编号。"))
            self.confirm_label.setText(fmt(self.tr("本终端没有这位家长的资料，确定按编号 %1 签到？"),
                                           found.typed))
            self.confirm_label.setProperty("alert", True)
            self.confirm_label.setStyleSheet(_confirm_style() + _ALERT_STYLE)
        self.confirm_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    @Slot(object)
    def _result(self, result: CheckinResult) -> None:
        if self._awaiting <= 0 or result.method != "manual":
            return
        self._awaiting -= 1
        self.card.setVisible(True)
        self.card.show_result(result)
        self.body.setCurrentIndex(1)
        self.message.setText(result.reason(self.card.lang, self.card.tz))

    def result_text(self) -> dict[str, Any]:
        return {"headline": self.card.headline.text(), "name": self.card.name.text()}
