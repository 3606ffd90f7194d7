"""Issue #13, items 3, 5, 7 and 9: pass ids the platform never issued, record ids scoped to
the kiosk that made them, enrolment limits that cannot lock out a valid code, and ledgers
scoped to the kiosk's venue."""

from __future__ import annotations

import threading

from sqlalchemy import select

from credit_api import db as t
from credit_api.app import asgi_app
from credit_api.db import make_engine
from sync.passes import Role

from .conftest import Api, ServerThread, World, fresh_address, fresh_id, post_from

# ---------------------------------------------------------------------------
# 3. Pass ids must be ones the platform issued, to that parent
# ---------------------------------------------------------------------------


def test_records_with_a_pass_never_issued_are_rejected(world: World, api: Api) -> None:
    sid = world.new_class()
    pid = world.new_parent(register_for=[sid])
    other = world.new_parent()
    _, own = world.issue(pid)
    _, others = world.issue(other)
    _, trainers = world.issue(world.trainer_id, Role.TRAINER)
    never = own + 1 if own < 2**32 - 1 else own - 1
    with world.engine.begin() as conn:
        assert conn.execute(select(t.passes).where(t.passes.c.pass_id == never)).first() is None
    r = api.upload([world.record(sid, pid, pass_id=never),
                    world.record(sid, pid, pass_id=others),
                    world.record(sid, pid, pass_id=trainers),
                    world.record(sid, pid, pass_id=own),
                    world.record(sid, other)])  # manual: no pass, still fine
    assert [(x["result"], x["reason"]) for x in r["results"]] == [
        ("rejected", "unknown_pass"), ("rejected", "pass_of_another_parent"),
        ("rejected", "unknown_pass"), ("accepted", None), ("accepted", None)]


# ---------------------------------------------------------------------------
# 5. Record ids belong to the kiosk that created them
# ---------------------------------------------------------------------------


def test_a_record_id_from_another_device_is_a_conflict_not_a_duplicate(world: World) -> None:
    a, b = world.device("a"), world.device("b")
    sid = world.new_class()
    pid, pid2 = world.new_parent(register_for=[sid]), world.new_parent(register_for=[sid])
    rec = world.record(sid, pid)
    assert a.upload([rec])["accepted"] == 1
    # another kiosk sends the same id (a copied outbox, or a forged acknowledgement)
    r = b.upload([rec, {**world.record(sid, pid2), "id": rec["id"]}])
    assert [(x["result"], x["reason"]) for x in r["results"]] == [("rejected", "id_conflict")] * 2
    assert r["duplicate"] == 0
    # its creator still gets the usual duplicate
    again = a.upload([rec])["results"][0]
    assert (again["result"], again["reason"]) == ("duplicate", "known_id")
    # an id first answered already_recorded belongs to the device that sent it, too
    dup = world.record(sid, pid)
    assert b.upload([dup])["results"][0]["reason"] == "already_recorded"
    assert a.upload([dup])["results"][0]["reason"] == "id_conflict"
    assert b.upload([dup])["results"][0]["reason"] == "known_id"
    with world.engine.begin() as conn:
        row = conn.execute(select(t.records).where(t.records.c.id == rec["id"])).one()
    assert row.parent_id == pid and row.device_id == a.get("/v1/device").json()["device_id"]


def test_two_devices_racing_with_the_same_new_id(world: World) -> None:
    devices = [world.device(f"r{i}") for i in range(4)]
    sid = world.new_class()
    pids = [world.new_parent(register_for=[sid]) for _ in range(30)]
    batch = [world.record(sid, p) for p in pids]
    out: list[dict] = []
    threads = [threading.Thread(target=lambda d=d: out.append(d.upload(batch))) for d in devices]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(r["accepted"] for r in out) == 30
    assert sum(r["rejected"] for r in out) == 90 and sum(r["duplicate"] for r in out) == 0
    assert {x["reason"] for r in out for x in r["results"] if x["result"] == "rejected"} == \
        {"id_conflict"}


# ---------------------------------------------------------------------------
# 7. Enrolment limits: per address and per code, in the database
# ---------------------------------------------------------------------------


def _enrol(url: str, address: str, code: str) -> tuple[int, dict, dict]:
    return post_from(address, url, "/v1/enrol", {"code": code, "device_name": "k"})


def test_a_flood_of_wrong_codes_does_not_lock_out_a_valid_code(world: World) -> None:
    with ServerThread(asgi_app(world.engine, enrol_attempts=10, enrol_window_s=600)) as srv:
        for _ in range(10):
            address = fresh_address()
            for i in range(10):
                status, body, _ = _enrol(srv.url, address, f"WRONG-{fresh_id()}-{i}")
                assert status == 403 and body["error"] == "bad_code"
            status, body, headers = _enrol(srv.url, address, f"WRONG-{fresh_id()}")
            assert status == 429 and int(headers["Retry-After"]) >= 1
        status, body, _ = _enrol(srv.url, fresh_address(), world.code())
        assert status == 200, body


def test_enrolment_limits_hold_across_server_processes(world: World) -> None:
    address = fresh_address()
    with ServerThread(asgi_app(world.engine, enrol_attempts=3, enrol_window_s=600)) as srv:
        for _ in range(3):
            assert _enrol(srv.url, address, f"WRONG-{fresh_id()}")[0] == 403
    # another process (its own engine and app), or the same one restarted
    engine = make_engine(world.backend.url)
    try:
        with ServerThread(asgi_app(engine, enrol_attempts=3, enrol_window_s=600)) as srv:
            status, body, headers = _enrol(srv.url, address, world.code())
            assert status == 429 and body["error"] == "rate_limited"
            assert 1 <= int(headers["Retry-After"]) <= 600
            assert _enrol(srv.url, fresh_address(), world.code())[0] == 200
    finally:
        engine.dispose()


def test_one_code_is_limited_whatever_the_address(world: World) -> None:
    with ServerThread(asgi_app(world.engine, enrol_attempts=3, enrol_window_s=600)) as srv:
        code = world.code()
        assert _enrol(srv.url, fresh_address(), code)[0] == 200
        for _ in range(3):  # the used code, tried again from ever new addresses
            assert _enrol(srv.url, fresh_address(), code)[1]["error"] == "code_used"
        status, body, _ = _enrol(srv.url, fresh_address(), code)
        assert status == 429 and body["error"] == "rate_limited"
        # other codes are not affected
        assert _enrol(srv.url, fresh_address(), world.code())[0] == 200


def test_enrolment_codes_have_sixty_bits() -> None:
    import math

    from credit_api import service as svc

    assert len(svc.CODE_ALPHABET) == 32 and len(set(svc.CODE_ALPHABET)) == 32
    assert svc.CODE_LENGTH * math.log2(len(svc.CODE_ALPHABET)) >= 60


# ---------------------------------------------------------------------------
# 9. A kiosk reads only the ledgers of its venue's parents
# ---------------------------------------------------------------------------


def test_ledger_is_scoped_to_the_devices_venue(world: World, api: Api) -> None:
    sid = world.new_class()
    here = world.new_parent(register_for=[sid])
    elsewhere = World(world.backend, world.url)
    there = elsewhere.new_parent(register_for=[elsewhere.new_class()])
    nowhere = world.new_parent()
    r = api.get(f"/v1/parents/{here}/ledger")
    assert r.status_code == 200 and r.json()["parent_id"] == here
    for pid in (there, nowhere):
        r = api.get(f"/v1/parents/{pid}/ledger")
        assert r.status_code == 404 and r.json()["error"] == "unknown_parent", r.text
    assert elsewhere.device().get(f"/v1/parents/{there}/ledger").status_code == 200
