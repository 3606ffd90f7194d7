"""What every use-case shares: :class:`ApiError`, settings and policy, and small SQL helpers
(portable ``INSERT … ON CONFLICT DO NOTHING``, ``IN`` lists, change numbers, retried
transactions)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Insert
from sqlalchemy.sql.schema import Table

from credit_api import credits as rules
from credit_api import db as t

log = logging.getLogger("credit_api")


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


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


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


def today(tz: str = "Asia/Shanghai") -> date:
    return datetime.now(ZoneInfo(tz)).date()


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=str)
