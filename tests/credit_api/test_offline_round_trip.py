"""A site that is never online gets its credits: the whole USB round trip through both command
lines, real files, a real kiosk store and the platform's database.

bundle in (by the platform key's fingerprint) → passes scanned → class closed out with a trainer
pass, one stray row removed → signed file out → platform import → credits on the ledger →
signed receipt in → the kiosk has nothing left to send and knows the new credits.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from credit_api import cli as platform_cli
from kiosk.cli import main as kiosk_main
from kiosk.core.store import Store
from sync.passes import Role
from sync.protocol import CloseoutResponse

from .conftest import World


def _platform(world: World, monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str]:
    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(world.backend.data_dir))
    out = io.StringIO()
    code = platform_cli.main([*argv, "--db", world.backend.url], out=out)
    return code, out.getvalue()


def _kiosk(data: Path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        code = kiosk_main(["--data-dir", str(data), *argv], stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue(), err.getvalue()


def _json_lines(text: str) -> list[dict]:
    return [json.loads(x) for x in text.splitlines() if x.startswith("{")]


def test_a_never_online_site_gets_its_credits(world: World, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "kiosk"
    sid = world.new_class(credits=4)
    parents = [world.new_parent(register_for=[sid]) for _ in range(3)]
    passes_ = [world.issue(p)[0] for p in parents]

    # The kiosk is registered by its key, then takes the signed bundle by the platform's
    # fingerprint (read off the platform admin's screen).
    code, out, err = _kiosk(data, "device-key")
    assert code == 0, err
    key = _json_lines(out)[0]
    code, out = _platform(world, monkeypatch, "register-device", "--venue",
                          str(world.venue_id), "--public-key", key["public_key"])
    assert code == 0, out
    device_id = int(out)
    code, out = _platform(world, monkeypatch, "platform-key", "--json")
    assert code == 0
    fingerprint = json.loads(out)["fingerprint"]
    bundle = tmp_path / "stick" / "bundle.json"
    bundle.parent.mkdir()
    assert _platform(world, monkeypatch, "export-bundle", "--venue", str(world.venue_id),
                     "--out", str(bundle))[0] == 0
    code, out, err = _kiosk(data, "import-bundle", str(bundle), "--trust-fingerprint",
                            fingerprint)
    assert code == 0, err

    # Parents scan their passes; one of them is a stray that the trainer removes.
    code, out, err = _kiosk(data, "checkin", "--session", str(sid), *passes_)
    assert code == 0, err
    assert [r["outcome"] for r in _json_lines(out)] == ["accepted"] * 3
    with Store(data / "kiosk.db") as s:
        stray = next(r["id"] for r in s.unacknowledged_records() if r["parent_id"] == parents[2])
        assert s.learnt_device_id() == device_id
    trainer_pass = world.issue(world.trainer_id, Role.TRAINER)[0]
    code, out, err = _kiosk(data, "close-out", "--session", str(sid), "--remove", stray,
                            "--reason", "未听课", "--trainer-pass", "-",
                            stdin=trainer_pass + "\n")
    assert code == 0, err

    # Out on the stick: the records and the close-out, signed by the kiosk.
    upload = tmp_path / "stick" / "upload.json"
    code, out, err = _kiosk(data, "export-upload", "--out", str(upload))
    assert code == 0, err
    summary = _json_lines(out)[0]
    assert (summary["records"], summary["closeouts"]) == (3, 1)
    assert "trainer_pass" in upload.read_text(encoding="utf-8")

    # The platform imports it: credits on the ledger, once.
    code, receipt_text = _platform(world, monkeypatch, "import-upload", str(upload))
    assert code == 0, receipt_text
    assert [world.ledger(None, p)["stage_credits"] for p in parents] == [4, 4, 0]
    code, again = _platform(world, monkeypatch, "import-upload", str(upload))
    assert code == 0
    assert [world.ledger(None, p)["stage_credits"] for p in parents] == [4, 4, 0]
    closeouts = json.loads(again)["document"]["closeouts"]
    assert [c["result"] for c in closeouts] == ["repeated"]
    receipt = tmp_path / "stick" / "receipt.json"
    receipt.write_text(receipt_text, encoding="utf-8")

    # The receipt back on the kiosk: nothing left to send, the new credits known.
    code, out, err = _kiosk(data, "import-receipt", str(receipt))
    assert code == 0, err
    applied = _json_lines(out)[0]
    assert (applied["acknowledged"], applied["closeouts"], applied["parked"]) == (3, 1, 0)
    with Store(data / "kiosk.db") as s:
        assert s.unacknowledged_records() == []
        assert s.closeout_counts() == {"pending": 0, "acknowledged": 1, "parked": 0}
        co = s.closeout_for(sid)
        assert co is not None and co["trainer_pass"] is None
        resp = CloseoutResponse.model_validate_json(co["summary"])
        assert sorted(a.parent_id for a in resp.awards) == sorted(parents[:2])
        credits = dict(s.conn.execute("SELECT parent_id, stage_credits FROM registrations "
                                      "WHERE session_id = ?", (sid,)).fetchall())
    assert credits == {parents[0]: 4, parents[1]: 4, parents[2]: 0}
    code, out, err = _kiosk(data, "import-receipt", str(receipt))
    assert code == 0 and _json_lines(out)[0]["replayed"] is True


def test_an_edited_upload_is_refused_and_applies_nothing(world: World, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "kiosk"
    sid = world.new_class(credits=2)
    pid = world.new_parent(register_for=[sid])
    _, out, _ = _kiosk(data, "device-key")
    key = _json_lines(out)[0]
    assert _platform(world, monkeypatch, "register-device", "--venue", str(world.venue_id),
                     "--public-key", key["public_key"])[0] == 0
    fingerprint = json.loads(_platform(world, monkeypatch, "platform-key", "--json")[1])
    bundle = tmp_path / "bundle.json"
    _platform(world, monkeypatch, "export-bundle", "--venue", str(world.venue_id), "--out",
              str(bundle))
    assert _kiosk(data, "import-bundle", str(bundle), "--trust-fingerprint",
                  fingerprint["fingerprint"])[0] == 0
    assert _kiosk(data, "checkin", "--session", str(sid), world.issue(pid)[0])[0] == 0
    trainer_pass = world.issue(world.trainer_id, Role.TRAINER)[0]
    assert _kiosk(data, "close-out", "--session", str(sid), "--trainer-pass", "-",
                  stdin=trainer_pass + "\n")[0] == 0
    upload = tmp_path / "upload.json"
    assert _kiosk(data, "export-upload", "--out", str(upload))[0] == 0
    doc = json.loads(upload.read_text(encoding="utf-8"))
    doc["upload"]["closeouts"][0]["additions"] = [{"parent_id": world.new_parent(),
                                                   "reason": "加一个"}]
    upload.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _ = _platform(world, monkeypatch, "import-upload", str(upload))
    assert code == platform_cli.REFUSED_EXIT["bad_checksum"]
    assert world.ledger(None, pid)["stage_credits"] == 0
