"""Parent numbers people type: the Luhn check digit, the legacy flag, the kiosk's look-up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from kiosk.config import Config
from kiosk.core.rules import Outcome
from kiosk.operations import checkin, parent_lookup
from kiosk.operations.common import OperationError
from sync.parent_numbers import (
    MAX_ID,
    TypedNumberError,
    check_digit,
    display_number,
    luhn_valid,
    parse_typed,
)
from sync.protocol import SiteBundle, Venue

ids = st.integers(min_value=1, max_value=MAX_ID)


# -- the check digit ---------------------------------------------------------------------------


def test_known_examples() -> None:
    assert display_number(1234567) == "12345674"
    assert check_digit(1234567) == 4
    assert luhn_valid("79927398713")  # the textbook Luhn example
    assert not luhn_valid("79927398710")
    assert display_number(MAX_ID) == f"{MAX_ID}{check_digit(MAX_ID)}"
    with pytest.raises(ValueError):
        display_number(0)
    with pytest.raises(ValueError):
        display_number(2**32)


@settings(max_examples=3000)
@given(ids)
def test_round_trip(parent_id: int) -> None:
    shown = display_number(parent_id)
    assert shown.isdigit() and shown[0] != "0"
    assert parse_typed(shown, legacy_ok=False).candidates == (parent_id,)
    # With legacy numbers allowed the checked reading comes first.
    assert parse_typed(shown, legacy_ok=True).candidates[0] == parent_id


@settings(max_examples=500)
@given(ids, st.data())
def test_every_single_digit_substitution_is_refused(parent_id: int, data: st.DataObject) -> None:
    shown = display_number(parent_id)
    i = data.draw(st.integers(0, len(shown) - 1), label="position")
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != shown[i]]), label="digit")
    typo = shown[:i] + digit + shown[i + 1:]
    assert not luhn_valid(typo)
    with pytest.raises(TypedNumberError) as err:
        parse_typed(typo, legacy_ok=False)
    assert err.value.reason in ("bad_check_digit", "out_of_range")


def test_every_substitution_exhaustively_for_some_ids() -> None:
    for parent_id in (1, 9, 10, 1234567, 90909090, MAX_ID):
        shown = display_number(parent_id)
        for i, old in enumerate(shown):
            for d in "0123456789":
                if d != old:
                    with pytest.raises(TypedNumberError):
                        parse_typed(shown[:i] + d + shown[i + 1:], legacy_ok=False)


@settings(max_examples=500)
@given(ids, st.data())
def test_adjacent_transpositions(parent_id: int, data: st.DataObject) -> None:
    """Every swap of two distinct adjacent digits is refused — except 09 ↔ 90, which Luhn
    cannot see (both sum the same), and which then reads as another valid number."""
    shown = display_number(parent_id)
    pairs = [i for i in range(len(shown) - 1) if shown[i] != shown[i + 1]]
    if not pairs:
        return
    i = data.draw(st.sampled_from(pairs), label="position")
    swapped = shown[:i] + shown[i + 1] + shown[i] + shown[i + 2:]
    if {shown[i], shown[i + 1]} == {"0", "9"}:
        assert luhn_valid(swapped)  # exactly what Luhn does not guarantee
        return
    assert not luhn_valid(swapped)
    with pytest.raises(TypedNumberError):
        parse_typed(swapped, legacy_ok=False)


def test_the_09_90_blind_spot_is_real() -> None:
    parent_id = next(p for p in range(1, 10**6) if "09" in display_number(p)[:-1])
    shown = display_number(parent_id)
    i = shown.index("09")
    swapped = shown[:i] + "90" + shown[i + 2:]
    assert parse_typed(swapped, legacy_ok=False).candidates != (parent_id,)


def test_typing_forgiveness_and_refusals() -> None:
    assert parse_typed(" 1234 567-4 ", legacy_ok=False).candidates == (1234567,)
    assert parse_typed("１２３４５６７４", legacy_ok=False).candidates == (1234567,)  # full-width
    for text, reason in [("", "not_a_number"), ("12a4", "not_a_number"), ("+1234", "not_a_number"),
                         ("5", "out_of_range"), ("0", "out_of_range"),
                         ("00", "out_of_range"), ("123456789012", "out_of_range"),
                         (f"{2**32}{0}", "out_of_range"), ("12345675", "bad_check_digit")]:
        with pytest.raises(TypedNumberError) as err:
            parse_typed(text, legacy_ok=False)
        assert err.value.reason == reason, text
        assert isinstance(err.value, ValueError)


def test_legacy_numbers_give_both_readings_checked_first() -> None:
    both = parse_typed("12345674", legacy_ok=True)
    assert both.candidates == (1234567, 12345674) and both.ambiguous
    only_legacy = parse_typed("12345675", legacy_ok=True)  # no valid check digit: a bare id
    assert only_legacy.candidates == (12345675,) and only_legacy.checked is None
    with pytest.raises(TypedNumberError) as err:  # a bare id above uint32 with a bad digit
        parse_typed("42949672950", legacy_ok=True)
    assert err.value.reason == "bad_check_digit"


# -- the venue's flag --------------------------------------------------------------------------


def test_venue_flag_absent_means_true_and_is_left_out_while_true() -> None:
    v = Venue.model_validate({"id": 1, "name": "场地", "kind": "街道社区学校"})
    assert v.legacy_parent_numbers is True
    assert "legacy_parent_numbers" not in v.model_dump_json()  # old kiosks still read it
    strict = v.model_copy(update={"legacy_parent_numbers": False})
    assert '"legacy_parent_numbers":false' in strict.model_dump_json()
    assert Venue.model_validate_json(strict.model_dump_json()).legacy_parent_numbers is False


def test_bundle_import_and_enrolment_keep_the_flag(store, demo) -> None:
    bundle: SiteBundle = demo[0]
    assert store.legacy_parent_numbers() is True  # the demo bundle predates the field
    strict = bundle.model_copy(update={
        "venue": bundle.venue.model_copy(update={"legacy_parent_numbers": False})})
    store.import_bundle(SiteBundle.model_validate_json(strict.model_dump_json()))
    assert store.legacy_parent_numbers() is False
    with store.write():
        store.put_venue(bundle.venue)  # what enrolment does with the answer's venue
    assert store.legacy_parent_numbers() is True


def test_platform_emits_its_setting_with_the_venue() -> None:
    from credit_api import db
    from credit_api.service.common import set_setting
    from credit_api.service.programme import put_venue, venue

    engine = create_engine("sqlite://")
    db.metadata.create_all(engine)
    with engine.begin() as conn:
        put_venue(conn, Venue(id=7, name="场地", kind="幼儿园", legacy_parent_numbers=False))
        assert venue(conn, 7).legacy_parent_numbers is True  # the setting's default
        set_setting(conn, "legacy_parent_numbers", "false")
        assert venue(conn, 7).legacy_parent_numbers is False


# -- the kiosk's look-up and walk-in by number ----------------------------------------------------


def _strict(store) -> None:
    with store.write():
        store.set_meta("legacy_parent_numbers", "0")


def _open_and_other(store, demo):
    """The open class and a parent registered for another class here but not for it."""
    bundle, summary = demo
    sid = summary["open_session"]
    other = next(r for r in bundle.registrations if r.session_id != sid)
    with store.write():
        store.remove_registrations([(sid, other.parent_id)])
    return sid, other


def test_look_up_refuses_a_typo_and_names_a_known_parent(store, demo) -> None:
    _strict(store)
    sid, other = _open_and_other(store, demo)
    shown = display_number(other.parent_id)
    typo = shown[:-1] + str((int(shown[-1]) + 1) % 10)
    with pytest.raises(OperationError) as err:
        parent_lookup.look_up(store, sid, typo)
    assert err.value.reason == "bad_parent_number" and err.value.code == "bad_check_digit"
    assert "编号有误，请核对" in str(err.value)
    found = parent_lookup.look_up(store, sid, shown)
    assert found.known and found.masked_name == other.masked_name and found.stage == other.stage
    assert found.parent_id == other.parent_id and not found.registered_here
    unknown = parent_lookup.look_up(store, sid, display_number(4000000000))
    assert not unknown.known and unknown.masked_name is None
    with pytest.raises(OperationError) as err:  # a bare legacy id is refused when strict
        parent_lookup.look_up(store, sid, str(other.parent_id * 10 + (check_digit(
            other.parent_id) + 1) % 10))
    assert err.value.code == "bad_check_digit"


def test_legacy_reading_of_a_known_parent_wins(store, demo) -> None:
    sid, other = _open_and_other(store, demo)
    assert parent_lookup.look_up(store, sid, str(other.parent_id)).parent_id == other.parent_id


def test_walk_in_by_number(store, demo, tmp_path, clock) -> None:
    _strict(store)
    cfg = Config(tmp_path / "cfg")
    sid, other = _open_and_other(store, demo)
    before = len(store.records())
    with pytest.raises(OperationError) as err:
        checkin.walk_in_checkin(store, cfg, sid, display_number(other.parent_id) + "1")
    assert err.value.reason == "bad_parent_number" and len(store.records()) == before
    stranger = display_number(4000000000)
    with pytest.raises(OperationError) as err:
        checkin.walk_in_checkin(store, cfg, sid, stranger)
    assert err.value.reason == "unknown_parent_number" and len(store.records()) == before
    number, result = checkin.walk_in_checkin(store, cfg, sid, stranger, confirm_unknown=True,
                                             clock=clock)
    assert number.parent_id == 4000000000 and result.parent_id == 4000000000
    assert result.outcome is Outcome.ACCEPTED_WALK_IN
    rec = store.record(result.checkin_id)
    assert rec["walk_in"] == 1 and rec["method"] == "manual" and rec["pass_id"] is None
    # A parent known from another class: no confirmation needed, recorded as a walk-in here.
    number, result = checkin.walk_in_checkin(store, cfg, sid, display_number(other.parent_id),
                                             clock=clock)
    assert number.known and number.masked_name == other.masked_name
    assert result.outcome is Outcome.ACCEPTED_WALK_IN and result.parent_id == other.parent_id
