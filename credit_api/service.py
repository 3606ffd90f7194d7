"""What the credit API does, independent of HTTP: every function takes an open connection
inside a transaction, so the HTTP handlers and the admin commands share one implementation.

Only this module and :mod:`credit_api.keys` touch the tables.  Personal data is minimal: the
server keeps masked names and the last four phone digits, never a full name or number.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import Insert
from sqlalchemy.sql.schema import Table

from credit_api import credits as rules
from credit_api import db as t
from credit_api import keys as keyring
from sync import passes
from sync.offline import OfflineUploadEnvelope, canonical_upload_text
from sync.passes import PassData, Role
from sync.protocol import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    AttendanceRecord,
    AttendanceReport,
    CloseoutRequest,
    CloseoutResponse,
    CreditAward,
    DeviceInfo,
    Ledger,
    RecordResult,
    Registration,
    RegistrationKey,
    RegistrationsPage,
    Revocation,
    RevocationsPage,
    Session,
    SessionsPage,
    SiteBundle,
    StageCredits,
    StarEarned,
    Trainer,
    UploadRecord,
    Venue,
    _check_masked,
)

log = logging.getLogger("credit_api")

#: How far (corrected) record times may lie outside a class and still be accepted.
RECORD_SLACK = timedelta(days=1)
DEFAULT_PAGE = 1000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


class ApiError(Exception):
    """A refusal with an HTTP status, a machine word and a sentence for the admin."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def insert_ignore(conn: Connection, table: Table) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def insert_new(conn: Connection, table: Table, **values: Any) -> bool:
    """Insert one row unless it conflicts; True when it was inserted (portable, unlike rowcount)."""
    pk = next(iter(table.primary_key.columns))
    stmt = insert_ignore(conn, table).values(**values).returning(pk)
    return conn.execute(stmt).first() is not None


def transaction(engine: Any, fn: Any, attempts: int = 4) -> Any:
    """Run ``fn(conn)`` in a transaction, retrying when the database reports a deadlock,
    a serialization failure or a busy SQLite file (nothing was committed in those cases)."""
    from sqlalchemy.exc import DBAPIError

    for attempt in range(attempts):
        try:
            with engine.begin() as conn:
                return fn(conn)
        except DBAPIError as exc:
            code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
            retry = code in ("40001", "40P01") or "database is locked" in str(exc.orig)
            if not retry or attempt == attempts - 1:
                raise
            log.warning("transaction retried after %s", code or "a busy database")
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def among(conn: Connection, column: Any, values: Sequence[Any]) -> Any:
    """``column IN values`` — on PostgreSQL as ``= ANY(array)``: one parameter instead of
    hundreds keeps the statement short and cached (large IN lists cost more than the query)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


def next_seq(conn: Connection) -> int:
    """The next change number for download cursors.

    The counter row is locked until the transaction ends, so change numbers become visible
    in order: a reader never sees change N+1 before change N has committed.
    """
    return int(conn.execute(
        t.counters.update().where(t.counters.c.name == "changes")
        .values(value=t.counters.c.value + 1).returning(t.counters.c.value)
    ).scalar_one())


def get_setting(conn: Connection, name: str, default: str) -> str:
    value = conn.execute(select(t.settings.c.value).where(t.settings.c.name == name)).scalar()
    return default if value is None else str(value)


def set_setting(conn: Connection, name: str, value: str) -> None:
    if conn.execute(t.settings.update().where(t.settings.c.name == name)
                    .values(value=value)).rowcount == 0:
        conn.execute(t.settings.insert().values(name=name, value=value))


def policy(conn: Connection) -> rules.Policy:
    return rules.Policy.parse(
        get_setting(conn, "stage_thresholds", ",".join(map(str, rules.DEFAULT_THRESHOLDS))),
        get_setting(conn, "carry_over", "false"),
    )


def _local_date(when: datetime, tz: str) -> str:
    try:
        zone = ZoneInfo(tz)
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    return when.astimezone(zone).date().isoformat()


# ---------------------------------------------------------------------------
# Cursors (opaque to clients: base64url of "kind:seq:key…")
# ---------------------------------------------------------------------------


def encode_cursor(kind: str, seq: int, *keys: int) -> str:
    raw = ":".join([kind, str(seq), *map(str, keys)]).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str | None, nkeys: int) -> tuple[int, tuple[int, ...]]:
    if not cursor:
        return 0, (0,) * nkeys
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        parts = raw.split(":")
        if parts[0] != kind or len(parts) != 2 + nkeys:
            raise ValueError
        seq, *keys = (int(p) for p in parts[1:])
        if not 0 <= seq < 2**62 or any(not 0 <= k < 2**32 for k in keys):
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ApiError(400, "bad_cursor", f"this is not a {kind} cursor from this server; "
                       "start again without a cursor") from None
    return seq, tuple(keys)


# ---------------------------------------------------------------------------
# Programme data (venues, trainers, classes, parents, registrations)
# ---------------------------------------------------------------------------


def _upsert(conn: Connection, table: Table, key: dict[str, Any], values: dict[str, Any]) -> bool:
    """Update the row with ``key`` or insert it; True when inserted."""
    where = and_(*(table.c[k] == v for k, v in key.items()))
    if conn.execute(table.update().where(where).values(**values)).rowcount:
        return False
    conn.execute(table.insert().values(**key, **values))
    return True


def put_venue(conn: Connection, venue: Venue) -> None:
    _upsert(conn, t.venues, {"id": venue.id}, venue.model_dump(exclude={"id"}))


def put_trainer(conn: Connection, trainer: Trainer) -> None:
    _upsert(conn, t.trainers, {"id": trainer.id},
            {"masked_name": trainer.name, "organisation": trainer.organisation})


def put_session(conn: Connection, session: Session) -> None:
    """Add or change a class; kiosks see it at their next sessions download."""
    if conn.execute(select(t.venues.c.id).where(t.venues.c.id == session.venue_id)).first() is None:
        raise ApiError(404, "unknown_venue", f"there is no venue {session.venue_id}")
    _upsert(conn, t.sessions, {"id": session.id},
            {**session.model_dump(exclude={"id"}), "seq": next_seq(conn)})


def put_parent(conn: Connection, parent_id: int, masked_name: str, phone_last4: str,
               now: datetime) -> bool:
    """Add a parent (masked name and the phone's last four digits only); False if known."""
    try:
        _check_masked(masked_name)
    except ValueError:
        raise ApiError(422, "invalid_request", "a parent's name must be stored masked, e.g. "
                       "王*明") from None
    if not (len(phone_last4) == 4 and phone_last4.isdigit()):
        raise ApiError(422, "invalid_request", "phone_last4 must be four digits")
    return insert_new(conn, t.parents, id=parent_id, masked_name=masked_name,
                      phone_last4=phone_last4, stage=1, completed=False, created_at=now)


def register(conn: Connection, session_id: int, parent_id: int, *, withdrawn: bool = False) -> None:
    venue_id = conn.execute(select(t.sessions.c.venue_id)
                            .where(t.sessions.c.id == session_id)).scalar()
    if venue_id is None:
        raise ApiError(404, "unknown_class", f"there is no class {session_id}")
    _upsert(conn, t.registrations, {"session_id": session_id, "parent_id": parent_id},
            {"venue_id": venue_id, "withdrawn": withdrawn, "seq": next_seq(conn)})


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


# ---------------------------------------------------------------------------
# Enrolment and devices
# ---------------------------------------------------------------------------


def new_enrolment_code(conn: Connection, venue_id: int, now: datetime,
                       hours: int | None = None) -> tuple[str, datetime]:
    """A one-time code for enrolling one kiosk at ``venue_id``; only its hash is stored."""
    if conn.execute(select(t.venues.c.id).where(t.venues.c.id == venue_id)).first() is None:
        raise ApiError(404, "unknown_venue", f"there is no venue {venue_id}")
    hours = hours or int(get_setting(conn, "enrol_code_hours", "48"))
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    expires = now + timedelta(hours=hours)
    conn.execute(t.enrolment_codes.insert().values(
        code_hash=sha256_hex(normalise_code(code)), venue_id=venue_id, created_at=now,
        expires_at=expires))
    return code, expires


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def enrol(conn: Connection, code: str, device_name: str, now: datetime,
          public_key: str | None = None) -> tuple[int, str, Venue]:
    """Spend an enrolment code: a new device and its token (returned once, stored hashed)."""
    code_hash = sha256_hex(normalise_code(code))
    row = conn.execute(select(t.enrolment_codes).where(t.enrolment_codes.c.code_hash == code_hash)
                       .with_for_update()).first()
    if row is None:
        raise ApiError(403, "bad_code", "this enrolment code is not valid; ask the platform "
                       "admin for a new one")
    if row.used_at is not None:
        raise ApiError(403, "code_used", "this enrolment code was already used; each code "
                       "enrols one kiosk — ask for a new one")
    if row.expires_at <= now:
        raise ApiError(403, "code_expired", "this enrolment code has expired; ask for a new one")
    token = secrets.token_urlsafe(32)
    device_id = conn.execute(t.devices.insert().values(
        venue_id=row.venue_id, name=device_name, token_hash=sha256_hex(token), enrolled_at=now,
        public_key=public_key,
    ).returning(t.devices.c.id)).scalar_one()
    done = conn.execute(t.enrolment_codes.update().where(
        t.enrolment_codes.c.code_hash == code_hash, t.enrolment_codes.c.used_at.is_(None)
    ).values(used_at=now, device_id=device_id)).rowcount
    if done != 1:  # lost a race with another kiosk using the same code
        raise ApiError(403, "code_used", "this enrolment code was already used")
    log.info("device %s enrolled at venue %s", device_id, row.venue_id)
    return int(device_id), token, venue(conn, row.venue_id)


@dataclass(frozen=True)
class Device:
    id: int
    venue_id: int
    name: str
    enrolled_at: datetime


def authenticate(conn: Connection, token: str, now: datetime) -> Device:
    row = conn.execute(select(t.devices).where(t.devices.c.token_hash == sha256_hex(token))).first()
    if row is None:
        raise ApiError(401, "unauthorized", "unknown device token; enrol this kiosk again")
    if row.revoked_at is not None:
        raise ApiError(403, "device_revoked", "this kiosk was revoked by the platform; enrol it "
                       "again with a new code")
    if row.last_seen_at is None or now - row.last_seen_at > timedelta(minutes=1):
        conn.execute(t.devices.update().where(t.devices.c.id == row.id).values(last_seen_at=now))
    return Device(row.id, row.venue_id, row.name, row.enrolled_at)


def revoke_device(conn: Connection, device_id: int, now: datetime) -> bool:
    return bool(conn.execute(t.devices.update().where(
        t.devices.c.id == device_id, t.devices.c.revoked_at.is_(None)).values(revoked_at=now)
    ).rowcount)


def venue(conn: Connection, venue_id: int) -> Venue:
    row = conn.execute(select(t.venues).where(t.venues.c.id == venue_id)).first()
    if row is None:
        raise ApiError(404, "unknown_venue", f"there is no venue {venue_id}")
    return Venue(id=row.id, name=row.name, kind=row.kind, district=row.district,
                 timezone=row.timezone)


def device_info(conn: Connection, device: Device, now: datetime) -> DeviceInfo:
    return DeviceInfo(server_time=now, device_id=device.id, device_name=device.name,
                      venue=venue(conn, device.venue_id), enrolled_at=device.enrolled_at)


# ---------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------


def _session_model(r: Row[Any]) -> Session:
    return Session(
        id=r.id, venue_id=r.venue_id, title=r.title, series=r.series, stage=r.stage,
        starts_at=r.starts_at, ends_at=r.ends_at, capacity=r.capacity, credits=r.credits,
        room=r.room, trainer_id=r.trainer_id, walk_in_policy=r.walk_in_policy,
        checkout_required=bool(r.checkout_required), status=r.status)


def sessions_page(conn: Connection, venue_id: int, cursor: str | None, limit: int,
                  now: datetime) -> SessionsPage:
    seq, (last_id,) = decode_cursor("sessions", cursor, 1)
    s = t.sessions.c
    rows = conn.execute(
        select(t.sessions).where(s.venue_id == venue_id,
                                 tuple_(s.seq, s.id) > tuple_(seq, last_id))
        .order_by(s.seq, s.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        seq, last_id = rows[-1].seq, rows[-1].id
    trainer_ids = sorted({r.trainer_id for r in rows if r.trainer_id is not None})
    trainers = [
        Trainer(id=tr.id, name=tr.masked_name, organisation=tr.organisation)
        for tr in conn.execute(select(t.trainers).where(t.trainers.c.id.in_(trainer_ids)))
    ] if trainer_ids else []
    return SessionsPage(server_time=now, items=[_session_model(r) for r in rows],
                        trainers=trainers, cursor=encode_cursor("sessions", seq, last_id),
                        more=more)


def registrations_page(conn: Connection, venue_id: int, cursor: str | None, limit: int,
                       now: datetime) -> RegistrationsPage:
    seq, (last_s, last_p) = decode_cursor("registrations", cursor, 2)
    r, p, sc = t.registrations.c, t.parents.c, t.stage_credits
    q = (
        select(r.session_id, r.parent_id, r.withdrawn, r.seq, p.masked_name, p.phone_last4,
               p.stage, func.coalesce(sc.c.credits, 0).label("credits"))
        .select_from(t.registrations.join(t.parents, p.id == r.parent_id)
                     .outerjoin(sc, and_(sc.c.parent_id == r.parent_id, sc.c.stage == p.stage)))
        .where(r.venue_id == venue_id,
               tuple_(r.seq, r.session_id, r.parent_id) > tuple_(seq, last_s, last_p))
        .order_by(r.seq, r.session_id, r.parent_id).limit(limit + 1)
    )
    rows = conn.execute(q).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items, removed = [], []
    for row in rows:
        if row.withdrawn:
            removed.append(RegistrationKey(session_id=row.session_id, parent_id=row.parent_id))
        else:
            items.append(Registration(
                session_id=row.session_id, parent_id=row.parent_id, masked_name=row.masked_name,
                phone_last4=row.phone_last4, stage=row.stage,
                stage_credits=min(int(row.credits), 100000)))
    if rows:
        seq, last_s, last_p = rows[-1].seq, rows[-1].session_id, rows[-1].parent_id
    return RegistrationsPage(server_time=now, items=items, removed=removed, more=more,
                             cursor=encode_cursor("registrations", seq, last_s, last_p))


def revocations_page(conn: Connection, cursor: str | None, limit: int,
                     now: datetime) -> RevocationsPage:
    seq, (last_id,) = decode_cursor("revocations", cursor, 1)
    v = t.revocations.c
    rows = conn.execute(select(t.revocations)
                        .where(tuple_(v.seq, v.pass_id) > tuple_(seq, last_id))
                        .order_by(v.seq, v.pass_id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        seq, last_id = rows[-1].seq, rows[-1].pass_id
    return RevocationsPage(
        server_time=now, more=more, cursor=encode_cursor("revocations", seq, last_id),
        items=[Revocation(pass_id=r.pass_id, revoked_at=r.revoked_at) for r in rows])


# ---------------------------------------------------------------------------
# Upload of check-in records
# ---------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def ingest(conn: Connection, batch: Sequence[UploadRecord], *, device_id: int | None,
           venue_id: int, now: datetime, source: str = "http") -> list[RecordResult]:
    """Store a batch of records; one result per record, in order.

    Idempotent forever by record id, and one record per (parent, class, kind) whatever device
    sent it: both kinds of repeat are answered ``duplicate`` and stored nothing new.
    """
    ids = [r.id for r in batch]
    known: set[str] = set()
    for chunk in _chunks(ids, 1000):
        known.update(conn.execute(select(t.records.c.id).where(among(conn, t.records.c.id, chunk)))
                     .scalars())
        known.update(conn.execute(select(t.duplicate_records.c.id)
                                  .where(among(conn, t.duplicate_records.c.id, chunk))).scalars())
    sids = {r.session_id for r in batch}
    sessions = {row.id: row for row in conn.execute(
        select(t.sessions.c.id, t.sessions.c.venue_id, t.sessions.c.status,
               t.sessions.c.starts_at, t.sessions.c.ends_at).where(t.sessions.c.id.in_(sids)))}
    pids = list({r.parent_id for r in batch})
    parents: set[int] = set()
    for chunk in _chunks(pids, 1000):
        parents.update(conn.execute(select(t.parents.c.id)
                                    .where(among(conn, t.parents.c.id, chunk))).scalars())
    pass_ids = list({r.pass_id for r in batch if r.pass_id is not None})
    owners: dict[int, int] = {}
    for chunk in _chunks(pass_ids, 1000):
        owners.update((pid, holder) for pid, holder in conn.execute(
            select(t.passes.c.pass_id, t.passes.c.holder_id)
            .where(among(conn, t.passes.c.pass_id, chunk), t.passes.c.role == "parent")))

    results: list[RecordResult | None] = [None] * len(batch)
    rows: list[dict[str, Any]] = []
    pending: dict[str, int] = {}
    batch_keys: set[tuple[int, int, str]] = set()
    dupes: list[dict[str, Any]] = []
    for i, rec in enumerate(batch):
        if rec.id in known or rec.id in pending:
            results[i] = RecordResult(id=rec.id, result="duplicate", reason="known_id")
            continue
        reason = _reject_reason(rec, sessions.get(rec.session_id), venue_id, parents, owners)
        if reason:
            results[i] = RecordResult(id=rec.id, result="rejected", reason=reason)
            continue
        key = (rec.session_id, rec.parent_id, rec.kind)
        if key in batch_keys:  # the same check-in twice in one batch: the first one counts
            results[i] = RecordResult(id=rec.id, result="duplicate", reason="already_recorded")
            dupes.append({"id": rec.id, "duplicate_of_session": rec.session_id,
                          "parent_id": rec.parent_id, "kind": rec.kind,
                          "device_id": device_id, "received_at": now})
            pending[rec.id] = -1
            continue
        batch_keys.add(key)
        pending[rec.id] = i
        rows.append({
            "id": rec.id, "kind": rec.kind, "session_id": rec.session_id,
            "parent_id": rec.parent_id, "pass_id": rec.pass_id, "method": rec.method,
            "walk_in": rec.walk_in, "device_time": rec.device_time,
            "clock_offset_ms": rec.clock_offset_ms, "received_at": now, "device_id": device_id,
            "source": source,
        })
    inserted: set[str] = set()
    if rows:
        # One global order for the unique keys, so concurrent uploads of overlapping records
        # wait for each other instead of deadlocking (PostgreSQL).
        rows.sort(key=lambda r: (r["session_id"], r["parent_id"], r["kind"], r["id"]))
        conn.execute(insert_ignore(conn, t.records), rows)
        # Which of them are ours now: ids are checked unknown above, so an id present after
        # the insert was stored by this batch (or, at the same instant, by a copy of it).
        ours = [r["id"] for r in rows]
        for chunk in _chunks(ours, 1000):
            inserted.update(conn.execute(select(t.records.c.id)
                                         .where(among(conn, t.records.c.id, chunk))).scalars())
    for row in rows:
        i = pending[row["id"]]
        if row["id"] in inserted:
            results[i] = RecordResult(id=row["id"], result="accepted")
        else:
            results[i] = RecordResult(id=row["id"], result="duplicate", reason="already_recorded")
            dupes.append({"id": row["id"], "duplicate_of_session": row["session_id"],
                          "parent_id": row["parent_id"], "kind": row["kind"],
                          "device_id": device_id, "received_at": now})
    if dupes:
        conn.execute(insert_ignore(conn, t.duplicate_records), dupes)
    return [r for r in results if r is not None]


def _reject_reason(rec: UploadRecord, session: Row[Any] | None, venue_id: int,
                   parents: set[int], owners: dict[int, int]) -> str | None:
    if session is None:
        return "unknown_class"
    if session.venue_id != venue_id:
        return "class_of_another_venue"
    if session.status == "cancelled":
        return "class_cancelled"
    if session.status == "closed":
        return "class_closed"
    if rec.parent_id not in parents:
        return "unknown_parent"
    if rec.pass_id is not None and owners.get(rec.pass_id, rec.parent_id) != rec.parent_id:
        return "pass_of_another_parent"
    try:
        at = rec.device_time + timedelta(milliseconds=rec.clock_offset_ms)
    except OverflowError:
        return "outside_class_window"
    if not session.starts_at - RECORD_SLACK <= at <= session.ends_at + RECORD_SLACK:
        return "outside_class_window"
    return None


# ---------------------------------------------------------------------------
# Close-out and credits
# ---------------------------------------------------------------------------


def _verify_trainer(conn: Connection, req: CloseoutRequest, session: Row[Any],
                    now: datetime) -> int:
    revoked = set()
    try:
        data, _, _ = passes.parse(req.trainer_pass)
        revoked = set(conn.execute(select(t.revocations.c.pass_id)
                                   .where(t.revocations.c.pass_id == data.pass_id)).scalars())
    except passes.PassFormatError:
        pass
    result = passes.verify(req.trainer_pass, keyring.public_keys(conn, now), now,
                           is_revoked=revoked.__contains__, role=Role.TRAINER)
    if not result.ok or result.data is None:
        word = result.error.value if result.error else "unreadable"
        log.info("close-out %s refused: trainer pass %s: %s", req.id,
                 passes.mask_pass(req.trainer_pass), word)
        raise ApiError(422, f"trainer_pass_{word}",
                       f"the trainer's pass was not accepted ({word.replace('_', ' ')})")
    if result.data.pass_id != req.trainer_pass_id:
        raise ApiError(422, "trainer_pass_mismatch",
                       "trainer_pass_id does not match the pass that was scanned")
    trainer_id = result.data.parent_id
    if conn.execute(select(t.trainers.c.id).where(t.trainers.c.id == trainer_id)).first() is None:
        raise ApiError(422, "unknown_trainer", f"trainer {trainer_id} is not known to the platform")
    if session.trainer_id is not None and session.trainer_id != trainer_id:
        raise ApiError(422, "not_this_trainer",
                       f"class {session.id} is led by trainer {session.trainer_id}; only that "
                       "trainer can close it out")
    return trainer_id


def closeout(conn: Connection, req: CloseoutRequest, *, device_id: int | None, venue_id: int,
             now: datetime) -> CloseoutResponse:
    """Close a class: apply the trainer's corrections, award credits once per parent."""
    done = conn.execute(select(t.closeouts).where(t.closeouts.c.id == req.id)).first()
    if done is not None:
        owner = conn.execute(select(t.sessions.c.venue_id)
                             .where(t.sessions.c.id == done.session_id)).scalar()
        if owner != venue_id:
            raise ApiError(404, "unknown_class",
                           f"class {req.session_id} is not a class of this venue")
        if done.session_id != req.session_id:
            raise ApiError(409, "closeout_id_reused",
                           f"close-out {req.id} was for class {done.session_id}, not {req.session_id}")
        stored = CloseoutResponse.model_validate_json(done.response)
        return stored.model_copy(update={"server_time": now, "repeated": True})
    session = conn.execute(select(t.sessions).where(t.sessions.c.id == req.session_id)
                           .with_for_update()).first()
    # The class row is locked now: a copy of this close-out sent concurrently has either
    # committed (answer as a repeat) or waits for us.
    done = conn.execute(select(t.closeouts).where(t.closeouts.c.id == req.id)).first()
    if done is not None and done.session_id == req.session_id:
        stored = CloseoutResponse.model_validate_json(done.response)
        return stored.model_copy(update={"server_time": now, "repeated": True})
    if session is None or session.venue_id != venue_id:
        raise ApiError(404, "unknown_class", f"class {req.session_id} is not a class of this venue")
    if session.status == "cancelled":
        raise ApiError(409, "class_cancelled", f"class {req.session_id} was cancelled")
    if session.status == "closed":
        other = conn.execute(select(t.closeouts.c.id, t.closeouts.c.closed_at)
                             .where(t.closeouts.c.session_id == req.session_id)).first()
        when = other.closed_at.isoformat() if other else "earlier"
        raise ApiError(409, "already_closed",
                       f"class {req.session_id} was already closed out ({when}); nothing changed")
    trainer_id = _verify_trainer(conn, req, session, now)

    recs = {r.id: r for r in conn.execute(select(t.records)
                                          .where(t.records.c.session_id == req.session_id))}
    corrections = []
    for rm in req.removals:
        rec = recs.get(rm.checkin_id)
        if rec is None or rec.kind != "checkin":
            raise ApiError(422, "unknown_checkin",
                           f"{rm.checkin_id} is not a check-in of class {req.session_id} known "
                           "to the platform; upload the kiosk's records first")
    for rm in req.removals:
        rec = recs[rm.checkin_id]
        if rec.removed_by is None:
            conn.execute(t.records.update().where(t.records.c.id == rec.id)
                         .values(removed_reason=rm.reason, removed_by=req.id))
        corrections.append({"closeout_id": req.id, "action": "remove", "record_id": rec.id,
                            "parent_id": rec.parent_id, "reason": rm.reason})
    removed_parents = {recs[rm.checkin_id].parent_id for rm in req.removals}
    attending = {r.parent_id for r in recs.values()
                 if r.kind == "checkin" and r.removed_by is None and r.parent_id not in removed_parents}
    checked_out = {r.parent_id for r in recs.values() if r.kind == "checkout"}
    add_ids = [a.parent_id for a in req.additions]
    known_parents = set(conn.execute(select(t.parents.c.id)
                                     .where(t.parents.c.id.in_(add_ids))).scalars()) if add_ids else set()
    registered = set(conn.execute(select(t.registrations.c.parent_id).where(
        t.registrations.c.session_id == req.session_id,
        t.registrations.c.withdrawn.is_(False))).scalars())
    added: set[int] = set()
    for add in req.additions:
        if add.parent_id not in known_parents:
            raise ApiError(422, "unknown_parent", f"there is no parent {add.parent_id}")
    for add in req.additions:
        rid = str(uuid.uuid5(uuid.UUID(req.id), f"add:{add.parent_id}"))
        corrections.append({"closeout_id": req.id, "action": "add", "record_id": rid,
                            "parent_id": add.parent_id, "reason": add.reason})
        if add.parent_id in attending:
            continue
        existing = next((r for r in recs.values() if r.parent_id == add.parent_id
                         and r.kind == "checkin"), None)
        if existing is not None:  # re-instate a check-in that had been removed earlier
            conn.execute(t.records.update().where(t.records.c.id == existing.id)
                         .values(removed_reason=None, removed_by=None))
        else:
            conn.execute(t.records.insert().values(
                id=rid, kind="checkin", session_id=req.session_id, parent_id=add.parent_id,
                pass_id=None, method="manual", walk_in=add.parent_id not in registered,
                device_time=now, clock_offset_ms=0, received_at=now, device_id=device_id,
                source="closeout"))
        attending.add(add.parent_id)
        added.add(add.parent_id)
    if corrections:
        conn.execute(t.roster_corrections.insert(), corrections)

    credited = sorted(p for p in attending
                      if not session.checkout_required or p in checked_out or p in added)
    pol = policy(conn)
    day = _local_date(now, venue(conn, venue_id).timezone)
    awards: list[CreditAward] = []
    for parent_id in credited:
        award = _award(conn, pol, session, parent_id, req.id, day, now)
        if award is not None:
            awards.append(award)
    seq = next_seq(conn)
    conn.execute(t.sessions.update().where(t.sessions.c.id == req.session_id)
                 .values(status="closed", seq=seq))
    if credited:
        open_sessions = select(t.sessions.c.id).where(t.sessions.c.status == "scheduled",
                                                      t.sessions.c.ends_at > now)
        for chunk in _chunks(credited, 1000):
            conn.execute(t.registrations.update().where(
                t.registrations.c.parent_id.in_(chunk),
                t.registrations.c.session_id.in_(open_sessions)).values(seq=seq))
    resp = CloseoutResponse(server_time=now, id=req.id, session_id=req.session_id, closed_at=now,
                            repeated=False, attendees=len(attending), removed=len(removed_parents),
                            added=len(added), awards=awards)
    conn.execute(t.closeouts.insert().values(
        id=req.id, session_id=req.session_id, trainer_id=trainer_id,
        trainer_pass_id=req.trainer_pass_id, device_id=device_id, closed_at=now,
        response=resp.model_dump_json()))
    log.info("class %s closed out by trainer %s: %d attendees, %d awards", req.session_id,
             trainer_id, len(attending), len(awards))
    return resp


def _award(conn: Connection, pol: rules.Policy, session: Row[Any], parent_id: int,
           closeout_id: str, day: str, now: datetime) -> CreditAward | None:
    state = load_ledger(conn, parent_id, lock=True)
    stage = rules.credit_stage(state, session.stage)
    got = insert_new(conn, t.credit_awards, session_id=session.id, parent_id=parent_id,
                     stage=stage, credits=session.credits, closeout_id=closeout_id,
                     awarded_at=now)
    if not got:
        return None  # this parent already has this class's credits
    stage, earned = rules.award(state, pol, session.stage, session.credits, day)
    set_ledger(conn, parent_id, state)
    if earned:
        conn.execute(t.stars.update().where(t.stars.c.parent_id == parent_id,
                                            t.stars.c.stage.in_(earned))
                     .values(session_id=session.id))
    return CreditAward(parent_id=parent_id, credits=session.credits, stage=stage,
                       stars=[StarEarned(stage=s, date=day) for s in earned])


def ledger(conn: Connection, parent_id: int, now: datetime) -> Ledger:
    state = load_ledger(conn, parent_id)
    pol = policy(conn)
    return Ledger(
        server_time=now, parent_id=parent_id, stage=state.stage,
        stage_credits=state.tallies.get(state.stage, 0),
        stage_threshold=pol.threshold(state.stage), completed=state.completed,
        stars=[StarEarned(stage=s, date=d) for s, d in sorted(state.stars.items())],
        credits=[StageCredits(stage=s, credits=state.tallies.get(s, 0),
                              threshold=pol.threshold(s)) for s in rules.STAGES])


def report(conn: Connection, session_id: int, now: datetime,
           venue_id: int | None = None) -> AttendanceReport:
    row = conn.execute(select(t.sessions.c.status, t.sessions.c.venue_id)
                       .where(t.sessions.c.id == session_id)).first()
    if row is None or (venue_id is not None and row.venue_id != venue_id):
        raise ApiError(404, "unknown_class", f"there is no class {session_id} at this venue")
    recs = conn.execute(select(t.records).where(t.records.c.session_id == session_id)
                        .order_by(t.records.c.device_time, t.records.c.id)).all()
    items = [AttendanceRecord(
        checkin_id=r.id, parent_id=r.parent_id, kind=r.kind, method=r.method,
        walk_in=bool(r.walk_in), device_time=r.device_time, clock_offset_ms=r.clock_offset_ms,
        received_at=r.received_at, removed=r.removed_by is not None,
        removed_reason=r.removed_reason) for r in recs]
    count = len({r.parent_id for r in recs if r.kind == "checkin" and r.removed_by is None})
    return AttendanceReport(server_time=now, session_id=session_id, status=row.status,
                            count=count, records=items)


# ---------------------------------------------------------------------------
# Passes
# ---------------------------------------------------------------------------


def issue_pass(conn: Connection, holder_id: int, role: Role, now: datetime,
               valid_days: int = 365, files: keyring.KeyFiles | None = None) -> tuple[str, int]:
    """Sign a pass with the current key (sync.passes format); returns (text, pass id)."""
    table = t.trainers if role is Role.TRAINER else t.parents
    if conn.execute(select(table.c.id).where(table.c.id == holder_id)).first() is None:
        who = "trainer" if role is Role.TRAINER else "parent"
        raise ApiError(404, f"unknown_{who}", f"there is no {who} {holder_id}")
    if not 1 <= valid_days <= 3650:
        raise ApiError(422, "invalid_request", "valid days must be 1..3650")
    key = keyring.current_key(conn, files, now)
    start = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    until = start + timedelta(days=valid_days)
    for _ in range(20):
        pass_id = secrets.randbelow(2**32 - 1) + 1
        got = insert_new(conn, t.passes, pass_id=pass_id, holder_id=holder_id,
                         role=role.name.lower(), key_id=key.key_id, valid_from=start,
                         valid_until=until, issued_at=now)
        if got:
            break
    else:  # pragma: no cover - 20 collisions in 2**32 ids
        raise RuntimeError("could not find a free pass id")
    text = passes.sign(PassData(key.key_id, pass_id, holder_id, role, start, until), key.private)
    log.info("issued %s pass %s for %s (key %s)", role.name.lower(), pass_id, holder_id,
             key.key_id)
    return text, pass_id


def revoke_pass(conn: Connection, pass_id: int, now: datetime) -> bool:
    """Publish a pass id as revoked; False when it already was."""
    if conn.execute(select(t.passes.c.pass_id).where(t.passes.c.pass_id == pass_id)).first() is None:
        raise ApiError(404, "unknown_pass", f"no pass {pass_id} was issued by this platform")
    got = insert_new(conn, t.revocations, pass_id=pass_id, revoked_at=now, seq=next_seq(conn))
    conn.execute(t.passes.update().where(t.passes.c.pass_id == pass_id,
                                         t.passes.c.revoked_at.is_(None)).values(revoked_at=now))
    return bool(got)


# ---------------------------------------------------------------------------
# Offline sites: site bundle out, carried records in
# ---------------------------------------------------------------------------


def export_bundle(conn: Connection, venue_id: int, now: datetime,
                  files: keyring.KeyFiles | None = None) -> SiteBundle:
    """The kiosk's site bundle for a venue: classes from yesterday on, registrations, keys."""
    v = venue(conn, venue_id)
    keyring.current_key(conn, files, now)  # a fresh platform gets its first key here
    srows = conn.execute(select(t.sessions).where(
        t.sessions.c.venue_id == venue_id, t.sessions.c.ends_at > now - timedelta(days=1))
        .order_by(t.sessions.c.starts_at, t.sessions.c.id)).all()
    sids = [s.id for s in srows]
    page = registrations_page(conn, venue_id, None, 10**9, now)
    regs = [r for r in page.items if r.session_id in set(sids)]
    trainer_ids = {s.trainer_id for s in srows if s.trainer_id is not None}
    trainers = [Trainer(id=r.id, name=r.masked_name, organisation=r.organisation)
                for r in conn.execute(select(t.trainers).where(t.trainers.c.id.in_(trainer_ids))
                                      .order_by(t.trainers.c.id))] if trainer_ids else []
    revs = conn.execute(
        select(t.revocations.c.pass_id, t.revocations.c.revoked_at)
        .select_from(t.revocations.outerjoin(t.passes,
                                             t.passes.c.pass_id == t.revocations.c.pass_id))
        .where(or_(t.passes.c.valid_until.is_(None), t.passes.c.valid_until > now))
        .order_by(t.revocations.c.pass_id)).all()
    return SiteBundle(
        format=BUNDLE_FORMAT, version=BUNDLE_VERSION, generated_at=now, venue=v,
        trainers=trainers, sessions=[_session_model(s) for s in srows], registrations=regs,
        keys=keyring.trust_list(conn, now),
        revocations=[Revocation(pass_id=r.pass_id, revoked_at=r.revoked_at) for r in revs])


def import_records(conn: Connection, venue_id: int, batch: Sequence[UploadRecord],
                   now: datetime) -> dict[str, Any]:
    """Records from a USB stick: the same checks and idempotency as an HTTP upload."""
    venue(conn, venue_id)
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
    results: list[dict[str, Any]] = []
    for chunk in _chunks(batch, 1000):
        for res in ingest(conn, chunk, device_id=None, venue_id=venue_id, now=now, source="usb"):
            counts[res.result] += 1
            results.append(res.model_dump())
    return {**counts, "results": results}


def check_envelope(conn: Connection, env: OfflineUploadEnvelope, raw_upload: Any) -> str:
    """Verify a signed USB export; returns how: ``enrolled_key`` or ``self_signed``.

    ``enrolled_key``: the device registered this key when it enrolled, so the file is its.
    ``self_signed``: the file is intact, but the key was never registered (integrity only).
    """
    from cryptography.exceptions import InvalidSignature

    body = canonical_upload_text(raw_upload)
    if hashlib.sha256(body).hexdigest() != env.sha256:
        raise ApiError(422, "bad_checksum", "the file's sha256 does not match its content; it "
                       "was changed or damaged after the kiosk wrote it")
    how = "self_signed"
    if env.device_id is not None:
        dev = conn.execute(select(t.devices).where(t.devices.c.id == env.device_id)).first()
        if dev is not None:
            if dev.venue_id != env.upload.venue_id:
                raise ApiError(422, "wrong_venue", f"device {env.device_id} is enrolled at venue "
                               f"{dev.venue_id}, but the file is for venue {env.upload.venue_id}")
            if dev.public_key is not None:
                if dev.public_key != env.device_public_key:
                    raise ApiError(403, "bad_signature", "the file is not signed with the key "
                                   f"device {env.device_id} enrolled with")
                how = "enrolled_key"
    try:
        key = passes.public_key_from_raw(base64.b64decode(env.device_public_key))
        key.verify(base64.b64decode(env.signature), body)
    except (InvalidSignature, ValueError):
        raise ApiError(403, "bad_signature", "the file's signature does not verify; it was "
                       "changed after the kiosk signed it") from None
    return how


def import_offline_closeouts(conn: Connection, venue_id: int,
                             closeouts: Sequence[CloseoutRequest],
                             now: datetime) -> list[dict[str, Any]]:
    """Close-outs done at an offline site, checked as of when the trainer signed them.

    Each runs in its own savepoint: one refused close-out does not undo the others.
    """
    out: list[dict[str, Any]] = []
    for req in closeouts:
        signed = req.device_time
        if signed is None or signed > now + timedelta(minutes=10):
            out.append({"id": req.id, "session_id": req.session_id, "result": "rejected",
                        "reason": "an offline close-out needs the time it was signed "
                        "(device_time), not in the future"})
            continue
        try:
            with conn.begin_nested():
                resp = closeout(conn, req, device_id=None, venue_id=venue_id, now=signed)
            out.append({"id": req.id, "session_id": req.session_id,
                        "result": "repeated" if resp.repeated else "closed",
                        "awards": len(resp.awards)})
        except ApiError as exc:
            out.append({"id": req.id, "session_id": req.session_id, "result": "rejected",
                        "reason": exc.error, "detail": exc.detail})
    return out


# ---------------------------------------------------------------------------
# Demo programme (the same venues, classes and parents as the kiosk's demo bundle)
# ---------------------------------------------------------------------------


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


def today(tz: str = "Asia/Shanghai") -> date:
    return datetime.now(ZoneInfo(tz)).date()


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=str)
