"""A class's roster: the rows ``starkiosk roster`` prints and every export and screen shows.

One table for the CSV, the XLSX, the PDF sign-in sheet and the close-out screen, so they never
disagree: the stored attendance, with the trainer's close-out corrections applied and late
arrivals marked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core.store import Store, from_iso
from kiosk.operations.common import require_session

LANGS = ("zh", "en")
LATE_AFTER = timedelta(minutes=15)
STATUS_COL = 8
METHOD_COL = 7

ROSTER_HEADERS = {
    "zh": ["序号", "家长编号", "姓名", "手机尾号", "报名", "签到时间", "签退时间", "方式", "状态", "同步"],
    "en": ["No.", "Parent ID", "Name", "Phone (last 4)", "Registered", "Checked in", "Checked out",
           "Method", "Status", "Sync"],
}
_WORDS = {
    "zh": {"yes": "是", "no": "否", "present": "已签到", "absent": "未到", "walk_in": "临时参加",
           "camera": "摄像头", "scanner": "扫码枪", "manual": "人工", "pending": "待同步",
           "acknowledged": "已同步", "parked": "被拒收"},
    "en": {"yes": "yes", "no": "no", "present": "present", "absent": "absent", "walk_in": "walk-in",
           "camera": "camera", "scanner": "scanner", "manual": "manual", "pending": "pending",
           "acknowledged": "synced", "parked": "parked"},
}
# The status words a trainer's corrections put in the table.
_CORRECTIONS = {
    "zh": {"late": "迟到", "removed": "已移除（{reason}）", "added": "补录（{reason}）"},
    "en": {"late": "late", "removed": "removed ({reason})", "added": "added ({reason})"},
}


def venue_timezone(store: Store) -> ZoneInfo:
    venue = store.venue()
    return ZoneInfo(venue["timezone"] if venue else "Asia/Shanghai")


def local_time(iso: str | None, tz: ZoneInfo) -> datetime | None:
    """A stored instant as the venue's wall-clock time (``tz``: ``venue_timezone``), never the
    PC's own zone: exports printed or opened elsewhere show the times the venue saw."""
    return from_iso(iso).astimezone(tz) if iso else None


def roster_rows(store: Store, session_id: int, lang: str, tz: ZoneInfo) -> list[list[str]]:
    """The ``starkiosk roster`` / ``export`` rows, one per person, in ``ROSTER_HEADERS`` order."""
    w = _WORDS[lang]

    def hm(iso: str | None) -> str:
        at = local_time(iso, tz)
        return at.strftime("%H:%M") if at else ""

    rows = []
    for i, r in enumerate(store.roster(session_id), 1):
        status = ("walk_in" if r["walk_in"] else "present") if r["checked_in_at"] else "absent"
        rows.append([
            str(i), str(r["parent_id"]), r["masked_name"] or "—", r["phone_last4"] or "",
            w["yes"] if r["registered"] else w["no"], hm(r["checked_in_at"]),
            hm(r["checked_out_at"]), w.get(r["method"], "") if r["method"] else "", w[status],
            w.get(r["sync_state"], "") if r["sync_state"] else "",
        ])
    return rows


@dataclass
class RosterHeading:
    """The line above ``starkiosk roster``: the class and its counts."""

    title: str
    series: str
    checked_in: int
    registered: int


def roster_heading(store: Store, session_id: int) -> RosterHeading:
    session = require_session(store, session_id)
    counts = store.session_counts(session_id)
    return RosterHeading(session.title, session.series, counts["checked_in"], counts["registered"])


@dataclass
class RosterTable:
    """The roster as the exports show it: the ``starkiosk export`` columns, with the trainer's
    close-out corrections applied and late arrivals marked."""

    headers: list[str]
    rows: list[list[str]]
    raw: list[dict[str, Any]]
    late: list[bool]
    session: Any
    venue: dict[str, Any] | None
    tz: ZoneInfo
    closeout: dict[str, Any] | None
    lang: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_checkouts(self) -> bool:
        """Whether the class takes check-outs (or anyone checked out): the 签退时间 column."""
        return bool(getattr(self.session, "checkout_required", False)
                    or any(r["checked_out_at"] for r in self.raw))

    def times(self, i: int) -> tuple[datetime | None, datetime | None]:
        """Row ``i``'s check-in and check-out as the venue's wall-clock times."""
        r = self.raw[i]
        return local_time(r["checked_in_at"], self.tz), local_time(r["checked_out_at"], self.tz)


def roster_table(store: Store, session_id: int, lang: str = "zh") -> RosterTable:
    """Build the one roster table the CSV, XLSX, PDF and the close-out screen all show."""
    if lang not in LANGS:
        lang = "zh"
    session = store.session(session_id)
    if session is None:
        raise ValueError(f"class {session_id} is not on this kiosk")
    tz = venue_timezone(store)
    raw = store.roster(session_id)
    rows = roster_rows(store, session_id, lang, tz)
    words = _CORRECTIONS[lang]
    closeout = store.closeout_for(session_id)
    removed: dict[str, str] = {}
    added: dict[int, str] = {}
    if closeout:
        removed = {r["checkin_id"]: r["reason"] for r in json.loads(closeout["removals"])}
        added = {a["parent_id"]: a["reason"] for a in json.loads(closeout["additions"])}
    late: list[bool] = []
    manual_word = _WORDS[lang]["manual"]
    for r, row in zip(raw, rows, strict=True):
        is_late = bool(r["checked_in_at"] and not r["walk_in"]
                       and from_iso(r["checked_in_at"]) > session.starts_at + LATE_AFTER)
        late.append(is_late)
        if r["checkin_id"] and r["checkin_id"] in removed:
            row[STATUS_COL] = words["removed"].format(reason=removed[r["checkin_id"]])
        elif not r["checkin_id"] and r["parent_id"] in added:
            row[STATUS_COL] = words["added"].format(reason=added[r["parent_id"]])
            row[METHOD_COL] = manual_word
        elif is_late:
            row[STATUS_COL] = words["late"]
    present = sum(1 for r in raw if r["checkin_id"] and r["checkin_id"] not in removed) + len(added)
    counts = {"registered": sum(1 for r in raw if r["registered"]), "present": present,
              "walk_ins": sum(1 for r in raw if r["walk_in"] and r["checkin_id"] not in removed)}
    return RosterTable(headers=list(ROSTER_HEADERS[lang]), rows=rows, raw=raw, late=late,
                       session=session, venue=store.venue(), tz=tz, closeout=closeout, lang=lang,
                       counts=counts)
