"""The result card says why: the reason is the headline, colour and icon per severity, cards that
need a volunteer wait for them, and the recent list keeps the reason (pytest-qt, real widgets)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from kiosk.core.desk import CheckinResult
from kiosk.core.rules import Outcome
from kiosk.ui.scan_widgets import ResultCard, stage_text, stars
from tests.conftest import NOW
from tests.ui.helpers import wedge_type

TZ = ZoneInfo("Asia/Shanghai")  # NOW is 14:00 there


def result(outcome: Outcome, **kw) -> CheckinResult:
    return CheckinResult(outcome=outcome, session_id=kw.pop("session_id", 1), method="scanner",
                         at=NOW, **kw)


@pytest.fixture
def card(qtbot):
    c = ResultCard(tz=TZ, clear_ms=200)
    qtbot.addWidget(c)
    c.show()
    return c


@pytest.mark.parametrize(("outcome", "headline", "icon"), [
    (Outcome.REVOKED, "码已作废", "✖"),
    (Outcome.UNKNOWN_KEY, "不是本平台的码", "✖"),
    (Outcome.EXPIRED, "码已过期", "✖"),
    (Outcome.UNREADABLE, "无法识别此码", "✖"),
    (Outcome.NOT_REGISTERED, "未报名本课", "!"),
    (Outcome.CLASS_FULL, "课程已满员", "!"),
    (Outcome.WRONG_ROLE, "这是培训师码", "!"),
])
def test_the_reason_is_the_headline(card, outcome, headline, icon):
    card.show_result(result(outcome))
    assert card.headline.text() == headline and card.icon.text() == icon
    assert card.reason.text() and card.reason.text() != headline  # what to do, on its own line


def test_every_outcome_has_its_own_headline_and_advice(card):
    seen = set()
    for o in Outcome:
        card.show_result(result(o, earlier=NOW - timedelta(minutes=8)))
        assert card.headline.text() not in seen and card.headline.text() != "未能签到", o
        seen.add(card.headline.text())
        assert card.reason.text(), o


def test_already_checked_in_gives_the_time_and_not_open_yet_the_start(card):
    card.show_result(result(Outcome.ALREADY_CHECKED_IN, earlier=NOW - timedelta(minutes=8)))
    assert card.headline.text() == "已于 13:52 签到" and card.icon.text() == "!"
    doors = NOW + timedelta(minutes=30)
    card.show_result(result(Outcome.NOT_OPEN_YET, earlier=doors))
    assert card.headline.text() == "尚未开放签到 · 14:30 开放"  # no class known: the doors
    assert card.icon.text() == "!" and "14:30" in card.reason.text()


def test_cards_that_need_a_volunteer_stay_until_touched(qtbot, card):
    card.show_result(result(Outcome.BAD_SIGNATURE))
    assert card.sticky and "志愿者" in card.reason.text() and "点一下卡片" in card.credits.text()
    qtbot.wait(400)  # twice the card time: still there
    assert card.showing
    with qtbot.waitSignal(card.cleared, timeout=1000):
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert not card.showing and card.headline.text() == "请出示星级家长码"

    card.show_result(result(Outcome.NOT_REGISTERED))  # amber, but a volunteer sorts it out
    qtbot.wait(400)
    assert card.showing and card.icon.text() == "!"
    card.show_result(result(Outcome.ACCEPTED, masked_name="王*明"))  # the next scan replaces it
    assert card.headline.text() == "签到成功" and not card.sticky
    with qtbot.waitSignal(card.cleared, timeout=1000):
        pass


def test_come_back_later_clears_by_itself(qtbot, card):
    card.show_result(result(Outcome.NOT_OPEN_YET, earlier=NOW + timedelta(minutes=30)))
    assert not card.sticky
    with qtbot.waitSignal(card.cleared, timeout=1000):
        pass


def test_stars_are_the_stars_earned_and_walk_ins_say_so(card):
    assert stars(1) == "" and stars(3) == "★★" and "☆" not in stars(5)
    assert stage_text(1) == "第1阶段" and stage_text(3) == "第3阶段 · 已获★★"
    card.show_result(result(Outcome.ACCEPTED, masked_name="王*明", stage=3, stage_credits=6,
                            credits_added=2))
    assert card.credits.text().startswith("第3阶段 · 已获★★ · 已有 6 分") and "本课 +2 分" in \
        card.credits.text()
    card.show_result(result(Outcome.ACCEPTED_WALK_IN, walk_in=True))
    assert card.name.text() == "临时参加"


def test_not_open_yet_on_the_scan_screen_names_the_start(qtbot, kiosk, demo, signing_key):
    """The later class of today: amber, its start time as the headline, clears by itself."""
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: bool(w.picker.sessions), timeout=5000)
    later = next(s for s in w.picker.sessions if s.starts_at > NOW
                 and s.status.value == "scheduled")
    for i in range(w.picker.list.count()):
        if w.picker.list.item(i).data(Qt.ItemDataRole.UserRole) == later.id:
            w.picker.list.setCurrentRow(i)
    w.picker.start()
    assert w.current() == "scan"
    text = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))[0]
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        wedge_type(w.scan, text)
    assert sig.args[0].outcome is Outcome.NOT_OPEN_YET
    start = later.starts_at.astimezone(TZ).strftime("%H:%M")
    card = w.scan.card
    assert card.headline.text() == f"本课尚未开始 · {start} 开始" and card.icon.text() == "!"
    assert w.scan.recent_lines()[0].endswith("!  本课尚未开始")
    with qtbot.waitSignal(card.cleared, timeout=3000):
        pass


def test_recent_list_keeps_the_reason_word(qtbot, kiosk, demo):
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    w.picker.start()
    sid = w.scan.session.id
    w.scan.show_result(result(Outcome.REVOKED, session_id=sid, masked_name="王*明"))
    w.scan.show_result(result(Outcome.ACCEPTED_WALK_IN, session_id=sid, walk_in=True))
    lines = w.scan.recent_lines()
    assert lines[1] == "14:00  ✖  王*明  码已作废"
    assert lines[0] == "14:00  !  临时参加，已签到"  # a walk-in without a name: said once
    assert "王*明  码已作废" in w.scan.recent_list.text()


def test_the_sync_badge_says_why_in_chinese(qtbot):
    from kiosk.ui.scan_widgets import SyncBadge

    badge = SyncBadge(TZ)
    qtbot.addWidget(badge)
    badge.update_status({"enrolled": True, "online": False, "pending": 3,
                         "last_error": "the credit API did not answer in time"})
    assert "✖ 离线" in badge.text() and "平台没有及时回应" in badge.text()
    assert "credit API" not in badge.text()
    badge.update_status({"enrolled": True, "online": False,
                         "last_error": "cannot reach the credit API (offline?)"})
    assert "credit API" not in badge.text() and badge.error_text == "无法连接平台（可能没有联网）"
    badge.update_status({"enrolled": True, "revoked": "The credit API refused this kiosk …"})
    assert "终端已停用" in badge.text() and "credit API" not in badge.text()

