"""The sign-in sheet (PDF) and roster exports (CSV, XLSX), and ``starkiosk export``."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import unicodedata
from datetime import timedelta

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


def pdf_text(path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    # Some CJK fonts map glyphs to compatibility code points (⼿ for 手); fold them back.
    return unicodedata.normalize("NFKC", out.stdout.decode("utf-8"))


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
        layout = _paginate(rows)
        assert layout[-1][2] and layout[-1][1] == rows
        assert sum(e - s for s, e, _ in layout) == rows


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
