"""The sign-in sheet (PDF) and roster exports (CSV, XLSX), and ``starkiosk export``."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import time
from datetime import datetime, timedelta

import pytest

from kiosk import reports as exports
from kiosk.cli import main
from kiosk.core.closeout import Addition, Removal, close_out
from kiosk.core.desk import CheckinDesk
from kiosk.operations.roster import ROSTER_HEADERS
from kiosk.reports.pdf import _paginate
from sync.demo import make_bundle
from sync.passes import Role
from tests.conftest import NOW


@pytest.fixture
def sid(demo):
    return demo[1]["open_session"]


@pytest.fixture
def attended(ui_store, sid, demo, signing_key, clock):
    desk = CheckinDesk(ui_store, clock)
    ids = demo[1]["parents"][:5]
    for pid in ids:
        text, _ = signing_key.issue(pid, valid_from=NOW - timedelta(days=1))
        desk.scan(text, sid, "scanner")
        clock.advance(minutes=5)
    return ids


def pdf_page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def pdf_text(path, *, layout: bool = True) -> str | None:
    """The PDF's text layer as a reader extracts it, as it is: no folding of look-alikes."""
    if not shutil.which("pdftotext"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pdftotext (poppler-utils) is missing: scripts/test installs it")
        return None
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def test_pdf_sign_in_sheet(qapp, ui_store, sid, attended, tmp_path):
    path = tmp_path / "sheet.pdf"
    pages = exports.write_signin_pdf(ui_store, sid, path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert pages == exports.pdf_pages(len(ui_store.roster(sid))) == pdf_page_count(data)
    assert not (tmp_path / "sheet.pdf.tmp").exists()
    text = pdf_text(path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) not installed: text not checked")
    roster = ui_store.roster(sid)
    for r in roster[:3]:
        assert r["phone_last4"] in text  # digits render in any font
    if exports.cjk_font_family():
        for r in roster[:3]:
            assert r["masked_name"] in text
        assert "培训师签名" in text and "站点管理员签名" in text
        assert re.search(r"第\s*1\s*/\s*\d", text)


def test_pdf_paginates_a_big_class(qapp, tmp_path, signing_key):
    from kiosk.core.store import Store

    bundle, summary = make_bundle([signing_key.trust_key()], now=NOW, parents=300)
    with Store(tmp_path / "big.db") as store:
        store.import_bundle(bundle)
        sid = summary["open_session"]
        pages = exports.write_signin_pdf(store, sid, tmp_path / "big.pdf", lang="en")
    assert pages == exports.pdf_pages(300) >= 8
    assert pdf_page_count((tmp_path / "big.pdf").read_bytes()) == pages
    # The signature block always has room: it gets its own page when the table fills the last one.
    for rows in range(1, 120):
        layout = _paginate([7.5] * rows)
        assert layout[-1][2] and layout[-1][1] == rows
        assert sum(e - s for s, e, _ in layout) == rows
    # Rows that wrap onto more lines take more room: fewer of them per page.
    assert len(_paginate([15.0] * 60)) > len(_paginate([7.5] * 60))


def test_csv_has_a_bom_and_shows_corrections(ui_store, sid, attended, signing_key, demo, clock,
                                             tmp_path):
    session = ui_store.session(sid)
    checkin = next(r for r in ui_store.records(sid) if r["parent_id"] == attended[0])
    absent = next(p for p in demo[1]["parents"] if p not in attended)
    tpass, _ = signing_key.issue(session.trainer_id, role=Role.TRAINER,
                                 valid_from=NOW - timedelta(days=1))
    close_out(ui_store, sid, tpass, removals=[Removal(checkin["id"], "扫错了人")],
              additions=[Addition(absent, "忘带手机")], clock=clock)
    path = tmp_path / "roster.csv"
    n = exports.write_csv(ui_store, sid, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ROSTER_HEADERS["zh"] and len(rows) == n + 1
    status = {int(r[1]): r[8] for r in rows[1:]}
    assert status[attended[0]] == "已移除（扫错了人）"
    assert status[absent] == "补录（忘带手机）"
    assert all("*" in r[2] for r in rows[1:])
    assert all(len(r[3]) in (0, 4) for r in rows[1:])  # phone last 4 only


def test_xlsx_reads_back_with_openpyxl(ui_store, sid, attended, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "roster.xlsx"
    n = exports.write_xlsx(ui_store, sid, path)
    ws = load_workbook(path).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if r[0] == "序号")
    table = values[header_at + 1: header_at + 1 + n]
    assert len(table) == n == len(ui_store.roster(sid))
    assert sum(1 for r in table if r[8] in ("已签到", "迟到")) == len(attended)
    assert values[0][0] == "星级家长执照 · 线下课程签到表"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_cli_export_formats(qapp, ui_config, ui_store, sid, attended, tmp_path, fmt):
    out = io.StringIO()
    target = tmp_path / f"out.{fmt}"
    code = main(["--data-dir", str(ui_config.data_dir), "export", "--session", str(sid),
                 "--format", fmt, "--out", str(target)], stdout=out)
    assert code == 0
    report = json.loads(out.getvalue())
    assert report["rows"] == len(ui_store.roster(sid)) and target.exists()
    if fmt == "pdf":
        assert report["pages"] == pdf_page_count(target.read_bytes())


# -- the sign-in sheet's text layer, columns and times; typed XLSX cells -------------------


CHECKOUT_VENUE = 102  # its open class takes check-outs (demo_programme.json)


@pytest.fixture
def checkout_class(tmp_path, signing_key):
    """A class that takes check-outs: three parents check in (14:00, 14:03, 14:06 venue time),
    the first two check out 30 minutes later (14:36, 14:37)."""
    from kiosk.core.clock import FixedClock
    from kiosk.core.store import Store

    bundle, summary = make_bundle([signing_key.trust_key()], now=NOW, parents=12,
                                  venue_id=CHECKOUT_VENUE)
    store = Store(tmp_path / "checkout.db")
    store.import_bundle(bundle)
    sid = summary["open_session"]
    assert store.session(sid).checkout_required
    clock = FixedClock(NOW)
    desk = CheckinDesk(store, clock)
    ids = summary["parents"][:3]
    for pid in ids:
        desk.scan(signing_key.issue(pid, valid_from=NOW - timedelta(days=1))[0], sid, "scanner")
        clock.advance(minutes=3)
    clock.advance(minutes=27)
    for pid in ids[:2]:
        desk.scan(signing_key.issue(pid, valid_from=NOW - timedelta(days=1))[0], sid, "scanner")
        clock.advance(minutes=1)
    yield store, sid, ids
    store.close()


@pytest.fixture
def pc_in_utc(monkeypatch):
    """This process's own time zone is UTC; the demo venue's is Asia/Shanghai (UTC+8)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _masked(store, sid, pid):
    return next(r["masked_name"] for r in store.roster(sid) if r["parent_id"] == pid)


def test_pdf_text_layer_uses_real_chinese_code_points(qapp, ui_store, sid, attended, tmp_path):
    if not exports.cjk_font_family():
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    path = tmp_path / "sheet.pdf"
    exports.write_signin_pdf(ui_store, sid, path)
    text = pdf_text(path, layout=False)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    # Searching the PDF as a reader does: 人 (not the Kangxi radical ⼈ U+2F08), 签到, the
    # masked names, the class title.
    assert "人" in text and "⼈" not in text
    assert "签到" in text and "家长" in text and "手机尾号" in text
    assert not any(0x2E80 <= ord(c) <= 0x2FDF for c in text), "radical look-alikes in the PDF"
    for pid in attended:
        assert _masked(ui_store, sid, pid) in text
    assert ui_store.session(sid).title in text


def test_pdf_sheet_shows_check_outs_in_venue_time(qapp, checkout_class, pc_in_utc, tmp_path):
    store, sid, ids = checkout_class
    path = tmp_path / "checkout.pdf"
    exports.write_signin_pdf(store, sid, path)
    text = pdf_text(path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    assert "签退时间" in text
    lines = {pid: next(line for line in text.splitlines() if _masked(store, sid, pid) in line)
             for pid in ids}
    # Venue time (Asia/Shanghai), not this process's UTC: 14:00, not 06:00.
    assert re.search(r"14:00\s+14:36", lines[ids[0]]), lines[ids[0]]
    assert re.search(r"14:03\s+14:37", lines[ids[1]]), lines[ids[1]]
    assert "14:06" in lines[ids[2]] and not re.search(r"14:06\s+\d\d:\d\d", lines[ids[2]])
    assert "06:00" not in text


def test_pdf_sheet_leaves_out_check_out_for_a_class_without(qapp, ui_store, sid, attended,
                                                            tmp_path):
    assert not ui_store.session(sid).checkout_required
    path = tmp_path / "sheet.pdf"
    exports.write_signin_pdf(ui_store, sid, path)
    text = pdf_text(path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    assert "签到时间" in text and "签退时间" not in text


def test_pdf_sheet_wraps_long_status_and_repeats_the_header(qapp, signing_key, tmp_path, clock):
    from kiosk.core.store import Store

    bundle, summary = make_bundle([signing_key.trust_key()], now=NOW, parents=60)
    reason = "这位家长替邻居扫了码本人并未到场参加本次课程培训师核对签名后移除"
    with Store(tmp_path / "long.db") as store:
        store.import_bundle(bundle)
        sid = summary["open_session"]
        desk = CheckinDesk(store, clock)
        first = summary["parents"][0]
        desk.scan(signing_key.issue(first, valid_from=NOW - timedelta(days=1))[0], sid, "scanner")
        checkin = next(r for r in store.records(sid) if r["parent_id"] == first)
        tpass, _ = signing_key.issue(store.session(sid).trainer_id, role=Role.TRAINER,
                                     valid_from=NOW - timedelta(days=1))
        close_out(store, sid, tpass, removals=[Removal(checkin["id"], reason)], clock=clock)
        for lang in ("zh", "en"):
            path = tmp_path / f"long-{lang}.pdf"
            pages = exports.write_signin_pdf(store, sid, path, lang=lang)
            text = pdf_text(path, layout=False)
            if text is None:
                pytest.skip("pdftotext (poppler-utils) not installed")
            flat = re.sub(r"\s+", "", text)
            assert reason in flat, f"the status column is cut ({lang})"  # wrapped, not elided
            assert "…" not in text
            header = "状态" if lang == "zh" else "Status"
            assert pages >= 2 and text.count(header) == pages  # the header on every page


def test_xlsx_numbers_and_times_are_typed_in_venue_time(checkout_class, pc_in_utc, tmp_path):
    from openpyxl import load_workbook

    store, sid, ids = checkout_class
    path = tmp_path / "roster.xlsx"
    n = exports.write_xlsx(store, sid, path)
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    facts = {r[0]: r[1] for r in rows[1:15] if r[0]}
    session = store.session(sid)
    assert facts["阶段"] == session.stage and isinstance(facts["阶段"], int)
    assert facts["学分"] == session.credits and isinstance(facts["学分"], int)
    assert facts["签到人数"] == 3 and isinstance(facts["报名人数"], int)
    assert facts["开始"] == (session.starts_at + timedelta(hours=8)).replace(tzinfo=None)
    header_at = next(i for i, r in enumerate(rows) if r[0] == "序号")
    table = rows[header_at + 1: header_at + 1 + n]
    by_parent = {r[1]: r for r in table}
    assert all(isinstance(r[0], int) for r in table)
    assert all(isinstance(r[1], str) and isinstance(r[3], str) for r in table)  # identifiers
    first = by_parent[str(ids[0])]
    # The venue's wall clock (UTC+8), while this process runs in UTC.
    assert first[5] == datetime(2026, 11, 23, 14, 0) and first[6] == datetime(2026, 11, 23, 14, 36)
    assert by_parent[str(ids[2])][6] is None
    data_row = header_at + 2
    assert ws.cell(row=data_row, column=6).is_date
    assert ws.cell(row=data_row, column=6).number_format == "yyyy-mm-dd hh:mm"


def test_csv_times_are_venue_time(checkout_class, pc_in_utc, tmp_path):
    store, sid, ids = checkout_class
    path = tmp_path / "roster.csv"
    exports.write_csv(store, sid, path)
    rows = {r[1]: r for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))}
    assert rows[str(ids[0])][5:7] == ["14:00", "14:36"]
