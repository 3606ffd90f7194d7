"""Plain-language words for every outcome, for the command line and logs.

The Qt screens translate through Qt Linguist; the core keeps its own small catalogue so that it
stays free of Qt.  Each message says what happened and what to do next.  Placeholders use
``str.format`` names; tests check that both languages use the same ones.
"""

from __future__ import annotations

from kiosk.core.rules import Outcome

LANGUAGES = ("zh", "en")

MESSAGES: dict[Outcome, dict[str, str]] = {
    Outcome.ACCEPTED: {
        "zh": "签到成功，欢迎参加本次课程。",
        "en": "Checked in. Welcome to the class.",
    },
    Outcome.ACCEPTED_WALK_IN: {
        "zh": "签到成功（未报名，已标记为临时参加，由培训师确认）。",
        "en": "Checked in as a walk-in (not registered); the trainer will confirm.",
    },
    Outcome.CHECKED_OUT: {
        "zh": "签退成功，感谢参加。",
        "en": "Checked out. Thank you for attending.",
    },
    Outcome.ALREADY_CHECKED_IN: {
        "zh": "已于 {time} 签到，无需重复扫码。",
        "en": "Already checked in at {time}; no need to scan again.",
    },
    Outcome.ALREADY_CHECKED_OUT: {
        "zh": "已于 {time} 签退。",
        "en": "Already checked out at {time}.",
    },
    Outcome.NOT_REGISTERED: {
        "zh": "未报名本次课程，本课程不接受临时参加。请联系志愿者。",
        "en": "Not registered for this class, and this class takes no walk-ins. Please see a volunteer.",
    },
    Outcome.CLASS_FULL: {
        "zh": "课程已满员，无法临时加入。请联系志愿者。",
        "en": "The class is full; no more walk-ins. Please see a volunteer.",
    },
    Outcome.NOT_OPEN_YET: {
        "zh": "尚未开始签到，{time} 开放签到。",
        "en": "Check-in is not open yet; it opens at {time}.",
    },
    Outcome.CLASS_CLOSED: {
        "zh": "本次课程已结束签到。如有疑问请联系培训师。",
        "en": "Check-in for this class is closed. Please ask the trainer.",
    },
    Outcome.CLASS_CANCELLED: {
        "zh": "本次课程已取消。请联系志愿者了解改期安排。",
        "en": "This class was cancelled. Please ask a volunteer about the new date.",
    },
    Outcome.EXPIRED: {
        "zh": "星级家长码已过期。请在手机上刷新后重新出示。",
        "en": "This pass has expired. Please refresh it on your phone and show it again.",
    },
    Outcome.NOT_YET_VALID: {
        "zh": "星级家长码尚未生效。请检查手机时间或联系志愿者。",
        "en": "This pass is not valid yet. Please check the phone's clock or see a volunteer.",
    },
    Outcome.REVOKED: {
        "zh": "此码已作废（可能已补办新码）。请出示最新的星级家长码。",
        "en": "This pass was cancelled (a new one may have been issued). Please show your latest pass.",
    },
    Outcome.UNKNOWN_KEY: {
        "zh": "无法识别此码的签发方。请出示星级家长执照平台发放的码，或联系志愿者。",
        "en": "This code was not issued by a key this kiosk knows. Show a Star Parent pass, or see a volunteer.",
    },
    Outcome.BAD_SIGNATURE: {
        "zh": "此码校验失败，可能已被修改。请联系志愿者。",
        "en": "This code failed its security check and may have been altered. Please see a volunteer.",
    },
    Outcome.WRONG_ROLE: {
        "zh": "这是培训师码，请在结课时使用。家长请出示星级家长码。",
        "en": "This is a trainer pass; use it to close the class. Parents, please show your parent pass.",
    },
    Outcome.UNREADABLE: {
        "zh": "无法识别此码。请出示星级家长码，并保持手机稳定、屏幕调亮。",
        "en": "This code could not be read. Show your Star Parent pass and hold the phone steady with the screen bright.",
    },
    Outcome.CLOCK_WRONG: {
        "zh": "本机时钟不对，暂时无法签到。请联系工作人员校准本机时间。",
        "en": "This kiosk's clock is wrong, so it cannot check anyone in. Please call staff to set its time.",
    },
}

WRONG_ROLE_FOR_CLOSEOUT = {
    "zh": "这是家长码。结课需要培训师扫描培训师码。",
    "en": "This is a parent pass. Closing a class needs the trainer's pass.",
}


def message(outcome: Outcome, lang: str = "zh", **params: str) -> str:
    """The message for ``outcome`` in ``lang`` (falls back to Chinese)."""
    table = MESSAGES[outcome]
    text = table.get(lang, table["zh"])
    return text.format(**params) if params else text.replace("{time}", "—")
