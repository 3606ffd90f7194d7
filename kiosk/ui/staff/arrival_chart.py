"""A small arrival-time histogram drawn with QPainter (no charting dependency).

Bars count check-ins per 5-minute bin relative to the class start; arrivals before the first bin
or after the last are counted in the edge bins.  The start of the class is a dashed line with a
label, and each bar carries its number, so the chart does not rely on colour.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui import theme
from kiosk.ui.staff import common

BIN_MIN = 5
FIRST_MIN = -30
LAST_MIN = 30


def bin_counts(minutes: list[float], *, first: int = FIRST_MIN, last: int = LAST_MIN,
               width: int = BIN_MIN) -> list[int]:
    """Counts per bin [first, first+width), …, [last-width, last); outliers go to the edge bins."""
    n = (last - first) // width
    counts = [0] * n
    for m in minutes:
        i = int((m - first) // width)
        counts[min(n - 1, max(0, i))] += 1
    return counts


class ArrivalChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[int] = bin_counts([])
        self.start_label = self.tr("开课")
        self.setMinimumSize(theme.px(420), theme.px(160))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_arrivals(self, minutes_after_start: list[float]) -> None:
        self.counts = bin_counts(minutes_after_start)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(common.TEXT_PX - 2)
        p.setFont(font)
        fm = p.fontMetrics()
        w, h = self.width(), self.height()
        top, bottom = fm.height() + 6, fm.height() + 10
        left, right = 10, 10
        plot = QRectF(left, top, w - left - right, h - top - bottom)
        n = len(self.counts)
        peak = max(self.counts) or 1
        slot = plot.width() / n
        p.setPen(QPen(QColor("#222222"), 2))
        p.drawLine(int(plot.left()), int(plot.bottom()), int(plot.right()), int(plot.bottom()))
        for i, c in enumerate(self.counts):
            bar_h = plot.height() * c / peak
            rect = QRectF(plot.left() + i * slot + slot * 0.12, plot.bottom() - bar_h,
                          slot * 0.76, bar_h)
            before = FIRST_MIN + i * BIN_MIN < 0
            p.fillRect(rect, QColor("#5c7cba") if before else QColor("#d08a2e"))
            if c:
                p.drawText(QRectF(rect.left() - 10, rect.top() - fm.height() - 2, rect.width() + 20,
                                  fm.height()), Qt.AlignmentFlag.AlignCenter, str(c))
        # Class start (minute 0) and the axis ends.
        x0 = plot.left() + (0 - FIRST_MIN) / BIN_MIN * slot
        pen = QPen(QColor("#000000"), 2, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(int(x0), int(plot.top()), int(x0), int(plot.bottom()))
        p.setPen(QColor("#000000"))
        label_y = plot.bottom() + 4
        p.drawText(QRectF(x0 - 80, label_y, 160, fm.height()), Qt.AlignmentFlag.AlignCenter,
                   self.start_label)
        p.drawText(QRectF(plot.left(), label_y, 120, fm.height()), Qt.AlignmentFlag.AlignLeft,
                   f"{FIRST_MIN}′")
        p.drawText(QRectF(plot.right() - 120, label_y, 120, fm.height()), Qt.AlignmentFlag.AlignRight,
                   f"+{LAST_MIN}′")
        p.end()
