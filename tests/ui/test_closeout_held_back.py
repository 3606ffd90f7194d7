"""One bad row never blocks a class's credits, against the real reference server on loopback.

A class of 30: 29 parents scan their passes, and a volunteer checks in a walk-in by a number
that the platform does not know.  The trainer removes that stray row and also adds a parent
number that does not exist.  The close-out goes through: 29 parents get their credits, once;
the removal is nothing to do (the platform refused that row at upload) and the addition is held
back — listed in Chinese, with what to do, on the close-out summary and the admin screen.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.config import Config
from kiosk.core.closeout import Addition, Removal
from kiosk.core.store import Store
from kiosk.operations.closeout import submit_closeout
from kiosk.operations.syncing import run_sync
from kiosk.services.wedge import WedgeFilter
from kiosk.ui.reasons import reason_text
from kiosk.ui.screens.admin import AdminScreen
from kiosk.ui.screens.closeout import CloseoutScreen
from sync.enrolment import enrol
from sync.parent_numbers import display_number

STRAY = 4_100_000_007  # passes the check digit, but no such parent on the platform
NOBODY = 4_100_000_013


@pytest.fixture
def platform(own_platform):
    return own_platform(parents=30)  # its own: this test closes the demo's open class


def _kiosk(config: Config, *argv: str) -> None:
    err = io.StringIO()
    with redirect_stderr(err):
        code = kiosk_main(["--data-dir", str(config.data_dir), *argv], stdin=io.StringIO(""),
                          stdout=io.StringIO())
    assert code == 0, err.getvalue()


def _awards(platform, session_id: int) -> list[tuple[int, int]]:
    """(parent, credits) awarded for the class, one row per award."""
    from sqlalchemy import select

    from credit_api import db as t

    with platform.engine.begin() as conn:
        return sorted(conn.execute(select(t.credit_awards.c.parent_id, t.credit_awards.c.credits)
                                   .where(t.credit_awards.c.session_id == session_id)).all())


def test_a_bad_row_does_not_stop_the_credits_of_the_class(qtbot, tmp_path, platform, clock):
    config = Config(tmp_path / "kiosk")
    with Store(config.db_path) as store:
        enrol(config.data_dir, store, platform.url, platform.code())
    sid = platform.summary["open_session"]
    parents = platform.summary["parents"][:29]
    _kiosk(config, "checkin", "--session", str(sid), *[platform.issue(p) for p in parents])
    _kiosk(config, "manual", "--session", str(sid), "--parent", display_number(STRAY),
           "--confirm-unknown")
    with Store(config.db_path) as store:
        assert run_sync(config, store).ok
        stray = store.conn.execute("SELECT id, state, park_reason FROM records "
                                   "WHERE parent_id = ?", (STRAY,)).fetchone()
        assert tuple(stray[1:]) == ("parked", "unknown_parent")
        done = submit_closeout(config, store, sid, platform.trainer_pass(),
                               removals=[Removal(stray[0], "编号打错")],
                               additions=[Addition(NOBODY, "忘带手机")])
        assert done["synced"], done
        co = store.closeout_for(sid)
        assert co["state"] == "acknowledged"
        assert run_sync(config, store).ok  # once: nothing is sent or awarded again
    awards = _awards(platform, sid)
    assert [p for p, _ in awards] == sorted(parents)  # 29 parents, each once
    assert len({c for _, c in awards}) == 1 and awards[0][1] > 0

    with Store(config.db_path) as store:
        held = store.held_back_corrections()
        assert [(h["action"], h["reason"], h["parent_id"]) for h in held] == [
            ("add", "unknown_parent", NOBODY)]
        screen = CloseoutScreen(store, sid, clock=clock, config=config, wedge=WedgeFilter(),
                                sync_now=lambda: None)
        qtbot.addWidget(screen)
        screen.show()
        expected = f"家长编号 {display_number(NOBODY)} 不存在：请核对后在平台补录。"
        assert screen.page() == screen.PAGE_SUMMARY
        assert screen.summary_held.isVisible() and expected in screen.summary_held.text()
        assert "积分已发放" in screen.summary_message.text()
        admin = AdminScreen(store, config, sync_now=lambda: None,
                            sync_status=lambda: {"enrolled": True})
        qtbot.addWidget(admin)
        admin.refresh()
        rows = admin.parked_rows()
        assert ("结课更正未处理", str(sid), "", expected) in rows
        assert any(r[3] == reason_text("unknown_parent") for r in rows)  # the stray record, parked
