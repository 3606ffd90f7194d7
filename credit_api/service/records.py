"""Upload of check-in records: each record is accepted, answered ``duplicate`` or rejected
with a reason, and the answers come back one per record, in order.

A record id belongs to the device that first sent it: the same id from another device is
rejected ``id_conflict`` (the kiosk parks it), never answered ``duplicate`` (which a kiosk
takes as "the platform has it").  A scanned pass id must be one the platform issued, to that
parent (``unknown_pass``, ``pass_of_another_parent``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from credit_api import db as t
from credit_api.service.common import _chunks, among, insert_ignore
from sync.protocol import RecordResult, UploadRecord

#: How far (corrected) record times may lie outside a class and still be accepted.
RECORD_SLACK = timedelta(days=1)


def ingest(conn: Connection, batch: Sequence[UploadRecord], *, device_id: int | None,
           venue_id: int, now: datetime, source: str = "http") -> list[RecordResult]:
    """Store a batch of records; one result per record, in order.

    Idempotent forever by record id (for the device that sent it), and one record per
    (parent, class, kind) whatever device sent it: both kinds of repeat are answered
    ``duplicate`` and stored nothing new.
    """
    known = _known_ids(conn, [r.id for r in batch])
    sessions, parents, owners = _batch_context(conn, batch)
    results, rows, pending, dupes, refused = _triage(batch, known, sessions, parents, owners,
                                                     device_id=device_id, venue_id=venue_id,
                                                     now=now, source=source)
    if refused:  # the audit trail a close-out reads ("refused earlier", not "not uploaded")
        conn.execute(insert_ignore(conn, t.refused_records), refused)
    present = _store(conn, rows)
    for row in rows:
        i = pending[row["id"]]
        if row["id"] in present and present[row["id"]] == device_id:
            results[i] = RecordResult(id=row["id"], result="accepted")
        elif row["id"] in present:  # another device stored this id at the same moment
            results[i] = RecordResult(id=row["id"], result="rejected", reason="id_conflict")
        else:
            results[i] = RecordResult(id=row["id"], result="duplicate", reason="already_recorded")
            dupes.append({"id": row["id"], "duplicate_of_session": row["session_id"],
                          "parent_id": row["parent_id"], "kind": row["kind"],
                          "device_id": device_id, "received_at": now})
    if dupes:
        conn.execute(insert_ignore(conn, t.duplicate_records), dupes)
    return [r for r in results if r is not None]


def _known_ids(conn: Connection, ids: Sequence[str]) -> dict[str, int | None]:
    """Record ids the platform has seen before (stored, or answered as a duplicate), each
    with the device that sent it."""
    known: dict[str, int | None] = {}
    for chunk in _chunks(ids, 1000):
        for table in (t.duplicate_records, t.records):  # a stored record's device wins
            known.update((rid, dev) for rid, dev in conn.execute(
                select(table.c.id, table.c.device_id).where(among(conn, table.c.id, chunk))))
    return known


def _batch_context(conn: Connection, batch: Sequence[UploadRecord]
                   ) -> tuple[dict[int, Row[Any]], set[int], dict[int, int]]:
    """The batch's classes by id, its known parents, and the holder of each parent pass."""
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
    return sessions, parents, owners


def _triage(batch: Sequence[UploadRecord], known: dict[str, int | None],
            sessions: dict[int, Row[Any]],
            parents: set[int], owners: dict[int, int], *, device_id: int | None, venue_id: int,
            now: datetime, source: str
            ) -> tuple[list[RecordResult | None], list[dict[str, Any]], dict[str, int],
                       list[dict[str, Any]], list[dict[str, Any]]]:
    """Answer what can be answered without writing; the rest become rows to insert.

    Returns the answers so far (None where a row waits to be inserted), those rows, each
    row's place in the batch, the duplicates to note and the refusals to keep.
    """
    results: list[RecordResult | None] = [None] * len(batch)
    rows: list[dict[str, Any]] = []
    pending: dict[str, int] = {}
    batch_keys: set[tuple[int, int, str]] = set()
    dupes: list[dict[str, Any]] = []
    refused: dict[str, dict[str, Any]] = {}
    for i, rec in enumerate(batch):
        if rec.id in known and known[rec.id] != device_id:
            results[i] = RecordResult(id=rec.id, result="rejected", reason="id_conflict")
            continue
        if rec.id in known or rec.id in pending:
            results[i] = RecordResult(id=rec.id, result="duplicate", reason="known_id")
            continue
        reason = _reject_reason(rec, sessions.get(rec.session_id), venue_id, parents, owners)
        if reason:
            results[i] = RecordResult(id=rec.id, result="rejected", reason=reason)
            refused.setdefault(rec.id, {
                "id": rec.id, "device_id": device_id, "kind": rec.kind,
                "session_id": rec.session_id, "parent_id": rec.parent_id, "reason": reason,
                "received_at": now})
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
    return results, rows, pending, dupes, list(refused.values())


def _store(conn: Connection, rows: list[dict[str, Any]]) -> dict[str, int | None]:
    """Insert the rows, skipping conflicts; the rows' ids now stored, with their device."""
    inserted: dict[str, int | None] = {}
    if rows:
        # One global order for the unique keys, so concurrent uploads of overlapping records
        # wait for each other instead of deadlocking (PostgreSQL).
        rows.sort(key=lambda r: (r["session_id"], r["parent_id"], r["kind"], r["id"]))
        conn.execute(insert_ignore(conn, t.records), rows)
        # Which of them are ours now: ids are checked unknown above, so an id present after
        # the insert was stored by this batch (or, at the same instant, by a copy of it — from
        # this device, or from another one: the caller tells them apart by the device).
        ours = [r["id"] for r in rows]
        for chunk in _chunks(ours, 1000):
            inserted.update((rid, dev) for rid, dev in conn.execute(
                select(t.records.c.id, t.records.c.device_id)
                .where(among(conn, t.records.c.id, chunk))))
    return inserted


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
    if rec.pass_id is not None:
        holder = owners.get(rec.pass_id)
        if holder is None:
            return "unknown_pass"  # never issued by the platform (or not a parent's pass)
        if holder != rec.parent_id:
            return "pass_of_another_parent"
    try:
        at = rec.device_time + timedelta(milliseconds=rec.clock_offset_ms)
    except OverflowError:
        return "outside_class_window"
    if not session.starts_at - RECORD_SLACK <= at <= session.ends_at + RECORD_SLACK:
        return "outside_class_window"
    return None
