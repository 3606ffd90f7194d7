"""Issue #13, item 2: only USB files signed by an enrolled, unrevoked kiosk of the venue are
applied; what the platform writes back (bundle, receipt) is signed with its pass-signing key;
offline close-outs are checked as of the attested time."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from credit_api import cli
from credit_api import db as t
from credit_api import keys as keyring
from credit_api import service as svc
from sync import passes
from sync.offline import (
    KIND_RECEIPT,
    UploadReceipt,
    canonical_upload_text,
    open_bundle,
    open_document,
)
from sync.passes import Role

from .conftest import World


def _cli(world: World, *argv: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(world.backend.data_dir))
    out = io.StringIO()
    code = cli.main([*argv, "--db", world.backend.url], out=out)
    return code, out.getvalue()


def _pub(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(passes.public_key_raw(key)).decode()


def _register(world: World, key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch,
              venue_id: int | None = None) -> int:
    code, out = _cli(world, "register-device", "--venue", str(venue_id or world.venue_id),
                     "--public-key", _pub(key), "--name", "离线终端", monkeypatch=monkeypatch)
    assert code == 0, out
    return int(out.strip())


def _upload(world: World, records: list[dict[str, Any]],
            closeouts: list[dict[str, Any]] | None = None,
            exported_at: datetime | None = None) -> dict[str, Any]:
    return {"format": "starkiosk-offline-upload", "version": 1, "venue_id": world.venue_id,
            "exported_at": (exported_at or datetime.now(UTC)).isoformat(), "records": records,
            "closeouts": closeouts or []}


def _seal(upload: dict[str, Any], key: Ed25519PrivateKey, device_id: int | None
          ) -> dict[str, Any]:
    body = canonical_upload_text(upload)
    return {"upload": upload, "sha256": hashlib.sha256(body).hexdigest(),
            "device_id": device_id, "device_public_key": _pub(key),
            "signature": base64.b64encode(key.sign(body)).decode()}


def _write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _stored(world: World, ids: list[str]) -> int:
    with world.engine.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(t.records)
                                .where(t.records.c.id.in_(ids))).scalar_one())


def _trusted(world: World) -> dict[int, Any]:
    with world.engine.begin() as conn:
        return keyring.public_keys(conn)


def test_refused_exit_codes_are_distinct() -> None:
    codes = cli.REFUSED_EXIT
    assert set(codes) >= {"unsigned", "unknown_device", "device_revoked", "wrong_venue",
                          "wrong_key", "bad_signature", "bad_checksum"}
    assert len(set(codes.values())) == len(codes)
    assert all(c not in (0, 1, 2) for c in codes.values())


def test_only_files_signed_by_an_enrolled_device_of_the_venue_are_applied(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    sid = world.new_class()
    pid = world.new_parent(register_for=[sid])
    recs = [world.record(sid, pid)]
    ids = [r["id"] for r in recs]
    key = Ed25519PrivateKey.generate()
    device = _register(world, key, monkeypatch)
    f = tmp_path / "usb.json"
    upload = _upload(world, recs)

    def refused(doc: Any, reason: str) -> None:
        code, out = _cli(world, "import-upload", str(_write(f, doc)), monkeypatch=monkeypatch)
        err = capsys.readouterr().err
        assert code == cli.REFUSED_EXIT[reason], (reason, code, err)
        assert reason in err and out == ""
        assert _stored(world, ids) == 0, reason

    refused(upload, "unsigned")                                  # a bare upload
    refused(_seal(upload, key, None), "unknown_device")           # self-signed: no device id
    refused(_seal(upload, key, 4_000_000_000), "unknown_device")  # a device never registered
    refused(_seal(upload, Ed25519PrivateKey.generate(), device), "wrong_key")
    other_venue = World(world.backend, world.url)
    other_key = Ed25519PrivateKey.generate()
    refused(_seal(upload, other_key, _register(world, other_key, monkeypatch,
                                               other_venue.venue_id)), "wrong_venue")
    tampered = _seal(upload, key, device)
    tampered["upload"]["records"][0]["parent_id"] = world.new_parent()
    tampered["sha256"] = hashlib.sha256(canonical_upload_text(tampered["upload"])).hexdigest()
    refused(tampered, "bad_signature")
    damaged = _seal(upload, key, device)
    damaged["sha256"] = damaged["sha256"][::-1]
    refused(damaged, "bad_checksum")
    revoked_key = Ed25519PrivateKey.generate()
    revoked = _register(world, revoked_key, monkeypatch)
    assert _cli(world, "revoke-device", "--device", str(revoked), monkeypatch=monkeypatch)[0] == 0
    refused(_seal(upload, revoked_key, revoked), "device_revoked")
    # an online kiosk that enrolled without a key cannot sign either
    r = requests.post(world.url + "/v1/enrol", json={"code": world.code(), "device_name": "x"},
                      timeout=10)
    refused(_seal(upload, key, r.json()["device_id"]), "wrong_key")
    # the real thing
    code, out = _cli(world, "import-upload", str(_write(f, _seal(upload, key, device))),
                     monkeypatch=monkeypatch)
    assert code == 0, capsys.readouterr().err
    assert _stored(world, ids) == 1
    with world.engine.begin() as conn:
        row = conn.execute(select(t.records).where(t.records.c.id == ids[0])).one()
    assert row.device_id == device and row.source == "usb"


def test_quarantine_keeps_a_refused_file_and_applies_nothing(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = world.new_class()
    recs = [world.record(sid, world.new_parent(register_for=[sid]))]
    (tmp_path / "stick").mkdir()
    f = _write(tmp_path / "stick" / "usb.json", _upload(world, recs))
    q = tmp_path / "quarantine"
    code, _ = _cli(world, "import-upload", str(f), "--quarantine", str(q),
                   monkeypatch=monkeypatch)
    assert code == cli.REFUSED_EXIT["unsigned"]
    kept = [p for p in q.iterdir() if p.suffix == ".json" and not p.name.endswith(".reason.json")]
    assert len(kept) == 1 and kept[0].read_bytes() == f.read_bytes()
    assert any("unsigned" in p.read_text() for p in q.iterdir() if p not in kept)
    assert _stored(world, [recs[0]["id"]]) == 0
    key = Ed25519PrivateKey.generate()
    good = _write(f, _seal(_upload(world, recs), key, _register(world, key, monkeypatch)))
    code, _ = _cli(world, "import-upload", str(good), "--quarantine", str(q),
                   monkeypatch=monkeypatch)
    assert code == 0 and len([p for p in q.iterdir() if p.suffix == ".json"
                              and not p.name.endswith(".reason.json")]) == 1


def test_receipt_is_signed_and_names_its_device_and_upload(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    sid = world.new_class()
    recs = [world.record(sid, world.new_parent(register_for=[sid])) for _ in range(2)]
    recs.append(world.record(4_000_000_001, recs[0]["parent_id"]))
    key = Ed25519PrivateKey.generate()
    device = _register(world, key, monkeypatch)
    env = _seal(_upload(world, recs), key, device)
    code, out = _cli(world, "import-upload", str(_write(tmp_path / "u.json", env)),
                     monkeypatch=monkeypatch)
    err = capsys.readouterr().err
    assert code == 0, err
    signed = json.loads(out)
    receipt = UploadReceipt.model_validate(open_document(signed, KIND_RECEIPT, _trusted(world)))
    assert receipt.device_id == device and receipt.upload_sha256 == env["sha256"]
    assert [r["id"] for r in receipt.results] == [r["id"] for r in recs]
    assert [r["result"] for r in receipt.results] == ["accepted", "accepted", "rejected"]
    facts = json.loads(err.strip().splitlines()[-1])
    assert (facts["accepted"], facts["rejected"], facts["signature"]) == (2, 1, "enrolled_key")
    assert facts["device_id"] == device and len(facts["sha256"]) == 64
    # a changed receipt no longer verifies
    signed["document"]["results"][2]["result"] = "accepted"
    with pytest.raises(ValueError):
        open_document(signed, KIND_RECEIPT, _trusted(world))


def test_export_bundle_is_signed_and_lists_the_venues_kiosks(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world.new_class(starts_in_min=60)
    keys = [Ed25519PrivateKey.generate() for _ in range(3)]
    kept = _register(world, keys[0], monkeypatch)
    gone = _register(world, keys[1], monkeypatch)
    _cli(world, "revoke-device", "--device", str(gone), monkeypatch=monkeypatch)
    _register(world, keys[2], monkeypatch, World(world.backend, world.url).venue_id)
    online_key = Ed25519PrivateKey.generate()
    r = requests.post(world.url + "/v1/enrol", timeout=10, json={
        "code": world.code(), "device_name": "online", "device_public_key": _pub(online_key)})
    online = r.json()["device_id"]
    out = tmp_path / "bundle.json"
    code, _ = _cli(world, "export-bundle", "--venue", str(world.venue_id), "--out", str(out),
                   monkeypatch=monkeypatch)
    assert code == 0
    envelope = json.loads(out.read_text(encoding="utf-8"))
    bundle = open_bundle(envelope, _trusted(world))
    assert bundle.venue.id == world.venue_id
    assert sorted((d.device_id, d.public_key) for d in bundle.devices) == sorted(
        [(kept, _pub(keys[0])), (online, _pub(online_key))])
    envelope["document"]["devices"].append({"device_id": 7, "public_key": _pub(keys[1])})
    with pytest.raises(ValueError):
        open_bundle(envelope, _trusted(world))


def test_register_and_revoke_device_commands(world: World,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    key = Ed25519PrivateKey.generate()
    device = _register(world, key, monkeypatch)
    with world.engine.begin() as conn:
        row = conn.execute(select(t.devices).where(t.devices.c.id == device)).one()
    assert row.venue_id == world.venue_id and row.public_key == _pub(key)
    assert row.name == "离线终端"
    for bad in ("not-base64!", base64.b64encode(b"short").decode()):
        assert _cli(world, "register-device", "--venue", str(world.venue_id), "--public-key",
                    bad, monkeypatch=monkeypatch)[0] == 1
    # one key, one kiosk: a second registration of the same key is refused
    assert _cli(world, "register-device", "--venue", str(world.venue_id), "--public-key",
                _pub(key), monkeypatch=monkeypatch)[0] == 1
    assert _cli(world, "register-device", "--venue", "4200000009", "--public-key",
                _pub(Ed25519PrivateKey.generate()), monkeypatch=monkeypatch)[0] == 1
    code, out = _cli(world, "revoke-device", "--device", str(device), monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out) == {"device_id": device, "revoked": True,
                                             "already": False}
    code, out = _cli(world, "revoke-device", "--device", str(device), monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["already"] is True
    for unknown in ("2000000000", "4000000000"):  # beyond any INTEGER column, too
        assert _cli(world, "revoke-device", "--device", unknown, monkeypatch=monkeypatch)[0] == 1


def test_offline_closeouts_are_checked_as_of_the_attested_time(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)
    sid = world.new_class(starts_in_min=-60, minutes=90)
    pid = world.new_parent(register_for=[sid])
    rec = world.record(sid, pid, at=now - timedelta(minutes=50))
    with world.engine.begin() as conn:  # yesterday's day pass, expired six hours ago
        old = svc.issue_pass(conn, world.trainer_id, Role.TRAINER, now - timedelta(hours=30),
                             valid_days=1, files=world.backend.files)
        today = svc.issue_pass(conn, world.trainer_id, Role.TRAINER, now - timedelta(hours=2),
                               valid_days=1, files=world.backend.files)
    exported = now - timedelta(minutes=10)
    cos = [
        # the expired pass, back-dated into its validity: before the class started
        world.closeout_body(sid, trainer_pass=old, at=now - timedelta(hours=20)),
        # the expired pass at the real time
        world.closeout_body(sid, trainer_pass=old, at=now - timedelta(minutes=15)),
        # signed after the file was written: a made-up time
        world.closeout_body(sid, trainer_pass=today, at=now - timedelta(minutes=5)),
        # the real close-out
        world.closeout_body(sid, trainer_pass=today, at=now - timedelta(minutes=15)),
    ]
    key = Ed25519PrivateKey.generate()
    device = _register(world, key, monkeypatch)
    f = _write(tmp_path / "u.json", _seal(_upload(world, [rec], cos, exported), key, device))
    code, out = _cli(world, "import-upload", str(f), monkeypatch=monkeypatch)
    assert code == 0
    receipt = json.loads(out)["document"]
    assert [(c["result"], c.get("reason")) for c in receipt["closeouts"]] == [
        ("rejected", "class_not_started"), ("rejected", "trainer_pass_expired"),
        ("rejected", "device_time_after_export"), ("closed", None)]
    with world.engine.begin() as conn:
        use = conn.execute(select(t.trainer_pass_uses)
                           .where(t.trainer_pass_uses.c.closeout_id == cos[3]["id"])).one()
    assert (use.device_id, use.venue_id, use.pass_id) == (device, world.venue_id, today[1])
    assert abs((use.used_at - (now - timedelta(minutes=15))).total_seconds()) < 1
    # in the future of the import itself, and a class without trainer nobody authorised
    later = world.new_class(starts_in_min=-60)
    loose = world.new_class(starts_in_min=-60, no_trainer=True)
    future = now + timedelta(hours=2)
    cos = [world.closeout_body(later, trainer_pass=today, at=future),
           world.closeout_body(loose, trainer_pass=today, at=now - timedelta(minutes=1))]
    f = _write(tmp_path / "u2.json", _seal(_upload(world, [], cos, future + timedelta(minutes=1)),
                                           key, device))
    code, out = _cli(world, "import-upload", str(f), monkeypatch=monkeypatch)
    assert code == 0
    assert [c.get("reason") for c in json.loads(out)["document"]["closeouts"]] == [
        "device_time_in_future", "trainer_not_authorised"]


def test_records_from_a_stick_keep_the_device_and_replays_are_duplicates(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = world.new_class()
    recs = [world.record(sid, world.new_parent(register_for=[sid])) for _ in range(3)]
    key = Ed25519PrivateKey.generate()
    device = _register(world, key, monkeypatch)
    f = _write(tmp_path / "u.json", _seal(_upload(world, recs), key, device))
    assert _cli(world, "import-upload", str(f), monkeypatch=monkeypatch)[0] == 0
    code, out = _cli(world, "import-upload", str(f), monkeypatch=monkeypatch)
    assert code == 0
    doc = json.loads(out)["document"]
    assert [(r["result"], r["reason"]) for r in doc["results"]] == [("duplicate", "known_id")] * 3
    # the same record ids on another kiosk's stick: conflicts, parked there
    key2 = Ed25519PrivateKey.generate()
    f2 = _write(tmp_path / "u2.json",
                _seal(_upload(world, recs), key2, _register(world, key2, monkeypatch)))
    code, out = _cli(world, "import-upload", str(f2), monkeypatch=monkeypatch)
    assert code == 0
    doc = json.loads(out)["document"]
    assert [(r["result"], r["reason"]) for r in doc["results"]] == [("rejected", "id_conflict")] * 3


def test_round_trip_through_the_wire_contract_alone(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The platform's half of the USB round trip, the kiosk played by ``sync.offline``: the
    kiosk finds its own device id in the signed bundle, signs its upload, and trusts the
    receipt only once it verifies and names its device and that upload."""
    from sync.offline import seal_upload

    sid = world.new_class()
    pid = world.new_parent(register_for=[sid])
    key = Ed25519PrivateKey.generate()
    device = _register(world, key, monkeypatch)
    bundle_file = tmp_path / "bundle.json"
    assert _cli(world, "export-bundle", "--venue", str(world.venue_id), "--out",
                str(bundle_file), monkeypatch=monkeypatch)[0] == 0
    bundle = open_bundle(json.loads(bundle_file.read_text(encoding="utf-8")), _trusted(world))
    mine = [d.device_id for d in bundle.devices if d.public_key == _pub(key)]
    assert mine == [device]
    upload = _upload(world, [world.record(sid, pid)])
    env = seal_upload(upload, key, mine[0])
    code, out = _cli(world, "import-upload", str(_write(tmp_path / "u.json", env)),
                     monkeypatch=monkeypatch)
    assert code == 0
    receipt = UploadReceipt.model_validate(open_document(json.loads(out), KIND_RECEIPT,
                                                         _trusted(world)))
    assert (receipt.device_id, receipt.upload_sha256) == (device, env["sha256"])
    assert [r["result"] for r in receipt.results] == ["accepted"]
