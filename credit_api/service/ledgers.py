"""A parent's credits: the stage reached, credits per stage and the stars earned.

Close-out (:mod:`credit_api.service.closeouts`) changes a ledger through these functions; the
ledger endpoint and the admin command read it with :func:`ledger`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from credit_api import credits as rules
from credit_api import db as t
from credit_api.service.common import ApiError, policy
from sync.protocol import Ledger, StageCredits, StarEarned


def set_ledger(conn: Connection, parent_id: int, state: rules.LedgerState) -> None:
    conn.execute(t.parents.update().where(t.parents.c.id == parent_id)
                 .values(stage=state.stage, completed=state.completed))
    conn.execute(t.stage_credits.delete().where(t.stage_credits.c.parent_id == parent_id))
    tallies = [{"parent_id": parent_id, "stage": s, "credits": c}
               for s, c in sorted(state.tallies.items()) if c]
    if tallies:
        conn.execute(t.stage_credits.insert(), tallies)
    existing = set(conn.execute(select(t.stars.c.stage)
                                .where(t.stars.c.parent_id == parent_id)).scalars())
    new = [{"parent_id": parent_id, "stage": s, "earned_on": d}
           for s, d in sorted(state.stars.items()) if s not in existing]
    if new:
        conn.execute(t.stars.insert(), new)


def load_ledger(conn: Connection, parent_id: int, *, lock: bool = False) -> rules.LedgerState:
    q = select(t.parents.c.stage, t.parents.c.completed).where(t.parents.c.id == parent_id)
    row = conn.execute(q.with_for_update() if lock else q).first()
    if row is None:
        raise ApiError(404, "unknown_parent", f"there is no parent {parent_id}")
    tallies = dict.fromkeys(rules.STAGES, 0)
    for s, c in conn.execute(select(t.stage_credits.c.stage, t.stage_credits.c.credits)
                             .where(t.stage_credits.c.parent_id == parent_id)):
        tallies[s] = c
    st = {s: d for s, d in conn.execute(select(t.stars.c.stage, t.stars.c.earned_on)
                                        .where(t.stars.c.parent_id == parent_id))}
    return rules.LedgerState(stage=row.stage, completed=bool(row.completed), tallies=tallies,
                             stars=st)


def ledger(conn: Connection, parent_id: int, now: datetime,
           venue_id: int | None = None) -> Ledger:
    """A parent's ledger; with ``venue_id`` (a kiosk asking) only for a parent registered for
    a class of that venue — any other parent is "unknown" to that kiosk (404)."""
    if venue_id is not None and conn.execute(select(t.registrations.c.parent_id).where(
            t.registrations.c.parent_id == parent_id, t.registrations.c.venue_id == venue_id,
            t.registrations.c.withdrawn.is_(False)).limit(1)).first() is None:
        raise ApiError(404, "unknown_parent", f"there is no parent {parent_id} at this venue")
    state = load_ledger(conn, parent_id)
    pol = policy(conn)
    return Ledger(
        server_time=now, parent_id=parent_id, stage=state.stage,
        stage_credits=state.tallies.get(state.stage, 0),
        stage_threshold=pol.threshold(state.stage), completed=state.completed,
        stars=[StarEarned(stage=s, date=d) for s, d in sorted(state.stars.items())],
        credits=[StageCredits(stage=s, credits=state.tallies.get(s, 0),
                              threshold=pol.threshold(s)) for s in rules.STAGES])
