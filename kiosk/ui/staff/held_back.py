"""What the platform held back from a close-out, in words a trainer or site admin can act on.

A close-out is never lost to one bad row: the platform applies every correction it can and holds
back the others, each with a reason word (docs/credit-api.md, *Close-out*).  The close-out summary
and the admin screen list the held-back ones with these sentences; the parent number is shown
as printed on the pass (with its check digit), a check-in by the start of its id.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from kiosk.ui.reasons import reason_text
from kiosk.ui.staff.common import arg
from sync.parent_numbers import display_number


def held_back_text(item: dict[str, Any]) -> str:
    """One held-back correction as a sentence: what happened, then what to do."""
    reason = item.get("reason") or ""
    pid = item.get("parent_id")
    number = display_number(int(pid)) if isinstance(pid, int) and 0 < pid < 2**32 else "—"
    short = str(item.get("checkin_id") or "")[:8] or "—"
    if reason == "unknown_parent":
        return arg(QCoreApplication.translate("HeldBack", "家长编号 %1 不存在：请核对后在平台补录。"), number)
    if reason == "walk_in_cap_exceeded":
        return arg(QCoreApplication.translate(
                       "HeldBack", "家长编号 %1 未报名本课，超过现场补录人数上限：如确实到场，请在平台补录。"),
                   number)
    if reason == "not_uploaded":
        return arg(QCoreApplication.translate("HeldBack", "签到记录 %1 平台尚未收到，未能删除：请先同步，再在平台删除。"),
                   short)
    if reason == "not_this_class":
        return arg(QCoreApplication.translate("HeldBack", "签到记录 %1 不属于本课，未作更改：请在平台核对。"), short)
    # Any other word in Chinese too (kiosk.ui.reasons), never the platform's raw word.
    return arg(QCoreApplication.translate("HeldBack", "平台未处理这项更正（%1）：请联系站点管理员。"), reason_text(reason))


def held_back_summary(items: list[dict[str, Any]]) -> str:
    """The held-back corrections of a close-out as a short list under a heading ("" if none)."""
    if not items:
        return ""
    head = arg(QCoreApplication.translate("HeldBack", "其余学员的积分已发放；以下 %1 项更正平台未处理："),
               len(items))
    return "\n".join([head, *("· " + held_back_text(i) for i in items)])
