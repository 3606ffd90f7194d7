"""Keyboard-wedge scanner input on a screen that has no focused text box.

An event filter on the scan screen feeds key presses (and input-method commits) into a
:class:`~kiosk.scan.wedge.WedgeAssembler`; a completed burst becomes ``code_scanned(text,
"scanner")``.  The filter also switches the input method off on the watched widget, so a Chinese
IME does not swallow the scanner's keys; full-width characters that still arrive are folded back
by NFKC.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QWidget

from kiosk.scan.wedge import WedgeAssembler

_TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}


class WedgeFilter(QObject):
    code_scanned = Signal(str, str)

    def __init__(self, parent: QObject | None = None, *, assembler: WedgeAssembler | None = None,
                 clock_ms: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self.assembler = assembler or WedgeAssembler()
        self._clock_ms = clock_ms or (lambda: time.monotonic() * 1000)
        self.consume_keys = True

    def watch(self, widget: QWidget) -> None:
        widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self)

    def unwatch(self, widget: QWidget) -> None:
        widget.removeEventFilter(self)
        self.assembler.reset()

    def _now(self) -> float:
        # One clock for key presses and input-method commits alike (synthesised events carry no
        # window-system timestamp).  The GUI thread never blocks for long, so arrival ≈ typing.
        return self._clock_ms()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        etype = event.type()
        if etype == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            t = self._now()
            if event.key() in _TERMINATORS:
                code = self.assembler.enter(t)
                if code is not None:
                    self.code_scanned.emit(code, "scanner")
                    return True
                return False
            text = event.text()
            if text and text.isprintable():
                self.assembler.key(text, t)
                return self.consume_keys
            return False
        if etype == QEvent.Type.InputMethod:
            assert isinstance(event, QInputMethodEvent)
            if event.commitString():
                self.assembler.key(event.commitString(), self._now())
                return True
        return False
