"""Checking parents in outside the scan screen: codes typed or piped in, and the volunteer's
look-up by the phone's last four digits (``starkiosk checkin`` / ``manual``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kiosk.config import Config
from kiosk.core.desk import CheckinDesk, CheckinResult, UnknownSession
from kiosk.core.store import RegistrationRow, Store
from kiosk.operations.common import OperationError, require_session, unknown_session


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
                   surname: str | None = None, parent_id: int | None = None) -> ManualLookup:
    desk = CheckinDesk(store, window=config.window())
    try:
        matches = desk.find(session_id, phone_last4, surname)
    except UnknownSession:
        raise unknown_session(store, session_id) from None
    if parent_id is not None:
        if parent_id not in {m.parent_id for m in matches}:
            raise OperationError("not_a_match",
                                 "that parent is not among the matches for these phone digits")
        return ManualLookup(matches, desk.manual(session_id, parent_id))
    if len(matches) == 1:
        return ManualLookup(matches, desk.manual(session_id, matches[0].parent_id))
    return ManualLookup(matches, None)
