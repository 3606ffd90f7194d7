"""Check-in rules (kiosk/core/rules.py) and their words (kiosk/core/messages.py)."""

from __future__ import annotations

import dataclasses
import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import messages
from kiosk.core.rules import (
    Attendance,
    ClassFacts,
    Decision,
    Outcome,
    RecordKind,
    SessionStatus,
    Severity,
    WalkInPolicy,
    Window,
    decide,
)
from sync.passes import PassError

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTS = datetime(2025, 3, 8, 9, 30, tzinfo=SHANGHAI)
ENDS = datetime(2025, 3, 8, 11, 30, tzinfo=SHANGHAI)
DURING = STARTS + timedelta(minutes=20)
WINDOW = Window()  # doors 30 min before, check-in closes at end, check-out grace 30, min stay 10
NOT_YET_SEEN = Attendance()


def facts(**overrides) -> ClassFacts:
    fields = dict(
        starts_at=STARTS,
        ends_at=ENDS,
        capacity=30,
        walk_in_policy=WalkInPolicy.ACCEPT_AND_FLAG,
        checkout_required=False,
        status=SessionStatus.SCHEDULED,
    )
    fields.update(overrides)
    return ClassFacts(**fields)


def scan(
    now: datetime = DURING,
    *,
    registered: bool = True,
    attendance: Attendance = NOT_YET_SEEN,
    checked_in_count: int = 0,
    window: Window = WINDOW,
    **class_overrides,
) -> Decision:
    return decide(
        facts(**class_overrides),
        now,
        registered=registered,
        attendance=attendance,
        checked_in_count=checked_in_count,
        window=window,
    )


# ---------------------------------------------------------------------------
# Check-in
# ---------------------------------------------------------------------------


def test_default_window():
    # The boundaries tested below assume these defaults.
    assert (
        Window(
            doors_open_before=30,
            checkin_closes_after_end=0,
            checkout_grace_after_end=30,
            checkout_min_after_checkin=10,
        )
        == WINDOW
    )


def test_accepted():
    assert scan() == Decision(Outcome.ACCEPTED, record=RecordKind.CHECKIN, walk_in=False, at=None)


def test_default_window_is_used_when_none_given():
    decision = decide(
        facts(),
        STARTS - timedelta(minutes=30),
        registered=True,
        attendance=Attendance(),
        checked_in_count=0,
    )
    assert decision.outcome is Outcome.ACCEPTED


def test_accepted_walk_in_with_accept_flag_policy():
    decision = scan(registered=False, walk_in_policy=WalkInPolicy.ACCEPT_AND_FLAG)
    assert decision == Decision(Outcome.ACCEPTED_WALK_IN, record=RecordKind.CHECKIN, walk_in=True)


def test_walk_in_policy_values_match_the_wire():
    assert WalkInPolicy("accept_flag") is WalkInPolicy.ACCEPT_AND_FLAG
    assert WalkInPolicy("refuse") is WalkInPolicy.REFUSE


def test_not_registered_with_refuse_policy():
    decision = scan(registered=False, walk_in_policy=WalkInPolicy.REFUSE)
    assert decision == Decision(Outcome.NOT_REGISTERED)
    assert decision.record is None


def test_refuse_policy_does_not_affect_registered_parents():
    assert scan(walk_in_policy=WalkInPolicy.REFUSE).outcome is Outcome.ACCEPTED


def test_class_full_for_a_walk_in_at_capacity():
    decision = scan(registered=False, capacity=30, checked_in_count=30)
    assert decision == Decision(Outcome.CLASS_FULL)


def test_class_full_for_a_walk_in_over_capacity():
    assert scan(registered=False, capacity=30, checked_in_count=31).outcome is Outcome.CLASS_FULL


def test_walk_in_accepted_with_one_seat_left():
    decision = scan(registered=False, capacity=30, checked_in_count=29)
    assert decision.outcome is Outcome.ACCEPTED_WALK_IN


def test_registered_parent_still_accepted_at_and_over_capacity():
    for count in (30, 31, 100):
        decision = scan(registered=True, capacity=30, checked_in_count=count)
        assert decision == Decision(Outcome.ACCEPTED, record=RecordKind.CHECKIN)


def test_refused_walk_in_at_capacity_is_told_not_registered():
    decision = scan(
        registered=False, walk_in_policy=WalkInPolicy.REFUSE, capacity=30, checked_in_count=30
    )
    assert decision.outcome is Outcome.NOT_REGISTERED


def test_not_open_yet_before_doors_open():
    doors = STARTS - timedelta(minutes=30)
    decision = scan(doors - timedelta(seconds=1))
    assert decision == Decision(Outcome.NOT_OPEN_YET, at=doors)


def test_not_open_yet_long_before():
    decision = scan(STARTS - timedelta(days=1))
    assert decision.outcome is Outcome.NOT_OPEN_YET
    assert decision.at == STARTS - timedelta(minutes=30)


def test_accepted_exactly_at_doors_open():
    assert scan(STARTS - timedelta(minutes=30)).outcome is Outcome.ACCEPTED


def test_doors_open_follows_the_window():
    window = Window(doors_open_before=45)
    doors = STARTS - timedelta(minutes=45)
    assert scan(doors, window=window).outcome is Outcome.ACCEPTED
    early = scan(doors - timedelta(microseconds=1), window=window)
    assert early == Decision(Outcome.NOT_OPEN_YET, at=doors)
    no_early_doors = Window(doors_open_before=0)
    assert scan(STARTS, window=no_early_doors).outcome is Outcome.ACCEPTED
    assert scan(STARTS - timedelta(seconds=1), window=no_early_doors).outcome is (
        Outcome.NOT_OPEN_YET
    )


def test_not_open_yet_applies_to_walk_ins_too():
    decision = scan(STARTS - timedelta(hours=1), registered=False)
    assert decision.outcome is Outcome.NOT_OPEN_YET
    refused = scan(
        STARTS - timedelta(hours=1), registered=False, walk_in_policy=WalkInPolicy.REFUSE
    )
    assert refused.outcome is Outcome.NOT_OPEN_YET


def test_accepted_exactly_at_end_and_closed_after():
    assert scan(ENDS).outcome is Outcome.ACCEPTED
    assert scan(ENDS + timedelta(seconds=1)) == Decision(Outcome.CLASS_CLOSED)
    assert scan(ENDS + timedelta(days=2)) == Decision(Outcome.CLASS_CLOSED)


def test_class_closed_follows_checkin_closes_after_end():
    window = Window(checkin_closes_after_end=15)
    closes = ENDS + timedelta(minutes=15)
    assert scan(ENDS + timedelta(minutes=10), window=window).outcome is Outcome.ACCEPTED
    assert scan(closes, window=window).outcome is Outcome.ACCEPTED
    assert scan(closes + timedelta(microseconds=1), window=window) == Decision(Outcome.CLASS_CLOSED)


def test_class_closed_applies_to_walk_ins_too():
    assert scan(ENDS + timedelta(hours=1), registered=False).outcome is Outcome.CLASS_CLOSED


def test_cancelled():
    for registered in (True, False):
        decision = scan(registered=registered, status=SessionStatus.CANCELLED)
        assert decision == Decision(Outcome.CLASS_CANCELLED)


def test_cancelled_wins_over_everything():
    decision = scan(
        STARTS - timedelta(days=1),
        attendance=Attendance(checked_in_at=STARTS),
        status=SessionStatus.CANCELLED,
        checkout_required=True,
    )
    assert decision == Decision(Outcome.CLASS_CANCELLED)


def test_closed_status():
    # The trainer closed the class out: no more scans, even inside the time window.
    assert scan(status=SessionStatus.CLOSED) == Decision(Outcome.CLASS_CLOSED)
    assert scan(status=SessionStatus.CLOSED, registered=False) == Decision(Outcome.CLASS_CLOSED)


def test_closed_status_refuses_a_check_out_too():
    checked_in = Attendance(checked_in_at=STARTS)
    decision = scan(
        ENDS, attendance=checked_in, checkout_required=True, status=SessionStatus.CLOSED
    )
    assert decision == Decision(Outcome.CLASS_CLOSED)


def test_session_status_values_match_the_wire():
    assert {s.value for s in SessionStatus} == {"scheduled", "cancelled", "closed"}


# ---------------------------------------------------------------------------
# Repeat scans and check-out
# ---------------------------------------------------------------------------

CHECKED_IN_AT = STARTS - timedelta(minutes=5)


def test_already_checked_in_reports_the_earlier_time():
    decision = scan(DURING, attendance=Attendance(checked_in_at=CHECKED_IN_AT))
    assert decision == Decision(Outcome.ALREADY_CHECKED_IN, at=CHECKED_IN_AT)
    assert decision.record is None


def test_already_checked_in_wins_over_window_and_capacity():
    earlier = Attendance(checked_in_at=CHECKED_IN_AT)
    for now in (ENDS + timedelta(hours=3), STARTS - timedelta(hours=3)):
        decision = scan(now, attendance=earlier, registered=False, checked_in_count=999, capacity=1)
        assert decision == Decision(Outcome.ALREADY_CHECKED_IN, at=CHECKED_IN_AT)


def test_no_checkout_when_not_required():
    decision = scan(
        ENDS, attendance=Attendance(checked_in_at=CHECKED_IN_AT), checkout_required=False
    )
    assert decision == Decision(Outcome.ALREADY_CHECKED_IN, at=CHECKED_IN_AT)


def test_checkout_when_required():
    decision = scan(
        ENDS, attendance=Attendance(checked_in_at=CHECKED_IN_AT), checkout_required=True
    )
    assert decision == Decision(Outcome.CHECKED_OUT, record=RecordKind.CHECKOUT)


def test_checkout_only_after_minimum_stay():
    attendance = Attendance(checked_in_at=CHECKED_IN_AT)
    too_soon = CHECKED_IN_AT + timedelta(minutes=10) - timedelta(microseconds=1)
    decision = scan(too_soon, attendance=attendance, checkout_required=True)
    assert decision == Decision(Outcome.ALREADY_CHECKED_IN, at=CHECKED_IN_AT)
    exactly = CHECKED_IN_AT + timedelta(minutes=10)
    assert scan(exactly, attendance=attendance, checkout_required=True).outcome is (
        Outcome.CHECKED_OUT
    )


def test_checkout_minimum_stay_follows_the_window():
    window = Window(checkout_min_after_checkin=60)
    attendance = Attendance(checked_in_at=CHECKED_IN_AT)
    soon = CHECKED_IN_AT + timedelta(minutes=59)
    assert scan(soon, attendance=attendance, checkout_required=True, window=window).outcome is (
        Outcome.ALREADY_CHECKED_IN
    )
    later = CHECKED_IN_AT + timedelta(minutes=60)
    assert scan(later, attendance=attendance, checkout_required=True, window=window).outcome is (
        Outcome.CHECKED_OUT
    )


def test_checkout_not_after_grace_period():
    attendance = Attendance(checked_in_at=CHECKED_IN_AT)
    last = ENDS + timedelta(minutes=30)
    assert scan(last, attendance=attendance, checkout_required=True).outcome is Outcome.CHECKED_OUT
    late = scan(last + timedelta(microseconds=1), attendance=attendance, checkout_required=True)
    assert late == Decision(Outcome.ALREADY_CHECKED_IN, at=CHECKED_IN_AT)


def test_checkout_grace_follows_the_window():
    window = Window(checkout_grace_after_end=0)
    attendance = Attendance(checked_in_at=CHECKED_IN_AT)
    assert scan(ENDS, attendance=attendance, checkout_required=True, window=window).outcome is (
        Outcome.CHECKED_OUT
    )
    after = ENDS + timedelta(seconds=1)
    assert scan(after, attendance=attendance, checkout_required=True, window=window).outcome is (
        Outcome.ALREADY_CHECKED_IN
    )


def test_checkout_for_a_walk_in_is_allowed():
    # A flagged walk-in who checked in can check out like everybody else.
    attendance = Attendance(checked_in_at=CHECKED_IN_AT)
    decision = scan(ENDS, attendance=attendance, checkout_required=True, registered=False)
    assert decision.outcome is Outcome.CHECKED_OUT


def test_already_checked_out_reports_the_check_out_time():
    out_at = ENDS - timedelta(minutes=2)
    attendance = Attendance(checked_in_at=CHECKED_IN_AT, checked_out_at=out_at)
    for now in (ENDS, ENDS + timedelta(minutes=5), ENDS + timedelta(days=1)):
        decision = scan(now, attendance=attendance, checkout_required=True)
        assert decision == Decision(Outcome.ALREADY_CHECKED_OUT, at=out_at)


def test_already_checked_out_when_checkout_no_longer_required():
    out_at = ENDS
    attendance = Attendance(checked_in_at=CHECKED_IN_AT, checked_out_at=out_at)
    assert scan(ENDS, attendance=attendance).outcome is Outcome.ALREADY_CHECKED_OUT


# ---------------------------------------------------------------------------
# Every outcome decide() can produce, in one table
# ---------------------------------------------------------------------------

DECIDE_CASES = {
    Outcome.ACCEPTED: dict(),
    Outcome.ACCEPTED_WALK_IN: dict(registered=False),
    Outcome.CHECKED_OUT: dict(
        now=ENDS, attendance=Attendance(checked_in_at=CHECKED_IN_AT), checkout_required=True
    ),
    Outcome.ALREADY_CHECKED_IN: dict(attendance=Attendance(checked_in_at=CHECKED_IN_AT)),
    Outcome.ALREADY_CHECKED_OUT: dict(
        attendance=Attendance(checked_in_at=CHECKED_IN_AT, checked_out_at=ENDS)
    ),
    Outcome.NOT_REGISTERED: dict(registered=False, walk_in_policy=WalkInPolicy.REFUSE),
    Outcome.CLASS_FULL: dict(registered=False, capacity=2, checked_in_count=2),
    Outcome.NOT_OPEN_YET: dict(now=STARTS - timedelta(hours=1)),
    Outcome.CLASS_CLOSED: dict(now=ENDS + timedelta(hours=1)),
    Outcome.CLASS_CANCELLED: dict(status=SessionStatus.CANCELLED),
}
PASS_ONLY_OUTCOMES = {Outcome.from_pass_error(e) for e in PassError}
DESK_ONLY_OUTCOMES = {Outcome.CLOCK_WRONG}  # the desk's clock check (tests/test_hardening.py)


def test_decide_cases_cover_every_non_pass_outcome():
    assert set(DECIDE_CASES) | PASS_ONLY_OUTCOMES | DESK_ONLY_OUTCOMES == set(Outcome)
    assert not set(DECIDE_CASES) & PASS_ONLY_OUTCOMES


@pytest.mark.parametrize("outcome", list(DECIDE_CASES), ids=lambda o: o.value)
def test_each_outcome_is_reachable(outcome):
    decision = scan(**DECIDE_CASES[outcome])
    assert decision.outcome is outcome
    assert (decision.record is not None) == outcome.creates_record
    assert decision.walk_in == (outcome is Outcome.ACCEPTED_WALK_IN)


def test_from_pass_error_maps_every_pass_error():
    for error in PassError:
        outcome = Outcome.from_pass_error(error)
        assert outcome.value == error.value
        # a trainer's pass shown at check-in is the wrong card, not a forgery: amber
        expected = Severity.WARN if outcome is Outcome.WRONG_ROLE else Severity.ERROR
        assert outcome.severity is expected
        assert not outcome.creates_record


def test_severity_and_creates_record():
    assert {o for o in Outcome if o.severity is Severity.OK} == {
        Outcome.ACCEPTED,
        Outcome.CHECKED_OUT,
    }
    assert {o for o in Outcome if o.severity is Severity.WARN} == {
        Outcome.ACCEPTED_WALK_IN,
        Outcome.ALREADY_CHECKED_IN,
        Outcome.ALREADY_CHECKED_OUT,
        Outcome.NOT_OPEN_YET,
        Outcome.WRONG_ROLE,
        Outcome.NOT_REGISTERED,
        Outcome.CLASS_FULL,
        Outcome.CLASS_CLOSED,
        Outcome.CLASS_CANCELLED,
    }
    assert {o for o in Outcome if o.creates_record} == {
        Outcome.ACCEPTED,
        Outcome.ACCEPTED_WALK_IN,
        Outcome.CHECKED_OUT,
    }
    for outcome in Outcome:
        assert isinstance(outcome.severity, Severity)


def test_decision_is_immutable():
    decision = scan()
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.outcome = Outcome.CLASS_FULL  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

_BASE = datetime(2025, 6, 1, 8, 0, tzinfo=SHANGHAI)
_minutes = st.integers(min_value=-600, max_value=600).map(lambda m: timedelta(minutes=m))
_optional_time = st.none() | _minutes.map(lambda d: _BASE + d)


@st.composite
def scenarios(draw):
    starts = _BASE + draw(_minutes)
    length = timedelta(minutes=draw(st.integers(1, 300)))
    cls = ClassFacts(
        starts_at=starts,
        ends_at=starts + length,
        capacity=draw(st.integers(1, 50)),
        walk_in_policy=draw(st.sampled_from(WalkInPolicy)),
        checkout_required=draw(st.booleans()),
        status=draw(st.sampled_from(SessionStatus)),
    )
    checked_in_at = draw(_optional_time)
    checked_out_at = draw(_optional_time) if checked_in_at is not None else None
    window = Window(
        doors_open_before=draw(st.integers(0, 120)),
        checkin_closes_after_end=draw(st.integers(0, 120)),
        checkout_grace_after_end=draw(st.integers(0, 120)),
        checkout_min_after_checkin=draw(st.integers(0, 120)),
    )
    return dict(
        cls=cls,
        now=_BASE + draw(_minutes) + timedelta(seconds=draw(st.integers(0, 59))),
        registered=draw(st.booleans()),
        attendance=Attendance(checked_in_at=checked_in_at, checked_out_at=checked_out_at),
        checked_in_count=draw(st.integers(0, 60)),
        window=window,
    )


@settings(max_examples=1000, deadline=None)
@given(s=scenarios())
def test_decide_invariants(s):
    cls, attendance = s["cls"], s["attendance"]
    decision = decide(
        cls,
        s["now"],
        registered=s["registered"],
        attendance=attendance,
        checked_in_count=s["checked_in_count"],
        window=s["window"],
    )
    outcome = decision.outcome

    # never a record for a cancelled or closed-out class
    if cls.status is not SessionStatus.SCHEDULED:
        assert decision.record is None
        assert outcome in (Outcome.CLASS_CANCELLED, Outcome.CLASS_CLOSED)
    if cls.status is SessionStatus.CANCELLED:
        assert outcome is Outcome.CLASS_CANCELLED

    # never a second check-in
    if attendance.checked_in_at is not None:
        assert decision.record is not RecordKind.CHECKIN
        assert outcome not in (Outcome.ACCEPTED, Outcome.ACCEPTED_WALK_IN)
    # never a second check-out
    if attendance.checked_out_at is not None:
        assert decision.record is None

    # a record exactly when the outcome says so, of the matching kind
    assert (decision.record is not None) == outcome.creates_record
    if decision.record is RecordKind.CHECKOUT:
        assert outcome is Outcome.CHECKED_OUT
        assert cls.checkout_required
        assert attendance.checked_in_at is not None
    if decision.record is RecordKind.CHECKIN:
        assert outcome in (Outcome.ACCEPTED, Outcome.ACCEPTED_WALK_IN)

    # walk-ins: flagged, only under accept_flag, only with a free seat
    assert decision.walk_in == (outcome is Outcome.ACCEPTED_WALK_IN)
    if outcome is Outcome.ACCEPTED_WALK_IN:
        assert not s["registered"]
        assert cls.walk_in_policy is WalkInPolicy.ACCEPT_AND_FLAG
        assert s["checked_in_count"] < cls.capacity
    if outcome is Outcome.ACCEPTED:
        assert s["registered"]

    # the "at" time is the earlier scan (or the opening time), never invented
    if outcome is Outcome.ALREADY_CHECKED_IN:
        assert decision.at == attendance.checked_in_at
    elif outcome is Outcome.ALREADY_CHECKED_OUT:
        assert decision.at == attendance.checked_out_at
    elif outcome is Outcome.NOT_OPEN_YET:
        assert decision.at == cls.starts_at - timedelta(minutes=s["window"].doors_open_before)
        assert s["now"] < decision.at
    else:
        assert decision.at is None

    # outcomes only a pass can cause never come from decide()
    assert outcome not in PASS_ONLY_OUTCOMES | DESK_ONLY_OUTCOMES


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_outcome_has_zh_and_en_text():
    assert set(messages.MESSAGES) == set(Outcome)
    assert messages.LANGUAGES == ("zh", "en")
    for outcome in Outcome:
        for lang in messages.LANGUAGES:
            text = messages.MESSAGES[outcome][lang]
            assert isinstance(text, str)
            assert text.strip(), (outcome, lang)


def test_chinese_texts_are_chinese_and_english_texts_are_not():
    for outcome in Outcome:
        zh = messages.MESSAGES[outcome]["zh"]
        en = messages.MESSAGES[outcome]["en"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), outcome
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), outcome
        assert zh != en


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.value)
def test_both_languages_use_the_same_placeholders(outcome):
    table = messages.MESSAGES[outcome]
    assert _placeholders(table["zh"]) == _placeholders(table["en"])
    assert _placeholders(table["zh"]) <= {"time"}


def test_time_placeholders_where_decide_reports_a_time():
    for outcome in (Outcome.ALREADY_CHECKED_IN, Outcome.ALREADY_CHECKED_OUT, Outcome.NOT_OPEN_YET):
        assert _placeholders(messages.MESSAGES[outcome]["zh"]) == {"time"}


def test_wrong_role_for_closeout_has_both_languages():
    table = messages.WRONG_ROLE_FOR_CLOSEOUT
    assert set(table) == set(messages.LANGUAGES)
    assert _placeholders(table["zh"]) == _placeholders(table["en"]) == set()


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.value)
@pytest.mark.parametrize("lang", ["zh", "en", "fr", ""])
def test_message_never_raises(outcome, lang):
    plain = messages.message(outcome, lang)
    timed = messages.message(outcome, lang, time="09:05")
    for text in (plain, timed):
        assert isinstance(text, str)
        assert text
        assert "{" not in text
        assert "}" not in text
    if "time" in _placeholders(messages.MESSAGES[outcome]["zh"]):
        assert "09:05" in timed
        assert "—" in plain
    else:
        assert plain == timed


def test_message_language_choice_and_fallback():
    outcome = Outcome.ALREADY_CHECKED_IN
    assert messages.message(outcome, "en", time="09:05") == (
        "Already checked in at 09:05; no need to scan again."
    )
    assert messages.message(outcome, time="09:05") == "已于 09:05 签到，无需重复扫码。"
    assert messages.message(outcome, "de", time="09:05") == messages.message(
        outcome, "zh", time="09:05"
    )
    assert messages.message(Outcome.ACCEPTED, "en") == messages.MESSAGES[Outcome.ACCEPTED]["en"]


@given(time=st.text(max_size=20))
def test_message_with_any_time_text(time):
    for outcome in Outcome:
        for lang in messages.LANGUAGES:
            messages.message(outcome, lang, time=time)
