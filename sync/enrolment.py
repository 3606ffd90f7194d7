"""Enrolling a kiosk with the credit API: spend the one-time code, keep the token, register the
kiosk's own signing key (for USB exports), and run the first full download.  No Qt: the command
line calls it directly, the app on its sync worker thread.
"""

from __future__ import annotations

import logging
import platform
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kiosk.core.clock import Clock
from kiosk.core.store import Store
from sync import credentials
from sync.addresses import is_loopback_host
from sync.client import ApiClient, ApiFailure
from sync.engine import SyncEngine, SyncResult

log = logging.getLogger(__name__)


class EnrolError(Exception):
    """Enrolment failed; ``error`` is the server's error word (or ``bad_url`` / ``network``)."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


def enrol(data_dir: Path, store: Store, url: str, code: str, *, name: str | None = None,
          clock: Clock | None = None,
          ca_bundle: str | None = None,
          insecure: bool = False) -> tuple[dict[str, Any], SyncResult]:
    """Spend an enrolment code, keep the device token, and run the first full sync.

    Blocking (network): call it on a worker thread, or before the window is up.
    """
    url = url.strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise EnrolError("bad_url", "the API address must start with https://")
    if parsed.scheme == "http" and not (insecure or is_loopback_host(parsed.hostname)):
        # The device token would cross the network in clear text, readable and reusable.
        raise EnrolError("insecure_url", "plain http:// would send this kiosk's token in clear "
                         "text: use the platform's https:// address (--insecure only for a "
                         "test network)")
    client = ApiClient(url, timeout=(5.0, 30.0), ca_bundle=ca_bundle)
    try:
        answer = client.enrol(code.strip(), name or platform.node() or "kiosk",
                              device_public_key=credentials.device_public_key_b64(data_dir))
    except ApiFailure as exc:
        log.warning("enrolment failed: %s", exc)
        raise EnrolError(exc.error or "network", str(exc)) from exc
    creds = credentials.Credentials(api_url=url, device_id=answer.device_id,
                                    venue_id=answer.venue.id, token=answer.token,
                                    ca_bundle=ca_bundle)
    where = credentials.save(data_dir, creds)
    with store.write():
        store.put_venue(answer.venue)
        store.delete_meta("device_revoked")
        for feed in ("sessions", "registrations", "revocations"):
            store.delete_meta(f"cursor_{feed}")
    client.token = answer.token
    result = SyncEngine(store, client, clock).run_once(force=True)
    log.info("enrolled as device %s at %s; first sync ok=%s", answer.device_id,
             answer.venue.name, result.ok)
    return {"venue": answer.venue.name, "device_id": answer.device_id, "sync_ok": result.ok,
            "token_stored_in": where}, result
