"""The ``credit-api`` admin commands, and the round trip with the kiosk's ``starkiosk``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from credit_api import cli
from sync import passes

from .conftest import Backend, ServerThread


def run(backend: Backend, *argv: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``credit-api ARGV --db URL`` in this process (fast); returns (status, stdout)."""
    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(backend.data_dir))
    out = io.StringIO()
    code = cli.main([*argv, "--db", backend.url], out=out)
    return code, out.getvalue()


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in text.splitlines() if x.strip()]


@pytest.fixture(scope="session")
def demo(backend: Backend) -> dict[str, Any]:
    mp = pytest.MonkeyPatch()
    try:
        code, out = run(backend, "init-demo", "--json", monkeypatch=mp)
    finally:
        mp.undo()
    assert code == 0
    return json.loads(out)


def test_init_demo_summary(demo: dict[str, Any], backend: Backend,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert demo["venue"]["id"] == 101
    assert demo["enrolment_code"].count("-") == 2
    open_now = [s for s in demo["sessions"] if s["open_now"]]
    assert [s["id"] for s in open_now] == [demo["open_session"]]
    assert demo["trainers"] and len(demo["parents"]) == 200
    # running it again keeps the same programme (ids are stable) with a fresh code
    code, out = run(backend, "init-demo", "--json", monkeypatch=monkeypatch)
    again = json.loads(out)
    assert code == 0 and again["parents"] == demo["parents"]
    assert again["enrolment_code"] != demo["enrolment_code"]


def test_issue_pass_text_json_and_png(demo: dict[str, Any], backend: Backend, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    p1, p2 = demo["parents"][:2]
    code, out = run(backend, "issue-pass", str(p1), str(p2), monkeypatch=monkeypatch)
    texts = out.splitlines()
    assert code == 0 and len(texts) == 2 and all(len(x) == passes.TEXT_LEN for x in texts)
    code, out = run(backend, "issue-pass", str(p1), "--json", "--valid-days", "7",
                    "--png", str(tmp_path / "p.png"), monkeypatch=monkeypatch)
    obj = lines(out)[0]
    data = passes.parse(obj["text"])[0]
    assert data.pass_id == obj["pass_id"] and data.parent_id == p1
    assert 6 <= (data.valid_until - datetime.now(UTC)).days <= 7
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out = run(backend, "issue-pass", str(demo["trainers"][0]), "--role", "trainer",
                    "--json", monkeypatch=monkeypatch)
    assert passes.parse(lines(out)[0]["text"])[0].role is passes.Role.TRAINER
    code, _ = run(backend, "issue-pass", "4200000001", monkeypatch=monkeypatch)
    assert code == 1


def _kiosk(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *argv],
                          capture_output=True, text=True, timeout=60, env=env)


def _platform_fingerprint(backend: Backend) -> str:
    from credit_api import keys as keyring
    from sync.offline import key_fingerprint

    with backend.engine.begin() as conn:
        key = keyring.current_key(conn, backend.files)
    return key_fingerprint(passes.public_key_raw(key.private))


def test_export_bundle_is_accepted_by_the_kiosk(demo: dict[str, Any], backend: Backend,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The USB round trip of a never-online kiosk: its key registered on the platform, the
    signed bundle in (trusted by fingerprint the first time), check-ins, the signed upload
    out, the signed receipt back."""
    import re

    from sync.offline import open_bundle

    parent = demo["parents"][5]
    _, out = run(backend, "issue-pass", str(parent), "--json", monkeypatch=monkeypatch)
    good = lines(out)[0]
    _, out = run(backend, "issue-pass", str(demo["parents"][6]), "--json",
                 monkeypatch=monkeypatch)
    lost = lines(out)[0]
    code, out = run(backend, "revoke-pass", str(lost["pass_id"]), monkeypatch=monkeypatch)
    assert code == 0 and lines(out)[0]["revoked"] is True
    kiosk = tmp_path / "kiosk"
    shown = _kiosk(kiosk, "device-key")
    assert shown.returncode == 0, shown.stderr
    key = re.search(r"[A-Za-z0-9+/]{43}=", shown.stdout)
    assert key, shown.stdout
    code, out = run(backend, "register-device", "--venue", "101", "--public-key", key.group(0),
                    "--name", "离线终端", monkeypatch=monkeypatch)
    assert code == 0
    device_id = int(out.strip())
    bundle_file = tmp_path / "bundle.json"
    code, out = run(backend, "export-bundle", "--venue", "101", "--out", str(bundle_file),
                    monkeypatch=monkeypatch)
    assert code == 0
    from credit_api import keys as keyring

    with backend.engine.begin() as conn:
        trusted = keyring.public_keys(conn)
    bundle = open_bundle(json.loads(bundle_file.read_bytes()), trusted)
    assert lost["pass_id"] in {r.pass_id for r in bundle.revocations}
    assert demo["open_session"] in {s.id for s in bundle.sessions}
    assert device_id in {d.device_id for d in bundle.devices}
    raw = bundle_file.read_text(encoding="utf-8")
    assert "phone" not in raw.replace("phone_last4", "")
    imp = _kiosk(kiosk, "import-bundle", str(bundle_file),
                 "--trust-fingerprint", _platform_fingerprint(backend))
    assert imp.returncode == 0, imp.stderr
    assert json.loads(imp.stdout.splitlines()[-1])["imported"] is True
    chk = _kiosk(kiosk, "checkin", "--session", str(demo["open_session"]), good["text"],
                 lost["text"])
    assert chk.returncode == 0, chk.stderr
    outcomes = [json.loads(x)["outcome"] for x in chk.stdout.splitlines() if x.startswith("{")]
    assert outcomes == ["accepted", "revoked"], chk.stdout
    # … and back on a USB stick: the kiosk's signed export, the platform's signed receipt
    usb = tmp_path / "usb.json"
    exp = _kiosk(kiosk, "export-upload", "--out", str(usb))
    assert exp.returncode == 0, exp.stderr
    assert json.loads(usb.read_text(encoding="utf-8"))["device_id"] == device_id
    code, out = run(backend, "import-upload", str(usb), monkeypatch=monkeypatch)
    assert code == 0
    receipt = lines(out)[0]["document"]
    assert receipt["device_id"] == device_id
    assert [r["result"] for r in receipt["results"]] == ["accepted"]
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_text(out, encoding="utf-8")
    ack = _kiosk(kiosk, "import-receipt", str(receipt_file))
    assert ack.returncode == 0, ack.stderr
    assert json.loads(ack.stdout.splitlines()[-1])["acknowledged"] == 1
    # the same file again: nothing new
    code, out = run(backend, "import-upload", str(usb), monkeypatch=monkeypatch)
    assert [r["reason"] for r in lines(out)[0]["document"]["results"]] == ["known_id"]


def _demo_device(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, int]:
    """A kiosk of demo venue 101 registered by its key: (private key, device id)."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pub = base64.b64encode(passes.public_key_raw(key)).decode()
    code, out = run(backend, "register-device", "--venue", "101", "--public-key", pub,
                    monkeypatch=monkeypatch)
    assert code == 0
    return key, int(out.strip())


def test_import_upload_is_idempotent_and_reported(demo: dict[str, Any], backend: Backend,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    sid = demo["open_session"]
    now = datetime.now(UTC).isoformat()
    records = [{"id": str(uuid.uuid4()), "kind": "checkin", "session_id": sid, "parent_id": p,
                "pass_id": None, "method": "manual", "walk_in": False, "device_time": now,
                "clock_offset_ms": 0} for p in demo["parents"][20:30]]
    records.append({**records[0], "id": str(uuid.uuid4()), "session_id": 4_000_000_000})
    key, device_id = _demo_device(backend, monkeypatch)
    f = tmp_path / "usb.json"
    f.write_text(json.dumps(_sign({
        "format": "starkiosk-offline-upload", "version": 1, "venue_id": 101,
        "exported_at": datetime.now(UTC).isoformat(), "records": records}, key, device_id)),
        encoding="utf-8")
    capsys.readouterr()
    code, out = run(backend, "import-upload", str(f), monkeypatch=monkeypatch)
    receipt = lines(out)[0]["document"]
    facts = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert code == 0
    assert (facts["accepted"], facts["duplicate"], facts["rejected"]) == (10, 0, 1)
    assert [r["reason"] for r in receipt["results"] if r["result"] == "rejected"] == \
        ["unknown_class"]
    assert len(receipt["results"]) == 11 and facts["signature"] == "enrolled_key"
    assert len(facts["sha256"]) == 64 and facts["device_id"] == device_id
    code, out = run(backend, "import-upload", str(f), monkeypatch=monkeypatch)
    again = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (again["accepted"], again["duplicate"]) == (0, 10)
    code, out = run(backend, "report", "--session", str(sid), "--json", monkeypatch=monkeypatch)
    rep = lines(out)[0]
    mine = [r for r in rep["records"] if r["parent_id"] in demo["parents"][20:30]]
    assert len(mine) == 10 and rep["count"] >= 10
    assert {r["checkin_id"] for r in mine} == {r["id"] for r in records[:10]}
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')  # not signed by any kiosk
    code, _ = run(backend, "import-upload", str(bad), monkeypatch=monkeypatch)
    assert code == cli.REFUSED_EXIT["unsigned"]
    bad.write_text("{not json")
    assert run(backend, "import-upload", str(bad), monkeypatch=monkeypatch)[0] == 1
    code, _ = run(backend, "import-upload", str(tmp_path / "missing.json"),
                  monkeypatch=monkeypatch)
    assert code == 1


def test_ledger_and_enrol_code_commands(demo: dict[str, Any], backend: Backend,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run(backend, "ledger", str(demo["parents"][0]), "--json",
                    monkeypatch=monkeypatch)
    led = lines(out)[0]
    assert code == 0 and 1 <= led["stage"] <= 5
    assert len(led["stars"]) == led["stage"] - 1
    assert all({"stage", "date"} <= set(s) for s in led["stars"])
    assert led["stage_credits"] == led["credits"][led["stage"] - 1]["credits"]
    code, out = run(backend, "enrol-code", "--venue", "101", monkeypatch=monkeypatch)
    enrol_code = out.strip()
    assert code == 0
    with ServerThread(__import__("credit_api.app", fromlist=["asgi_app"])
                      .asgi_app(backend.engine)) as srv:
        r = requests.post(srv.url + "/v1/enrol", json={"code": enrol_code, "device_name": "x"},
                          timeout=10)
    assert r.status_code == 200 and r.json()["venue"]["id"] == 101
    assert run(backend, "enrol-code", "--venue", "4000000", monkeypatch=monkeypatch)[0] == 1
    assert run(backend, "ledger", "4000000", "--json", monkeypatch=monkeypatch)[0] == 1


def test_console_script_and_errors(backend: Backend, tmp_path: Path) -> None:
    env = {**os.environ, "STARKIOSK_CREDIT_DATA_DIR": str(tmp_path)}
    helped = subprocess.run([sys.executable, "-m", "credit_api", "--help"], capture_output=True,
                            text=True, timeout=60, env=env)
    assert helped.returncode == 0
    for name in ("serve", "init-demo", "enrol-code", "issue-pass", "revoke-pass", "ledger",
                 "report", "export-bundle", "import-upload", "register-device", "revoke-device",
                 "authorise-trainer", "set-walk-in-cap", "trainer-pass-report"):
        assert name in helped.stdout
    # a fresh default database (SQLite in the data dir) just works
    fresh = subprocess.run([sys.executable, "-m", "credit_api", "report", "--session", "1"],
                           capture_output=True, text=True, timeout=60, env=env)
    assert fresh.returncode == 1 and "no class 1" in fresh.stderr
    assert (tmp_path / "credit-api.sqlite3").exists()
    broken = subprocess.run([sys.executable, "-m", "credit_api", "ledger", "1", "--db",
                             "postgresql://nobody:secret@127.0.0.1:1/none"],
                            capture_output=True, text=True, timeout=60, env=env)
    assert broken.returncode == 1 and "cannot open the database" in broken.stderr
    assert "secret" not in broken.stderr


def test_serve_binds_loopback_and_answers(backend: Backend, tmp_path: Path) -> None:
    import socket
    import time

    assert cli.build_parser().parse_args(["serve"]).host == "127.0.0.1"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "STARKIOSK_CREDIT_DATA_DIR": str(backend.data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "credit_api", "serve", "--db", backend.url,
                             "--port", str(port), "--log-level", "warning"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/v1/trust", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        assert r.status_code == 401 and "server_time" in r.json()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _sign(upload: dict[str, Any], key: Any, device_id: int | None) -> dict[str, Any]:
    import base64
    import hashlib

    from sync.offline import canonical_upload_text

    body = canonical_upload_text(upload)
    return {"upload": upload, "sha256": hashlib.sha256(body).hexdigest(),
            "device_id": device_id,
            "device_public_key": base64.b64encode(passes.public_key_raw(key)).decode(),
            "signature": base64.b64encode(key.sign(body)).decode()}


def test_signed_upload_with_enrolled_key_and_offline_closeout(
        demo: dict[str, Any], backend: Backend, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from credit_api import service as svc
    from credit_api.app import asgi_app
    from sync.protocol import Session

    from .conftest import fresh_id

    key = Ed25519PrivateKey.generate()
    pub = base64.b64encode(passes.public_key_raw(key)).decode()
    with backend.engine.begin() as conn:
        code, _ = svc.new_enrolment_code(conn, 101, datetime.now(UTC))
    with ServerThread(asgi_app(backend.engine)) as srv:
        r = requests.post(srv.url + "/v1/enrol", timeout=10, json={
            "code": code, "device_name": "offline", "device_public_key": pub})
    assert r.status_code == 200, r.text
    device_id = r.json()["device_id"]
    # a class that ended yesterday at the offline site, with two parents
    from datetime import timedelta

    sid = fresh_id()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=26)
    with backend.engine.begin() as conn:
        svc.put_session(conn, Session(
            id=sid, venue_id=101, title="离线课堂", series="祖辈课堂", stage=1,
            starts_at=start, ends_at=start + timedelta(hours=1), capacity=30, credits=2,
            trainer_id=demo["trainers"][0]))
    # the trainer's pass must have been valid when they signed, yesterday
    with backend.engine.begin() as conn:
        text_, pass_id = svc.issue_pass(conn, demo["trainers"][0], passes.Role.TRAINER,
                                        start - timedelta(days=1), files=backend.files)
    trainer = {"text": text_, "pass_id": pass_id}
    p1, p2 = demo["parents"][40:42]
    at = (start + timedelta(minutes=5)).isoformat()
    recs = [{"id": str(uuid.uuid4()), "kind": "checkin", "session_id": sid, "parent_id": p,
             "pass_id": None, "method": "manual", "walk_in": False, "device_time": at,
             "clock_offset_ms": 0} for p in (p1, p2)]
    closeout = {"id": str(uuid.uuid4()), "session_id": sid, "trainer_pass_id": trainer["pass_id"],
                "trainer_pass": trainer["text"],
                "removals": [{"checkin_id": recs[1]["id"], "reason": "提前离开"}],
                "additions": [], "device_time": (start + timedelta(minutes=70)).isoformat()}
    upload = {"format": "starkiosk-offline-upload", "version": 1, "venue_id": 101,
              "exported_at": datetime.now(UTC).isoformat(), "records": recs,
              "closeouts": [closeout]}
    before = lines(run(backend, "ledger", str(p1), "--json", monkeypatch=monkeypatch)[1])[0]
    f = tmp_path / "signed.json"
    f.write_text(json.dumps(_sign(upload, key, device_id), ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    code, out = run(backend, "import-upload", str(f), monkeypatch=monkeypatch)
    receipt = lines(out)[0]["document"]
    facts = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert code == 0 and facts["signature"] == "enrolled_key"
    assert facts["accepted"] == 2 and receipt["device_id"] == device_id
    [answer] = receipt["closeouts"]
    assert {k: answer[k] for k in ("id", "session_id", "result", "awards", "held_back")} == {
        "id": closeout["id"], "session_id": sid, "result": "closed", "awards": 1, "held_back": 0}
    assert [a["parent_id"] for a in answer["response"]["awards"]] == [p1]
    assert [led["parent_id"] for led in answer["ledgers"]] == [p1]
    after = lines(run(backend, "ledger", str(p1), "--json", monkeypatch=monkeypatch)[1])[0]
    assert sum(c["credits"] for c in after["credits"]) == \
        sum(c["credits"] for c in before["credits"]) + 2
    # importing the same stick again changes nothing
    code, out = run(backend, "import-upload", str(f), monkeypatch=monkeypatch)
    again = lines(out)[0]["document"]
    assert [r["result"] for r in again["results"]] == ["duplicate"] * 2
    assert again["closeouts"][0]["result"] == "repeated"
    # a pass issued after the close-out was signed is refused, and only that close-out
    _, out = run(backend, "issue-pass", str(demo["trainers"][0]), "--role", "trainer", "--json",
                 monkeypatch=monkeypatch)
    fresh = lines(out)[0]
    sid2 = fresh_id()
    with backend.engine.begin() as conn:
        svc.put_session(conn, Session(
            id=sid2, venue_id=101, title="离线课堂", series="祖辈课堂", stage=1,
            starts_at=start, ends_at=start + timedelta(hours=1), capacity=30, credits=2,
            trainer_id=demo["trainers"][0]))
    late = {**closeout, "id": str(uuid.uuid4()), "session_id": sid2, "removals": [],
            "trainer_pass_id": fresh["pass_id"], "trainer_pass": fresh["text"]}
    f.write_text(json.dumps(_sign({**upload, "records": [], "closeouts": [late]}, key,
                                  device_id)), encoding="utf-8")
    code, out = run(backend, "import-upload", str(f), monkeypatch=monkeypatch)
    assert code == 0
    assert lines(out)[0]["document"]["closeouts"][0]["reason"] == "trainer_pass_not_yet_valid"
    # signed by another key than the enrolled one: refused, nothing imported
    other = Ed25519PrivateKey.generate()
    upload2 = {**upload, "records": [{**recs[0], "id": str(uuid.uuid4())}], "closeouts": []}
    f.write_text(json.dumps(_sign(upload2, other, device_id)), encoding="utf-8")
    assert run(backend, "import-upload", str(f), monkeypatch=monkeypatch)[0] == \
        cli.REFUSED_EXIT["wrong_key"]
    # tampered after signing: refused
    env = _sign(upload2, key, device_id)
    env["upload"]["records"][0]["parent_id"] = p2
    f.write_text(json.dumps(env), encoding="utf-8")
    assert run(backend, "import-upload", str(f), monkeypatch=monkeypatch)[0] in (
        cli.REFUSED_EXIT["bad_checksum"], cli.REFUSED_EXIT["bad_signature"])
    env = _sign(upload2, key, device_id)
    env["sha256"] = env["sha256"][::-1]
    f.write_text(json.dumps(env), encoding="utf-8")
    assert run(backend, "import-upload", str(f), monkeypatch=monkeypatch)[0] == \
        cli.REFUSED_EXIT["bad_checksum"]
