"""A trainer's close-out submitted from the command line (``starkiosk close-out``).

The rules (verify the trainer pass, lock the class, queue the corrections) are the core's
``kiosk.core.closeout``; the close-out screen calls them too and leaves the sending to the sync
service.  Here the queued close-out is sent at once when the kiosk is enrolled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.config import Config
from kiosk.core.closeout import Addition, CloseoutError, Removal, close_out
from kiosk.core.store import Store
from kiosk.operations.common import OperationError
from kiosk.operations.syncing import run_sync
from sync import credentials


def submit_closeout(config: Config, store: Store, session_id: int, trainer_pass: str, *,
                    removals: Sequence[Removal] = (),
                    additions: Sequence[Addition] = ()) -> dict[str, Any]:
    """Close the class, then try to send it; the summary says whether it reached the platform."""
    try:
        queued = close_out(store, session_id, trainer_pass, removals=list(removals),
                           additions=list(additions))
    except CloseoutError as exc:
        raise OperationError("closeout_refused", f"close-out refused ({exc.code}): {exc}",
                             code=exc.code) from exc
    sync = run_sync(config, store) if credentials.load(config.data_dir) else None
    # What the platform held back (an unknown parent number…): everyone else got their credits.
    held = [{k: h[k] for k in ("action", "checkin_id", "parent_id", "reason", "detail")}
            for h in store.held_back_corrections() if h["closeout_id"] == queued.id]
    return {"closed": True, "closeout_id": queued.id, "session_id": queued.session_id,
            "attendees": queued.attendees, "removed": queued.removed, "added": queued.added,
            "synced": bool(sync and sync.ok),
            "sync_error": sync.error if sync and not sync.ok else None, "held_back": held}
