"""The operations layer on its own: real SQLite files, real bundle and upload files, no Qt.

The command line and the screens both call these; the CLI tests (tests/test_cli.py) and the
screen tests check what each prints or shows on top.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.config import Config
from kiosk.core.closeout import Addition, Removal, close_out_with_pin
from kiosk.core.rules import Outcome
from kiosk.core.store import Store
from kiosk.operations import checkin, outbox, roster, status, usb
from kiosk.operations.common import OperationError
from sync.demo import make_bundle
from sync.offline import (
    KIND_RECEIPT,
    OfflineUploadEnvelope,
    canonical_upload_text,
    key_fingerprint,
    sign_document,
    write_signed_bundle,
)
from sync.parent_numbers import display_number


@pytest.fixture
def live(tmp_path: Path, signing_key):
    """A kiosk whose demo class is open now (the operations use the system clock)."""
    bundle, summary = make_bundle([signing_key.trust_key()], now=datetime.now(UTC), parents=12)
    cfg = Config.load(tmp_path / "data")
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(cfg.db_path)
    store.import_bundle(bundle)
    with store.write():
        store.set_meta(usb.USB_DEVICE_ID, "7")  # as a signed bundle naming this kiosk's key would
    yield cfg, store, summary
    store.close()


def _pass(signing_key, parent_id: int) -> str:
    return signing_key.issue(parent_id, valid_from=datetime.now(UTC) - timedelta(days=1))[0]


def test_scan_codes_refuses_an_unknown_class_before_reading_any_code(live):
    cfg, store, _ = live
    read = []

    def codes():
        read.append(1)
        yield "x"

    with pytest.raises(OperationError) as err:
        checkin.scan_codes(store, cfg, 999, "scanner", codes())
    assert err.value.reason == "unknown_session" and not err.value.data
    assert "classes here:" in str(err.value) and not read


def test_scan_codes_commits_each_code_before_it_is_returned(live, signing_key):
    cfg, store, summary = live
    sid, parent = summary["open_session"], summary["parents"][0]
    results = checkin.scan_codes(store, cfg, sid, "scanner", [_pass(signing_key, parent)] * 2)
    first = next(results)
    assert first.outcome is Outcome.ACCEPTED
    assert store.record_counts()["pending"] == 1  # on disk before the next code is read
    assert next(results).outcome is Outcome.ALREADY_CHECKED_IN


def test_manual_checkin_chooses_or_refuses_a_parent_not_among_the_matches(live):
    cfg, store, summary = live
    sid = summary["open_session"]
    reg = store.roster(sid)[0]
    found = checkin.manual_checkin(store, cfg, sid, reg["phone_last4"])
    assert reg["parent_id"] in {m.parent_id for m in found.matches}
    if len(found.matches) == 1:
        assert found.result is not None and found.result.outcome is Outcome.ACCEPTED
    with pytest.raises(OperationError) as err:
        checkin.manual_checkin(store, cfg, sid, reg["phone_last4"],
                               parent_number=display_number(1))
    assert err.value.reason == "not_a_match"
    with pytest.raises(OperationError) as err:
        checkin.manual_checkin(store, cfg, 4242, "0000")
    assert err.value.reason == "unknown_session"


def test_roster_table_applies_the_trainers_corrections(live, signing_key):
    cfg, store, summary = live
    sid = summary["open_session"]
    first, absent = summary["parents"][0], summary["parents"][1]
    list(checkin.scan_codes(store, cfg, sid, "camera", [_pass(signing_key, first)]))
    cid = next(r["checkin_id"] for r in store.roster(sid) if r["parent_id"] == first)
    close_out_with_pin(store, sid, removals=[Removal(cid, "left early")],
                       additions=[Addition(absent, "signed on paper")])
    table = roster.roster_table(store, sid, "en")
    by_parent = {int(row[1]): row for row in table.rows}
    assert by_parent[first][roster.STATUS_COL] == "removed (left early)"
    assert by_parent[absent][roster.STATUS_COL] == "added (signed on paper)"
    assert by_parent[absent][roster.METHOD_COL] == "manual"
    assert table.counts["present"] == 1 and table.headers == roster.ROSTER_HEADERS["en"]
    head = roster.roster_heading(store, sid)
    assert (head.checked_in, head.registered) == (1, store.session_counts(sid)["registered"])
    assert roster.roster_table(store, sid, "fr").lang == "zh"  # unknown language: Chinese


def test_kiosk_status_lists_classes_and_says_not_enrolled(live):
    cfg, store, summary = live
    data = status.kiosk_status(cfg, store, datetime.now(UTC))
    assert data["sync"]["enrolled"] is False
    assert data["venue"]["id"] == summary["venue"]["id"]
    open_now = [c["id"] for c in data["classes"] if c["open_now"]]
    assert open_now == [summary["open_session"]]
    json.dumps(data)  # the --json document is plain data


def test_export_upload_is_signed_over_the_canonical_text(live, signing_key, tmp_path):
    cfg, store, summary = live
    sid = summary["open_session"]
    list(checkin.scan_codes(store, cfg, sid, "scanner",
                            [_pass(signing_key, p) for p in summary["parents"][:3]]))
    out = tmp_path / "usb" / "upload.json"
    result = usb.export_upload(cfg, store, out)
    assert result == {"exported": str(out), "records": 3, "closeouts": 0,
                      "parked_not_exported": 0}
    env = OfflineUploadEnvelope.model_validate_json(out.read_bytes())
    raw = json.loads(out.read_text(encoding="utf-8"))["upload"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(env.device_public_key))
    key.verify(base64.b64decode(env.signature), canonical_upload_text(raw))  # raises if forged
    assert not out.with_name("upload.json.tmp").exists()


def test_export_upload_refusals_say_why(tmp_path, live, signing_key):
    cfg, store, _ = live
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OperationError) as err:
        usb.export_upload(cfg, store, blocker / "upload.json")
    assert err.value.reason == "cannot_write" and err.value.data
    empty = Store(tmp_path / "empty.db")
    try:
        with pytest.raises(OperationError) as err:
            usb.export_upload(cfg, empty, tmp_path / "x.json")
        assert err.value.reason == "no_venue" and not err.value.data
        empty.import_bundle(make_bundle([signing_key.trust_key()], now=datetime.now(UTC),
                                        parents=3)[0])
        with pytest.raises(OperationError) as err:
            usb.export_upload(cfg, empty, tmp_path / "x.json")  # no device id from anywhere
        assert err.value.reason == "not_registered"
    finally:
        empty.close()


def test_import_receipt_acknowledges_and_parks(live, signing_key, tmp_path):
    cfg, store, summary = live
    sid = summary["open_session"]
    list(checkin.scan_codes(store, cfg, sid, "scanner",
                            [_pass(signing_key, p) for p in summary["parents"][:2]]))
    export = usb.export_upload(cfg, store, tmp_path / "upload.json")
    sha = json.loads((tmp_path / "upload.json").read_text(encoding="utf-8"))["sha256"]
    assert export["records"] == 2
    ids = [r["id"] for r in store.unacknowledged_records()]
    receipt = tmp_path / "receipt.json"
    doc = {"format": "starkiosk-upload-receipt", "device_id": 7, "upload_sha256": sha,
           "imported_at": "2026-12-04T10:00:00Z", "results": [
               {"id": ids[0], "result": "accepted"},
               {"id": ids[1], "result": "rejected", "reason": "unknown_parent"},
               {"id": "not-in-the-export", "result": "accepted"}]}
    receipt.write_text(json.dumps(sign_document(doc, KIND_RECEIPT, signing_key.private,
                                                signing_key.key_id)), encoding="utf-8")
    assert usb.import_receipt(cfg, store, receipt) == {"acknowledged": 1, "parked": 1,
                                                       "ignored": 1, "replayed": False,
                                                       "closeouts": 0, "closeouts_parked": 0}
    items = outbox.parked_items(store)
    assert [(p.kind, p.reason, p.held) for p in items] == [("checkin", "unknown_parent", False)]
    assert outbox.unpark(store) == 1 and outbox.parked_items(store) == []
    for bad in ("[1, 2]", "{not json"):
        receipt.write_text(bad, encoding="utf-8")
        with pytest.raises(OperationError) as err:
            usb.import_receipt(cfg, store, receipt)
        assert err.value.reason in ("bad_receipt", "untrusted_receipt")


def test_parked_items_show_a_pin_close_out_as_held(live):
    cfg, store, summary = live
    close_out_with_pin(store, summary["open_session"])
    (item,) = outbox.parked_items(store)
    assert item.kind == "closeout" and item.held


def test_import_site_bundle_round_trip_and_a_bad_file(live, signing_key, tmp_path):
    cfg, store, summary = live
    bundle, _ = make_bundle([signing_key.trust_key()], now=datetime.now(UTC), parents=5)
    path = tmp_path / "bundle.json"
    write_signed_bundle(bundle, path, signing_key.private, signing_key.key_id)
    summary2 = usb.import_site_bundle(cfg, store, path)
    assert summary2.sessions == len(bundle.sessions)
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(OperationError) as err:
        usb.import_site_bundle(cfg, store, path)
    assert err.value.reason == "untrusted_bundle" and "nothing was imported" in str(err.value)
    assert key_fingerprint(signing_key.trust_key().raw())  # the anchor a fresh kiosk needs
