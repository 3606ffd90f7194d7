"""``credit-api devices``: enrolment codes with the QR code and sheet the kiosk's first-run
screen scans, the device list (last seen, pending reported by the kiosk, revocations) and
revoking a kiosk — on SQLite and PostgreSQL, against the real HTTP app.  And the enrolment
limits shared by two real ``credit-api serve`` processes."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from credit_api import cli
from credit_api import db as t
from credit_api import service as svc
from credit_api.db import make_engine, migrate, now_utc
from credit_api.service.devices import list_devices
from kiosk.ui.screens.first_run import parse_enrol_qr
from sync.protocol import Venue

from .conftest import World, free_port, fresh_address, fresh_id, post_from


def run(world: World, *argv: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``credit-api ARGV --db URL`` in this process; (status, stdout, stderr)."""
    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(world.backend.data_dir))
    capsys.readouterr()
    out = io.StringIO()
    code = cli.main([*argv, "--db", world.backend.url], out=out)
    return code, out.getvalue(), capsys.readouterr().err


def decode_qr(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(np.asarray(image.convert("L")))]


def codes_of(world: World) -> int:
    with world.engine.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(t.enrolment_codes).where(
            t.enrolment_codes.c.venue_id == world.venue_id)).scalar_one())


def device_id(api: Any) -> int:
    return int(api.get("/v1/device").json()["device_id"])


# -- enrol-code ---------------------------------------------------------------------------------


def test_enrol_code_png_is_scanned_by_the_first_run_screen_and_enrols(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "qr" / "enrol.png"
    status, out, err = run(world, "devices", "enrol-code", "--venue", str(world.venue_id),
                           "--api-url", world.url + "/", "--png", str(png), "--json",
                           monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0, err
    data = json.loads(out)
    texts = decode_qr(Image.open(png))
    assert texts == [data["qr_text"]]
    assert texts[0].startswith("starkiosk:enrol?")
    assert parse_enrol_qr(texts[0]) == (world.url, data["code"])  # the trailing / dropped
    api, code = parse_enrol_qr(texts[0]) or ("", "")
    r = requests.post(api + "/v1/enrol", json={"code": code, "device_name": "前台终端"},
                      timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["venue"]["id"] == world.venue_id


def _pdftotext(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60)
    if "language pack" in done.stderr or "CMap" in done.stderr:
        # STSong-Light is not embedded: poppler maps its characters with poppler-data
        message = "pdftotext needs poppler-data to read Chinese from the sheet"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                    reason="needs poppler-utils (scripts/test installs it)")
def test_enrol_sheet_pdf_has_the_venue_code_expiry_steps_and_a_scannable_qr(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "sheet.pdf"
    status, out, err = run(world, "devices", "enrol-code", "--venue", str(world.venue_id),
                           "--hours", "5", "--api-url", world.url, "--pdf", str(pdf), "--json",
                           monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0, err
    data = json.loads(out)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = _pdftotext(pdf)
    assert data["code"] in text
    assert "测试社区学校" in text  # the venue's name
    local = datetime.fromisoformat(data["expires_local"])
    assert data["timezone"] == "Asia/Shanghai" and local.utcoffset() is not None
    assert f"{local:%Y-%m-%d %H:%M}" in text
    expires = datetime.fromisoformat(data["expires_at"])
    assert 4.9 * 3600 < (expires - world.now()).total_seconds() <= 5 * 3600
    for step in ("1.", "打开签到终端", "首次设置", "扫描本页的二维码", "平台地址", "注册成功"):
        assert step in text
    # the printed QR code scans as the same enrolment
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    texts = decode_qr(Image.open(tmp_path / "page.png"))
    assert [parse_enrol_qr(x) for x in texts] == [(world.url, data["code"])]


def test_enrol_code_qr_needs_an_api_url_and_makes_no_code_without_one(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = codes_of(world)
    png, pdf = tmp_path / "a.png", tmp_path / "a.pdf"
    status, out, err = run(world, "devices", "enrol-code", "--venue", str(world.venue_id),
                           "--png", str(png), "--pdf", str(pdf),
                           monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1 and out == ""
    assert "needs --api-url" in err and "no code was made" in err
    status, _, err = run(world, "devices", "enrol-code", "--venue", str(world.venue_id),
                         "--api-url", "http://credits.example.gov.cn", "--png", str(png),
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1 and "https://" in err  # the kiosk would refuse plain http off loopback
    status, _, err = run(world, "devices", "enrol-code", "--venue", str(world.venue_id),
                         "--hours", "1000", monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1 and "--hours" in err
    status, _, err = run(world, "devices", "enrol-code", "--venue", str(world.venue_id),
                         "--api-url", world.url, "--png", str(tmp_path),  # a folder
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1 and "cannot write" in err and "no code was made" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no half-written file left
    assert not png.exists() and not pdf.exists()
    assert codes_of(world) == before


def test_top_level_enrol_code_is_an_alias(world: World, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(world, "enrol-code", "--venue", str(world.venue_id),
                           monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0 and len(out.strip()) == 14  # just the code, as before
    assert "--api-url" in err  # how to get a QR code
    png = tmp_path / "alias.png"
    status, out, _ = run(world, "enrol-code", "--venue", str(world.venue_id), "--api-url",
                         world.url, "--png", str(png), monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0 and parse_enrol_qr(decode_qr(Image.open(png))[0]) == (world.url,
                                                                              out.strip())


# -- list -------------------------------------------------------------------------------------


def test_list_shows_last_seen_the_pending_count_reported_and_revocations(
        world: World, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    front, back = world.device("前台终端"), world.device("后门终端")
    front_id, back_id = device_id(front), device_id(back)

    def listed() -> dict[int, dict[str, Any]]:
        status, out, err = run(world, "devices", "list", "--venue", str(world.venue_id),
                               "--json", monkeypatch=monkeypatch, capsys=capsys)
        assert status == 0, err
        return {d["id"]: d for d in map(json.loads, out.splitlines())}

    assert front.get("/v1/sessions", headers={"X-Starkiosk-Pending": "7"}).status_code == 200
    devices = listed()
    assert set(devices) == {front_id, back_id}
    assert devices[front_id]["name"] == "前台终端"
    assert devices[front_id]["venue_id"] == world.venue_id
    assert devices[front_id]["venue_name"] == "测试社区学校"
    assert devices[front_id]["pending_reported"] == 7
    assert devices[front_id]["last_seen_at"] and devices[front_id]["pending_reported_at"]
    assert devices[back_id]["pending_reported"] is None  # it never said
    assert devices[back_id]["last_seen_at"]  # device_id() asked who it is
    assert not devices[front_id]["revoked"] and devices[front_id]["revoked_at"] is None

    # a new count is kept at once; a bad header is ignored, never refused
    assert front.get("/v1/device", headers={"X-Starkiosk-Pending": "0"}).status_code == 200
    assert listed()[front_id]["pending_reported"] == 0
    for bad in ("-1", "many", "99999999999", "²", ""):
        r = front.get("/v1/device", headers={"X-Starkiosk-Pending": bad})
        assert r.status_code == 200, (bad, r.text)
    assert listed()[front_id]["pending_reported"] == 0

    status, _, err = run(world, "devices", "revoke", str(back_id), "--reason", "笔记本被盗",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0, err
    devices = listed()
    assert devices[back_id]["revoked"] and devices[back_id]["revoked_at"]
    assert devices[back_id]["revoked_reason"] == "笔记本被盗"
    assert not devices[front_id]["revoked"]

    status, out, _ = run(world, "devices", "list", "--venue", str(world.venue_id),
                         monkeypatch=monkeypatch, capsys=capsys)
    lines = out.splitlines()
    assert status == 0 and len(lines) == 2
    front_line = next(x for x in lines if f"device {front_id} " in x)
    back_line = next(x for x in lines if f"device {back_id} " in x)
    assert "前台终端" in front_line and "测试社区学校" in front_line
    assert "pending 0 (reported" in front_line and front_line.endswith("; active")
    assert "pending -" in back_line and "REVOKED" in back_line and "笔记本被盗" in back_line

    empty = fresh_id()
    with world.engine.begin() as conn:
        svc.put_venue(conn, Venue(id=empty, name="空场地", kind="街道社区学校"))
    status, out, _ = run(world, "devices", "list", "--venue", str(empty),
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0 and out == f"no kiosk is enrolled at venue {empty}\n"
    status, _, err = run(world, "devices", "list", "--venue", str(fresh_id()),
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1 and "venue" in err


# -- revoke -----------------------------------------------------------------------------------


def test_revoke_refuses_the_kiosks_next_request_over_http(
        world: World, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    api = world.device("被盗的笔记本")
    dev = device_id(api)
    assert api.get("/v1/sessions").status_code == 200
    status, out, err = run(world, "devices", "revoke", str(dev), "--reason", "laptop stolen",
                           monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0, err
    assert f"device {dev} " in out and "revoked at" in out and "laptop stolen" in out
    assert "403 device_revoked" in out
    for path in ("/v1/sessions", "/v1/device"):
        r = api.get(path)
        assert r.status_code == 403 and r.json()["error"] == "device_revoked", r.text
    r = api.post("/v1/records", {"records": []})
    assert r.status_code == 403 and r.json()["error"] == "device_revoked"

    # again: nothing changes, the first reason is kept
    status, out, _ = run(world, "devices", "revoke", str(dev), "--reason", "another", "--json",
                         monkeypatch=monkeypatch, capsys=capsys)
    answer = json.loads(out)
    assert status == 0 and answer["already"] is True and answer["reason"] == "laptop stolen"

    # the old command stays, as an alias (same output), and takes a reason too
    other = world.device("旧终端")
    other_id = device_id(other)
    status, out, _ = run(world, "revoke-device", "--device", str(other_id), "--reason", "换新",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 0 and json.loads(out) == {"device_id": other_id, "revoked": True,
                                               "already": False}
    assert other.get("/v1/device").json()["error"] == "device_revoked"
    with world.engine.begin() as conn:
        assert list_devices(conn, device_id=other_id)[0]["revoked_reason"] == "换新"

    status, _, err = run(world, "devices", "revoke", str(fresh_id()), "--reason", "x",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1 and "there is no device" in err
    status, _, err = run(world, "devices", "revoke", str(dev), "--reason", "  ",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1 and "--reason" in err


# -- enrolment limits across two real server processes ------------------------------------------


def _serve(db_url: str, data_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``credit-api serve`` on 127.0.0.1 with 3 failed enrolments allowed per 10 minutes;
    returns once it answers (at most 30 s)."""
    port = free_port()
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "credit_api", "serve", "--db", db_url, "--host", "127.0.0.1",
             "--port", str(port), "--enrol-attempts", "3", "--enrol-window", "600",
             "--log-level", "warning"],
            stdout=sink, stderr=subprocess.STDOUT,
            env={**os.environ, "STARKIOSK_CREDIT_DATA_DIR": str(data_dir)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"credit-api serve exited: {log.read_text(errors='replace')}")
        try:
            if requests.get(url + "/v1/device", timeout=2).status_code == 401:
                return proc, url
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"credit-api serve did not answer: {log.read_text()}")
        time.sleep(0.1)


def test_enrolment_limits_hold_across_two_serve_processes(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'credit.sqlite3'}"
    engine = make_engine(db_url)
    venue_id = fresh_id()
    try:
        migrate(engine)  # before the servers start: they need not race to migrate
        with engine.begin() as conn:
            svc.put_venue(conn, Venue(id=venue_id, name="两进程测试场地", kind="街道社区学校"))
            good = [svc.new_enrolment_code(conn, venue_id, now_utc())[0] for _ in range(2)]
    finally:
        engine.dispose()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        first, url_a = _serve(db_url, tmp_path / "data", tmp_path / "a.log")
        procs.append(first)
        second, url_b = _serve(db_url, tmp_path / "data", tmp_path / "b.log")
        procs.append(second)
        address = fresh_address()
        for _ in range(3):  # three wrong codes, all to the first server
            status, body, _ = post_from(address, url_a, "/v1/enrol",
                                        {"code": f"WRONG-{fresh_id()}", "device_name": "x"})
            assert status == 403 and body["error"] == "bad_code", body
        # the second server counts them: the same address is limited there, even with a good code
        status, body, headers = post_from(address, url_b, "/v1/enrol",
                                          {"code": good[0], "device_name": "x"})
        assert status == 429 and body["error"] == "rate_limited", body
        assert 1 <= int(headers["Retry-After"]) <= 600
        # another address is not
        status, body, _ = post_from(fresh_address(), url_b, "/v1/enrol",
                                    {"code": good[1], "device_name": "x"})
        assert status == 200 and body["venue"]["id"] == venue_id, body
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
