"""What an admin asks first: which classes are here, how full, and why sync is stuck
(``starkiosk status``; the admin screen shows the same facts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk import __version__
from kiosk.config import Config
from kiosk.core.store import SessionRow, Store
from sync import credentials
from sync.engine import sync_facts


def session_summary(store: Store, s: SessionRow, now: datetime) -> dict[str, Any]:
    return {
        "id": s.id, "title": s.title, "series": s.series, "stage": s.stage,
        "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
        "room": s.room, "trainer": s.trainer_name, "capacity": s.capacity, "credits": s.credits,
        "status": s.status.value, "walk_in_policy": s.walk_in_policy.value,
        "checkout_required": s.checkout_required,
        "open_now": s.status.value == "scheduled" and s.starts_at <= now <= s.ends_at,
        **store.session_counts(s.id),
    }


def kiosk_status(config: Config, store: Store, now: datetime) -> dict[str, Any]:
    """The whole ``starkiosk status --json`` document."""
    return {
        "version": __version__,
        "data_dir": str(config.data_dir),
        "schema_version": store.schema_version(),
        "venue": store.venue(),
        "bundle_generated_at": store.get_meta("bundle_generated_at"),
        "records": store.record_counts(),
        "classes": [session_summary(store, s, now) for s in store.sessions()],
        "sync": sync_status(config, store),
    }


def sync_status(config: Config, store: Store) -> dict[str, Any]:
    """The sync part of ``starkiosk status``: enough for an admin to see why sync is stuck."""
    try:
        creds = credentials.load(config.data_dir)
    except ValueError as exc:
        return {"enrolled": False, "problem": str(exc)}
    log_rows = store.sync_log(1)
    last = log_rows[0] if log_rows else None
    return {
        "enrolled": creds is not None,
        "api_url": creds.api_url if creds else None,
        "device_id": creds.device_id if creds else None,
        "online": bool(last and last["ok"]) if last else None,
        **sync_facts(store),
        "parked_records": store.parked()[:50],
    }
