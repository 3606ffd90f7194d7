"""Records the platform refused (parked) and sending them again once the cause is fixed
(``starkiosk unpark``; the admin screen's list of refused records)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.closeout import HELD_REASON
from kiosk.core.store import Store


@dataclass(frozen=True)
class ParkedItem:
    """One thing that did not reach the platform: a check-in/check-out record or a close-out.

    ``held`` marks a close-out signed with the trainer PIN, waiting for a trainer pass (not a
    refusal at all); otherwise ``reason`` is the platform's word for the refusal.
    """

    kind: str  # "checkin" | "checkout" | "closeout"
    session_id: int
    device_time: str | None
    reason: str | None
    held: bool = False


def parked_items(store: Store) -> list[ParkedItem]:
    items = [ParkedItem(r["kind"], r["session_id"], r["device_time"], r["park_reason"])
             for r in store.parked()]
    items += [ParkedItem("closeout", c["session_id"], c["device_time"], c["park_reason"],
                         held=c["park_reason"] == HELD_REASON)
              for c in store.parked_closeouts()]
    return items


def unpark(store: Store) -> int:
    """Queue every parked record again; returns how many."""
    return store.unpark_all()
