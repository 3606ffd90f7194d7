"""What every export document shares: its words in both languages, the class facts above the
table, and the write-to-a-temporary-name-then-rename that keeps a half-written file from ever
looking complete."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.closeout import HELD_REASON
from kiosk.core.store import from_iso
from kiosk.operations.roster import RosterTable

# Words of the export documents (the document language is chosen per export, not by the UI).
DOC = {
    "zh": {
        "title": "星级家长执照 · 线下课程签到表",
        "venue": "场地", "class": "课程", "time": "时间", "trainer": "培训师", "room": "教室",
        "counts": "报名 {registered} 人，签到 {present} 人，临时参加 {walk_ins} 人",
        "closed": "结课：培训师已签核（{at}）",
        "held": "结课：已用本机培训师密码签核（{at}），待扫描培训师码后上报",
        "open": "结课：尚未签核",
        "stage": "第 {stage} 阶段",
        "cols": ["序号", "姓名", "手机尾号", "签到时间", "签退时间", "方式", "状态"],
        "sign_trainer": "培训师签名：", "sign_admin": "站点管理员签名：", "date": "日期：",
        "page": "第 {page} / {pages} 页", "printed": "导出时间 {at}",
        "privacy": "本表仅含脱敏姓名与手机尾号，请妥善保管。",
    },
    "en": {
        "title": "Star Parent License · Class sign-in sheet",
        "venue": "Venue", "class": "Class", "time": "Time", "trainer": "Trainer", "room": "Room",
        "counts": "{registered} registered, {present} present, {walk_ins} walk-ins",
        "closed": "Close-out: signed off by the trainer ({at})",
        "held": "Close-out: signed with this kiosk's trainer PIN ({at}); sent once a trainer pass is scanned",
        "open": "Close-out: not signed off yet",
        "stage": "stage {stage}",
        "cols": ["No.", "Name", "Phone (last 4)", "Checked in", "Checked out", "Method", "Status"],
        "sign_trainer": "Trainer's signature:", "sign_admin": "Site admin's signature:",
        "date": "Date:", "page": "Page {page} / {pages}", "printed": "Exported {at}",
        "privacy": "Masked names and phone last four digits only; keep this sheet safe.",
    },
}


def class_facts(table: RosterTable) -> list[str]:
    doc = DOC[table.lang]
    s = table.session
    start, end = s.starts_at.astimezone(table.tz), s.ends_at.astimezone(table.tz)
    lines = [
        doc["title"],
        f"{doc['venue']}：{table.venue['name'] if table.venue else '—'}",
        f"{doc['class']}：{s.title}（{s.series}，{doc['stage'].format(stage=s.stage)}）",
        f"{doc['time']}：{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
        f"{doc['trainer']}：{s.trainer_name or '—'}    {doc['room']}：{s.room or '—'}",
        doc["counts"].format(**table.counts),
    ]
    co = table.closeout
    if co is None:
        lines.append(doc["open"])
    else:
        at = f"{from_iso(co['device_time']).astimezone(table.tz):%Y-%m-%d %H:%M}"
        held = co["state"] == "parked" and co["park_reason"] == HELD_REASON
        lines.append(doc["held" if held else "closed"].format(at=at))
    return lines


def temporary_path(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(path.name + ".tmp")
