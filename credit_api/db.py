"""Tables (SQLAlchemy Core), engines and migrations.

The schema is created and upgraded by the Alembic scripts in ``credit_api/migrations``; the
``Table`` objects here are what queries use, and a test checks that the two agree.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (text) and PostgreSQL (timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

settings = Table(
    "settings", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

counters = Table(
    "counters", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

venues = Table(
    "venues", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(120), nullable=False),
    Column("kind", String(120), nullable=False),
    Column("district", String(120), nullable=False),
    Column("timezone", String(64), nullable=False),
)

trainers = Table(
    "trainers", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("masked_name", String(12), nullable=False),
    Column("organisation", String(120)),
)

parents = Table(
    "parents", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("masked_name", String(12), nullable=False),
    Column("phone_last4", String(4), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("completed", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

stage_credits = Table(
    "stage_credits", metadata,
    Column("parent_id", BigInteger, ForeignKey("parents.id"), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("credits", Integer, nullable=False),
    PrimaryKeyConstraint("parent_id", "stage"),
)

stars = Table(
    "stars", metadata,
    Column("parent_id", BigInteger, ForeignKey("parents.id"), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("earned_on", String(10), nullable=False),
    Column("session_id", BigInteger),
    PrimaryKeyConstraint("parent_id", "stage"),
)

sessions = Table(
    "sessions", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("venue_id", BigInteger, ForeignKey("venues.id"), nullable=False),
    Column("title", String(120), nullable=False),
    Column("series", String(120), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("credits", Integer, nullable=False),
    Column("room", String(120)),
    Column("trainer_id", BigInteger),
    Column("walk_in_policy", String(16), nullable=False),
    Column("checkout_required", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("walk_in_cap", Integer),  # walk-ins a trainer may add at close-out; NULL: the setting
    Index("sessions_venue_seq", "venue_id", "seq", "id"),
)

registrations = Table(
    "registrations", metadata,
    Column("session_id", BigInteger, ForeignKey("sessions.id"), nullable=False),
    Column("parent_id", BigInteger, ForeignKey("parents.id"), nullable=False),
    Column("venue_id", BigInteger, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("session_id", "parent_id"),
    Index("registrations_venue_seq", "venue_id", "seq", "session_id", "parent_id"),
    Index("registrations_parent", "parent_id"),
)

signing_keys = Table(
    "signing_keys", metadata,
    Column("key_id", Integer, primary_key=True, autoincrement=False),
    Column("public_key", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("retired_at", UTCDateTime),
    Column("not_after", UTCDateTime),
)

passes = Table(
    "passes", metadata,
    Column("pass_id", BigInteger, primary_key=True, autoincrement=False),
    Column("holder_id", BigInteger, nullable=False),
    Column("role", String(8), nullable=False),
    Column("key_id", Integer, nullable=False),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_until", UTCDateTime, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Index("passes_holder", "holder_id"),
)

revocations = Table(
    "revocations", metadata,
    Column("pass_id", BigInteger, primary_key=True, autoincrement=False),
    Column("revoked_at", UTCDateTime, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Index("revocations_seq", "seq", "pass_id"),
)

devices = Table(
    "devices", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("venue_id", BigInteger, ForeignKey("venues.id"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("enrolled_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Column("last_seen_at", UTCDateTime),
    Column("public_key", String(64)),
    Column("revoked_reason", String(500)),  # what the admin typed, for the device list
    Column("pending_reported", Integer),  # records waiting on the kiosk, as it last said
    Column("pending_reported_at", UTCDateTime),
)

enrolment_codes = Table(
    "enrolment_codes", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("venue_id", BigInteger, ForeignKey("venues.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("device_id", Integer),
)

records = Table(
    "records", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("session_id", BigInteger, nullable=False),
    Column("parent_id", BigInteger, nullable=False),
    Column("pass_id", BigInteger),
    Column("method", String(8), nullable=False),
    Column("walk_in", Boolean, nullable=False),
    Column("device_time", UTCDateTime, nullable=False),
    Column("clock_offset_ms", BigInteger, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("device_id", Integer),
    Column("source", String(8), nullable=False),
    Column("removed_reason", String(200)),
    Column("removed_by", String(36)),
    UniqueConstraint("session_id", "parent_id", "kind", name="records_one_per_parent_class"),
)

duplicate_records = Table(
    "duplicate_records", metadata,
    Column("id", String(36), primary_key=True),
    Column("duplicate_of_session", BigInteger, nullable=False),
    Column("parent_id", BigInteger, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("device_id", Integer),
    Column("received_at", UTCDateTime, nullable=False),
)

# Records the platform refused at upload (an audit trail, never credited): a close-out can tell
# "refused earlier" from "not uploaded yet".  The first refusal of an id is kept.
refused_records = Table(
    "refused_records", metadata,
    Column("id", String(36), primary_key=True),
    Column("device_id", Integer),
    Column("kind", String(8), nullable=False),
    Column("session_id", BigInteger, nullable=False),
    Column("parent_id", BigInteger, nullable=False),
    Column("reason", String(40), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Index("refused_records_session", "session_id"),
)

closeouts = Table(
    "closeouts", metadata,
    Column("id", String(36), primary_key=True),
    Column("session_id", BigInteger, nullable=False, unique=True),
    Column("trainer_id", BigInteger, nullable=False),
    Column("trainer_pass_id", BigInteger, nullable=False),
    Column("device_id", Integer),
    Column("closed_at", UTCDateTime, nullable=False),
    Column("response", Text, nullable=False),
)

roster_corrections = Table(
    "roster_corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("closeout_id", String(36), nullable=False),
    Column("action", String(8), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("parent_id", BigInteger, nullable=False),
    Column("reason", String(200), nullable=False),
    Index("roster_corrections_closeout", "closeout_id"),
)

credit_awards = Table(
    "credit_awards", metadata,
    Column("session_id", BigInteger, nullable=False),
    Column("parent_id", BigInteger, nullable=False),
    Column("stage", Integer, nullable=False),
    Column("credits", Integer, nullable=False),
    Column("closeout_id", String(36), nullable=False),
    Column("awarded_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("session_id", "parent_id"),
    Index("credit_awards_parent", "parent_id"),
)

trainer_venues = Table(  # who may close out a class without a trainer of its own
    "trainer_venues", metadata,
    Column("trainer_id", BigInteger, ForeignKey("trainers.id"), nullable=False),
    Column("venue_id", BigInteger, ForeignKey("venues.id"), nullable=False),
    Column("authorised_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("trainer_id", "venue_id"),
)

trainer_pass_uses = Table(  # which device presented which trainer pass, where and when
    "trainer_pass_uses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pass_id", BigInteger, nullable=False),
    Column("trainer_id", BigInteger, nullable=False),
    Column("device_id", Integer),
    Column("venue_id", BigInteger, nullable=False),
    Column("session_id", BigInteger, nullable=False),
    Column("closeout_id", String(36), nullable=False),
    Column("used_at", UTCDateTime, nullable=False),
    Column("day", String(10), nullable=False),
    Column("source", String(8), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("trainer_pass_uses_pass_day", "pass_id", "day"),
    Index("trainer_pass_uses_day", "day"),
)

enrol_failures = Table(  # failed enrolment attempts, for the per-address and per-code limits
    "enrol_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
    Index("enrol_failures_client", "client", "failed_at"),
    Index("enrol_failures_code", "code_hash", "failed_at"),
    Index("enrol_failures_at", "failed_at"),
)


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``.  SQLite gets WAL, FULL sync, a busy timeout and ``BEGIN IMMEDIATE``."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            db_file = Path(path)
            db_file.parent.mkdir(parents=True, exist_ok=True)
            if not db_file.exists():  # device token hashes live here: owner only
                os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT, 0o600))
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Take the write lock up front: a read-then-write transaction never meets a stale
            # snapshot (SQLITE_BUSY_SNAPSHOT) and concurrent uploads simply queue.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, **kwargs)


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (a fresh database just works)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def now_utc() -> datetime:
    return datetime.now(UTC)
