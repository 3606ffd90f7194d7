"""The kiosk's SQLite store: the only package that speaks SQL.

Durability rules (DESIGN §5): WAL journal, ``synchronous=FULL``, every check-in committed before
anyone is told it was accepted.  A record's UUID is its idempotency key forever; the record row
*is* the outbox (``state`` pending → acknowledged / parked with a reason).  One connection per
thread: a :class:`Store` must only be used from the thread that opened it.

:class:`Store` is the one object callers use; its methods live in one module per concern:

- :mod:`.connection` — opening the file, pragmas, the write transaction, :class:`StoreError`,
  :func:`to_iso` / :func:`from_iso`, backups;
- :mod:`.schema` — the DDL, the ordered migrations and :data:`SCHEMA_VERSION`;
- :mod:`.meta` — key/values (``meta``) and the sync log;
- :mod:`.catalogue` — site data: venue, trainers, sessions, registrations, trust keys,
  revocations, bundle import, the roster;
- :mod:`.records` — check-in/check-out records (the outbox) and scan events;
- :mod:`.closeouts` — the close-out queue;
- :mod:`.exports` — which records each USB export carried.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.core.store.catalogue import (
    CatalogueMixin,
    ImportSummary,
    RegistrationRow,
    SessionRow,
)
from kiosk.core.store.closeouts import CloseoutsMixin
from kiosk.core.store.connection import BUSY_TIMEOUT_MS, StoreError, from_iso, to_iso
from kiosk.core.store.exports import ExportsMixin
from kiosk.core.store.meta import MetaMixin
from kiosk.core.store.records import NewRecord, RecordsMixin
from kiosk.core.store.schema import MIGRATIONS, SCHEMA_VERSION, SchemaMixin

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ImportSummary",
    "NewRecord",
    "RegistrationRow",
    "SessionRow",
    "Store",
    "StoreError",
    "from_iso",
    "to_iso",
]


class Store(CatalogueMixin, RecordsMixin, CloseoutsMixin, ExportsMixin, MetaMixin, SchemaMixin):
    """One kiosk database file."""

    def __init__(self, path: Path | str, *, check: bool = True) -> None:
        super().__init__(path)  # open the file with the durability pragmas
        self._keys = None
        if check:
            self.quick_check()
        self.migrate()
