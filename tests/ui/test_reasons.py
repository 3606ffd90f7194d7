"""Every reason word the platform, the sync engine, the close-out and the operations can produce
has Chinese words on screen (kiosk/ui/reasons.py), never the raw English word.

The words are collected from where they are made: the outcomes of a scan, and the source of the
credit API, the sync engine and the operations (``ApiError(…, "word"``, ``reason="word"``,
``OperationError("word"`` …).  A new word without Chinese text fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from kiosk.core.rules import Outcome
from kiosk.services.sounds import Severity
from kiosk.ui.reasons import (
    OPERATION_REASONS,
    REASONS,
    SENTENCES,
    card_severity,
    closeout_error_text,
    known,
    needs_volunteer,
    reason_text,
)
from sync.passes import PassError

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _source(*globs: str) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for g in globs for p in sorted(ROOT.glob(g)))


def platform_words() -> set[str]:
    src = _source("credit_api/service/*.py", "credit_api/app.py")
    words = set(re.findall(r'ApiError\(\s*\d+,\s*"(\w+)"', src))
    words |= set(re.findall(r'_error\(\s*[\w.]+,\s*"(\w+)"', src))
    words |= set(re.findall(r'reason="(\w+)"', src))
    words |= set(re.findall(r'reason="(\w+)" if', src)) | set(re.findall(r'else "(\w+)"\)', src))
    words |= set(re.findall(r'\bwhy = \("(\w+)"', src)) | set(re.findall(r'else "(\w+)" if', src))
    words |= set(re.findall(r'^\s+return "(\w+)"', src, re.M))  # _reject_reason, offline files
    if 'f"trainer_pass_{word}"' in src:  # the trainer pass's own refusal, one per pass error
        words |= {f"trainer_pass_{e.value}" for e in PassError}
    return words


def kiosk_words() -> set[str]:
    ops = _source("kiosk/operations/*.py")
    words = set(re.findall(r'OperationError\(\s*"(\w+)"', ops))
    words |= set(re.findall(r'\bcode="(\w+)"', ops))
    words |= set(re.findall(r'_read\(\w+, "(\w+)"\)', ops))
    core = _source("kiosk/core/closeout.py")
    words |= set(re.findall(r'CloseoutError\(\s*"(\w+)"', core))
    words |= set(re.findall(r'HELD_REASON = "(\w+)"', core))
    if 'CloseoutError(f"trainer_pass_{' in core:
        words |= {f"trainer_pass_{e.value}" for e in PassError}
    sync = _source("sync/*.py")
    words |= set(re.findall(r'EnrolError\(\s*(?:exc\.error or )?"(\w+)"', sync))
    words |= set(re.findall(r'TypedNumberError\(\s*"(\w+)"', sync))  # the typed number's code
    return words


def sync_sentences() -> set[str]:
    """The sync engine's plain-English errors and park reasons (up to their first ':' or '{')."""
    src = _source("sync/*.py", "kiosk/operations/usb.py")
    found = set(re.findall(r'ApiFailure\(Disposition\.\w+,\s*f?"([^"{:]+)', src))
    found |= set(re.findall(r'\berror="([^"{:]+)"', src))
    found |= {s.strip() for s in re.findall(r'result\.error = \(\s*"([^"{:]+)', src)}
    found |= set(re.findall(r'park(?:_closeout)?\([^,]+,\s*f?"([^"{:]+)', src))
    found |= set(re.findall(r"""\bor ['"]([^'"]+)['"]\)?[}"]""", src))  # "… or 'rejected'"
    found |= set(re.findall(r'park\([^\n]*?\bor "([^"]+)"', src))  # "… or 'rejected by …'"
    return {s.strip() for s in found if s.strip()}


def every_word() -> set[str]:
    return {o.value for o in Outcome} | platform_words() | kiosk_words()


def test_the_collection_finds_the_words_it_should():
    words = every_word()
    # What the issue named, so a broken grep cannot pass by finding nothing.
    for w in ("unknown_parent", "id_conflict", "unknown_pass", "pass_of_another_parent",
              "outside_class_window", "class_closed", "trainer_pass_expired", "not_this_trainer",
              "trainer_not_authorised", "class_not_started", "already_closed", "unknown_class",
              "closeout_id_reused", "device_revoked", "unauthorized", "rate_limited",
              "bad_parent_number", "untrusted_bundle", "cannot_write", "network", "not_held",
              "walk_in_cap_exceeded", "not_uploaded", "awaiting_trainer_pass"):
        assert w in words, w
    assert len(words) > 90
    sentences = sync_sentences()
    assert "cannot reach the credit API (offline?)" in sentences
    assert "the credit API did not answer in time" in sentences
    assert "rejected" in sentences and "invalid on this kiosk" in sentences


@pytest.mark.parametrize("word", sorted(every_word()))
def test_every_reason_word_has_chinese_text(word):
    assert known(word), f"{word!r} has no words in kiosk/ui/reasons.py"
    text = reason_text(word)
    assert CJK.search(text) and word not in text, (word, text)


@pytest.mark.parametrize("sentence", sorted(sync_sentences()))
def test_every_sync_error_has_chinese_text(sentence):
    assert known(sentence), f"{sentence!r} has no words in kiosk/ui/reasons.py"
    text = reason_text(sentence)
    assert CJK.search(text) and "credit API" not in text, (sentence, text)


def test_stored_reasons_show_the_word_before_the_colon():
    assert reason_text("trainer_pass_expired: the trainer's pass was not accepted (expired)") \
        == "培训师码已过期"
    assert reason_text("unknown_parent") == "平台没有这位家长"
    assert reason_text("cannot reach the credit API (offline?)") == "无法连接平台（可能没有联网）"
    assert reason_text("network error: Connection reset by peer") == "网络出错"
    assert reason_text("(network)".strip("()")) == "网络不通，无法连接平台"
    assert reason_text("OK") == "正常"
    assert reason_text(None) == "—" and reason_text("") == "—"
    # A word nobody taught the table: said to be another reason, the word kept for support.
    assert reason_text("brand_new_word: detail") == "其他原因（brand_new_word）"
    assert not known("brand_new_word")


def test_an_operation_word_can_mean_something_else():
    assert reason_text("not_registered") == "未报名本课"  # a parent, at check-in
    assert reason_text("not_registered", operation=True) == "平台还不认识本机"  # this kiosk
    assert set(OPERATION_REASONS) <= set(REASONS)


def test_the_table_is_chinese_and_english_is_there_too():
    for word, text in [*REASONS.items(), *OPERATION_REASONS.items()]:
        assert CJK.search(text), word
    for _prefix, text in SENTENCES:
        assert CJK.search(text)
    from kiosk.i18n import install_translator

    app = QCoreApplication.instance() or QCoreApplication([])
    translator = install_translator(app, "en")
    assert translator is not None
    try:
        assert reason_text("revoked") == "Pass cancelled"
        assert reason_text("cannot reach the credit API (offline?)") \
            == "Cannot reach the platform (offline?)"
        assert "trainer" in closeout_error_text("trainer_pass_expired").lower()
    finally:
        app.removeTranslator(translator)


def test_closeout_refusals_are_sentences_in_chinese():
    assert closeout_error_text("trainer_pass_revoked") \
        == "培训师码不能使用（培训师码已作废）。请换一张有效的培训师码，或使用培训师密码。"
    assert closeout_error_text("class_not_started") == "无法结课（课程还没开始，不能结课）。"
    assert "不属于本课的培训师" in closeout_error_text("not_this_trainer")


def test_severity_and_who_clears_the_card():
    assert card_severity(Outcome.ACCEPTED) is Severity.OK
    amber = (Outcome.NOT_OPEN_YET, Outcome.ACCEPTED_WALK_IN, Outcome.ALREADY_CHECKED_IN,
             Outcome.NOT_REGISTERED)
    red = (Outcome.BAD_SIGNATURE, Outcome.REVOKED, Outcome.UNKNOWN_KEY, Outcome.EXPIRED,
           Outcome.UNREADABLE)
    assert all(card_severity(o) is Severity.WARN for o in amber)
    assert all(card_severity(o) is Severity.ERROR for o in red)
    assert all(needs_volunteer(o) for o in red) and needs_volunteer(Outcome.NOT_REGISTERED)
    assert not any(needs_volunteer(o) for o in (Outcome.ACCEPTED, Outcome.NOT_OPEN_YET,
                                                Outcome.ALREADY_CHECKED_IN,
                                                Outcome.ACCEPTED_WALK_IN))


def test_one_word_for_trainer():
    from kiosk.core.messages import MESSAGES, WRONG_ROLE_FOR_CLOSEOUT

    texts = [t for m in MESSAGES.values() for t in m.values()] + list(WRONG_ROLE_FOR_CLOSEOUT.values())
    assert not [t for t in texts if "讲师" in t]
    ui = [p for p in (ROOT / "kiosk").rglob("*.py") if "讲师" in p.read_text(encoding="utf-8")]
    assert not ui, ui
