"""A parent number typed by a volunteer or a trainer: checked on the spot, then looked up.

The number people type is the parent id followed by a Luhn check digit
(:mod:`sync.parent_numbers`); a bare id printed before check digits existed is taken while the
platform says so (the venue's ``legacy_parent_numbers``, kept in the store's ``meta``).

- A number that cannot be right (a wrong check digit, not digits, too long) is refused at once:
  :class:`~kiosk.operations.common.OperationError` ``bad_parent_number`` (``code``: the reason
  word of :class:`~sync.parent_numbers.TypedNumberError`); nothing is recorded.
- A number of a parent this kiosk knows (registered for any class here) comes back with the
  masked name and stage, for the volunteer to compare with the person in front of them.
- A number this kiosk does not know comes back ``known=False``: the caller asks for an explicit
  confirmation (the screen) or ``--confirm-unknown`` (the command line) before recording.

The help screen's walk-in, ``starkiosk manual --parent`` and ``starkiosk close-out --add`` all
come here, so they refuse and confirm alike.  No Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.core.store import RegistrationRow, Store
from kiosk.operations.common import OperationError
from sync.parent_numbers import TypedNumber, TypedNumberError, parse_typed

log = logging.getLogger(__name__)

# The words of a refusal (the screens translate theirs through Qt; these are the CLI's).
BAD_NUMBER = {"zh": "编号有误，请核对", "en": "Number is wrong, please check it"}


@dataclass(frozen=True, slots=True)
class ParentNumber:
    """The parent a typed number stands for, as far as this kiosk can tell."""

    parent_id: int
    typed: str  # the digits as typed (spaces and dashes dropped)
    masked_name: str | None = None  # None: no class on this kiosk lists this parent
    stage: int | None = None
    registered_here: bool = False  # registered for the class at hand

    @property
    def known(self) -> bool:
        return self.masked_name is not None

    def to_json(self) -> dict[str, object]:
        return {"parent_id": self.parent_id, "number": self.typed, "parent": self.masked_name,
                "stage": self.stage, "known": self.known,
                "registered_here": self.registered_here}


def parse_number(store: Store, text: str) -> TypedNumber:
    """The candidate ids of a typed number, or ``bad_parent_number`` (nothing else happens)."""
    try:
        return parse_typed(text, legacy_ok=store.legacy_parent_numbers())
    except TypedNumberError as exc:
        raise OperationError("bad_parent_number",
                             f"{BAD_NUMBER['zh']} ({BAD_NUMBER['en']}): {exc}",
                             code=exc.reason) from None


def _registrations(store: Store, session_id: int | None, parent_id: int) -> list[RegistrationRow]:
    """This parent's registrations on the kiosk, the class at hand first."""
    ids = [s.id for s in store.sessions()]
    if session_id in ids:
        ids.remove(session_id)
        ids.insert(0, session_id)
    return [r for sid in ids if (r := store.registration(sid, parent_id)) is not None]


def look_up(store: Store, session_id: int | None, text: str) -> ParentNumber:
    """Check a typed number and find its parent (see the module's docstring).

    When legacy numbers are allowed a number may be read two ways; the reading this kiosk
    knows wins, the checked reading first.  When neither is known the checked reading is
    taken (the number as printed on a card with a check digit).
    """
    typed = parse_number(store, text)
    for candidate in typed.candidates:
        regs = _registrations(store, session_id, candidate)
        if regs:
            first = regs[0]
            return ParentNumber(candidate, typed.text, first.masked_name, first.stage,
                                registered_here=first.session_id == session_id)
    return ParentNumber(typed.candidates[0], typed.text)


def require_known_or_confirmed(number: ParentNumber, confirm_unknown: bool) -> None:
    """``unknown_parent_number`` unless the kiosk knows the parent or the caller confirmed."""
    if number.known:
        return
    if not confirm_unknown:
        raise OperationError(
            "unknown_parent_number",
            f"this kiosk has no details of parent number {number.typed}: check the number, "
            "or confirm that it is right (--confirm-unknown) to use it anyway",
            code="unknown")
    log.warning("parent number %s (id %s) is not known on this kiosk: used on the "
                "volunteer's confirmation", number.typed, number.parent_id)
