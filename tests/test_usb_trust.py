"""What comes in on a USB stick, tested as an attacker would (issue #13, items 3 and 4).

The site bundle must be signed by a platform key the kiosk already trusts (or, on a fresh kiosk,
one whose fingerprint the admin typed); the receipt must be signed, name this kiosk and one of
its exports, and touches only the records that export carried.  Every refusal changes nothing.
Through the real command line (``kiosk.cli.main``), real files and a real store.
"""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import redirect_stderr
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.cli import main
from kiosk.core.store import Store
from kiosk.devtools.keys import SigningKey
from sync import credentials
from sync.demo import make_bundle
from sync.offline import (
    KIND_BUNDLE,
    KIND_RECEIPT,
    key_fingerprint,
    sign_document,
    signed_bundle,
)
from sync.protocol import DeviceKey, SiteBundle

DEVICE = 7


def cli(data: Path, *args: str) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        code = main(["--data-dir", str(data), *args], stdin=io.StringIO(""), stdout=out)
    return code, [json.loads(x) for x in out.getvalue().splitlines() if x.startswith("{")], \
        err.getvalue()


def fingerprint(key: SigningKey) -> str:
    return key_fingerprint(key.trust_key().raw())


def bundle_for(*keys: SigningKey, ago: timedelta = timedelta(0),
               devices: list[DeviceKey] | None = None) -> tuple[SiteBundle, dict]:
    bundle, summary = make_bundle([k.trust_key() for k in keys],
                                  now=datetime.now(UTC) - ago, parents=10)
    if devices:
        bundle = SiteBundle.model_validate({**bundle.model_dump(mode="json"),
                                            "devices": [d.model_dump() for d in devices]})
    return bundle, summary


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def state(data: Path) -> dict:
    """Everything a refused file must leave as it was."""
    with Store(data / "kiosk.db") as s:
        return {"keys": sorted(s.trust_keys()), "meta": sorted(
            s.conn.execute("SELECT key, value FROM meta").fetchall()),
            "sessions": s.conn.execute("SELECT id, status FROM sessions ORDER BY id").fetchall(),
            "registrations": s.db["registrations"].count,
            "records": s.conn.execute("SELECT id, state FROM records ORDER BY seq").fetchall()}


@pytest.fixture
def rogue() -> SigningKey:
    return SigningKey(1, Ed25519PrivateKey.generate())  # the platform's key id, another key


@pytest.fixture
def site(tmp_path, signing_key) -> tuple[Path, dict]:
    """A never-online kiosk that took its first signed bundle by the platform's fingerprint."""
    data = tmp_path / "kiosk"
    bundle, summary = bundle_for(signing_key)
    path = write(tmp_path / "first.json", signed_bundle(bundle, signing_key.private, 1))
    code, lines, err = cli(data, "import-bundle", str(path), "--trust-fingerprint",
                           fingerprint(signing_key))
    assert code == 0, err
    return data, summary


def _checkin(data: Path, summary: dict, key: SigningKey, *parents: int) -> list[dict]:
    texts = [key.issue(p, valid_from=datetime.now(UTC) - timedelta(days=1))[0] for p in parents]
    code, lines, err = cli(data, "checkin", "--session", str(summary["open_session"]), *texts)
    assert code == 0, err
    return lines


# -- item 3: the site bundle ---------------------------------------------------------------------


def test_an_unsigned_bundle_with_a_rogue_key_is_refused_and_its_passes_do_not_check_in(
        site, rogue, tmp_path):
    data, summary = site
    before = state(data)
    forged, _ = bundle_for(rogue)
    code, _, err = cli(data, "import-bundle", str(write(tmp_path / "forged.json",
                                                         forged.model_dump(mode="json"))))
    assert code == 2 and "not_signed" in err and "nothing was imported" in err
    assert state(data) == before
    (line,) = _checkin(data, summary, rogue, summary["parents"][0])
    assert line["outcome"] == "bad_signature" and "checkin_id" not in line


@pytest.mark.parametrize("key_id, word", [(1, "bad_signature"), (9, "unknown_key")])
def test_a_bundle_signed_by_a_key_the_kiosk_does_not_trust_is_refused(site, tmp_path, key_id,
                                                                      word):
    data, _ = site
    before = state(data)
    other = SigningKey(key_id, Ed25519PrivateKey.generate())
    forged, _ = bundle_for(other)
    path = write(tmp_path / "forged.json", signed_bundle(forged, other.private, key_id))
    code, _, err = cli(data, "import-bundle", str(path))
    assert code == 2 and word in err
    assert state(data) == before


def test_a_bundle_changed_after_signing_is_refused(site, signing_key, rogue, tmp_path):
    data, _ = site
    before = state(data)
    bundle, _ = bundle_for(signing_key)
    envelope = signed_bundle(bundle, signing_key.private, 1)
    envelope["document"]["keys"] = [rogue.trust_key().model_dump(mode="json")]  # swap the key
    code, _, err = cli(data, "import-bundle", str(write(tmp_path / "t.json", envelope)))
    assert code == 2 and "bad_signature" in err
    assert state(data) == before


def test_a_signed_receipt_is_not_a_bundle(site, signing_key, tmp_path):
    data, _ = site
    before = state(data)
    bundle, _ = bundle_for(signing_key)
    envelope = sign_document(bundle.model_dump(mode="json"), KIND_RECEIPT, signing_key.private, 1)
    code, _, err = cli(data, "import-bundle", str(write(tmp_path / "r.json", envelope)))
    assert code == 2 and "wrong_kind" in err
    assert state(data) == before


def test_a_fresh_kiosk_needs_the_platform_fingerprint(tmp_path, signing_key, rogue):
    data = tmp_path / "fresh"
    bundle, _ = bundle_for(signing_key)
    path = write(tmp_path / "b.json", signed_bundle(bundle, signing_key.private, 1))
    code, _, err = cli(data, "import-bundle", str(path))
    assert code == 2 and "--trust-fingerprint" in err and "platform-key" in err
    code, _, err = cli(data, "import-bundle", str(path), "--trust-fingerprint", fingerprint(rogue))
    assert code == 2 and fingerprint(signing_key) in err  # says what the file's key really is
    with Store(data / "kiosk.db") as s:
        assert s.trust_keys() == {} and s.sessions() == [] and s.venue() is None
    typed = fingerprint(signing_key).lower().replace("-", " ")  # as a person might type it
    code, lines, err = cli(data, "import-bundle", str(path), "--trust-fingerprint", typed)
    assert code == 0, err
    assert lines[0]["imported"] is True and lines[0]["keys"] == 1


def test_a_fresh_kiosk_is_not_fooled_by_a_bundle_that_lists_the_real_key(tmp_path, signing_key,
                                                                       rogue):
    """The real platform key in the file's own key list, but the file signed by another."""
    data = tmp_path / "fresh"
    bundle, _ = bundle_for(signing_key)
    path = write(tmp_path / "b.json", signed_bundle(bundle, rogue.private, 1))
    code, _, err = cli(data, "import-bundle", str(path), "--trust-fingerprint",
                       fingerprint(signing_key))
    assert code == 2 and "bad_signature" in err
    with Store(data / "kiosk.db") as s:
        assert s.trust_keys() == {} and s.sessions() == []


def test_a_fresh_kiosk_refuses_an_unsigned_file_even_with_a_fingerprint(tmp_path, signing_key):
    data = tmp_path / "fresh"
    bundle, _ = bundle_for(signing_key)
    path = write(tmp_path / "b.json", bundle.model_dump(mode="json"))
    code, _, err = cli(data, "import-bundle", str(path), "--trust-fingerprint",
                       fingerprint(signing_key))
    assert code == 2 and "not_signed" in err


def test_key_rotation_a_bundle_signed_by_the_old_key_brings_the_new_one(site, signing_key,
                                                                       tmp_path):
    data, summary = site
    new = SigningKey(2, Ed25519PrivateKey.generate())
    both, _ = bundle_for(signing_key, new)
    assert cli(data, "import-bundle", str(write(tmp_path / "r1.json", signed_bundle(
        both, signing_key.private, 1))))[0] == 0
    only_new, _ = bundle_for(new)
    code, lines, err = cli(data, "import-bundle", str(write(tmp_path / "r2.json", signed_bundle(
        only_new, new.private, 2))))
    assert code == 0, err and lines[0]["keys"] == 1
    with Store(data / "kiosk.db") as s:
        assert sorted(s.trust_keys()) == [2]
    # the retired key signs nothing any more: neither a bundle nor a pass
    old, _ = bundle_for(signing_key)
    code, _, err = cli(data, "import-bundle", str(write(tmp_path / "r3.json", signed_bundle(
        old, signing_key.private, 1))))
    assert code == 2 and "unknown_key" in err
    (line,) = _checkin(data, summary, signing_key, summary["parents"][1])
    assert line["outcome"] == "unknown_key"


def test_an_older_bundle_cannot_be_replayed_over_a_newer_one(site, signing_key, tmp_path):
    data, summary = site
    before = state(data)
    old, _ = bundle_for(signing_key, ago=timedelta(days=3))
    code, _, err = cli(data, "import-bundle", str(write(tmp_path / "old.json", signed_bundle(
        old, signing_key.private, 1))))
    assert code == 2 and "newest bundle" in err
    assert state(data) == before


def test_a_never_online_kiosk_learns_its_device_id_from_the_bundle(tmp_path, signing_key):
    data = tmp_path / "kiosk"
    code, lines, _ = cli(data, "device-key")
    assert code == 0
    shown = lines[0]
    assert shown["public_key"] == credentials.device_public_key_b64(data)
    assert shown["fingerprint"] == key_fingerprint(__import__("base64").b64decode(
        shown["public_key"])) and shown["device_id"] is None
    other = DeviceKey(device_id=3, public_key=credentials.device_public_key_b64(tmp_path / "x"))
    mine = DeviceKey(device_id=DEVICE, public_key=shown["public_key"])
    bundle, summary = bundle_for(signing_key, devices=[other, mine])
    path = write(tmp_path / "b.json", signed_bundle(bundle, signing_key.private, 1))
    assert cli(data, "import-bundle", str(path), "--trust-fingerprint",
               fingerprint(signing_key))[0] == 0
    assert cli(data, "device-key")[1][0]["device_id"] == DEVICE
    _checkin(data, summary, signing_key, summary["parents"][0])
    code, lines, err = cli(data, "export-upload", "--out", str(tmp_path / "usb.json"))
    assert code == 0, err
    assert json.loads((tmp_path / "usb.json").read_text(encoding="utf-8"))["device_id"] == DEVICE


def test_export_upload_before_the_platform_knows_the_kiosk_says_what_to_do(site, tmp_path):
    data, _ = site  # its bundle lists no device with this kiosk's key
    code, _, err = cli(data, "export-upload", "--out", str(tmp_path / "usb.json"))
    assert code == 2 and "device-key" in err
    assert not (tmp_path / "usb.json").exists()


# -- item 4: the receipt ---------------------------------------------------------------------


@pytest.fixture
def exported(tmp_path, signing_key) -> dict:
    """A registered never-online kiosk with two records exported, and a third made later."""
    data = tmp_path / "kiosk"
    me = DeviceKey(device_id=DEVICE, public_key=credentials.device_public_key_b64(data))
    bundle, summary = bundle_for(signing_key, devices=[me])
    path = write(tmp_path / "b.json", signed_bundle(bundle, signing_key.private, 1))
    assert cli(data, "import-bundle", str(path), "--trust-fingerprint",
               fingerprint(signing_key))[0] == 0
    sent = [x["checkin_id"] for x in _checkin(data, summary, signing_key, *summary["parents"][:2])]
    code, _, err = cli(data, "export-upload", "--out", str(tmp_path / "usb.json"))
    assert code == 0, err
    sha = json.loads((tmp_path / "usb.json").read_text(encoding="utf-8"))["sha256"]
    (later,) = [x["checkin_id"] for x in _checkin(data, summary, signing_key,
                                                  summary["parents"][2])]
    return {"data": data, "sha": sha, "sent": sent, "later": later, "dir": tmp_path}


def receipt(sha: str, results: list[dict], device: int = DEVICE) -> dict:
    return {"format": "starkiosk-upload-receipt", "device_id": device, "upload_sha256": sha,
            "imported_at": datetime.now(UTC).isoformat(), "results": results}


def accepted(*ids: str) -> list[dict]:
    return [{"id": i, "result": "accepted", "reason": None} for i in ids]


def _import(exported: dict, name: str, document: object) -> tuple[int, list[dict], str]:
    return cli(exported["data"], "import-receipt", str(write(exported["dir"] / name, document)))


def _purge_all(data: Path) -> int:
    with Store(data / "kiosk.db") as s:  # the retention purge, as if the period were over
        return s.purge_acknowledged(datetime.now(UTC) + timedelta(days=3650))


def test_a_hand_written_receipt_acknowledges_nothing_and_the_purge_keeps_everything(exported):
    before = state(exported["data"])
    ids = [*exported["sent"], exported["later"]]
    forged = receipt(exported["sha"], accepted(*ids))
    for name, doc in {"plain": forged, "old format": {"results": accepted(*ids)}}.items():
        code, _, err = _import(exported, f"{name}.json", doc)
        assert code == 2 and "not_signed" in err, name
    assert state(exported["data"]) == before
    assert _purge_all(exported["data"]) == 0
    assert len(state(exported["data"])["records"]) == 3


@pytest.mark.parametrize("key_id", [1, 9])
def test_a_receipt_signed_by_another_key_is_refused(exported, key_id):
    rogue = Ed25519PrivateKey.generate()
    doc = sign_document(receipt(exported["sha"], accepted(*exported["sent"])), KIND_RECEIPT,
                        rogue, key_id)
    code, _, err = _import(exported, "r.json", doc)
    assert code == 2 and ("bad_signature" if key_id == 1 else "unknown_key") in err
    assert _purge_all(exported["data"]) == 0


def test_a_tampered_or_mis_kinded_receipt_is_refused(exported, signing_key):
    doc = sign_document(receipt(exported["sha"], accepted(exported["sent"][0])), KIND_RECEIPT,
                        signing_key.private, 1)
    doc["document"]["results"] = accepted(*exported["sent"], exported["later"])
    assert "bad_signature" in _import(exported, "t.json", doc)[2]
    doc = sign_document(receipt(exported["sha"], accepted(*exported["sent"])), KIND_BUNDLE,
                        signing_key.private, 1)
    assert "wrong_kind" in _import(exported, "k.json", doc)[2]
    assert _purge_all(exported["data"]) == 0


def test_a_receipt_for_another_kiosk_or_an_upload_never_exported_is_refused(exported,
                                                                            signing_key):
    before = state(exported["data"])
    for name, doc, word in [
        ("other device", receipt(exported["sha"], accepted(*exported["sent"]), device=8),
         "not this kiosk"),
        ("other upload", receipt("0" * 64, accepted(*exported["sent"])), "never exported"),
    ]:
        code, _, err = _import(exported, f"{name}.json",
                               sign_document(doc, KIND_RECEIPT, signing_key.private, 1))
        assert code == 2 and word in err, name
    assert state(exported["data"]) == before


def test_a_receipt_touches_only_the_records_its_export_carried(exported, signing_key):
    first, second = exported["sent"]
    results = [*accepted(first, exported["later"], "not-a-record"),
               {"id": second, "result": "rejected", "reason": "unknown_parent"}]
    doc = sign_document(receipt(exported["sha"], results), KIND_RECEIPT, signing_key.private, 1)
    code, lines, err = _import(exported, "r.json", doc)
    assert code == 0, err
    assert lines[0] == {"acknowledged": 1, "parked": 1, "ignored": 2, "replayed": False,
                        "closeouts": 0, "closeouts_parked": 0}
    records = dict(state(exported["data"])["records"])
    assert records == {first: "acknowledged", second: "parked", exported["later"]: "pending"}


def test_a_replayed_receipt_changes_nothing(exported, signing_key):
    first, second = exported["sent"]
    doc = sign_document(receipt(exported["sha"], [
        *accepted(first), {"id": second, "result": "rejected", "reason": "unknown_parent"}]),
        KIND_RECEIPT, signing_key.private, 1)
    assert _import(exported, "r.json", doc)[1][0]["parked"] == 1
    assert cli(exported["data"], "unpark")[1][0] == {"requeued": 1}  # the admin fixed the cause
    before = state(exported["data"])
    again = json.loads(json.dumps(doc, indent=3))  # the same receipt, however it was re-saved
    code, lines, _ = _import(exported, "again.json", again)
    assert code == 0 and lines[0] == {"acknowledged": 0, "parked": 0, "ignored": 0,
                                      "replayed": True}
    assert state(exported["data"]) == before


# -- the store: migration v2 → v3, backup first -------------------------------------------------


def test_a_schema_2_database_is_backed_up_then_migrated_with_its_records(tmp_path):
    import sqlite_utils

    from kiosk.core.store import schema

    path = tmp_path / "kiosk.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    for step in schema.MIGRATIONS[:2]:
        step(db)
    conn.execute("INSERT INTO records (id, kind, session_id, parent_id, method, device_time) "
                 "VALUES ('r1', 'checkin', 1, 2, 'manual', '2026-11-23T06:00:00.000Z')")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store(path) as s:
        assert s.schema_version() == 3
        assert [r["id"] for r in s.records()] == ["r1"]
        s.record_export("a" * 64, DEVICE, datetime.now(UTC), ["r1"])
        assert s.exported_ids("a" * 64) == {"r1"} and s.usb_export("a" * 64).device_id == DEVICE
    backup = sqlite3.connect(tmp_path / "kiosk.db.schema2.bak")
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 2
        assert backup.execute("SELECT id FROM records").fetchall() == [("r1",)]
    finally:
        backup.close()
