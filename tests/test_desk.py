"""The scan path end to end on a real SQLite file: every outcome, and what lands on disk."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta

import pytest

from kiosk.core.desk import CheckinDesk, UnknownSession
from kiosk.core.rules import Outcome, Severity
from kiosk.core.store import Store
from kiosk.devtools.keys import keygen
from sync.demo import make_bundle, session_id
from sync.passes import Role
from tests.conftest import NOW

OPEN = session_id(101, 1)  # open now, walk-ins accepted and flagged
PAST = session_id(101, 2)  # ended this morning, walk-ins refused
LATER = session_id(101, 3)  # this afternoon, check-out required, walk-ins refused
CANCELLED = session_id(101, 4)


def _rows(store: Store, sql: str, *args: object) -> list[tuple]:
    return store.conn.execute(sql, args).fetchall()


def test_accepted_is_on_disk_before_it_is_returned(desk, demo, signing_key, store):
    parent = demo[1]["parents"][0]
    text, pass_id = signing_key.issue(parent, valid_from=NOW - timedelta(days=1))
    result = desk.scan(text, OPEN, "camera")
    assert result.outcome is Outcome.ACCEPTED
    assert result.outcome.severity is Severity.OK
    assert result.masked_name and "*" in result.masked_name
    assert result.credits_added == 2 and result.stage is not None
    # Read through a second, independent connection: the row is committed.
    other = sqlite3.connect(store.path)
    row = other.execute(
        "SELECT id, kind, parent_id, pass_id, method, walk_in, state, device_time FROM records"
    ).fetchone()
    other.close()
    assert row[0] == result.checkin_id
    assert uuid.UUID(row[0]).version == 4
    assert row[1:7] == ("checkin", parent, pass_id, "camera", 0, "pending")
    assert row[7].startswith("2026-11-23T06:00")


def test_repeat_scan_says_when_and_adds_nothing(desk, demo, signing_key, store, clock):
    text, _ = signing_key.issue(demo[1]["parents"][1], valid_from=NOW - timedelta(days=1))
    first = desk.scan(text, OPEN)
    clock.advance(minutes=3)
    again = desk.scan(text.lower() + "\r\n", OPEN, "scanner")
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert again.checkin_id is None
    assert "14:00" in again.reason("zh", desk.timezone())  # 06:00Z is 14:00 in Hangzhou
    assert "14:00" in again.reason("en", desk.timezone())
    assert _rows(store, "SELECT count(*) FROM records")[0][0] == 1
    assert first.checkin_id


def test_same_parent_with_a_reissued_pass_is_still_a_repeat(desk, demo, signing_key, store):
    parent = demo[1]["parents"][2]
    a, _ = signing_key.issue(parent, valid_from=NOW - timedelta(days=1))
    b, _ = signing_key.issue(parent, valid_from=NOW - timedelta(hours=1))
    assert desk.scan(a, OPEN).outcome is Outcome.ACCEPTED
    assert desk.scan(b, OPEN).outcome is Outcome.ALREADY_CHECKED_IN


def test_walk_in_accepted_and_flagged(desk, signing_key, store):
    text, _ = signing_key.issue(4_444_444, valid_from=NOW - timedelta(days=1))
    r = desk.scan(text, OPEN)
    assert r.outcome is Outcome.ACCEPTED_WALK_IN and r.walk_in
    assert r.outcome.severity is Severity.WARN
    assert r.masked_name is None
    assert _rows(store, "SELECT walk_in FROM records WHERE id = ?", r.checkin_id) == [(1,)]


def test_walk_in_refused_where_the_class_says_so(desk, signing_key, store, clock):
    clock.set(NOW + timedelta(minutes=140))  # the afternoon workshop's doors are open
    text, _ = signing_key.issue(4_444_445, valid_from=NOW - timedelta(days=1))
    r = desk.scan(text, LATER)
    assert r.outcome is Outcome.NOT_REGISTERED
    assert _rows(store, "SELECT count(*) FROM records")[0][0] == 0
    assert _rows(store, "SELECT outcome, parent_id FROM scan_events") == [("not_registered", 4_444_445)]


def test_class_full_for_walk_ins_only(tmp_path, signing_key, clock):
    bundle, summary = make_bundle([signing_key.trust_key()], now=NOW, parents=5)
    data = bundle.model_dump()
    for s in data["sessions"]:
        if s["id"] == OPEN:
            s["capacity"] = 2
    from sync.protocol import SiteBundle

    store = Store(tmp_path / "k.db")
    store.import_bundle(SiteBundle.model_validate(data))
    desk = CheckinDesk(store, clock)
    issue = lambda pid: signing_key.issue(pid, valid_from=NOW - timedelta(days=1))[0]  # noqa: E731
    for pid in summary["parents"][:2]:
        assert desk.scan(issue(pid), OPEN).outcome is Outcome.ACCEPTED
    assert desk.scan(issue(7_000_001), OPEN).outcome is Outcome.CLASS_FULL
    # A registered parent always has a seat, even past capacity.
    assert desk.scan(issue(summary["parents"][2]), OPEN).outcome is Outcome.ACCEPTED
    store.close()


@pytest.mark.parametrize(
    ("when", "session", "outcome"),
    [
        (NOW, LATER, Outcome.NOT_OPEN_YET),
        (NOW, PAST, Outcome.CLASS_CLOSED),
        (NOW, CANCELLED, Outcome.CLASS_CANCELLED),
    ],
)
def test_class_time_and_status(desk, demo, signing_key, store, clock, when, session, outcome):
    clock.set(when)
    regs = {r.parent_id for r in demo[0].registrations if r.session_id == session}
    parent = sorted(regs)[0] if regs else demo[1]["parents"][0]
    text, _ = signing_key.issue(parent, valid_from=NOW - timedelta(days=1))
    r = desk.scan(text, session)
    assert r.outcome is outcome
    assert r.checkin_id is None
    assert _rows(store, "SELECT count(*) FROM records")[0][0] == 0
    assert _rows(store, "SELECT outcome FROM scan_events") == [(outcome.value,)]


def test_not_open_yet_says_when_it_opens(desk, demo, signing_key, clock):
    text, _ = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))
    r = desk.scan(text, LATER)
    # The workshop starts at NOW+150 min; doors open 30 min before: 16:00 in Hangzhou.
    assert "16:00" in r.reason("zh", desk.timezone())


def test_check_out_when_the_class_requires_it(desk, demo, signing_key, store, clock):
    parent = next(r.parent_id for r in demo[0].registrations if r.session_id == LATER)
    text, _ = signing_key.issue(parent, valid_from=NOW - timedelta(days=1))
    clock.set(NOW + timedelta(minutes=125))
    assert desk.scan(text, LATER).outcome is Outcome.ACCEPTED
    clock.advance(minutes=2)
    assert desk.scan(text, LATER).outcome is Outcome.ALREADY_CHECKED_IN
    clock.set(NOW + timedelta(minutes=150 + 120))  # the end of the workshop
    out = desk.scan(text, LATER)
    assert out.outcome is Outcome.CHECKED_OUT and out.checkin_id
    assert desk.scan(text, LATER).outcome is Outcome.ALREADY_CHECKED_OUT
    kinds = [k for (k,) in _rows(store, "SELECT kind FROM records ORDER BY seq")]
    assert kinds == ["checkin", "checkout"]


@pytest.mark.parametrize(
    ("make", "outcome"),
    [
        (lambda k: k.issue(1, valid_from=NOW - timedelta(days=400), valid_until=NOW - timedelta(days=1))[0], Outcome.EXPIRED),
        (lambda k: k.issue(1, valid_from=NOW + timedelta(days=1))[0], Outcome.NOT_YET_VALID),
        (lambda k: k.issue(1, valid_from=NOW - timedelta(days=1), role=Role.TRAINER)[0], Outcome.WRONG_ROLE),
        (lambda k: "HELLO WORLD", Outcome.UNREADABLE),
        (lambda k: "", Outcome.UNREADABLE),
    ],
)
def test_pass_failures(desk, signing_key, store, make, outcome):
    r = desk.scan(make(signing_key), OPEN)
    assert r.outcome is outcome
    assert r.outcome.severity is (Severity.WARN if outcome is Outcome.WRONG_ROLE
                                  else Severity.ERROR)
    assert _rows(store, "SELECT count(*) FROM records")[0][0] == 0
    assert [o for (o,) in _rows(store, "SELECT outcome FROM scan_events")] == [outcome.value]


def test_forged_and_unknown_key_keep_no_parent_id(desk, signing_key, store, tmp_path):
    stranger = keygen(tmp_path / "stranger", key_id=1)
    forged, _ = stranger.issue(123, valid_from=NOW - timedelta(days=1))
    assert desk.scan(forged, OPEN).outcome is Outcome.BAD_SIGNATURE
    other_kid = keygen(tmp_path / "other", key_id=9)
    unknown, _ = other_kid.issue(123, valid_from=NOW - timedelta(days=1))
    assert desk.scan(unknown, OPEN).outcome is Outcome.UNKNOWN_KEY
    assert _rows(store, "SELECT outcome, parent_id FROM scan_events ORDER BY id") == [
        ("bad_signature", None), ("unknown_key", None)]


def test_revoked(tmp_path, signing_key, clock):
    bundle, summary = make_bundle([signing_key.trust_key()], now=NOW, parents=5)
    parent = summary["parents"][0]
    text, pass_id = signing_key.issue(parent, valid_from=NOW - timedelta(days=1))
    bundle2, summary2 = make_bundle([signing_key.trust_key()], now=NOW, parents=5, revoke=[pass_id])
    assert summary2["parents"] == summary["parents"]  # same arguments, same ids
    store = Store(tmp_path / "k.db")
    store.import_bundle(bundle2)
    r = CheckinDesk(store, clock).scan(text, OPEN)
    assert r.outcome is Outcome.REVOKED and r.pass_id == pass_id
    assert store.conn.execute("SELECT pass_id FROM scan_events").fetchall() == [(pass_id,)]
    store.close()


def test_raw_pass_text_never_reaches_the_database(desk, demo, signing_key, store):
    texts = [signing_key.issue(p, valid_from=NOW - timedelta(days=1))[0] for p in demo[1]["parents"][:3]]
    texts.append(signing_key.issue(1, valid_from=NOW + timedelta(days=3))[0])
    for t in texts:
        desk.scan(t, OPEN)
    store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = store.path.read_bytes()
    for t in texts:
        assert t.encode() not in raw
        assert t[1:40].encode() not in raw


def test_manual_lookup_by_phone(desk, demo, store):
    reg = next(r for r in demo[0].registrations if r.session_id == OPEN)
    found = desk.find(OPEN, reg.phone_last4)
    assert reg.parent_id in {f.parent_id for f in found}
    narrowed = desk.find(OPEN, reg.phone_last4, reg.masked_name[0])
    assert all(f.masked_name[0] == reg.masked_name[0] for f in narrowed)
    r = desk.manual(OPEN, reg.parent_id)
    assert r.outcome is Outcome.ACCEPTED and r.method == "manual"
    assert _rows(store, "SELECT method, pass_id FROM records") == [("manual", None)]
    assert desk.manual(OPEN, reg.parent_id).outcome is Outcome.ALREADY_CHECKED_IN


def test_unknown_class(desk, signing_key):
    with pytest.raises(UnknownSession):
        desk.scan(signing_key.issue(1)[0], 999_999)


def test_server_clock_offset_corrects_decisions_but_records_device_time(desk, demo, signing_key, store, clock):
    # The kiosk's clock is 40 minutes slow: the workshop's doors (NOW+120 min) are open in truth.
    clock.set(NOW + timedelta(minutes=85))
    with store.write():
        store.set_meta("clock_offset_ms", str(40 * 60 * 1000))
    parent = next(r.parent_id for r in demo[0].registrations if r.session_id == LATER)
    text, _ = signing_key.issue(parent, valid_from=NOW - timedelta(days=1))
    r = desk.scan(text, LATER)
    assert r.outcome is Outcome.ACCEPTED
    row = store.record(r.checkin_id)
    assert row["clock_offset_ms"] == 2_400_000
    assert row["device_time"].startswith("2026-11-23T07:25")
