"""A Qt binding that miscounts references to None kills a long-running kiosk.

PySide6 6.12.0 drops one reference to ``None`` each time a method that returns nothing is called
(``setText``, ``processEvents`` …).  Before Python 3.12, where ``None`` became immortal, the kiosk
then aborts with "Fatal Python error: none_dealloc" after some thousands of calls — minutes on
the scan screen.  pyproject.toml keeps that release out; this test fails on any release that
does the same.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QLabel


def test_void_methods_keep_none_alive(qapp):
    label, obj = QLabel(), QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        obj.setObjectName("x")
        label.setText("签到")
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) - before > -50, (
        "this PySide6 release loses references to None: a kiosk on it crashes within minutes")
