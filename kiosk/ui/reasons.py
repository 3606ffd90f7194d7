"""Chinese words (English through Qt Linguist) for every reason word the kiosk can show.

The platform, the sync engine, the close-out and the operations each answer with a stable
machine word (``unknown_parent``, ``trainer_pass_expired``, ``device_revoked`` …) and sometimes
an English detail after it (store-side park reasons are ``"word: detail"``).  Screens never show
those as they are: :func:`reason_text` gives the short phrase for the word (the part before
``':'``).  ``tests/ui/test_reasons.py`` collects every word the code can produce and fails when
one has no text here.

A few words are sentences, not words: the sync engine keeps the last error as plain English
("cannot reach the credit API (offline?)").  Those are matched by their beginning.

The severity of a check-in result as shown (colour, icon, sound) and whether its card waits for
a volunteer are here too, so the card, the recent list and the sound agree.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from kiosk.core.rules import Outcome
from kiosk.services.sounds import Severity

CONTEXT = "Reasons"

# word → short Chinese phrase (the source text of the translation).
REASONS: dict[str, str] = {
    # -- check-in outcomes (kiosk.core.rules.Outcome; also the pass errors) --
    "accepted": QT_TRANSLATE_NOOP("Reasons", "签到成功"),
    "accepted_walk_in": QT_TRANSLATE_NOOP("Reasons", "临时参加，已签到"),
    "checked_out": QT_TRANSLATE_NOOP("Reasons", "签退成功"),
    "already_checked_in": QT_TRANSLATE_NOOP("Reasons", "已签过到"),
    "already_checked_out": QT_TRANSLATE_NOOP("Reasons", "已签退"),
    "not_registered": QT_TRANSLATE_NOOP("Reasons", "未报名本课"),
    "class_full": QT_TRANSLATE_NOOP("Reasons", "课程已满员"),
    "not_open_yet": QT_TRANSLATE_NOOP("Reasons", "本课尚未开始"),
    "class_closed": QT_TRANSLATE_NOOP("Reasons", "本课已结束签到"),
    "class_cancelled": QT_TRANSLATE_NOOP("Reasons", "本课已取消"),
    "expired": QT_TRANSLATE_NOOP("Reasons", "码已过期"),
    "not_yet_valid": QT_TRANSLATE_NOOP("Reasons", "码尚未生效"),
    "revoked": QT_TRANSLATE_NOOP("Reasons", "码已作废"),
    "unknown_key": QT_TRANSLATE_NOOP("Reasons", "不是本平台的码"),
    "bad_signature": QT_TRANSLATE_NOOP("Reasons", "码校验失败"),
    "wrong_role": QT_TRANSLATE_NOOP("Reasons", "这是培训师码"),
    "unreadable": QT_TRANSLATE_NOOP("Reasons", "无法识别此码"),
    "clock_wrong": QT_TRANSLATE_NOOP("Reasons", "本机时钟不对"),
    # -- records the platform refused (credit_api/service/records.py) --
    "unknown_class": QT_TRANSLATE_NOOP("Reasons", "平台没有这门课程"),
    "class_of_another_venue": QT_TRANSLATE_NOOP("Reasons", "课程不属于本场地"),
    "unknown_parent": QT_TRANSLATE_NOOP("Reasons", "平台没有这位家长"),
    "unknown_pass": QT_TRANSLATE_NOOP("Reasons", "平台没有发过这张码"),
    "pass_of_another_parent": QT_TRANSLATE_NOOP("Reasons", "这张码属于另一位家长"),
    "outside_class_window": QT_TRANSLATE_NOOP("Reasons", "签到时间不在上课时间内"),
    "id_conflict": QT_TRANSLATE_NOOP("Reasons", "记录编号与另一条记录冲突"),
    "already_recorded": QT_TRANSLATE_NOOP("Reasons", "平台已有这条签到"),
    "known_id": QT_TRANSLATE_NOOP("Reasons", "平台已收到过这条记录"),
    "rejected": QT_TRANSLATE_NOOP("Reasons", "平台拒收"),
    "rejected by the credit API": QT_TRANSLATE_NOOP("Reasons", "平台拒收"),
    "rejected by the platform": QT_TRANSLATE_NOOP("Reasons", "平台拒收"),
    "invalid on this kiosk": QT_TRANSLATE_NOOP("Reasons", "本机记录有误，无法上报"),
    # -- close-outs (credit_api/service/closeouts.py, kiosk/core/closeout.py) --
    "trainer_pass_unreadable": QT_TRANSLATE_NOOP("Reasons", "无法识别培训师码"),
    "trainer_pass_unknown_key": QT_TRANSLATE_NOOP("Reasons", "培训师码不是本平台的码"),
    "trainer_pass_bad_signature": QT_TRANSLATE_NOOP("Reasons", "培训师码校验失败"),
    "trainer_pass_revoked": QT_TRANSLATE_NOOP("Reasons", "培训师码已作废"),
    "trainer_pass_expired": QT_TRANSLATE_NOOP("Reasons", "培训师码已过期"),
    "trainer_pass_not_yet_valid": QT_TRANSLATE_NOOP("Reasons", "培训师码尚未生效"),
    "trainer_pass_wrong_role": QT_TRANSLATE_NOOP("Reasons", "这不是培训师码"),
    "trainer_pass_mismatch": QT_TRANSLATE_NOOP("Reasons", "培训师码与结课信息不符"),
    "unknown_trainer": QT_TRANSLATE_NOOP("Reasons", "平台没有这位培训师"),
    "trainer_not_authorised": QT_TRANSLATE_NOOP("Reasons", "这位培训师未获授权"),
    "not_this_trainer": QT_TRANSLATE_NOOP("Reasons", "不是本课的培训师"),
    "class_not_started": QT_TRANSLATE_NOOP("Reasons", "课程还没开始，不能结课"),
    "already_closed": QT_TRANSLATE_NOOP("Reasons", "本课已经结课"),
    "closeout_id_reused": QT_TRANSLATE_NOOP("Reasons", "结课编号重复"),
    "unknown_checkin": QT_TRANSLATE_NOOP("Reasons", "签到记录不属于本课"),
    "already_present": QT_TRANSLATE_NOOP("Reasons", "家长已签到，不需补录"),
    "reason_needed": QT_TRANSLATE_NOOP("Reasons", "更正需要填写原因"),
    "not_held": QT_TRANSLATE_NOOP("Reasons", "没有等待确认的结课"),
    "awaiting_trainer_pass": QT_TRANSLATE_NOOP("Reasons", "等待培训师扫码确认"),
    "already_removed": QT_TRANSLATE_NOOP("Reasons", "已经删除过"),
    "refused_at_upload": QT_TRANSLATE_NOOP("Reasons", "上报时已被平台拒收"),
    "not_this_class": QT_TRANSLATE_NOOP("Reasons", "不属于本课"),
    "not_uploaded": QT_TRANSLATE_NOOP("Reasons", "平台尚未收到"),
    "walk_in_cap_exceeded": QT_TRANSLATE_NOOP("Reasons", "超过现场补录人数上限"),
    # -- the device and enrolment (credit_api/service/devices.py, sync/enrolment.py) --
    "unknown_venue": QT_TRANSLATE_NOOP("Reasons", "平台没有这个场地"),
    "bad_code": QT_TRANSLATE_NOOP("Reasons", "注册码无效"),
    "code_used": QT_TRANSLATE_NOOP("Reasons", "注册码已用过"),
    "code_expired": QT_TRANSLATE_NOOP("Reasons", "注册码已过期"),
    "unauthorized": QT_TRANSLATE_NOOP("Reasons", "平台不认识本终端，请重新注册"),
    "device_revoked": QT_TRANSLATE_NOOP("Reasons", "本终端已被平台停用"),
    "unknown_device": QT_TRANSLATE_NOOP("Reasons", "平台没有这台终端"),
    "key_already_registered": QT_TRANSLATE_NOOP("Reasons", "这个密钥已经登记过"),
    "invalid_request": QT_TRANSLATE_NOOP("Reasons", "平台无法处理这个请求（可能需要更新软件）"),
    "bad_cursor": QT_TRANSLATE_NOOP("Reasons", "同步位置无效，将重新下载"),
    "rate_limited": QT_TRANSLATE_NOOP("Reasons", "请求太频繁，稍后自动重试"),
    "internal_error": QT_TRANSLATE_NOOP("Reasons", "平台出错，稍后自动重试"),
    "http_error": QT_TRANSLATE_NOOP("Reasons", "平台返回错误"),
    "bad_url": QT_TRANSLATE_NOOP("Reasons", "平台地址不对"),
    "insecure_url": QT_TRANSLATE_NOOP("Reasons", "平台地址必须以 https:// 开头"),
    "network": QT_TRANSLATE_NOOP("Reasons", "网络不通，无法连接平台"),
    "not_enrolled": QT_TRANSLATE_NOOP("Reasons", "本机未注册平台"),
    "OK": QT_TRANSLATE_NOOP("Reasons", "正常"),
    "ok": QT_TRANSLATE_NOOP("Reasons", "正常"),
    # -- files carried on a USB stick (credit_api/service/offline_sites.py) --
    "unsigned": QT_TRANSLATE_NOOP("Reasons", "文件没有签名"),
    "bad_checksum": QT_TRANSLATE_NOOP("Reasons", "文件已损坏"),
    "wrong_venue": QT_TRANSLATE_NOOP("Reasons", "终端不属于这个场地"),
    "wrong_key": QT_TRANSLATE_NOOP("Reasons", "签名密钥不对"),
    "no_device_time": QT_TRANSLATE_NOOP("Reasons", "缺少签核时间"),
    "device_time_in_future": QT_TRANSLATE_NOOP("Reasons", "本机时钟不对（签核时间晚于导入）"),
    "device_time_after_export": QT_TRANSLATE_NOOP("Reasons", "签核时间晚于导出时间"),
    # -- operations (docs/protocol.md §4, kiosk/operations/*.py) --
    "unknown_session": QT_TRANSLATE_NOOP("Reasons", "本机没有这门课程"),
    "not_a_match": QT_TRANSLATE_NOOP("Reasons", "编号与手机尾号不符"),
    "bad_parent_number": QT_TRANSLATE_NOOP("Reasons", "编号有误，请核对"),
    "unknown_parent_number": QT_TRANSLATE_NOOP("Reasons", "本机没有这位家长的资料"),
    "bad_bundle": QT_TRANSLATE_NOOP("Reasons", "场地数据包无法读取"),
    "untrusted_bundle": QT_TRANSLATE_NOOP("Reasons", "场地数据包的签名不可信"),
    "no_trust_anchor": QT_TRANSLATE_NOOP("Reasons", "本机还不信任任何平台密钥"),
    "old_bundle": QT_TRANSLATE_NOOP("Reasons", "场地数据包比现有的旧"),
    "bad_receipt": QT_TRANSLATE_NOOP("Reasons", "回执无法读取"),
    "untrusted_receipt": QT_TRANSLATE_NOOP("Reasons", "回执的签名不可信"),
    "foreign_receipt": QT_TRANSLATE_NOOP("Reasons", "不是本机导出文件的回执"),
    "no_venue": QT_TRANSLATE_NOOP("Reasons", "本机还没有场地资料"),
    "cannot_write": QT_TRANSLATE_NOOP("Reasons", "无法写入（U盘已满、只读或已拔出）"),
    "cannot_read": QT_TRANSLATE_NOOP("Reasons", "无法读取U盘"),
    "enrol_failed": QT_TRANSLATE_NOOP("Reasons", "注册失败"),
    "closeout_refused": QT_TRANSLATE_NOOP("Reasons", "结课被拒绝"),
    "bad_check_digit": QT_TRANSLATE_NOOP("Reasons", "编号校验位不对"),
    "not_a_number": QT_TRANSLATE_NOOP("Reasons", "编号不是数字"),
    "out_of_range": QT_TRANSLATE_NOOP("Reasons", "编号超出范围"),
    "unknown": QT_TRANSLATE_NOOP("Reasons", "未知"),
    "not_signed": QT_TRANSLATE_NOOP("Reasons", "文件没有签名"),
    "wrong_kind": QT_TRANSLATE_NOOP("Reasons", "文件类型不对"),
    "wrong_fingerprint": QT_TRANSLATE_NOOP("Reasons", "密钥指纹不符"),
    "unknown_upload": QT_TRANSLATE_NOOP("Reasons", "不是本机导出的文件"),
    "wrong_device": QT_TRANSLATE_NOOP("Reasons", "属于另一台终端"),
}

# Where an operation's word means something else than the same word elsewhere.
OPERATION_REASONS: dict[str, str] = {
    "not_registered": QT_TRANSLATE_NOOP("Reasons", "平台还不认识本机"),
}

# The sync engine's plain-English errors (sync/client.py, sync/engine.py), by their beginning.
SENTENCES: tuple[tuple[str, str], ...] = (
    ("cannot reach the credit API", QT_TRANSLATE_NOOP("Reasons", "无法连接平台（可能没有联网）")),
    ("the credit API did not answer in time", QT_TRANSLATE_NOOP("Reasons", "平台没有及时回应")),
    ("network error", QT_TRANSLATE_NOOP("Reasons", "网络出错")),
    ("secure connection failed", QT_TRANSLATE_NOOP("Reasons", "安全连接失败（请检查本机时间）")),
    ("the credit API sent an answer this kiosk does not understand",
     QT_TRANSLATE_NOOP("Reasons", "平台的回复本机无法识别（可能需要更新软件）")),
    ("The credit API refused this kiosk", QT_TRANSLATE_NOOP("Reasons", "平台拒绝了本终端（已停用或未注册）")),
    ("this kiosk is not enrolled", QT_TRANSLATE_NOOP("Reasons", "本机未注册平台")),
    ("too many requests", QT_TRANSLATE_NOOP("Reasons", "请求太频繁，稍后自动重试")),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def reason_word(reason: str) -> str:
    """The machine word of a stored reason: ``"word: detail"`` → ``"word"``."""
    return reason.split(":", 1)[0].strip()


def known(reason: str, *, operation: bool = False) -> bool:
    """Whether :func:`reason_text` has words of its own for ``reason`` (no fallback)."""
    word = reason_word(reason)
    return ((operation and word in OPERATION_REASONS) or word in REASONS
            or any(reason.strip().startswith(p) for p, _ in SENTENCES))


def reason_text(reason: str | None, *, operation: bool = False) -> str:
    """The words on screen for a reason word, a ``"word: detail"`` string or a sync error.

    ``operation``: the word is an :class:`~kiosk.operations.common.OperationError` reason
    (``not_registered`` there means this kiosk, not a parent).  An unknown word is shown as
    "其他原因" with the word for the support desk; an empty one as "—".
    """
    if not reason or not reason.strip():
        return "—"
    text = reason.strip()
    for prefix, words in SENTENCES:  # sentences first: "network error: …" has a ':' too
        if text.startswith(prefix):
            return _tr(words)
    word = reason_word(text)
    if operation and word in OPERATION_REASONS:
        return _tr(OPERATION_REASONS[word])
    if word in REASONS:
        return _tr(REASONS[word])
    return QCoreApplication.translate("Reasons", "其他原因（%1）").replace("%1", word)


def closeout_error_text(code: str) -> str:
    """A refused close-out (:class:`~kiosk.core.closeout.CloseoutError` code) as a sentence
    with what to do."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("CloseoutScreen", text)

    texts = {
        "wrong_role": QT_TRANSLATE_NOOP("CloseoutScreen", "这是家长码。结课需要培训师本人的培训师码。"),
        "not_this_trainer": QT_TRANSLATE_NOOP(
            "CloseoutScreen", "这张培训师码不属于本课的培训师，只有本课的培训师可以结课。"),
        "already_closed": QT_TRANSLATE_NOOP("CloseoutScreen", "本课已经结课，不能重复签核。"),
        "unknown_class": QT_TRANSLATE_NOOP("CloseoutScreen", "本机没有这门课程。"),
        "unknown_checkin": QT_TRANSLATE_NOOP(
            "CloseoutScreen", "要移除的签到记录不属于本课，请刷新名单后再试。"),
        "already_present": QT_TRANSLATE_NOOP("CloseoutScreen", "要补录的家长已经签到，不需要补录。"),
        "reason_needed": QT_TRANSLATE_NOOP("CloseoutScreen", "每一条更正都需要填写原因。"),
        "not_held": QT_TRANSLATE_NOOP("CloseoutScreen", "本课没有等待培训师码确认的结课。"),
    }
    if code in texts:
        return tr(texts[code])
    if code.startswith("trainer_pass_"):
        return QCoreApplication.translate(
            "CloseoutScreen", "培训师码不能使用（%1）。请换一张有效的培训师码，或使用培训师密码。"
        ).replace("%1", reason_text(code))
    return QCoreApplication.translate("CloseoutScreen", "无法结课（%1）。").replace(
        "%1", reason_text(code))


# -- check-in results as shown --------------------------------------------------------------

_VOLUNTEER_WARN = {Outcome.NOT_REGISTERED, Outcome.CLASS_FULL, Outcome.CLASS_CLOSED,
                   Outcome.CLASS_CANCELLED}


def card_severity(outcome: Outcome) -> Severity:
    """Green accepted; amber "come back later", walk-in, already checked in and the refusals of
    a real parent; red for a pass that cannot be trusted or read (and a wrong kiosk clock)."""
    return outcome.severity  # one table, in the core (kiosk.core.rules), for screen and CLI


def needs_volunteer(outcome: Outcome) -> bool:
    """Whether the card waits for a volunteer (until touched or the next scan) instead of
    clearing itself: every red card, and the refusals of a parent who is not on the list."""
    return card_severity(outcome) is Severity.ERROR or outcome in _VOLUNTEER_WARN
