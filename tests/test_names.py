"""Personal-data minimisation: masked names, phone fragments, and the wire validator for them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sync.names import MAX_STARS, mask_name, phone_last4
from sync.protocol import Registration, Trainer


def registration(masked_name: str, phone: str = "8000") -> Registration:
    return Registration(
        session_id=1,
        parent_id=42,
        masked_name=masked_name,
        phone_last4=phone,
        stage=2,
        stage_credits=10,
    )


# ---------------------------------------------------------------------------
# mask_name
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "masked"),
    [
        ("王小明", "王*明"),
        ("李四", "李*"),
        ("欧阳娜娜", "欧**娜"),
        ("司马相如", "司**如"),
        ("王", "王*"),
        ("  王小明  ", "王*明"),
        ("\t李四\r\n", "李*"),
        ("\u3000王小明\u3000", "王*明"),  # ideographic spaces from an IME
        ("", "?*"),
        ("   ", "?*"),
        ("John Smith", "J********h"),
        ("买买提·艾力", "买****力"),
    ],
)
def test_mask_name_examples(full, masked):
    assert mask_name(full) == masked


def test_mask_name_is_idempotent_for_typical_names():
    for full in ("王小明", "李四", "欧阳娜娜", "王"):
        once = mask_name(full)
        assert mask_name(once) == once


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@settings(max_examples=300)
@given(name=st.text(alphabet=_CJK, min_size=1, max_size=12))
def test_mask_name_hides_everything_but_the_ends(name):
    masked = mask_name(name)
    assert masked[0] == name[0]
    if len(name) == 1:
        assert masked == name + "*"
    elif len(name) == 2:
        assert masked == name[0] + "*"  # a two-character name keeps only the surname
    else:
        assert len(masked) == min(len(name), MAX_STARS + 2)
        assert masked[-1] == name[-1]
        assert set(masked[1:-1]) == {"*"}
    assert masked != name
    # no hidden character appears in the masked form at its position
    assert all(m == "*" or m == n for m, n in zip(masked[:-1], name, strict=False))


@settings(max_examples=300)
@given(name=st.text(alphabet=_CJK, min_size=1, max_size=12))
def test_mask_name_output_is_accepted_by_the_wire_validator(name):
    reg = registration(mask_name(name))
    assert reg.masked_name == mask_name(name)


def test_mask_name_of_a_long_name_is_accepted_by_the_wire_validator():
    full = "阿卜杜热合曼·艾合买提江·买买提明"
    assert len(full) == 17
    reg = registration(mask_name(full))
    assert reg.masked_name.startswith("阿")


# ---------------------------------------------------------------------------
# phone_last4
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "last4"),
    [
        ("13800138000", "8000"),
        ("138 0013 8000", "8000"),
        ("138-0013-8000", "8000"),
        ("+86 138 0013 8000", "8000"),
        ("(0571) 8765-4321", "4321"),
        ("1234", "1234"),
        ("tel:0001", "0001"),  # leading zeros are kept
        ("13800138000\r\n", "8000"),
    ],
)
def test_phone_last4(phone, last4):
    assert phone_last4(phone) == last4


@pytest.mark.parametrize("phone", ["", "123", "abc", "12-3", "   ", "电话"])
def test_phone_last4_needs_four_digits(phone):
    with pytest.raises(ValueError):
        phone_last4(phone)


@given(
    digits=st.text(alphabet="0123456789", min_size=4, max_size=15), noise=st.sampled_from(" -+()")
)
def test_phone_last4_matches_the_wire_pattern(digits, noise):
    phone = noise.join(digits)
    last4 = phone_last4(phone)
    assert last4 == digits[-4:]
    assert re.fullmatch(r"[0-9]{4}", last4)
    assert registration("王*明", phone=last4).phone_last4 == last4


def test_phone_last4_of_fullwidth_digits_is_ascii():
    assert phone_last4("１３８００１３８０００") == "8000"


# ---------------------------------------------------------------------------
# MaskedName on the wire (sync/protocol.py)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["王*明", "李*", "欧**娜", "王*", "J********h", "阿**********明"])
def test_masked_names_are_accepted(name):
    assert registration(name).masked_name == name


@pytest.mark.parametrize(
    "name",
    [
        "王小明",  # a full name
        "李四",
        "欧阳娜娜",
        "王",
        "John Smith",
        "王*小明",  # more than one character after the asterisks
        "王小*明",  # a hidden character shown
        "*王明",
        "王 明",
        "王*明 ",
        " 王*明",
        "",
        "*",
        "王" + "*" * 12,  # 13 characters: too long
    ],
)
def test_full_or_malformed_names_are_refused(name):
    with pytest.raises(ValidationError):
        registration(name)


def test_trainer_names_are_masked_too():
    assert Trainer(id=1, name="陈*华").name == "陈*华"
    with pytest.raises(ValidationError):
        Trainer(id=1, name="陈建华")


@pytest.mark.parametrize("phone", ["123", "12345", "８０００", "12a4", ""])
def test_registration_refuses_bad_phone_fragments(phone):
    with pytest.raises(ValidationError):
        registration("王*明", phone=phone)


@pytest.mark.parametrize("name", ["王*明\n", "王*\n"])
def test_masked_name_with_trailing_newline_is_refused(name):
    with pytest.raises(ValidationError):
        registration(name)
