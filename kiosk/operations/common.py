"""What every operation shares: the one error type and the class look-up."""

from __future__ import annotations

from kiosk.core.store import SessionRow, Store


class OperationError(Exception):
    """A job that could not be done.

    ``reason`` is a stable word (``unknown_session``, ``not_enrolled``, ``cannot_write`` …) that
    the screens translate; ``str(exc)`` is the plain English the command line prints; ``data``
    says the data folder or a file could not be used (the CLI's exit status 3) rather than the
    request being wrong (2).  ``code`` carries the underlying refusal where there is one (the
    close-out's or the enrolment's own reason word).
    """

    def __init__(self, reason: str, message: str, *, data: bool = False,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.data = data
        self.code = code


def unknown_session(store: Store, session_id: int) -> OperationError:
    ids = ", ".join(str(s.id) for s in store.sessions()) or "none — import a site bundle first"
    return OperationError("unknown_session",
                          f"class {session_id} is not on this kiosk (classes here: {ids})")


def require_session(store: Store, session_id: int) -> SessionRow:
    """The class, or :class:`OperationError` ``unknown_session`` listing the classes here."""
    session = store.session(session_id)
    if session is None:
        raise unknown_session(store, session_id)
    return session
