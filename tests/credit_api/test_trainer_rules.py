"""Issue #13, item 1: a trainer pass cannot be replayed to award credits.

A close-out is accepted only for a class that has started, by the class's trainer (or, for a
class without one, a trainer authorised for the venue); the trainer may add registered
parents and at most a few walk-ins; every use of a trainer pass is recorded and a pass seen on
two devices or at two venues on one day is flagged.  Trainer passes are day passes by default.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from credit_api import cli
from credit_api import db as t
from credit_api import service as svc
from sync import passes
from sync.passes import Role

from .conftest import Api, World


def _cli(world: World, *argv: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(world.backend.data_dir))
    out = io.StringIO()
    code = cli.main([*argv, "--db", world.backend.url], out=out)
    return code, out.getvalue()


def _awards(world: World, sid: int) -> int:
    with world.engine.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(t.credit_awards)
                                .where(t.credit_awards.c.session_id == sid)).scalar_one())


def test_closeout_before_the_class_starts_is_refused(world: World, api: Api) -> None:
    sid = world.new_class(starts_in_min=45)
    pid = world.new_parent(register_for=[sid])
    # a pass scanned at some earlier class, replayed for next class's roster: refused
    r = world.closeout(api, sid, additions=[{"parent_id": pid, "reason": "提前签"}])
    assert r.status_code == 409 and r.json()["error"] == "class_not_started", r.text
    assert _awards(world, sid) == 0
    with world.engine.begin() as conn:
        status = conn.execute(select(t.sessions.c.status).where(t.sessions.c.id == sid)).scalar()
    assert status == "scheduled"


def test_class_without_trainer_needs_a_trainer_authorised_for_the_venue(
        world: World, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = world.new_class(no_trainer=True)
    pid = world.new_parent(register_for=[sid])
    api.upload([world.record(sid, pid)])
    r = world.closeout(api, sid)
    assert r.status_code == 422 and r.json()["error"] == "trainer_not_authorised", r.text
    # authorised somewhere else is not enough
    elsewhere = World(world.backend, world.url)
    code, _ = _cli(world, "authorise-trainer", "--trainer", str(world.trainer_id),
                   "--venue", str(elsewhere.venue_id), monkeypatch=monkeypatch)
    assert code == 0
    r = world.closeout(api, sid)
    assert r.status_code == 422 and r.json()["error"] == "trainer_not_authorised"
    code, out = _cli(world, "authorise-trainer", "--trainer", str(world.trainer_id),
                     "--venue", str(world.venue_id), monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["authorised"] is True
    r = world.closeout(api, sid)
    assert r.status_code == 200, r.text
    assert [a["parent_id"] for a in r.json()["awards"]] == [pid]
    # unknown trainer or venue: a plain error
    assert _cli(world, "authorise-trainer", "--trainer", "4200000007", "--venue",
                str(world.venue_id), monkeypatch=monkeypatch)[0] == 1
    assert _cli(world, "authorise-trainer", "--trainer", str(world.trainer_id), "--venue",
                "4200000007", monkeypatch=monkeypatch)[0] == 1


def test_a_class_with_a_trainer_is_closed_only_by_that_trainer(world: World, api: Api) -> None:
    sid = world.new_class()
    other = World(world.backend, world.url)
    with world.engine.begin() as conn:  # authorised for the venue does not beat the class's own
        svc.authorise_trainer(conn, other.trainer_id, world.venue_id, world.now())
    r = world.closeout(api, sid, trainer_pass=world.issue(other.trainer_id, Role.TRAINER))
    assert r.status_code == 422 and r.json()["error"] == "not_this_trainer"


def test_additions_are_registered_parents_plus_a_few_walk_ins(world: World, api: Api,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    with world.engine.begin() as conn:
        svc.set_setting(conn, "walk_in_cap", "2")
    try:
        sid = world.new_class()
        registered = [world.new_parent(register_for=[sid]) for _ in range(4)]
        strangers = [world.new_parent() for _ in range(3)]
        # three walk-ins added with a cap of two: the third is held back, the rest go ahead
        r = world.closeout(api, sid, additions=[{"parent_id": p, "reason": "x"}
                                                for p in registered + strangers])
        assert r.status_code == 200, r.text
        held = [c for c in r.json()["corrections"] if c["result"] == "held_back"]
        assert held == [{"action": "add", "checkin_id": None, "parent_id": strangers[2],
                         "result": "held_back", "reason": "walk_in_cap_exceeded",
                         "detail": None}]
        # four registered parents and two walk-ins are added, all flagged manual
        assert r.json()["added"] == 6 and _awards(world, sid) == 6
        rep = api.get(f"/v1/sessions/{sid}/attendance").json()
        by_parent = {x["parent_id"]: x for x in rep["records"]}
        assert all(by_parent[p]["method"] == "manual" for p in registered + strangers[:2])
        assert [p for p in registered + strangers[:2] if by_parent[p]["walk_in"]] == strangers[:2]
        # a cap set for one class overrides the platform's
        sid2 = world.new_class()
        reg2 = world.new_parent(register_for=[sid2])
        code, _ = _cli(world, "set-walk-in-cap", "0", "--session", str(sid2),
                       monkeypatch=monkeypatch)
        assert code == 0
        r = world.closeout(api, sid2, additions=[{"parent_id": strangers[2], "reason": "x"},
                                                 {"parent_id": reg2, "reason": "x"}])
        assert r.status_code == 200, r.text
        assert [c["result"] for c in r.json()["corrections"]] == ["held_back", "applied"]
        assert _awards(world, sid2) == 1
    finally:
        with world.engine.begin() as conn:
            conn.execute(t.settings.delete().where(t.settings.c.name == "walk_in_cap"))


def test_walk_in_cap_defaults_to_ten(world: World, api: Api) -> None:
    sid = world.new_class()
    strangers = [world.new_parent() for _ in range(11)]
    r = world.closeout(api, sid, additions=[{"parent_id": p, "reason": "x"} for p in strangers])
    assert r.status_code == 200, r.text
    results = [c["result"] for c in r.json()["corrections"]]
    assert results == ["applied"] * 10 + ["held_back"]
    assert _awards(world, sid) == 10


def test_trainer_pass_uses_are_recorded_and_double_use_is_flagged(
        world: World, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO, logger="credit_api")
    a, b = world.device("a"), world.device("b")
    a_id, b_id = a.get("/v1/device").json()["device_id"], b.get("/v1/device").json()["device_id"]
    trainer = world.issue(world.trainer_id, Role.TRAINER)
    first, second = world.new_class(), world.new_class()
    assert world.closeout(a, first, trainer_pass=trainer).status_code == 200
    assert not any("used on" in r.getMessage() for r in caplog.records)
    # the same pass on another kiosk on the same day: accepted, but flagged
    assert world.closeout(b, second, trainer_pass=trainer).status_code == 200
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING
                and str(trainer[1]) in r.getMessage()]
    assert warnings, [r.getMessage() for r in caplog.records]
    assert all(trainer[0] not in r.getMessage() for r in caplog.records)
    with world.engine.begin() as conn:
        uses = conn.execute(select(t.trainer_pass_uses)
                            .where(t.trainer_pass_uses.c.pass_id == trainer[1])
                            .order_by(t.trainer_pass_uses.c.id)).all()
    assert [(u.device_id, u.session_id, u.venue_id, u.trainer_id) for u in uses] == [
        (a_id, first, world.venue_id, world.trainer_id),
        (b_id, second, world.venue_id, world.trainer_id)]
    # … and at another venue (the trainer's class there)
    there = World(world.backend, world.url)
    there.trainer_id = world.trainer_id
    far = there.new_class()
    assert world.closeout(there.device(), far, trainer_pass=trainer).status_code == 200
    code, out = _cli(world, "trainer-pass-report", "--json", monkeypatch=monkeypatch)
    assert code == 0
    flagged = [x for x in map(json.loads, out.splitlines()) if x["pass_id"] == trainer[1]]
    assert len(flagged) == 1
    entry = flagged[0]
    assert entry["trainer_id"] == world.trainer_id
    assert sorted(entry["venues"]) == sorted([world.venue_id, there.venue_id])
    assert a_id in entry["devices"] and b_id in entry["devices"] and len(entry["devices"]) == 3
    assert {u["session_id"] for u in entry["uses"]} == {first, second, far}
    # one pass used once is not in the report
    single = world.issue(world.trainer_id, Role.TRAINER)
    assert world.closeout(a, world.new_class(), trainer_pass=single).status_code == 200
    _, out = _cli(world, "trainer-pass-report", "--json", monkeypatch=monkeypatch)
    assert single[1] not in {json.loads(x)["pass_id"] for x in out.splitlines()}


def test_trainer_passes_are_day_passes_by_default(world: World,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)
    code, out = _cli(world, "issue-pass", str(world.trainer_id), "--role", "trainer", "--json",
                     monkeypatch=monkeypatch)
    assert code == 0
    data = passes.parse(json.loads(out)["text"])[0]
    assert timedelta(hours=23) <= data.valid_until - now <= timedelta(hours=24)
    # with the venue: until the end of that venue's day
    code, out = _cli(world, "issue-pass", str(world.trainer_id), "--role", "trainer", "--json",
                     "--venue", str(world.venue_id), monkeypatch=monkeypatch)
    data = passes.parse(json.loads(out)["text"])[0]
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert data.valid_until <= midnight + timedelta(hours=1)
    assert data.valid_until > midnight - timedelta(hours=1) or \
        data.valid_until - data.valid_from == timedelta(hours=1)
    with world.engine.begin() as conn:
        stored = conn.execute(select(t.passes.c.valid_until)
                              .where(t.passes.c.pass_id == data.pass_id)).scalar_one()
    assert stored == data.valid_until  # the database says what the pass says
    # --days N asks for a longer pass; parents keep a year by default
    code, out = _cli(world, "issue-pass", str(world.trainer_id), "--role", "trainer", "--json",
                     "--days", "3", monkeypatch=monkeypatch)
    data = passes.parse(json.loads(out)["text"])[0]
    assert timedelta(days=2, hours=23) <= data.valid_until - now <= timedelta(days=3)
    pid = world.new_parent()
    code, out = _cli(world, "issue-pass", str(pid), "--json", monkeypatch=monkeypatch)
    data = passes.parse(json.loads(out)["text"])[0]
    assert data.valid_until - now > timedelta(days=360)
