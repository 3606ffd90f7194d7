"""Parent numbers people read and type: the parent id followed by one Luhn check digit.

Inside passes and on the wire a parent id stays a plain uint32 (docs/protocol.md §1).  Only the
number *shown* to people — printed under a pass's QR code, read out at the help desk, typed on
the kiosk's numeric keypad or after ``starkiosk manual --parent`` — carries a check digit, so
that a mistyped number is refused on the spot instead of becoming a record the platform parks
as ``unknown_parent``.  Digits only, so the on-screen keypad suffices.

Luhn (ISO/IEC 7812-1) catches every single-digit substitution and every transposition of two
adjacent digits except ``09`` ↔ ``90``.

Numbers printed before the check digit existed ("legacy" numbers: the bare id) are accepted
while the platform says so (``Venue.legacy_parent_numbers``).  Then a typed string may be read
two ways — the id plus its check digit, or a bare legacy id — and :func:`parse_typed` returns
both readings, the checked one first; the caller keeps the one it knows.

Pure Python, no Qt: both the kiosk and the platform import it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_ID = 2**32 - 1
_IGNORED = " -\t"


class TypedNumberError(ValueError):
    """A typed parent number that cannot be any parent's: ``reason`` is a stable word —
    ``not_a_number``, ``bad_check_digit`` or ``out_of_range``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TypedNumber:
    """What a typed number may mean: one or two candidate parent ids, best first.

    ``checked`` is the id read as "id + check digit" (None when the check digit is wrong or
    legacy numbers are not allowed and it is not valid); ``legacy`` is the bare id (only when
    legacy numbers are allowed).
    """

    text: str  # the digits typed, spaces and dashes dropped
    checked: int | None
    legacy: int | None

    @property
    def candidates(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(c for c in (self.checked, self.legacy) if c is not None))

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def _luhn_sum(digits: str, *, with_check: bool) -> int:
    """The Luhn sum of ``digits``; ``with_check``: the last digit is the check digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == (0 if with_check else 1):
            total += d
        else:
            d *= 2
            total += d - 9 if d > 9 else d
    return total


def check_digit(parent_id: int) -> int:
    """The Luhn check digit of ``parent_id`` (1 … 2³²−1)."""
    _in_range(parent_id)
    return (10 - _luhn_sum(str(parent_id), with_check=False) % 10) % 10


def display_number(parent_id: int) -> str:
    """The number people see and type: the id's digits, then its check digit."""
    return f"{parent_id}{check_digit(parent_id)}"


def luhn_valid(digits: str) -> bool:
    """True when the last digit of ``digits`` is the Luhn check digit of the others."""
    return len(digits) >= 2 and digits.isascii() and digits.isdigit() \
        and _luhn_sum(digits, with_check=True) % 10 == 0


def _in_range(parent_id: int) -> None:
    if not 1 <= parent_id <= MAX_ID:
        raise ValueError(f"a parent id is 1 … {MAX_ID}, not {parent_id}")


def clean(text: str) -> str:
    """What was typed, with full-width digits made ASCII and spaces and dashes dropped."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch not in _IGNORED).strip()


def parse_typed(text: str, *, legacy_ok: bool) -> TypedNumber:
    """The parent id(s) a typed number may stand for, or :class:`TypedNumberError`.

    Spaces and dashes are ignored (``1234 5674``, ``1234567-4``), full-width digits are read
    as digits.  Without ``legacy_ok`` the last digit must be the check digit of the others.
    With it, a number whose check digit does not fit is read as a bare legacy id; one whose
    check digit fits may be either, and both readings are returned (checked first).
    """
    digits = clean(text)
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise TypedNumberError("not_a_number", f"{text!r} is not a number")
    if len(digits) > 11:  # 10 digits of a uint32 and the check digit
        raise TypedNumberError("out_of_range", "too many digits for a parent number")
    body = int(digits[:-1]) if len(digits) > 1 else 0
    body_ok = 1 <= body <= MAX_ID and not digits.startswith("0")
    checked = body if body_ok and luhn_valid(digits) else None
    whole = int(digits)
    legacy = whole if legacy_ok and 1 <= whole <= MAX_ID and not digits.startswith("0") else None
    if checked is None and legacy is None:
        if not body_ok:
            raise TypedNumberError("out_of_range", "not a parent number: too few or too many "
                                   "digits, or a leading zero")
        raise TypedNumberError("bad_check_digit", "the last digit does not fit the others: "
                               "a digit was mistyped")
    return TypedNumber(digits, checked, legacy)
