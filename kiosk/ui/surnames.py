"""A touch picker for a parent's surname: the common Chinese surnames as big buttons, paged.

The help screen narrows a phone look-up by surname; a kiosk without a keyboard (and without an
input method) cannot type 王 or 李, and volunteers should not need pinyin or stroke input.  The
~100 commonest surnames cover about 85% of people (Ministry of Public Security name reports), in
order of frequency so the likely ones are on the first page.  A surname not listed can still be
typed on a keyboard; the look-up works without a surname too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import theme
from kiosk.ui.keypads import touch_key
from kiosk.ui.staff.common import arg

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜"
    "叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶"
    "贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
)
COLUMNS, ROWS = 6, 4
PAGE = COLUMNS * ROWS


class SurnamePicker(QDialog):
    """Pick one surname (``chosen``), or none (``chosen("")``: look up by phone digits alone).

    Opened with :meth:`open` (window-modal, not blocking), so a screen keeps running under it.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("选择姓氏"))
        self.setModal(True)
        self.page = 0
        self.pages = (len(SURNAMES) + PAGE - 1) // PAGE
        title = QLabel(self.tr("请点家长的姓"), self)
        title.setProperty("role", "title")
        self.grid_buttons: list[QPushButton] = []
        grid = QGridLayout()
        grid.setSpacing(theme.px(6))
        for i in range(PAGE):
            b = touch_key("", self, name=f"surname_{i}")
            b.setStyleSheet(f"font-size: {theme.px(30)}px;")
            b.clicked.connect(lambda _=False, b=b: self._pick(b.text()))
            grid.addWidget(b, i // COLUMNS, i % COLUMNS)
            self.grid_buttons.append(b)
        self.prev_button = touch_key(self.tr("上一页"), self, name="prev")
        self.prev_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.page_label = QLabel(self)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = touch_key(self.tr("下一页"), self, name="next")
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.any_button = touch_key(self.tr("不限姓"), self, name="any")
        self.any_button.clicked.connect(lambda: self._pick(""))
        self.cancel_button = touch_key(self.tr("取消"), self, name="cancel")
        self.cancel_button.clicked.connect(self.reject)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_label)
        nav.addWidget(self.next_button)
        nav.addWidget(self.any_button)
        nav.addWidget(self.cancel_button)
        for b in (self.prev_button, self.next_button, self.any_button, self.cancel_button):
            b.setMinimumWidth(0)
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addLayout(grid, 1)
        lay.addLayout(nav)
        self.show_page(0)

    def show_page(self, page: int) -> None:
        self.page = max(0, min(self.pages - 1, page))
        names = SURNAMES[self.page * PAGE:(self.page + 1) * PAGE]
        for i, b in enumerate(self.grid_buttons):
            b.setText(names[i] if i < len(names) else "")
            b.setEnabled(i < len(names))
        self.prev_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < self.pages - 1)
        self.page_label.setText(arg(self.tr("%1 / %2 页"), self.page + 1, self.pages))

    def button_for(self, surname: str) -> QPushButton:
        """The button of ``surname``, turning to its page (tests and the touch-only run)."""
        index = SURNAMES.index(surname)
        self.show_page(index // PAGE)
        return self.grid_buttons[index % PAGE]

    def _pick(self, surname: str) -> None:
        self.chosen.emit(surname)
        self.accept()
