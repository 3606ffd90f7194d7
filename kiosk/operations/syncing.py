"""One sync pass as an admin or a script asks for it (``starkiosk sync``, ``close-out``)."""

from __future__ import annotations

import logging

from kiosk.config import Config
from kiosk.core.store import Store
from sync import credentials
from sync.client import ApiClient
from sync.engine import SyncEngine, SyncResult, purge_expired

log = logging.getLogger(__name__)


def build_engine(config: Config, store: Store) -> tuple[SyncEngine, credentials.Credentials | None]:
    """The sync engine on this kiosk's enrolment (no API client when it is not enrolled)."""
    creds = credentials.load(config.data_dir)
    client = ApiClient(creds.api_url, creds.token, ca_bundle=creds.ca_bundle) if creds else None
    return SyncEngine(store, client), creds


def after_pass(config: Config, store: Store, engine: SyncEngine, result: SyncResult) -> int:
    """A good pass lets the retention purge run; returns how many records it removed."""
    if not result.ok:
        return 0
    purged = purge_expired(store, engine.clock, config.get("retention_days"))
    if purged:
        log.info("retention: purged %d acknowledged records", purged)
    return purged


def run_sync(config: Config, store: Store, *, force: bool = True,
             engine: SyncEngine | None = None) -> SyncResult:
    """One pass now (``force`` ignores the back-off), then the retention purge if it went well."""
    engine = engine or build_engine(config, store)[0]
    result = engine.run_once(force=force)
    after_pass(config, store, engine, result)
    return result
