"""The trainer's close-out screen with the real store on real files (pytest-qt)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.core.closeout import HELD_REASON
from kiosk.core.desk import CheckinDesk
from kiosk.core.rules import Outcome
from kiosk.services.wedge import WedgeFilter
from kiosk.ui.pin import PinDialog, set_pin
from kiosk.ui.screens.closeout import CloseoutScreen
from kiosk.ui.staff.roster_review import ReasonDialog
from sync.passes import Role
from tests.conftest import NOW
from tests.ui.helpers import visible_texts, wedge_type


@pytest.fixture
def session(ui_store, demo):
    return ui_store.session(demo[1]["open_session"])


@pytest.fixture
def checked_in(ui_store, session, demo, signing_key, clock):
    """Four parents checked in, a few minutes apart; returns their parent ids."""
    desk = CheckinDesk(ui_store, clock)
    ids = demo[1]["parents"][:4]
    for pid in ids:
        text, _ = signing_key.issue(pid, valid_from=NOW - timedelta(days=1))
        assert desk.scan(text, session.id, "camera").outcome is Outcome.ACCEPTED
        clock.advance(minutes=3)
    return ids


def trainer_pass(signing_key, trainer_id: int) -> str:
    return signing_key.issue(trainer_id, role=Role.TRAINER, valid_from=NOW - timedelta(days=1))[0]


@pytest.fixture
def screen_factory(qtbot, ui_store, ui_config, clock, session):
    syncs: list[int] = []

    def make() -> CloseoutScreen:
        wedge = WedgeFilter()
        s = CloseoutScreen(ui_store, session.id, clock=clock, config=ui_config, wedge=wedge,
                           sync_now=lambda: syncs.append(1))
        qtbot.addWidget(s)
        s.resize(1280, 800)
        s.show()
        qtbot.waitExposed(s)
        s.syncs = syncs  # type: ignore[attr-defined]
        return s

    return make


def answer_next_modal(action) -> None:
    """Act on the modal dialog that the next click opens (it runs its own event loop)."""
    def act() -> None:
        w = QApplication.activeModalWidget()
        if w is None:
            QTimer.singleShot(10, act)
            return
        action(w)

    QTimer.singleShot(0, act)


def give_reason(dialog) -> None:
    assert isinstance(dialog, ReasonDialog)
    dialog.preset_buttons[0].click()
    dialog.ok_button.click()


def test_closeout_with_corrections_locks_the_class(screen_factory, ui_store, session, checked_in,
                                                   signing_key, demo, clock):
    screen = screen_factory()
    assert screen.page() == screen.PAGE_AUTH
    wedge_type(screen, trainer_pass(signing_key, session.trainer_id))  # the USB scanner
    assert screen.page() == screen.PAGE_REVIEW
    assert screen.review.table.rowCount() == len(ui_store.roster(session.id))
    texts = [screen.review.table.item(r, 1).text() for r in range(screen.review.table.rowCount())]
    assert all("*" in t for t in texts)  # masked names only

    # Remove a mistaken check-in, with a reason chosen in the dialog.
    screen.review.select_parent(checked_in[0])
    assert screen.review.remove_button.isEnabled() and not screen.review.add_button.isEnabled()
    answer_next_modal(give_reason)
    screen.review.remove_button.click()
    assert len(screen.review.removals) == 1
    # Add a registered parent who was there but could not scan.
    absent = next(p for p in demo[1]["parents"] if p not in checked_in)
    screen.review.select_parent(absent)
    assert screen.review.add_button.isEnabled()
    answer_next_modal(give_reason)
    screen.review.add_button.click()
    assert screen.review.additions == {absent: "忘带手机，培训师确认在场"}
    assert ("将移除 1" in screen.review.counts_label.text()
            and "将补录 1" in screen.review.counts_label.text())

    # A confirmation with the counts first; 返回修改 goes back with nothing locked.
    screen.sign_button.click()
    assert screen.page() == screen.PAGE_CONFIRM
    assert screen.confirm_text.text() == \
        "确认结课：出勤 4 人，移除 1 条，补录 1 人。结课后不能再签到。"
    assert not screen.camera_wanted()
    screen.confirm_back_button.click()
    assert screen.page() == screen.PAGE_REVIEW and ui_store.closeout_for(session.id) is None
    screen.sign_button.click()
    screen.confirm_button.click()
    assert screen.page() == screen.PAGE_SUMMARY
    assert screen.syncs == [1]  # a sync is tried at once
    row = ui_store.closeout_for(session.id)
    assert row["state"] == "pending" and row["trainer_pass_id"] > 0
    assert [r["reason"] for r in json.loads(row["removals"])] == ["扫错了人"]
    assert [a["parent_id"] for a in json.loads(row["additions"])] == [absent]
    assert screen.result.attendees == len(checked_in)  # 4 − 1 + 1
    assert sum(screen.chart.counts) == len(checked_in) - 1  # arrivals of those still present
    assert "本课已结课" in visible_texts(screen)

    # The class is locked: a late parent's scan is refused and records nothing.
    late = next(p for p in demo[1]["parents"] if p not in checked_in and p != absent)
    text, _ = signing_key.issue(late, valid_from=NOW - timedelta(days=1))
    before = ui_store.checked_in_count(session.id)
    assert CheckinDesk(ui_store, clock).scan(text, session.id, "scanner").outcome is Outcome.CLASS_CLOSED
    assert ui_store.checked_in_count(session.id) == before

    # Exports from the summary page.
    out = screen.export("pdf", ui_store.path.parent / "usb")
    assert out is not None and out.read_bytes().startswith(b"%PDF")


def test_wrong_role_and_wrong_trainer_are_refused(screen_factory, session, checked_in, signing_key,
                                                  demo, ui_store):
    screen = screen_factory()
    parent_pass, _ = signing_key.issue(checked_in[0], valid_from=NOW - timedelta(days=1))
    screen.accept_code(parent_pass)  # e.g. from the camera
    assert screen.page() == screen.PAGE_AUTH
    assert "家长码" in screen.auth_message.text() and "✘" in screen.auth_message.text()
    other = next(t for t in demo[1]["trainers"] if t != session.trainer_id)
    screen.accept_code(trainer_pass(signing_key, other))
    assert screen.page() == screen.PAGE_AUTH
    assert "不属于本课的培训师" in screen.auth_message.text()
    screen.accept_code("not a pass at all")
    assert "培训师码不能使用" in screen.auth_message.text()
    assert ui_store.closeout_for(session.id) is None


def test_pin_fallback_holds_the_closeout_until_a_trainer_pass(screen_factory, ui_config, ui_store,
                                                              session, checked_in, signing_key):
    set_pin(ui_config, "trainer", "258036")
    screen = screen_factory()

    def enter_pin(dialog) -> None:
        assert isinstance(dialog, PinDialog)
        for d in "258036":
            dialog.press(d)
        dialog.submit()

    answer_next_modal(enter_pin)
    screen.pin_button.click()
    assert screen.page() == screen.PAGE_REVIEW and screen.pin_mode
    assert "培训师密码" in screen.pin_notice.text()
    screen.sign_button.click()
    assert "出勤 4 人，移除 0 条，补录 0 人" in screen.confirm_text.text()
    screen.confirm_button.click()
    assert screen.page() == screen.PAGE_SUMMARY
    row = ui_store.closeout_for(session.id)
    assert row["state"] == "parked" and row["park_reason"] == HELD_REASON
    assert row["trainer_pass"] is None
    assert ui_store.session(session.id).status.value == "closed"
    assert ui_store.pending_closeouts() == []  # nothing the platform could not verify is sent
    assert "培训师扫描培训师码" in screen.summary_message.text()

    # Later (or right away) the trainer scans the pass: the close-out joins the upload queue.
    wedge_type(screen, trainer_pass(signing_key, session.trainer_id))
    row = ui_store.closeout_for(session.id)
    assert row["state"] == "pending" and row["trainer_pass_id"] > 0
    assert len(ui_store.pending_closeouts()) == 1


def test_pin_fallback_needs_a_trainer_pin_set(screen_factory, session, checked_in):
    screen = screen_factory()
    seen = []

    def close_box(box) -> None:
        seen.append(isinstance(box, QMessageBox) and "没有设置培训师密码" in box.text())
        box.accept()

    answer_next_modal(close_box)
    screen.pin_button.click()
    assert seen == [True]
    assert screen.page() == screen.PAGE_AUTH


def test_a_held_class_reopens_on_the_pass_prompt_and_a_closed_one_on_the_summary(
        screen_factory, ui_config, ui_store, session, checked_in, signing_key, clock):
    from kiosk.core.closeout import close_out_with_pin

    close_out_with_pin(ui_store, session.id, clock=clock)
    screen = screen_factory()
    assert screen.page() == screen.PAGE_AUTH and screen.is_held()
    assert not screen.pin_button.isVisible()
    wedge_type(screen, trainer_pass(signing_key, session.trainer_id))
    assert screen.page() == screen.PAGE_SUMMARY
    assert ui_store.closeout_for(session.id)["state"] == "pending"
    again = screen_factory()
    assert again.page() == again.PAGE_SUMMARY


def test_the_camera_is_paused_while_the_trainer_reviews(screen_factory, ui_store, session,
                                                        checked_in, signing_key, demo):
    """Only the pass prompt wants the camera: a parent's phone in view while the trainer reviews
    pops up nothing; the scanner still takes the trainer's pass."""
    screen = screen_factory()
    wanted: list[bool] = []
    screen.scanning_wanted.connect(wanted.append)
    assert screen.camera_wanted()
    parent_pass, _ = signing_key.issue(checked_in[0], valid_from=NOW - timedelta(days=1))
    screen.accept_code(trainer_pass(signing_key, session.trainer_id))  # the camera, on page 1
    assert screen.page() == screen.PAGE_REVIEW and wanted[-1] is False
    screen.accept_code(parent_pass)  # a parent's phone in front of the camera
    assert "家长码" not in visible_texts(screen)
    screen.sign_button.click()
    screen.accept_code(parent_pass)
    assert screen.page() == screen.PAGE_CONFIRM and "家长码" not in visible_texts(screen)
    screen.confirm_button.click()
    assert screen.page() == screen.PAGE_SUMMARY and not screen.camera_wanted()
    screen.accept_code(parent_pass)
    assert "家长码" not in visible_texts(screen)
    screen.hide()
    assert wanted[-1] is True  # leaving: the scan screen's camera may run again


def test_a_refused_trainer_pass_says_why_in_chinese(screen_factory, session, checked_in,
                                                     signing_key, ui_store):
    screen = screen_factory()
    expired, _ = signing_key.issue(session.trainer_id, role=Role.TRAINER,
                                   valid_from=NOW - timedelta(days=30),
                                   valid_until=NOW - timedelta(days=29))
    wedge_type(screen, expired)
    assert "培训师码不能使用（培训师码已过期）" in screen.auth_message.text()
    assert "expired" not in screen.auth_message.text()
