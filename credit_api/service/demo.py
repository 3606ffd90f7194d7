"""The demo programme: the same venues, classes and parents as the kiosk's demo bundle
(:mod:`sync.demo`), loaded into the platform with ledgers that match each parent's stage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from credit_api import credits as rules
from credit_api import db as t
from credit_api import keys as keyring
from credit_api.service.common import insert_ignore, next_seq, policy
from credit_api.service.devices import new_enrolment_code
from credit_api.service.programme import put_session, put_trainer, put_venue
from sync.protocol import Registration


def init_demo(conn: Connection, now: datetime, parents: int = 200,
              files: keyring.KeyFiles | None = None) -> dict[str, Any]:
    from sync import demo as demo_data

    keyring.current_key(conn, files, now)
    trust = keyring.trust_list(conn, now)
    programme = demo_data.load_programme()
    pol = policy(conn)
    summary: dict[str, Any] = {}
    for v in programme["venues"]:
        bundle, info = demo_data.make_bundle(trust, now=now, parents=parents, venue_id=v["id"])
        put_venue(conn, bundle.venue)
        for tr in bundle.trainers:
            put_trainer(conn, tr)
        for s in bundle.sessions:
            existing = conn.execute(select(t.sessions.c.status)
                                    .where(t.sessions.c.id == s.id)).scalar()
            if existing != "closed":
                put_session(conn, s)
        _demo_people(conn, bundle.registrations, pol, now)
        if v["id"] == demo_data.DEFAULT_VENUE:
            summary = info
    code, expires = new_enrolment_code(conn, demo_data.DEFAULT_VENUE, now)
    return {"enrolment_code": code, "enrolment_code_expires": expires.isoformat(), **summary}


def _demo_people(conn: Connection, regs: Sequence[Registration], pol: rules.Policy,
                 now: datetime) -> None:
    """Bulk-load demo parents (with a ledger matching their stage) and their registrations."""
    people = {r.parent_id: r for r in regs}
    rows = [{"id": p.parent_id, "masked_name": p.masked_name, "phone_last4": p.phone_last4,
             "stage": p.stage, "completed": False, "created_at": now} for p in people.values()]
    new = set(conn.execute(insert_ignore(conn, t.parents).returning(t.parents.c.id), rows)
              .scalars())
    tallies, stars_rows = [], []
    for pid in sorted(new):
        state = _demo_ledger(people[pid].stage, people[pid].stage_credits, pol, now)
        tallies += [{"parent_id": pid, "stage": s, "credits": c}
                    for s, c in state.tallies.items() if c]
        stars_rows += [{"parent_id": pid, "stage": s, "earned_on": d}
                       for s, d in state.stars.items()]
    if tallies:
        conn.execute(t.stage_credits.insert(), tallies)
    if stars_rows:
        conn.execute(t.stars.insert(), stars_rows)
    sids = {r.session_id for r in regs}
    have = {(a, b) for a, b in conn.execute(
        select(t.registrations.c.session_id, t.registrations.c.parent_id)
        .where(t.registrations.c.session_id.in_(sids)))}
    venue_of = {sid: vid for sid, vid in conn.execute(
        select(t.sessions.c.id, t.sessions.c.venue_id).where(t.sessions.c.id.in_(sids)))}
    missing = [r for r in regs if (r.session_id, r.parent_id) not in have]
    if missing:
        seq = next_seq(conn)
        conn.execute(t.registrations.insert(), [
            {"session_id": r.session_id, "parent_id": r.parent_id,
             "venue_id": venue_of[r.session_id], "withdrawn": False, "seq": seq}
            for r in missing])


def _demo_ledger(stage: int, stage_credits: int, pol: rules.Policy,
                 now: datetime) -> rules.LedgerState:
    state = rules.LedgerState(stage=stage)
    for s in range(1, stage):
        state.tallies[s] = pol.threshold(s)
        state.stars[s] = (now - timedelta(days=60 * (stage - s))).astimezone(UTC).date().isoformat()
    state.tallies[stage] = min(stage_credits, max(pol.threshold(stage) - 1, 0))
    return state
