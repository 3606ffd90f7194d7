"""Enrolment, auth, downloads and uploads through a real server (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import func, select

from credit_api import db as t
from credit_api import service as svc
from credit_api.app import asgi_app
from sync import passes
from sync.passes import Role
from sync.protocol import (
    DeviceInfo,
    ErrorResponse,
    RegistrationsPage,
    RevocationsPage,
    SessionsPage,
    TrustList,
    UploadResponse,
)

from .conftest import Api, ServerThread, World, fresh_address, fresh_id, post_from


def _server_time_ok(body: dict) -> None:
    st = datetime.fromisoformat(body["server_time"].replace("Z", "+00:00"))
    assert abs((st - datetime.now(UTC)).total_seconds()) < 60


# ---------------------------------------------------------------------------
# Enrolment and device auth
# ---------------------------------------------------------------------------


def test_enrol_gives_a_token_stored_only_hashed(world: World) -> None:
    code = world.code()
    r = requests.post(world.url + "/v1/enrol", json={"code": code, "device_name": "二楼 kiosk"},
                      timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    _server_time_ok(body)
    assert body["venue"]["id"] == world.venue_id
    token = body["token"]
    with world.engine.begin() as conn:
        stored = conn.execute(select(t.devices.c.token_hash)
                              .where(t.devices.c.id == body["device_id"])).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored
    me = Api(world.url, token).get("/v1/device")
    assert me.status_code == 200
    info = DeviceInfo.model_validate(me.json())
    assert info.device_id == body["device_id"] and info.device_name == "二楼 kiosk"
    assert "X-Server-Time" in me.headers


def test_enrolment_code_is_one_time_and_expires(world: World) -> None:
    code = world.code()
    first = requests.post(world.url + "/v1/enrol", json={"code": code, "device_name": "a"},
                          timeout=10)
    assert first.status_code == 200
    again = requests.post(world.url + "/v1/enrol", json={"code": code, "device_name": "b"},
                          timeout=10)
    assert again.status_code == 403 and again.json()["error"] == "code_used"
    _server_time_ok(again.json())
    # lower case and without dashes is the same code (typed by hand)
    code2 = world.code()
    sloppy = code2.replace("-", "").lower()
    assert requests.post(world.url + "/v1/enrol", json={"code": sloppy, "device_name": "c"},
                         timeout=10).status_code == 200
    with world.engine.begin() as conn:
        old, _ = svc.new_enrolment_code(conn, world.venue_id, world.now() - timedelta(days=3),
                                        hours=1)
    expired = requests.post(world.url + "/v1/enrol", json={"code": old, "device_name": "d"},
                            timeout=10)
    assert expired.status_code == 403 and expired.json()["error"] == "code_expired"
    bad = requests.post(world.url + "/v1/enrol", json={"code": "AAAA-BBBB-CCCC",
                                                       "device_name": "e"}, timeout=10)
    assert bad.status_code == 403 and bad.json()["error"] == "bad_code"


def test_enrolment_attempts_are_rate_limited(world: World) -> None:
    address = fresh_address()  # the limits are kept in the database: an address of our own
    with ServerThread(asgi_app(world.engine, enrol_attempts=3, enrol_window_s=60)) as srv:
        for _ in range(3):
            status, _body, _ = post_from(address, srv.url, "/v1/enrol",
                                         {"code": f"WRONG-{fresh_id()}", "device_name": "x"})
            assert status == 403
        status, body, headers = post_from(address, srv.url, "/v1/enrol",
                                          {"code": world.code(), "device_name": "x"})
        assert status == 429
        assert int(headers["Retry-After"]) >= 1
        assert body["error"] == "rate_limited"
        _server_time_ok(body)


def test_auth_is_required_everywhere_but_enrolment(world: World) -> None:
    paths = ["/v1/device", "/v1/sessions", "/v1/registrations", "/v1/revocations", "/v1/trust",
             "/v1/parents/1/ledger", "/v1/sessions/1/attendance"]
    for headers in ({}, {"Authorization": "Bearer abc"}, {"Authorization": "Device "},
                    {"Authorization": "Device not-a-token"}):
        for p in paths:
            r = requests.get(world.url + p, headers=headers, timeout=10)
            assert r.status_code == 401, (p, headers, r.text)
            ErrorResponse.model_validate(r.json())
        r = requests.post(world.url + "/v1/records", headers=headers, timeout=10,
                          json={"records": [world.record(1, 1)]})
        assert r.status_code == 401


def test_revoked_device_is_refused(world: World) -> None:
    api = world.device()
    assert api.get("/v1/device").status_code == 200
    assert api.post("/v1/device/revoke", None).status_code == 200
    r = api.get("/v1/sessions")
    assert r.status_code == 403 and r.json()["error"] == "device_revoked"


# ---------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------


def test_sessions_download_with_cursor_changes_and_cancellations(world: World, api: Api) -> None:
    ids = [world.new_class(starts_in_min=60 * i) for i in range(5)]
    other = World(world.backend, world.url)
    other.new_class()  # another venue's class is never shown
    pages, cursor = [], None
    while True:
        r = api.get("/v1/sessions", params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        page = SessionsPage.model_validate(r.json())
        pages.append(page)
        cursor = page.cursor
        if not page.more:
            break
    got = [s.id for p in pages for s in p.items]
    assert got == ids and len(pages) == 3
    # nothing new → empty page, same cursor
    empty = SessionsPage.model_validate(api.get("/v1/sessions", params={"cursor": cursor}).json())
    assert empty.items == [] and empty.cursor == cursor
    # a cancellation shows up after the cursor
    with world.engine.begin() as conn:
        row = conn.execute(select(t.sessions).where(t.sessions.c.id == ids[2])).one()
        s = svc._session_model(row).model_copy(update={"status": "cancelled"})
        svc.put_session(conn, s)
    changed = SessionsPage.model_validate(
        api.get("/v1/sessions", params={"cursor": cursor}).json())
    assert [(s.id, s.status) for s in changed.items] == [(ids[2], "cancelled")]


def test_bad_cursor_is_a_clear_400(api: Api) -> None:
    import base64

    huge = base64.urlsafe_b64encode(b"sessions:" + b"9" * 40 + b":1").decode().rstrip("=")
    negative = base64.urlsafe_b64encode(b"sessions:-1:1").decode().rstrip("=")
    for bad in ("garbage", "cmVnaXN0cmF0aW9uczoxOjI6Mw", "!!!!", huge, negative):
        r = api.get("/v1/sessions", params={"cursor": bad})
        assert r.status_code == 400, r.text
        assert r.json()["error"] == "bad_cursor"


def test_registrations_download_masked_with_withdrawals(world: World, api: Api) -> None:
    sid = world.new_class()
    parents = [world.new_parent(register_for=[sid]) for _ in range(3)]
    page = RegistrationsPage.model_validate(api.get("/v1/registrations").json())
    mine = [r for r in page.items if r.session_id == sid]
    assert sorted(r.parent_id for r in mine) == sorted(parents)
    for r in mine:
        assert r.masked_name == "王*明" and len(r.phone_last4) == 4 and r.stage == 1
    with world.engine.begin() as conn:
        svc.register(conn, sid, parents[0], withdrawn=True)
    later = RegistrationsPage.model_validate(
        api.get("/v1/registrations", params={"cursor": page.cursor}).json())
    assert [(k.session_id, k.parent_id) for k in later.removed] == [(sid, parents[0])]
    assert later.items == []


def test_revocations_and_trust_list(world: World, api: Api) -> None:
    start = RevocationsPage.model_validate(api.get("/v1/revocations").json())
    while start.more:
        start = RevocationsPage.model_validate(
            api.get("/v1/revocations", params={"cursor": start.cursor}).json())
    pid = world.new_parent()
    text, pass_id = world.issue(pid)
    with world.engine.begin() as conn:
        assert svc.revoke_pass(conn, pass_id, world.now()) is True
        assert svc.revoke_pass(conn, pass_id, world.now()) is False
    page = RevocationsPage.model_validate(
        api.get("/v1/revocations", params={"cursor": start.cursor}).json())
    assert [r.pass_id for r in page.items] == [pass_id]
    trust = TrustList.model_validate(api.get("/v1/trust").json())
    keys = {k.key_id: passes.public_key_from_raw(k.raw()) for k in trust.keys}
    ok = passes.verify(text, keys, world.now())
    assert ok.ok and ok.data is not None and ok.data.parent_id == pid
    revoked = passes.verify(text, keys, world.now(), is_revoked={pass_id}.__contains__)
    assert revoked.error is passes.PassError.REVOKED


def test_key_rotation_keeps_old_keys_until_their_passes_expire(world: World, api: Api) -> None:
    from credit_api import keys as keyring

    pid = world.new_parent()
    old_text, _ = world.issue(pid, days=10)
    with world.engine.begin() as conn:
        old_id = keyring.current_key(conn, world.backend.files).key_id
        new = keyring.rotate_key(conn, world.backend.files)
    assert new.key_id == old_id + 1
    assert (world.backend.files.path(new.key_id).stat().st_mode & 0o777) == 0o600
    trust = TrustList.model_validate(api.get("/v1/trust").json())
    by_id = {k.key_id: k for k in trust.keys}
    assert old_id in by_id and new.key_id in by_id
    assert by_id[new.key_id].not_after is None
    assert by_id[old_id].not_after is not None
    assert by_id[old_id].not_after > world.now() + timedelta(days=9)
    keys = {k.key_id: passes.public_key_from_raw(k.raw()) for k in trust.keys}
    new_text, _ = world.issue(pid)
    assert passes.parse(new_text)[0].key_id == new.key_id
    assert passes.verify(old_text, keys, world.now()).ok
    assert passes.verify(new_text, keys, world.now()).ok
    # the old key is trusted exactly until its last pass expires, then leaves the trust list
    with world.engine.begin() as conn:
        last = conn.execute(select(func.max(t.passes.c.valid_until))
                            .where(t.passes.c.key_id == old_id)).scalar_one()
        assert by_id[old_id].not_after == last
        later = keyring.trust_list(conn, last + timedelta(seconds=1))
    assert old_id not in {k.key_id for k in later} and new.key_id in {k.key_id for k in later}


# ---------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------


def test_upload_accepts_and_stores_times(world: World, api: Api) -> None:
    sid = world.new_class()
    pid = world.new_parent(register_for=[sid])
    _, pass_id = world.issue(pid)
    rec = world.record(sid, pid, pass_id=pass_id)
    body = api.upload([rec])
    resp = UploadResponse.model_validate(body)
    assert resp.accepted == 1 and resp.results[0].result == "accepted"
    _server_time_ok(body)
    with world.engine.begin() as conn:
        row = conn.execute(select(t.records).where(t.records.c.id == rec["id"])).one()
    assert row.clock_offset_ms == 120 and row.pass_id == pass_id and row.source == "http"
    assert abs((row.device_time - datetime.fromisoformat(rec["device_time"])).total_seconds()) < 1
    assert abs((row.received_at - world.now()).total_seconds()) < 60


def test_same_batch_three_times_gives_one_record(world: World, api: Api) -> None:
    sid = world.new_class()
    pids = [world.new_parent(register_for=[sid]) for _ in range(5)]
    batch = [world.record(sid, p) for p in pids]
    results = [api.upload(batch) for _ in range(3)]
    assert results[0]["accepted"] == 5
    for again in results[1:]:
        assert again["accepted"] == 0 and again["duplicate"] == 5
        assert {r["reason"] for r in again["results"]} == {"known_id"}
    with world.engine.begin() as conn:
        n = conn.execute(select(func.count()).select_from(t.records)
                         .where(t.records.c.session_id == sid)).scalar_one()
    assert n == 5
    # and it stays one award at close-out
    r = world.closeout(api, sid)
    assert r.status_code == 200, r.text
    assert sorted(a["parent_id"] for a in r.json()["awards"]) == sorted(pids)
    with world.engine.begin() as conn:
        awards = conn.execute(select(func.count()).select_from(t.credit_awards)
                              .where(t.credit_awards.c.session_id == sid)).scalar_one()
    assert awards == 5


def test_two_devices_same_parent_and_class_give_one_record_and_one_award(world: World) -> None:
    a, b = world.device("a"), world.device("b")
    sid = world.new_class(credits=3)
    pid = world.new_parent(register_for=[sid])
    ra = a.upload([world.record(sid, pid)])
    rb = b.upload([world.record(sid, pid)])
    assert ra["accepted"] == 1
    assert rb["duplicate"] == 1 and rb["results"][0]["reason"] == "already_recorded"
    # the second device's id is now known forever too
    assert b.upload([{**world.record(sid, pid), "id": rb["results"][0]["id"]}])["duplicate"] == 1
    assert world.closeout(a, sid).status_code == 200
    led = world.ledger(a, pid)
    assert led["credits"][0]["credits"] == 3
    with world.engine.begin() as conn:
        n = conn.execute(select(func.count()).select_from(t.records)
                         .where(t.records.c.session_id == sid)).scalar_one()
    assert n == 1


def test_concurrent_uploads_of_the_same_records(world: World) -> None:
    devices = [world.device(f"k{i}") for i in range(4)]
    sid = world.new_class()
    pids = [world.new_parent(register_for=[sid]) for _ in range(50)]
    out: list[dict] = []

    def run(api: Api) -> None:
        out.append(api.upload([world.record(sid, p) for p in pids]))

    threads = [threading.Thread(target=run, args=(d,)) for d in devices]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(r["accepted"] for r in out) == 50
    assert sum(r["duplicate"] for r in out) == 150


def test_checkin_and_checkout_are_separate_records(world: World, api: Api) -> None:
    sid = world.new_class()
    pid = world.new_parent(register_for=[sid])
    r = api.upload([world.record(sid, pid), world.record(sid, pid, kind="checkout"),
                    world.record(sid, pid, kind="checkout")])
    assert [x["result"] for x in r["results"]] == ["accepted", "accepted", "duplicate"]


def test_upload_rejections_have_reasons(world: World, api: Api) -> None:
    sid = world.new_class()
    pid = world.new_parent(register_for=[sid])
    other_pid = world.new_parent()
    _, others_pass = world.issue(other_pid)
    cancelled = world.new_class(status="cancelled")
    elsewhere = World(world.backend, world.url).new_class()
    records = [
        world.record(999_999_999, pid),
        world.record(elsewhere, pid),
        world.record(cancelled, pid),
        world.record(sid, 4_000_000_000),
        world.record(sid, pid, pass_id=others_pass),
        world.record(sid, pid, at=world.now() + timedelta(days=3)),
    ]
    r = api.upload(records)
    assert r["rejected"] == 6
    assert [x["reason"] for x in r["results"]] == [
        "unknown_class", "class_of_another_venue", "class_cancelled", "unknown_parent",
        "pass_of_another_parent", "outside_class_window"]
    # the clock offset corrects the device time
    late = world.record(sid, pid, at=world.now() + timedelta(days=3))
    late["clock_offset_ms"] = -3 * 86400 * 1000
    assert api.upload([late])["accepted"] == 1


def test_upload_validation_is_strict(world: World, api: Api) -> None:
    sid = world.new_class()
    pid = world.new_parent()
    good = world.record(sid, pid)
    cases = {
        "empty batch": {"records": []},
        "too many": {"records": [world.record(sid, pid) for _ in range(1001)]},
        "bad kind": {"records": [{**good, "kind": "enter"}]},
        "bad method": {"records": [{**good, "method": "nfc"}]},
        "not uuid4": {"records": [{**good, "id": str(uuid.uuid1())}]},
        "upper-case id": {"records": [{**good, "id": good["id"].upper()}]},
        "naive time": {"records": [{**good, "device_time": "2026-11-23T10:00:00"}]},
        "number time": {"records": [{**good, "device_time": 1700000000}]},
        "year 9999": {"records": [{**good, "device_time": "9999-12-31T23:59:59Z",
                                   "clock_offset_ms": 10**10}]},
        "year 1": {"records": [{**good, "device_time": "0001-01-01T00:00:00+05:00"}]},
        "offset too big": {"records": [{**good, "clock_offset_ms": 10**11}]},
        "string offset": {"records": [{**good, "clock_offset_ms": "5"}]},
        "manual with pass": {"records": [{**good, "pass_id": 5}]},
        "scan without pass": {"records": [{**good, "method": "camera"}]},
        "unknown field": {"records": [{**good, "name": "王小明"}]},
        "negative id": {"records": [{**good, "parent_id": -1}]},
        "huge id": {"records": [{**good, "session_id": 2**40}]},
        "string bool": {"records": [{**good, "walk_in": "maybe"}]},
        "not a list": {"records": "x"},
    }
    for name, body in cases.items():
        r = api.post("/v1/records", body)
        assert r.status_code == 422, (name, r.text)
        err = ErrorResponse.model_validate(r.json())
        assert err.error == "invalid_request" and err.detail, name
    r = api.http.post(api.base + "/v1/records", data=b"{not json",
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 422
    big = api.http.post(api.base + "/v1/records", data=b" " * (3 * 1024 * 1024),
                        headers={"Content-Type": "application/json"}, timeout=30)
    assert big.status_code == 413 and big.json()["error"] == "too_large"


def test_full_batch_of_1000_is_accepted(world: World, api: Api) -> None:
    sid = world.new_class()
    pids = [world.new_parent() for _ in range(10)]
    sids = [sid] + [world.new_class() for _ in range(99)]
    batch = [world.record(s, p) for s in sids for p in pids]
    assert len(batch) == 1000
    r = api.upload(batch)
    assert r["accepted"] == 1000


def test_passes_issued_by_the_server_verify_on_the_kiosk(world: World, api: Api) -> None:
    pid = world.new_parent()
    text, pass_id = world.issue(pid)
    assert len(text) == passes.TEXT_LEN
    trainer_text, _ = world.issue(world.trainer_id, Role.TRAINER)
    trust = TrustList.model_validate(api.get("/v1/trust").json())
    keys = {k.key_id: passes.public_key_from_raw(k.raw()) for k in trust.keys}
    v = passes.verify(text, keys, world.now())
    assert v.ok and v.data is not None and v.data.pass_id == pass_id
    tv = passes.verify(trainer_text, keys, world.now(), role=Role.TRAINER)
    assert tv.ok and tv.data is not None and tv.data.parent_id == world.trainer_id


def test_chunked_oversized_body_is_413(world: World, api: Api) -> None:
    def chunks():
        for _ in range(40):
            yield b" " * 100_000

    r = api.http.post(api.base + "/v1/records", data=chunks(),
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    sid = world.new_class()
    pid = world.new_parent()
    body = json.dumps({"records": [world.record(sid, pid)]}).encode()
    ok = api.http.post(api.base + "/v1/records", data=iter([body[:10], body[10:]]),
                       headers={"Content-Type": "application/json"}, timeout=30)
    assert ok.status_code == 200 and ok.json()["accepted"] == 1


def test_full_names_are_never_stored(world: World) -> None:
    import pytest

    with world.engine.begin() as conn, pytest.raises(svc.ApiError):
        svc.put_parent(conn, 4_111_111_111, "王小明", "1234", world.now())
