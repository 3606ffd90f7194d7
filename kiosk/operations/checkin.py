"""Checking parents in outside the scan screen: codes typed or piped in, the volunteer's
look-up by the phone's last four digits, and a walk-in by the parent number on their card
(``starkiosk checkin`` / ``manual``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kiosk.config import Config
from kiosk.core.clock import Clock
from kiosk.core.desk import CheckinDesk, CheckinResult, UnknownSession
from kiosk.core.store import RegistrationRow, Store
from kiosk.operations.common import OperationError, require_session, unknown_session
from kiosk.operations.parent_lookup import (
    ParentNumber,
    look_up,
    parse_number,
    require_known_or_confirmed,
)


def scan_codes(store: Store, config: Config, session_id: int, method: str,
               codes: Iterable[str]) -> Iterator[CheckinResult]:
    """Each code's result, one at a time, each returned only after its record is committed.

    The class is checked before the first code is read (:class:`OperationError`
    ``unknown_session``), so a wrong ``--session`` never consumes standard input.
    """
    desk = CheckinDesk(store, window=config.window())
    require_session(store, session_id)
    return (desk.scan(code, session_id, method) for code in codes)


@dataclass
class ManualLookup:
    """The registered parents whose phone ends in the digits, and the check-in when exactly one
    was chosen (or only one matched)."""

    matches: list[RegistrationRow]
    result: CheckinResult | None


def manual_checkin(store: Store, config: Config, session_id: int, phone_last4: str,
                   surname: str | None = None, parent_number: str | None = None) -> ManualLookup:
    """Look up by phone digits; ``parent_number`` (as typed, with its check digit) picks one
    of the matches — a mistyped number is refused (``bad_parent_number``) before anything."""
    desk = CheckinDesk(store, window=config.window())
    typed = parse_number(store, parent_number) if parent_number is not None else None
    try:
        matches = desk.find(session_id, phone_last4, surname)
    except UnknownSession:
        raise unknown_session(store, session_id) from None
    if typed is not None:
        found = {m.parent_id for m in matches}
        parent_id = next((c for c in typed.candidates if c in found), None)
        if parent_id is None:
            raise OperationError("not_a_match",
                                 "that parent is not among the matches for these phone digits")
        return ManualLookup(matches, desk.manual(session_id, parent_id))
    if len(matches) == 1:
        return ManualLookup(matches, desk.manual(session_id, matches[0].parent_id))
    return ManualLookup(matches, None)


def walk_in_checkin(store: Store, config: Config, session_id: int, parent_number: str, *,
                    confirm_unknown: bool = False,
                    clock: Clock | None = None) -> tuple[ParentNumber, CheckinResult]:
    """A volunteer checks a parent in by the number on their card (the help screen's walk-in).

    A mistyped number is refused (``bad_parent_number``), a number this kiosk does not know
    needs ``confirm_unknown`` (``unknown_parent_number``); nothing is recorded on a refusal.
    The record is ``method=manual`` and, unless the parent registered for this class,
    ``walk_in`` — the class's walk-in policy decides as for a scan.
    """
    require_session(store, session_id)
    number = look_up(store, session_id, parent_number)
    require_known_or_confirmed(number, confirm_unknown)
    desk = CheckinDesk(store, clock, window=config.window())
    return number, desk.manual(session_id, number.parent_id)
