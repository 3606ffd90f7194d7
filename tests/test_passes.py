"""Signed compact passes (kiosk/core/passes.py): issue, read, verify, and survive scanners."""

from __future__ import annotations

import string
import struct
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import base45
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import passes
from sync.passes import PassData, PassError, PassFormatError, Role, Verification

# ---------------------------------------------------------------------------
# Shared helpers (module level so hypothesis tests can use them without fixtures)
# ---------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def private_key(seed: int) -> Ed25519PrivateKey:
    """A deterministic Ed25519 key (tests must not depend on random key generation)."""
    return Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)


KEY_1 = private_key(1)
KEY_2 = private_key(2)
KEY_OTHER = private_key(99)  # never trusted by the kiosk
PUB_1 = KEY_1.public_key()
PUB_2 = KEY_2.public_key()
KEYS = {1: PUB_1}
ROTATION_KEYS = {1: PUB_1, 2: PUB_2}

VALID_FROM = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
VALID_UNTIL = VALID_FROM + timedelta(hours=24 * 30)
NOW = datetime(2025, 3, 15, 9, 30, tzinfo=UTC)


def pass_data(**overrides) -> PassData:
    fields = dict(
        key_id=1,
        pass_id=123456,
        parent_id=987654,
        role=Role.PARENT,
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
    )
    fields.update(overrides)
    return PassData(**fields)


def issue(key: Ed25519PrivateKey = KEY_1, **overrides) -> str:
    return passes.sign(pass_data(**overrides), key)


def fullwidth(text: str) -> str:
    """What a Chinese IME in full-width mode types: ASCII 0x21-0x7E shifted, space → U+3000."""
    out = []
    for ch in text:
        if ch == " ":
            out.append("\u3000")
        elif 0x21 <= ord(ch) <= 0x7E:
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def signed_raw_pass(payload: bytes, key: Ed25519PrivateKey = KEY_1) -> str:
    """A pass text around an arbitrary 15-byte payload, correctly signed (bypasses sign())."""
    assert len(payload) == passes.PAYLOAD_LEN
    signature = key.sign(passes.DOMAIN + payload)
    return passes.PREFIX + base45.b45encode(payload + signature).decode("ascii")


def payload(
    head: int = 0x10,
    key_id: int = 1,
    pass_id: int = 1,
    parent_id: int = 2,
    start_minutes: int = 600_000,
    hours: int = 24,
) -> bytes:
    return struct.pack(
        ">BBII3sH", head, key_id, pass_id, parent_id, start_minutes.to_bytes(3, "big"), hours
    )


TEXT = issue()
# A handful of passes that between them use every character of the alphabet (see the test
# that checks this), so the scanner-tolerance tests exercise every character's variants.
SAMPLE_PASSES = [issue(pass_id=1000 + i, parent_id=7 * i) for i in range(40)]


def assert_clean_failure(result: Verification) -> None:
    assert isinstance(result, Verification)
    assert result.ok is False
    assert isinstance(result.error, PassError)
    if result.data is None:
        assert result.error is PassError.UNREADABLE


# ---------------------------------------------------------------------------
# Format
# ---------------------------------------------------------------------------


def test_text_len_constant_is_120():
    assert passes.TEXT_LEN == 120


def test_pass_is_exactly_120_characters_of_the_base45_alphabet():
    for text in [TEXT, *SAMPLE_PASSES]:
        assert len(text) == passes.TEXT_LEN == 120
        assert text.startswith(passes.PREFIX)
        assert set(text) <= set(ALPHABET)
        assert set(ALPHABET) == set(base45.BASE45_CHARSET)


def test_sample_passes_cover_the_whole_alphabet():
    # Guards the scanner-tolerance tests below: they are only meaningful for every character
    # (space → U+3000, '$' → '＄', ...) if the sample passes contain every character.
    assert set("".join(SAMPLE_PASSES)) == set(ALPHABET)


def test_pass_never_ends_in_whitespace():
    # A wedge scanner's trailing whitespace is stripped; a real last character never is.
    for text in SAMPLE_PASSES:
        assert text == text.strip()
        assert text[-1] in "012345"


def test_parse_returns_payload_and_signature():
    data, raw_payload, signature = passes.parse(TEXT)
    assert data == pass_data()
    assert len(raw_payload) == passes.PAYLOAD_LEN == 15
    assert len(signature) == passes.SIGNATURE_LEN == 64
    PUB_1.verify(signature, passes.DOMAIN + raw_payload)  # raises if not the real signature


# ---------------------------------------------------------------------------
# Round trip and every failure reason
# ---------------------------------------------------------------------------


def test_sign_verify_round_trip():
    result = passes.verify(TEXT, KEYS, NOW)
    assert result == Verification(True, pass_data(), None)
    assert result.ok
    assert result.error is None
    assert result.pass_id == 123456
    assert result.data.parent_id == 987654
    assert result.data.role is Role.PARENT
    assert result.data.version == passes.FORMAT_VERSION == 1
    assert result.data.valid_from == VALID_FROM
    assert result.data.valid_until == VALID_UNTIL


def test_signature_is_deterministic_and_key_specific():
    assert issue() == issue()  # Ed25519 is deterministic
    assert issue(KEY_1) != issue(KEY_2)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\r\n",
        "S",
        "hello",
        TEXT[:-1],  # one character short
        TEXT + "0",  # one character long
        "X" + TEXT[1:],  # wrong prefix
        TEXT[1:] + "0",  # right length, no prefix
        "S" + "Z" * 119,  # right length and alphabet, chunk value above 0xFFFF
        TEXT[:-2] + "ZZ",  # last 2-char chunk value above 0xFF
        TEXT[:60] + "#" + TEXT[61:],  # a character outside the alphabet
        TEXT[:60] + "é" + TEXT[61:],
        TEXT[:60] + "\x00" + TEXT[61:],
        TEXT[:60] + "\n" + TEXT[61:],
        '{"pass_id": 123456, "parent_id": 987654}',
        "https://example.com/" + "A" * 100,
    ],
)
def test_unreadable(text):
    result = passes.verify(text, KEYS, NOW)
    assert result == Verification(False, None, PassError.UNREADABLE)
    assert result.pass_id is None
    with pytest.raises(PassFormatError):
        passes.parse(text)


@pytest.mark.parametrize(
    "raw",
    [
        payload(head=0x20),  # format version 2
        payload(head=0x00),  # format version 0
        payload(head=0xF0),
        payload(head=0x12),  # role 2
        payload(head=0x1F),  # role 15
        payload(key_id=0),
        payload(hours=0),
    ],
    ids=["version2", "version0", "version15", "role2", "role15", "key0", "hours0"],
)
def test_signed_but_malformed_header_is_unreadable(raw):
    # Correctly signed by a trusted key, but not a payload this kiosk understands.
    text = signed_raw_pass(raw)
    assert len(text) == passes.TEXT_LEN
    keys = {0: PUB_1, 1: PUB_1}
    assert passes.verify(text, keys, NOW) == Verification(False, None, PassError.UNREADABLE)
    with pytest.raises(PassFormatError):
        passes.parse(text)


def test_hand_built_payload_matches_the_documented_wire_format():
    start = 600_000
    text = signed_raw_pass(
        payload(head=0x11, key_id=1, pass_id=77, parent_id=88, start_minutes=start, hours=5)
    )
    result = passes.verify(text, KEYS, passes.EPOCH + timedelta(minutes=start), role=None)
    assert result.ok
    assert result.data == PassData(
        key_id=1,
        pass_id=77,
        parent_id=88,
        role=Role.TRAINER,
        valid_from=passes.EPOCH + timedelta(minutes=start),
        valid_until=passes.EPOCH + timedelta(minutes=start, hours=5),
    )
    # and sign() produces exactly these bytes
    assert passes.sign(result.data, KEY_1) == text


def test_unknown_key():
    text = issue(KEY_2, key_id=2)
    result = passes.verify(text, KEYS, NOW)
    assert result.ok is False
    assert result.error is PassError.UNKNOWN_KEY
    assert result.data == pass_data(key_id=2)  # payload readable, so data is reported


def test_unknown_key_with_empty_trust_store():
    assert passes.verify(TEXT, {}, NOW).error is PassError.UNKNOWN_KEY


def test_bad_signature_from_another_signer_using_a_trusted_key_id():
    forged = issue(KEY_OTHER)  # claims key id 1, signed by a key the kiosk does not trust
    result = passes.verify(forged, KEYS, NOW)
    assert result.ok is False
    assert result.error is PassError.BAD_SIGNATURE
    assert result.data == pass_data()


def test_bad_signature_when_payload_is_altered():
    # Swap the payload of one genuine pass onto the signature of another.
    other = issue(pass_id=999)
    _, payload_other, _ = passes.parse(other)
    _, _, signature = passes.parse(TEXT)
    spliced = passes.PREFIX + base45.b45encode(payload_other + signature).decode()
    result = passes.verify(spliced, KEYS, NOW)
    assert result.error is PassError.BAD_SIGNATURE
    assert result.pass_id == 999


def test_bad_signature_when_signature_bit_flipped():
    _, raw_payload, signature = passes.parse(TEXT)
    for i in (0, 31, 32, 63):
        flipped = bytearray(signature)
        flipped[i] ^= 0x01
        text = passes.PREFIX + base45.b45encode(raw_payload + bytes(flipped)).decode()
        assert passes.verify(text, KEYS, NOW).error is PassError.BAD_SIGNATURE


def test_signature_without_domain_separation_is_rejected():
    raw_payload = passes.parse(TEXT)[1]
    signature = KEY_1.sign(raw_payload)  # same key, but no DOMAIN prefix
    text = passes.PREFIX + base45.b45encode(raw_payload + signature).decode()
    assert passes.verify(text, KEYS, NOW).error is PassError.BAD_SIGNATURE


def test_revoked():
    revoked = {123456}
    result = passes.verify(TEXT, KEYS, NOW, is_revoked=revoked.__contains__)
    assert result == Verification(False, pass_data(), PassError.REVOKED)


def test_revocation_of_another_pass_does_not_matter():
    result = passes.verify(TEXT, KEYS, NOW, is_revoked={1, 2, 123457}.__contains__)
    assert result.ok


def test_revocation_callback_is_asked_about_the_pass_id():
    asked = []

    def is_revoked(pass_id: int) -> bool:
        asked.append(pass_id)
        return False

    assert passes.verify(TEXT, KEYS, NOW, is_revoked=is_revoked).ok
    assert asked == [123456]


def test_revocation_list_is_not_consulted_for_a_forged_pass():
    asked = []

    def is_revoked(pass_id: int) -> bool:
        asked.append(pass_id)
        return True

    forged = issue(KEY_OTHER)
    assert passes.verify(forged, KEYS, NOW, is_revoked=is_revoked).error is PassError.BAD_SIGNATURE
    assert asked == []


def test_expired():
    result = passes.verify(TEXT, KEYS, VALID_UNTIL + timedelta(days=1))
    assert result == Verification(False, pass_data(), PassError.EXPIRED)


def test_not_yet_valid():
    result = passes.verify(TEXT, KEYS, VALID_FROM - timedelta(days=1))
    assert result == Verification(False, pass_data(), PassError.NOT_YET_VALID)


def test_boundary_valid_from_exactly_is_valid():
    assert passes.verify(TEXT, KEYS, VALID_FROM).ok


def test_boundary_just_before_valid_from_is_not_yet_valid():
    result = passes.verify(TEXT, KEYS, VALID_FROM - timedelta(microseconds=1))
    assert result.error is PassError.NOT_YET_VALID


def test_boundary_just_before_valid_until_is_valid():
    assert passes.verify(TEXT, KEYS, VALID_UNTIL - timedelta(microseconds=1)).ok


def test_boundary_valid_until_exactly_is_expired():
    assert passes.verify(TEXT, KEYS, VALID_UNTIL).error is PassError.EXPIRED


def test_time_checks_compare_instants_not_wall_clock():
    # 08:00 in Shanghai is 00:00 UTC, the first valid instant.
    assert passes.verify(TEXT, KEYS, datetime(2025, 3, 1, 8, 0, tzinfo=SHANGHAI)).ok
    early = datetime(2025, 3, 1, 7, 59, 59, tzinfo=SHANGHAI)
    assert passes.verify(TEXT, KEYS, early).error is PassError.NOT_YET_VALID


def test_wrong_role_trainer_pass_at_parent_check_in():
    trainer = issue(role=Role.TRAINER)
    result = passes.verify(trainer, KEYS, NOW)  # default role is PARENT
    assert result == Verification(False, pass_data(role=Role.TRAINER), PassError.WRONG_ROLE)


def test_wrong_role_parent_pass_at_trainer_close_out():
    result = passes.verify(TEXT, KEYS, NOW, role=Role.TRAINER)
    assert result.error is PassError.WRONG_ROLE


def test_trainer_pass_accepted_where_a_trainer_is_expected():
    trainer = issue(role=Role.TRAINER)
    result = passes.verify(trainer, KEYS, NOW, role=Role.TRAINER)
    assert result.ok
    assert result.data.role is Role.TRAINER


def test_role_none_accepts_both_roles():
    assert passes.verify(TEXT, KEYS, NOW, role=None).ok
    assert passes.verify(issue(role=Role.TRAINER), KEYS, NOW, role=None).ok


@pytest.mark.parametrize(
    ("text", "keys", "now", "revoked", "expected"),
    [
        # forged and revoked and expired → the signature failure is reported
        (issue(KEY_OTHER), KEYS, VALID_UNTIL, True, PassError.BAD_SIGNATURE),
        # unknown key and revoked → unknown key
        (issue(KEY_2, key_id=2), KEYS, NOW, True, PassError.UNKNOWN_KEY),
        # revoked and expired → revoked (the platform's word is stronger than the clock)
        (TEXT, KEYS, VALID_UNTIL, True, PassError.REVOKED),
        (TEXT, KEYS, VALID_FROM - timedelta(days=1), True, PassError.REVOKED),
        # expired trainer pass at a parent desk → expired (time before role)
        (issue(role=Role.TRAINER), KEYS, VALID_UNTIL, False, PassError.EXPIRED),
    ],
)
def test_check_order(text, keys, now, revoked, expected):
    result = passes.verify(text, keys, now, is_revoked=lambda _pid: revoked)
    assert result.error is expected


def test_pass_error_values_are_stable_wire_words():
    assert {e.value for e in PassError} == {
        "unreadable",
        "unknown_key",
        "bad_signature",
        "revoked",
        "expired",
        "not_yet_valid",
        "wrong_role",
    }


# ---------------------------------------------------------------------------
# Key rotation
# ---------------------------------------------------------------------------


def test_key_rotation_both_keys_valid_at_once():
    old = issue(KEY_1, key_id=1, pass_id=1)
    new = issue(KEY_2, key_id=2, pass_id=2)
    assert passes.verify(old, ROTATION_KEYS, NOW).ok
    assert passes.verify(new, ROTATION_KEYS, NOW).ok
    assert passes.parse(old)[0].key_id == 1
    assert passes.parse(new)[0].key_id == 2


def test_key_rotation_uses_the_key_named_by_the_key_id():
    # Signed by a trusted key, but under the other trusted key's id: not accepted.
    wrong_kid_1 = issue(KEY_2, key_id=1)
    wrong_kid_2 = issue(KEY_1, key_id=2)
    assert passes.verify(wrong_kid_1, ROTATION_KEYS, NOW).error is PassError.BAD_SIGNATURE
    assert passes.verify(wrong_kid_2, ROTATION_KEYS, NOW).error is PassError.BAD_SIGNATURE


def test_key_rotation_retired_key_becomes_unknown():
    old = issue(KEY_1, key_id=1)
    assert passes.verify(old, {2: PUB_2}, NOW).error is PassError.UNKNOWN_KEY


def test_high_key_ids():
    text = issue(KEY_2, key_id=255)
    assert passes.verify(text, {255: PUB_2}, NOW).ok
    assert passes.verify(text, {254: PUB_2}, NOW).error is PassError.UNKNOWN_KEY


def test_public_key_raw_round_trip():
    raw = passes.public_key_raw(KEY_1)
    assert len(raw) == 32
    assert passes.public_key_raw(PUB_1) == raw
    restored = passes.public_key_from_raw(raw)
    assert passes.verify(TEXT, {1: restored}, NOW).ok


# ---------------------------------------------------------------------------
# Issuing: what sign() refuses and how it truncates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"key_id": 0},
        {"key_id": 256},
        {"key_id": -1},
        {"pass_id": -1},
        {"pass_id": 2**32},
        {"parent_id": -1},
        {"parent_id": 2**32},
        {"valid_from": datetime(2023, 12, 31, 23, 59, tzinfo=UTC)},
        {
            "valid_from": passes.EPOCH + timedelta(minutes=2**24),
            "valid_until": passes.EPOCH + timedelta(minutes=2**24, hours=1),
        },
        {"valid_until": VALID_FROM},  # zero validity
        {"valid_until": VALID_FROM + timedelta(minutes=59)},  # less than an hour
        {"valid_until": VALID_FROM - timedelta(hours=1)},
        {"valid_until": VALID_FROM + timedelta(hours=2**16)},  # too long
    ],
)
def test_sign_refuses_out_of_range_data(overrides):
    with pytest.raises(ValueError):
        issue(**overrides)


def test_sign_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        issue(valid_from=datetime(2025, 3, 1), valid_until=datetime(2025, 3, 2))


def test_sign_extremes():
    first = passes.EPOCH
    last = passes.EPOCH + timedelta(minutes=2**24 - 1)
    for vf, hours in ((first, 1), (last, 2**16 - 1)):
        text = issue(
            key_id=255,
            pass_id=2**32 - 1,
            parent_id=0,
            valid_from=vf,
            valid_until=vf + timedelta(hours=hours),
        )
        result = passes.verify(text, {255: PUB_1}, vf)
        assert result.ok
        assert result.data.valid_until == vf + timedelta(hours=hours)
        assert result.data.pass_id == 2**32 - 1


def test_sign_truncates_start_to_minute_and_validity_to_whole_hours():
    vf = datetime(2025, 3, 1, 10, 17, 42, 123456, tzinfo=UTC)
    text = issue(valid_from=vf, valid_until=vf + timedelta(hours=5, minutes=59))
    data = passes.verify(text, KEYS, vf).data
    assert data.valid_from == datetime(2025, 3, 1, 10, 17, tzinfo=UTC)
    # 5 h 59 min 42.1 s after the truncated start → 5 whole hours: never extended
    assert data.valid_until == datetime(2025, 3, 1, 15, 17, tzinfo=UTC)
    assert data.valid_until <= vf + timedelta(hours=5, minutes=59)


# ---------------------------------------------------------------------------
# Keyboard-wedge scanners and input methods
# ---------------------------------------------------------------------------

WEDGE_VARIANTS = {
    "leading_trailing_spaces": lambda t: "  " + t + "   ",
    "crlf": lambda t: t + "\r\n",
    "lf": lambda t: t + "\n",
    "cr": lambda t: t + "\r",
    "tabs": lambda t: "\t" + t + "\t",
    "mixed_whitespace": lambda t: " \t\r\n" + t + "\t \r\n",
    "caps_lock": str.lower,
    "caps_lock_crlf": lambda t: t.lower() + "\r\n",
    "swapcase": str.swapcase,
    "fullwidth": fullwidth,
    "fullwidth_caps_lock": lambda t: fullwidth(t.lower()),
    "fullwidth_ideographic_space_around": lambda t: "\u3000" + fullwidth(t) + "\u3000\r\n",
    "fullwidth_half": lambda t: fullwidth(t[:60]) + t[60:],
    "nfkc_of_fullwidth_is_ascii": lambda t: unicodedata.normalize("NFKC", fullwidth(t)),
}


@pytest.mark.parametrize("variant", list(WEDGE_VARIANTS), ids=list(WEDGE_VARIANTS))
def test_wedge_scanner_and_ime_variants_verify_the_same(variant):
    transform = WEDGE_VARIANTS[variant]
    for text in SAMPLE_PASSES:
        typed = transform(text)
        expected = passes.verify(text, KEYS, NOW)
        assert expected.ok
        assert passes.verify(typed, KEYS, NOW) == expected
        assert passes.normalize(typed) == text


def test_fullwidth_helper_really_produces_fullwidth_characters():
    text = next(t for t in SAMPLE_PASSES if " " in t and "$" in t)
    typed = fullwidth(text)
    assert all(ord(c) >= 0x3000 for c in typed)
    assert "\u3000" in typed
    assert "\uff04" in typed  # FULLWIDTH DOLLAR SIGN


def test_failure_reasons_also_survive_the_wedge_scanner():
    expired_now = VALID_UNTIL + timedelta(hours=1)
    typed = fullwidth(TEXT.lower()) + "\r\n"
    assert passes.verify(typed, KEYS, expired_now).error is PassError.EXPIRED
    assert passes.verify(typed, {}, NOW).error is PassError.UNKNOWN_KEY


_WHITESPACE = st.text(alphabet=[" ", "\t", "\r", "\n", "\u3000"], max_size=4)


@settings(max_examples=100, deadline=None)
@given(
    text=st.sampled_from(SAMPLE_PASSES),
    styles=st.lists(
        st.sampled_from(["keep", "lower", "full", "full_lower"]), min_size=120, max_size=120
    ),
    before=_WHITESPACE,
    after=_WHITESPACE,
)
def test_any_mix_of_scanner_damage_per_character_verifies(text, styles, before, after):
    damaged = []
    for ch, style in zip(text, styles, strict=True):
        if style in ("lower", "full_lower"):
            ch = ch.lower()
        if style in ("full", "full_lower"):
            ch = fullwidth(ch)
        damaged.append(ch)
    typed = before + "".join(damaged) + after
    assert passes.verify(typed, KEYS, NOW) == passes.verify(text, KEYS, NOW)


# ---------------------------------------------------------------------------
# Robustness: random input never raises
# ---------------------------------------------------------------------------


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=400), encoding=st.sampled_from(["latin-1", "utf-8"]))
def test_random_bytes_as_text_never_raise(raw, encoding):
    # utf-8 with surrogateescape also produces lone surrogates, as a broken decoder might.
    text = raw.decode(encoding, errors="surrogateescape")
    result = passes.verify(text, KEYS, NOW)
    assert_clean_failure(result)
    assert result.error is PassError.UNREADABLE


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300))
def test_random_text_never_raises(text):
    result = passes.verify(text, KEYS, NOW)
    assert_clean_failure(result)
    assert result.error is PassError.UNREADABLE
    passes.mask_pass(text)  # must not raise either


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.text(alphabet=ALPHABET + "abcxyz", min_size=119, max_size=119))
def test_random_pass_shaped_text_never_raises(body):
    # Right prefix, length and (mostly) alphabet: reaches base45 decoding and the payload parser.
    result = passes.verify("S" + body, ROTATION_KEYS, NOW, role=None)
    assert_clean_failure(result)
    assert result.error in (PassError.UNREADABLE, PassError.UNKNOWN_KEY, PassError.BAD_SIGNATURE)


ALL_KEY_IDS = {kid: PUB_1 for kid in range(256)}


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(min_size=79, max_size=79))
def test_random_payload_bytes_are_unreadable_or_bad_signature(raw):
    text = passes.PREFIX + base45.b45encode(raw).decode()
    assert len(text) == passes.TEXT_LEN
    result = passes.verify(text, ALL_KEY_IDS, NOW, role=None)
    head, key_id, hours = raw[0], raw[1], int.from_bytes(raw[13:15], "big")
    well_formed = head >> 4 == 1 and head & 0x0F in (0, 1) and key_id != 0 and hours != 0
    assert result.ok is False
    if well_formed:
        assert result.error is PassError.BAD_SIGNATURE
        assert result.data.key_id == key_id
    else:
        assert result == Verification(False, None, PassError.UNREADABLE)


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_any_single_character_substitution_is_rejected(data):
    text = data.draw(st.sampled_from(SAMPLE_PASSES[:5]), label="pass")
    pos = data.draw(st.integers(0, len(text) - 1), label="position")
    original = text[pos]
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != original]), label="char")
    tampered = text[:pos] + replacement + text[pos + 1 :]
    assert tampered != text
    result = passes.verify(tampered, ROTATION_KEYS, NOW, role=None)
    assert_clean_failure(result)
    assert result.error in (PassError.UNREADABLE, PassError.UNKNOWN_KEY, PassError.BAD_SIGNATURE)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_lowercasing_any_letters_still_verifies(data):
    text = data.draw(st.sampled_from(SAMPLE_PASSES), label="pass")
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    chosen = data.draw(st.sets(st.sampled_from(letters), min_size=1), label="positions")
    typed = "".join(c.lower() if i in chosen else c for i, c in enumerate(text))
    assert typed != text
    assert passes.verify(typed, KEYS, NOW) == passes.verify(text, KEYS, NOW)
    assert passes.verify(typed, KEYS, NOW).ok


def test_every_single_substitution_of_one_pass_is_rejected_exhaustively():
    # 120 positions × 44 other characters: small enough to try them all.
    for pos, original in enumerate(TEXT):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            tampered = TEXT[:pos] + replacement + TEXT[pos + 1 :]
            result = passes.verify(tampered, ROTATION_KEYS, NOW, role=None)
            assert not result.ok, (pos, original, replacement)


# ---------------------------------------------------------------------------
# Round trip of the signed data
# ---------------------------------------------------------------------------

_TIMEZONES = st.sampled_from(
    [UTC, SHANGHAI, timezone(timedelta(hours=-5, minutes=-30)), timezone(timedelta(hours=14))]
)


@settings(max_examples=300, deadline=None)
@given(
    key_id=st.integers(1, 255),
    pass_id=st.integers(0, 2**32 - 1),
    parent_id=st.integers(0, 2**32 - 1),
    role=st.sampled_from(Role),
    valid_from=st.datetimes(
        min_value=datetime(2024, 1, 2), max_value=datetime(2050, 12, 31), timezones=_TIMEZONES
    ),
    hours=st.integers(1, 2**16 - 1),
    extra=st.timedeltas(min_value=timedelta(0), max_value=timedelta(minutes=59, seconds=59)),
)
def test_pass_data_round_trips(key_id, pass_id, parent_id, role, valid_from, hours, extra):
    start = valid_from.replace(second=0, microsecond=0)
    data = PassData(
        key_id=key_id,
        pass_id=pass_id,
        parent_id=parent_id,
        role=role,
        valid_from=valid_from,
        # anything short of the next whole hour is truncated away
        valid_until=start + timedelta(hours=hours) + extra,
    )
    text = passes.sign(data, KEY_2)
    assert len(text) == passes.TEXT_LEN
    assert set(text) <= set(ALPHABET)

    expected = PassData(
        key_id=key_id,
        pass_id=pass_id,
        parent_id=parent_id,
        role=role,
        valid_from=start,
        valid_until=start + timedelta(hours=hours),
    )
    keys = {key_id: PUB_2}
    assert passes.parse(text)[0] == expected
    assert passes.verify(text, keys, start, role=role) == Verification(True, expected, None)
    last = start + timedelta(hours=hours) - timedelta(microseconds=1)
    assert passes.verify(text, keys, last, role=role).ok
    assert passes.verify(text, keys, start + timedelta(hours=hours), role=role).error is (
        PassError.EXPIRED
    )
    assert passes.verify(text, keys, start - timedelta(microseconds=1), role=role).error is (
        PassError.NOT_YET_VALID
    )


# ---------------------------------------------------------------------------
# Logging stand-in
# ---------------------------------------------------------------------------


def _longest_shared_run(masked: str, text: str) -> int:
    best = 0
    for size in range(1, len(text) + 1):
        if any(text[i : i + size] in masked for i in range(len(text) - size + 1)):
            best = size
        else:
            break
    return best


def test_mask_pass_shows_at_most_four_characters():
    for text in SAMPLE_PASSES:
        masked = passes.mask_pass(text)
        assert masked.startswith(text[:4])
        assert _longest_shared_run(masked, text) <= 4
        assert text not in masked
        assert "120" in masked  # says how long it was


@settings(max_examples=300, deadline=None)
@given(
    pass_id=st.integers(0, 2**32 - 1),
    parent_id=st.integers(0, 2**32 - 1),
    style=st.sampled_from(list(WEDGE_VARIANTS)),
)
def test_mask_pass_never_leaks_more_than_four_characters(pass_id, parent_id, style):
    text = issue(pass_id=pass_id, parent_id=parent_id)
    typed = WEDGE_VARIANTS[style](text)
    masked = passes.mask_pass(typed)
    for candidate in (text, typed, text.lower()):
        assert _longest_shared_run(masked, candidate) <= 4


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "\u3000"])
def test_mask_pass_of_empty_input(text):
    assert passes.mask_pass(text) == "(empty)"


def test_mask_pass_of_short_garbage_does_not_raise():
    assert passes.mask_pass("ab").startswith("AB")


# ---------------------------------------------------------------------------
# normalize() itself
# ---------------------------------------------------------------------------


def test_normalize_examples():
    assert passes.normalize("\uff33\uff21\uff11") == "SA1"
    assert passes.normalize("\u3000sa1\r\n") == "SA1"
    assert passes.normalize("S A") == "S A"  # inner spaces are real characters


@given(text=st.text(alphabet=string.printable + "\u3000", max_size=50))
def test_normalize_is_idempotent(text):
    once = passes.normalize(text)
    assert passes.normalize(once) == once
