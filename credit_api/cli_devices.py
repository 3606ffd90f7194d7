"""``credit-api devices …``: a kiosk's life on the platform, for the platform admin.

* ``enrol-code`` — a one-time code for one kiosk of a venue, and with ``--api-url`` the QR
  code the kiosk's first-run screen scans (``starkiosk:enrol?api=<address>&code=<code>``) as
  a PNG and/or a printable A4 sheet for the site admin (Chinese, with the steps to follow);
* ``list`` — every kiosk with when it was enrolled and last seen, the records it last said
  were waiting (``X-Starkiosk-Pending``), and whether, when and why it was revoked;
* ``revoke`` — a lost or stolen kiosk: its next request gets 403 ``device_revoked`` and its
  USB files are refused.

The top-level ``enrol-code`` and ``revoke-device`` commands stay as aliases.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from credit_api import service as svc
from credit_api.cli_support import CliError, emit
from credit_api.cli_support import engine as open_engine
from credit_api.db import now_utc
from credit_api.service.devices import list_devices
from sync import qr_image
from sync.addresses import is_loopback_host

#: The scheme and path the kiosk's first-run screen recognises (kiosk.ui.screens.first_run).
ENROL_QR_PREFIX = "starkiosk:enrol?"
#: A code may be made valid this long at most: the 60-bit argument in docs/credit-api.md
#: assumes codes do not live for months.
MAX_CODE_HOURS = 7 * 24
REASON_MAX = 500
PDF_FONT = "STSong-Light"  # Adobe's CID font every PDF reader has: no font file to ship

AddDb = Callable[[argparse.ArgumentParser], None]


# -- Parsers ------------------------------------------------------------------------------------


def add_commands(sub: Any, add_db: AddDb) -> None:
    """The ``devices`` group on ``sub`` (the top-level sub-parsers); ``add_db`` adds ``--db``
    to each action, so it can follow the action's name like every other option."""
    text = "kiosks: enrolment codes and QR sheets, the list, revoking"
    group = sub.add_parser("devices", help=text, description=text)
    actions = group.add_subparsers(dest="devices_cmd", required=True, metavar="ACTION")

    s = actions.add_parser("enrol-code", help="a one-time enrolment code, its QR code and "
                           "printable sheet", description=ENROL_CODE_HELP)
    add_db(s)
    add_enrol_code_options(s)

    s = actions.add_parser("list", help="every kiosk: enrolled, last seen, pending, revoked",
                           description="Every kiosk (of one venue), oldest first. Times are in "
                           "each venue's time zone; `pending` is what the kiosk last reported "
                           "(`-` when it never did).")
    add_db(s)
    s.add_argument("--venue", type=int, metavar="V", help="only this venue's kiosks")
    s.add_argument("--json", action="store_true", help="one JSON object per line")

    s = actions.add_parser("revoke", help="revoke a kiosk (lost, stolen, replaced)",
                           description="Revoke a kiosk: its next request is answered 403 "
                           "`device_revoked` and its USB files are refused. The reason is kept "
                           "and shown by `devices list`.")
    add_db(s)
    s.add_argument("device", type=int, metavar="ID", help="the device id (`devices list`)")
    s.add_argument("--reason", required=True, metavar="TEXT",
                   help="why, e.g. 'laptop stolen 2026-12-04' (kept for the record)")
    s.add_argument("--json", action="store_true")


ENROL_CODE_HELP = (
    "A one-time code that enrols one kiosk at venue V. With --api-url (the platform address "
    "the kiosk should use) it also writes the QR code the kiosk's first-run screen scans "
    "(--png) and a printable A4 sheet with the steps for the site admin (--pdf).")


def add_enrol_code_options(s: argparse.ArgumentParser) -> None:
    """``enrol-code``'s options: shared by ``devices enrol-code`` and its top-level alias."""
    s.add_argument("--venue", type=int, required=True, metavar="V")
    s.add_argument("--hours", type=int, metavar="H", help="valid H hours (default: the "
                   f"setting enrol_code_hours, 48; at most {MAX_CODE_HOURS})")
    s.add_argument("--api-url", metavar="URL", help="the platform address the kiosk should "
                   "use, e.g. https://credits.example.gov.cn (needed for --png and --pdf)")
    s.add_argument("--png", type=Path, metavar="FILE", help="write the enrolment QR code")
    s.add_argument("--pdf", type=Path, metavar="FILE",
                   help="write a printable A4 sheet: venue, QR code, code, expiry, steps")
    s.add_argument("--json", action="store_true")


# -- enrol-code ---------------------------------------------------------------------------------


def enrol_qr_text(api_url: str, code: str) -> str:
    """What the enrolment QR code holds: ``starkiosk:enrol?api=<address>&code=<code>``."""
    return ENROL_QR_PREFIX + urlencode({"api": api_url, "code": code})


def check_api_url(url: str) -> str:
    """The address as the kiosk will use it; refused the way the kiosk would refuse it (it
    only takes plain http:// on its own computer: the device token would cross the network in
    clear text)."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"--api-url must be the platform's address, like "
                       f"https://credits.example.gov.cn (got {url!r})")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise CliError("--api-url must be an https:// address: the kiosk refuses plain http:// "
                       "except on its own computer (127.0.0.1, localhost)")
    return url


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("Asia/Shanghai")


def cmd_enrol_code(args: argparse.Namespace, out: TextIO) -> None:
    hours = args.hours
    if hours is not None and not 1 <= hours <= MAX_CODE_HOURS:
        raise CliError(f"--hours must be between 1 and {MAX_CODE_HOURS}")
    api_url = check_api_url(args.api_url) if args.api_url else None
    if api_url is None and (args.png or args.pdf):
        raise CliError("the QR code needs --api-url: the address the kiosk should use to reach "
                       "this platform, e.g. --api-url https://credits.example.gov.cn; no code "
                       "was made")
    with open_engine(args).begin() as conn:
        code, expires = svc.new_enrolment_code(conn, args.venue, now_utc(), hours=hours)
        place = svc.venue(conn, args.venue)
        local = expires.astimezone(_zone(place.timezone))
        qr = enrol_qr_text(api_url, code) if api_url else None
        # written inside the transaction: a file that cannot be written leaves no code behind
        try:
            if qr and args.png:
                write_qr_png(qr, args.png)
            if qr and args.pdf:
                write_enrol_sheet(args.pdf, venue_name=place.name, venue_id=place.id,
                                  code=code, api_url=str(api_url), qr_text=qr,
                                  expires_local=local, zone=place.timezone)
        except OSError as exc:
            raise CliError(f"cannot write {exc.filename or 'the file'}: "
                           f"{exc.strerror or exc}; no code was made") from exc
    if args.json:
        emit(out, {"code": code, "venue": args.venue, "venue_name": place.name,
                   "expires_at": expires.isoformat(), "expires_local": local.isoformat(),
                   "timezone": place.timezone, "api_url": api_url, "qr_text": qr,
                   "png": str(args.png) if args.png else None,
                   "pdf": str(args.pdf) if args.pdf else None})
        return
    out.write(f"{code}\n")
    print(f"one-time code for venue {place.id} {place.name}: enrols one kiosk, valid until "
          f"{local:%Y-%m-%d %H:%M} ({place.timezone})", file=sys.stderr)
    for label, path in (("QR code", args.png), ("printable sheet", args.pdf)):
        if path:
            print(f"{label}: {path}", file=sys.stderr)
    if qr is None:
        print("for a QR code the kiosk can scan, add --api-url URL and --png FILE or --pdf FILE",
              file=sys.stderr)


def _qr_matrix(text: str) -> list[list[bool]]:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def write_qr_png(text: str, path: Path, box: int = 8, *, caption: str | None = None) -> None:
    """``text`` as a QR code PNG (error correction M, the 4-module quiet zone), written whole
    or not at all; ``caption`` under it (a parent's number as printed)."""
    qr_image.write_qr_png(text, path, caption=caption, box=box)


# -- The printable sheet ------------------------------------------------------------------------


def _steps(api_url: str) -> list[str]:
    return [
        "打开签到终端。首次使用时，屏幕显示“欢迎使用星级家长签到终端”（首次设置）。",
        "用扫码枪扫描本页的二维码：终端自动填好平台地址和注册码，并开始注册。",
        f"无法扫码时，在“平台地址”一栏输入 {api_url} ，在“注册码”一栏输入上面的注册码"
        "（不分大小写，短横线可省略），再点“注册本终端”。",
        "屏幕显示“注册成功”后，终端会自动下载本场地的课程，即可开始签到。",
        "注册码只能注册一台终端，过期作废。提示注册码无效、已使用或已过期时，请向平台管理员申请"
        "新的注册码。",
        "注册完成后请销毁本页：在有效期内，持有本页的人可以注册终端。",
    ]


def _cid_font() -> str:
    """Register :data:`PDF_FONT` once: a CID font readers bring themselves (not embedded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``; Chinese breaks between any two characters."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return [*lines, line] if line else lines


def write_enrol_sheet(path: Path, *, venue_name: str, venue_id: int, code: str, api_url: str,
                      qr_text: str, expires_local: datetime, zone: str) -> None:
    """The A4 page a site admin prints or opens beside the kiosk: the venue, the QR code
    (drawn as vectors: sharp on any printer), the code in large type, its expiry in the
    venue's time zone and the steps, all in Chinese."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfgen import canvas
    except ImportError:
        raise CliError("--pdf needs reportlab: pip install 'starkiosk[server]'") from None
    font = _cid_font()
    page_w, page_h = A4
    margin = 56.0
    width = page_w - 2 * margin
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    c = canvas.Canvas(str(tmp), pagesize=A4, pageCompression=1)
    c.setTitle(f"终端注册单 {venue_name}")
    c.setAuthor("Star Parent credit API")
    y = page_h - margin - 20
    c.setFont(font, 20)
    c.drawString(margin, y, "星级家长签到终端　终端注册单")
    y -= 40
    size = 26.0
    while size > 12 and stringWidth(venue_name, font, size) > width:
        size -= 1
    c.setFont(font, size)
    c.drawString(margin, y, venue_name)
    y -= 22
    c.setFont(font, 11)
    c.drawString(margin, y, f"场地编号 {venue_id}，本页注册码只能注册一台终端")
    # the QR code, centred
    matrix = _qr_matrix(qr_text)
    side = 220.0
    module = side / len(matrix)
    left, top = (page_w - side) / 2, y - 16
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            c.rect(left + start * module, top - (r + 1) * module, (col - start) * module,
                   module, stroke=0, fill=1)
    y = top - side - 40
    c.setFont(font, 14)
    c.drawCentredString(page_w / 2, y + 8, "注册码")
    c.setFont("Courier-Bold", 36)
    c.drawCentredString(page_w / 2, y - 30, code)
    y -= 62
    c.setFont(font, 12)
    c.drawCentredString(page_w / 2, y, f"有效期至 {expires_local:%Y-%m-%d %H:%M}（{zone} 时间）")
    y -= 20
    url_size = 12.0
    while url_size > 7 and stringWidth("平台地址 " + api_url, font, url_size) > width:
        url_size -= 0.5
    c.setFont(font, url_size)
    c.drawCentredString(page_w / 2, y, "平台地址 " + api_url)
    y -= 34
    c.setFont(font, 14)
    c.drawString(margin, y, "站点管理员操作步骤")
    y -= 22
    c.setFont(font, 11.5)
    for n, step in enumerate(_steps(api_url), start=1):
        for i, line in enumerate(_wrap(step, font, 11.5, width - 20)):
            if i == 0:
                c.drawString(margin, y, f"{n}.")
            c.drawString(margin + 20, y, line)
            y -= 17
        y -= 4
    c.setFont(font, 9)
    footer = _wrap("终端丢失或被盗时，请平台管理员运行 credit-api devices revoke <终端编号> "
                   "--reason <原因> 停用它；终端随后显示“终端已停用”，不再同步。", font, 9, width)
    for i, line in enumerate(footer):
        c.drawString(margin, margin - 10 - 12 * i, line)
    c.showPage()
    try:
        c.save()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# -- list and revoke ----------------------------------------------------------------------------


def _when(at: datetime | None, zone: str) -> str:
    return "never" if at is None else f"{at.astimezone(_zone(zone)):%Y-%m-%d %H:%M}"


def cmd_list(args: argparse.Namespace, out: TextIO) -> None:
    with open_engine(args).begin() as conn:
        devices = list_devices(conn, args.venue)
    for d in devices:
        if args.json:
            emit(out, {**{k: v for k, v in d.items() if k != "timezone"},
                       **{k: d[k].isoformat() for k in ("enrolled_at", "last_seen_at",
                                                        "pending_reported_at", "revoked_at")
                          if d[k] is not None},
                       "revoked": d["revoked_at"] is not None})
            continue
        zone = d["timezone"]
        pending = "-" if d["pending_reported"] is None else (
            f"{d['pending_reported']} (reported {_when(d['pending_reported_at'], zone)})")
        state = "active" if d["revoked_at"] is None else (
            f"REVOKED {_when(d['revoked_at'], zone)}: {d['revoked_reason'] or 'no reason given'}")
        out.write(f"device {d['id']} \"{d['name']}\" at venue {d['venue_id']} "
                  f"{d['venue_name']}: enrolled {_when(d['enrolled_at'], zone)}, last seen "
                  f"{_when(d['last_seen_at'], zone)}, pending {pending}; {state}\n")
    if not devices and not args.json:
        where = f" at venue {args.venue}" if args.venue is not None else ""
        out.write(f"no kiosk is enrolled{where}\n")


def cmd_revoke(args: argparse.Namespace, out: TextIO) -> None:
    reason = args.reason.strip()
    if not reason:
        raise CliError("--reason must say why (it is kept and shown by `devices list`)")
    if len(reason) > REASON_MAX:
        raise CliError(f"--reason is limited to {REASON_MAX} characters")
    with open_engine(args).begin() as conn:
        fresh = svc.revoke_device(conn, args.device, now_utc(), reason=reason)
        d = list_devices(conn, device_id=args.device)[0]
    if args.json:
        emit(out, {"device_id": d["id"], "revoked": True, "already": not fresh,
                   "revoked_at": d["revoked_at"].isoformat(), "reason": d["revoked_reason"],
                   "name": d["name"], "venue": d["venue_id"]})
        return
    who = f"device {d['id']} \"{d['name']}\" (venue {d['venue_id']} {d['venue_name']})"
    when = f"{_when(d['revoked_at'], d['timezone'])} ({d['timezone']})"
    if not fresh:
        out.write(f"{who} was already revoked at {when}: {d['revoked_reason'] or 'no reason'}; "
                  "nothing changed\n")
        return
    out.write(f"{who} revoked at {when}: {reason}\n"
              "its next request is refused (403 device_revoked), its USB files too; the kiosk "
              "shows 终端已停用 and stops syncing. Enrol a replacement with "
              f"`credit-api devices enrol-code --venue {d['venue_id']}`.\n")


HANDLERS = {"enrol-code": cmd_enrol_code, "list": cmd_list, "revoke": cmd_revoke}


def run(args: argparse.Namespace, out: TextIO) -> None:
    """``credit-api devices ACTION``."""
    HANDLERS[args.devices_cmd](args, out)
